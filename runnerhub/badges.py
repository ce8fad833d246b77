"""A state shown as a coloured badge in admin, the same in every app: the tone names the
colour (runnerhub/css/admin-site.css), each app says which of its states takes which."""

from enum import StrEnum

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


class Tone(StrEnum):
    QUIET = "quiet"  # not live: a draft, removed, unsubscribed
    INFO = "info"  # waits for a time: scheduled
    WAITING = "waiting"  # under way or waits for a person: sending, pending
    GOOD = "good"  # live or done: published, sent, active
    BAD = "bad"  # refused: spam


def badge(tone: Tone, label: str, *, title: str = "") -> SafeString:
    """The badge; `title`, if given, is shown on hover (e.g. when a link was checked)."""
    return render_to_string(
        "admin/includes/badge.html", {"tone": tone.value, "label": label, "title": title}
    )
