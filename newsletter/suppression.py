"""Writes with side effects for deliverability: an address that bounces or whose owner
reports a newsletter as spam is suppressed (never mailed again) with the reason, time and
source on record. Called by the sending engine (a 5xx at RCPT) and by the mail providers'
webhooks (newsletter.webhooks); kept apart from services.py, which the engine imports."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Subscriber

# A mailbox that is full or a server that is away is not a dead address; this many soft
# bounces within SOFT_BOUNCE_DAYS is treated as one (a hard bounce suppresses at once).
SOFT_BOUNCE_LIMIT = 3
SOFT_BOUNCE_DAYS = 30
SMTP_SOURCE = "SMTP"  # refused while sending; a provider's report says "<Provider> webhook"


def _suppressible(*, subscriber_id: int | None, email: str | None) -> Subscriber | None:
    """The subscriber (row locked until the caller's transaction ends) by id or address."""
    rows = Subscriber.objects.select_for_update()
    if subscriber_id is not None:
        return rows.filter(pk=subscriber_id).first()
    email = (email or "").strip()
    if not email or len(email) > 254 or "\x00" in email:  # no subscriber has such an address
        return None
    return rows.filter(email__iexact=email).first()


def _one_line(text: object) -> str:
    return " ".join(str(text).replace("\x00", "").split())[:300]


@transaction.atomic
def subscriber_bounce(
    *,
    permanent: bool,
    reason: str,
    source: str,
    subscriber_id: int | None = None,
    email: str | None = None,
) -> str:
    """Record a bounce of a subscriber's address (by id, or by address for a provider's
    report). A permanent one suppresses it at once; a soft one is counted and suppresses
    after SOFT_BOUNCE_LIMIT within SOFT_BOUNCE_DAYS. Returns "bounced", "counted" or
    "unknown" (no such subscriber, or already suppressed). Effective at once, also for an
    issue being sent (workers check the status right before each message)."""
    subscriber = _suppressible(subscriber_id=subscriber_id, email=email)
    if subscriber is None or subscriber.status in Subscriber.SUPPRESSED:
        return "unknown"
    now = timezone.now()
    reason = _one_line(reason)
    if not permanent:
        window_open = subscriber.soft_bounce_since and now - subscriber.soft_bounce_since < (
            timedelta(days=SOFT_BOUNCE_DAYS)
        )
        if window_open:
            subscriber.soft_bounces += 1
        else:
            subscriber.soft_bounces, subscriber.soft_bounce_since = 1, now
        fields = ["soft_bounces", "soft_bounce_since"]
        if subscriber.soft_bounces < SOFT_BOUNCE_LIMIT:
            subscriber.save(update_fields=fields)
            return "counted"
        reason = (
            f"{subscriber.soft_bounces} soft bounces in {SOFT_BOUNCE_DAYS} days; last: {reason}"
        )
    else:
        fields = []
    subscriber.status = Subscriber.Status.BOUNCED
    subscriber.suppressed_at, subscriber.suppressed_source = now, source[:40]
    subscriber.suppressed_reason = reason[:300]
    subscriber.save(
        update_fields=[*fields, "status", "suppressed_at", "suppressed_source", "suppressed_reason"]
    )
    return "bounced"


@transaction.atomic
def subscriber_complain(*, reason: str, source: str, email: str) -> bool:
    """A spam complaint: the address is unsubscribed at once and the complaint recorded;
    only the person's own new confirmation lifts it. Returns whether anyone matched."""
    subscriber = _suppressible(subscriber_id=None, email=email)
    if subscriber is None:
        return False
    now = timezone.now()
    subscriber.status = Subscriber.Status.COMPLAINED
    subscriber.unsubscribed_at = subscriber.unsubscribed_at or now
    subscriber.suppressed_at, subscriber.suppressed_source = now, source[:40]
    subscriber.suppressed_reason = _one_line(reason)
    subscriber.save(
        update_fields=[
            "status",
            "unsubscribed_at",
            "suppressed_at",
            "suppressed_source",
            "suppressed_reason",
        ]
    )
    return True
