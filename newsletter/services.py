"""Subscribing, confirming and unsubscribing: writes with side effects (the signed links
they send and read are newsletter.tokens)."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from runnerhub.tasks import queue_email

from .models import CONSENT_TEXT, Subscriber
from .tokens import confirm_token, unsubscribe_headers, unsubscribe_url

RESEND_AFTER = timedelta(hours=1)


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


def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    """Effective at once, also for an issue being sent right now (workers check the status
    right before each message)."""
    Subscriber.objects.filter(pk=subscriber.pk).exclude(
        status=Subscriber.Status.UNSUBSCRIBED
    ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
