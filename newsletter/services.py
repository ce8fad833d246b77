"""Subscribing, confirming and unsubscribing: writes with side effects."""

import time
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from runnerhub.tasks import queue_email

from .models import CONSENT_TEXT, Subscriber

CONFIRM_SALT = "newsletter.confirm"
ADDRESS_SALT = "newsletter.confirm.address"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
CONFIRM_MAX_AGE = timedelta(hours=48)
RESEND_AFTER = timedelta(hours=1)


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


def subscriber_signup(*, email: str, first_name: str = "", source: str = "") -> None:
    """Sign an address up for double opt-in. The caller's answer is the same whatever
    happens here, so nobody can learn who is subscribed."""
    now = timezone.now()
    email = email.strip()
    source = source[:300]
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=email,
                        first_name=first_name,
                        consent_text=CONSENT_TEXT,
                        consent_at=now,
                        consent_source=source,
                    )
            except IntegrityError:  # the same address signing up twice at once
                return
        elif subscriber.status == Subscriber.Status.ACTIVE:
            return  # already subscribed: nothing to send
        elif subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            subscriber.status = Subscriber.Status.PENDING
            subscriber.confirmed_at = None
            subscriber.confirmation_sent_at = None
        if subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < RESEND_AFTER:
            return  # at most one confirmation email an hour
        # The consent on record is the one the link about to be sent confirms.
        subscriber.first_name = first_name or subscriber.first_name
        subscriber.consent_text, subscriber.consent_at = CONSENT_TEXT, now
        subscriber.consent_source = source
        subscriber.confirmation_sent_at = now
        subscriber.save()
        _send_confirmation(subscriber)


def _send_confirmation(subscriber: Subscriber) -> None:
    url = settings.SITE_URL + reverse("newsletter:confirm", args=[confirm_token(subscriber)])
    context = {"subscriber": subscriber, "confirm_url": url, "SITE_NAME": settings.SITE_NAME}
    queue_email(
        to=[subscriber.email],
        subject="Please confirm your RunnerHub newsletter subscription",
        text=render_to_string("newsletter/email/confirm.txt", context),
    )


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
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED or (
        subscriber.unsubscribed_at and made_ms < subscriber.unsubscribed_at.timestamp() * 1000
    ):
        # A confirmation link from before an unsubscribe must not resubscribe anyone.
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


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber) -> None:
    updated = Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.PENDING).update(
        status=Subscriber.Status.ACTIVE, confirmed_at=timezone.now()
    )
    if updated:
        subscriber.refresh_from_db()
        context = {
            "subscriber": subscriber,
            "unsubscribe_url": unsubscribe_url(subscriber),
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
        }
        queue_email(
            to=[subscriber.email],
            subject="Welcome to the RunnerHub newsletter",
            text=render_to_string("newsletter/email/welcome.txt", context),
            html=render_to_string("newsletter/email/welcome.html", context),
            headers=unsubscribe_headers(subscriber),
        )


def subscriber_from_unsubscribe_token(token: str) -> Subscriber | None:
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    return Subscriber.objects.filter(pk=pk).first() if type(pk) is int else None


def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Effective at once, also for an issue being sent right now (workers check the status
    right before each message)."""
    Subscriber.objects.filter(pk=subscriber.pk).exclude(
        status=Subscriber.Status.UNSUBSCRIBED
    ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
