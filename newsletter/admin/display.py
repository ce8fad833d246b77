"""What the newsletter admin shows the same way everywhere: status badges."""

from django.utils.safestring import SafeString

from runnerhub.badges import Tone, badge

from ..models import Issue, Subscriber

# The Media of both ModelAdmins (the newsletter's own admin pages link it in their _base.html).
CSS = {"all": ("newsletter/admin.css",)}

TONES = {
    Issue: {
        Issue.Status.DRAFT: Tone.QUIET,
        Issue.Status.SCHEDULED: Tone.INFO,
        Issue.Status.SENDING: Tone.WAITING,
        Issue.Status.SENT: Tone.GOOD,
    },
    Subscriber: {
        Subscriber.Status.PENDING: Tone.WAITING,
        Subscriber.Status.ACTIVE: Tone.GOOD,
        Subscriber.Status.UNSUBSCRIBED: Tone.QUIET,
        Subscriber.Status.BOUNCED: Tone.BAD,
        Subscriber.Status.COMPLAINED: Tone.BAD,
    },
}


def badge_for(obj: Issue | Subscriber) -> SafeString:
    """An issue's or a subscriber's status as a badge."""
    return badge(TONES[type(obj)][obj.status], obj.get_status_display())
