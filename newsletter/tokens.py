"""The signed links in newsletter emails: confirming a sign-up and unsubscribing. Making
them, and reading them back to the subscriber they name (reads only: what a link does is
in newsletter.services)."""

import time
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Subscriber

CONFIRM_SALT = "newsletter.confirm"
ADDRESS_SALT = "newsletter.confirm.address"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_MAX_AGE = timedelta(hours=48)


def _address_check(email: str) -> str:
    """A short keyed hash of the address: it binds a link to the address it was sent to
    without showing it (links are logged by mail systems), and without the secret key
    nobody can try a list of addresses against it."""
    return salted_hmac(ADDRESS_SALT, email.lower(), algorithm="sha256").hexdigest()[:20]


def confirm_token(subscriber: Subscriber) -> str:
    # Signed [pk, ms, address check]: readable, but with nothing personal in it. The time
    # the link was made (ms) lets a link from before an unsubscribe be refused even after
    # the address signed up again and waits for its new link.
    return signing.dumps(
        [subscriber.pk, int(time.time() * 1000), _address_check(subscriber.email)],
        salt=CONFIRM_SALT,
    )


def unsubscribe_token(subscriber: Subscriber) -> str:
    # No timestamp: the same link in every email, valid as long as the address is on file.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(subscriber.pk)


def unsubscribe_url(subscriber: Subscriber) -> str:
    return settings.SITE_URL + reverse(
        "newsletter:unsubscribe", args=[unsubscribe_token(subscriber)]
    )


def unsubscribe_headers(subscriber: Subscriber) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe, on every newsletter and welcome email."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


class ConfirmResult(Enum):
    CONFIRMED = "confirmed"
    ALREADY = "already"
    EXPIRED = "expired"
    INVALID = "invalid"
    USED = "used"


def subscriber_from_confirm_token(token: str) -> tuple[Subscriber | None, ConfirmResult]:
    expired = False
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        # Still ours: an old link of an address that has confirmed since says so.
        expired = True
        data = signing.loads(token, salt=CONFIRM_SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None, ConfirmResult.INVALID
    subscriber, made_ms = _confirm_link_target(data)
    if subscriber is None:
        return None, ConfirmResult.INVALID
    if subscriber.status == Subscriber.Status.ACTIVE:
        return subscriber, ConfirmResult.ALREADY
    sent = subscriber.confirmation_sent_at
    if (
        subscriber.status == Subscriber.Status.UNSUBSCRIBED
        or any(
            moment and made_ms < moment.timestamp() * 1000
            for moment in (subscriber.unsubscribed_at, subscriber.suppressed_at)
        )
        or (
            subscriber.status in Subscriber.SUPPRESSED
            and not (sent and made_ms >= int(sent.timestamp() * 1000))
        )
    ):
        # A confirmation link from before an unsubscribe, a bounce or a complaint must not
        # resubscribe anyone: only the one sent after it (by a new sign-up) can.
        return subscriber, ConfirmResult.USED
    if expired:
        return subscriber, ConfirmResult.EXPIRED
    return subscriber, ConfirmResult.CONFIRMED


def _confirm_link_target(data: object) -> tuple[Subscriber | None, int]:
    """The subscriber a signed confirmation payload names, if the address still matches,
    and when the link was made."""
    if isinstance(data, list) and len(data) == 3:
        pk, made_ms, check = data
        if type(pk) is not int or type(made_ms) is not int or not isinstance(check, str):
            return None, 0
        subscriber = Subscriber.objects.filter(pk=pk).first()
        if subscriber and constant_time_compare(check, _address_check(subscriber.email)):
            return subscriber, made_ms
        return None, 0
    # Links sent before tokens became opaque ({"s": pk, "e": email, "t": ms}) keep working
    # for their 48 hours: their addresses are in mail logs already, and refusing them
    # would turn away people who signed up just before the release. Once the release is
    # 48 hours old, every such link has expired and this branch can go.
    if isinstance(data, dict) and type(data.get("s")) is int:
        email, made_ms = data.get("e"), data.get("t", 0)
        if isinstance(email, str) and type(made_ms) is int:
            subscriber = Subscriber.objects.filter(pk=data["s"], email__iexact=email).first()
            return subscriber, made_ms
    return None, 0


def subscriber_from_unsubscribe_token(token: str) -> Subscriber | None:
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    return Subscriber.objects.filter(pk=pk).first() if type(pk) is int else None
