"""What the newsletter admin shows the same way everywhere: status badges and times."""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

# The Media of both ModelAdmins (the newsletter's own admin pages link it in their _base.html).
CSS = {"all": ("newsletter/admin.css",)}
DATE_TIME = "%-d %b %Y, %H:%M"
DATE_AT_TIME = "%-d %b %Y at %H:%M"


def badge(status: str, label: str) -> SafeString:
    """An issue's or a subscriber's status as a badge; its colour comes from the status
    (newsletter/admin.css), so every badge of the newsletter admin is this one template."""
    return render_to_string(
        "admin/newsletter/includes/_badge.html", {"status": status, "label": label}
    )


def stamp(moment: datetime, fmt: str = DATE_TIME) -> str:
    """A moment in the site's time zone."""
    return timezone.localtime(moment).strftime(fmt)


def clock(moment: datetime) -> str:
    """The time of day for a moment today, with its date on any other day."""
    if timezone.localtime(moment).date() == timezone.localdate():
        return stamp(moment, "%H:%M")
    return stamp(moment)
