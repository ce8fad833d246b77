"""Writes with side effects: subscribing, confirming and unsubscribing; starting, guarding
and taking back the sending of an issue (the engine that sends is newsletter.sending;
bounces and complaints are newsletter.suppression)."""

import datetime
import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from runnerhub.tasks import queue_email

from . import sending
from .models import CONSENT_TEXT, Issue, LinkClick, Subscriber
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
            # A new double opt-in: nothing is sent to the address until it is confirmed.
            subscriber.status = Subscriber.Status.PENDING
            subscriber.confirmed_at = None
            subscriber.confirmation_sent_at = None
        # A bounce or a complaint stays on record (status, counts, and the block on every
        # newsletter) until the person clicks the new confirmation link themselves: a
        # stranger typing the address changes nothing but that one email.
        if subscriber.confirmation_sent_at and now - subscriber.confirmation_sent_at < RESEND_AFTER:
            return  # at most one confirmation email an hour
        if subscriber.status not in Subscriber.SUPPRESSED:
            # The consent on record is the one the link about to be sent confirms.
            subscriber.first_name = first_name or subscriber.first_name
            subscriber.consent_text, subscriber.consent_at = CONSENT_TEXT, now
            subscriber.consent_source = source
        # A suppressed record keeps its name and consent (the evidence of what happened to
        # it) until the owner confirms: the confirmation records the consent then.
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
    now = timezone.now()
    updated = Subscriber.objects.filter(pk=subscriber.pk, status=Subscriber.Status.PENDING).update(
        status=Subscriber.Status.ACTIVE, confirmed_at=now, soft_bounces=0
    )
    # A bounced or complained address that its owner confirms again: the consent given by
    # this confirmation replaces the one on record (a stranger's sign-up changed nothing).
    updated += Subscriber.objects.filter(pk=subscriber.pk, status__in=Subscriber.SUPPRESSED).update(
        status=Subscriber.Status.ACTIVE,
        confirmed_at=now,
        soft_bounces=0,
        consent_text=CONSENT_TEXT,
        consent_at=now,
        consent_source="confirmation after a bounce or complaint",
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


def subscribers_unsubscribe(*, subscribers: QuerySet[Subscriber]) -> int:
    """Unsubscribe everyone in `subscribers` not unsubscribed yet; returns how many. Effective
    at once, also for an issue being sent right now (workers check the status right before
    each message). A bounced or complained address keeps its status (so the dashboard's
    counts and the block on a stranger's sign-up keep it) and gets the time of the
    unsubscribe, which also voids any confirmation link sent before it."""
    now = timezone.now()
    with transaction.atomic():
        suppressed = subscribers.filter(status__in=Subscriber.SUPPRESSED).update(
            unsubscribed_at=now
        )
        plain = subscribers.exclude(
            status__in=(Subscriber.Status.UNSUBSCRIBED, *Subscriber.SUPPRESSED)
        ).update(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=now)
    return suppressed + plain


def subscriber_unsubscribe(*, subscriber: Subscriber) -> None:
    subscribers_unsubscribe(subscribers=Subscriber.objects.filter(pk=subscriber.pk))


# Issues -----------------------------------------------------------------------------------


class IssueLocked(Exception):
    """The issue is being sent or was sent: it is never sent again and no longer changes."""

    def __init__(self, issue: Issue):
        super().__init__(f"Newsletter issue {issue.pk} is {issue.status}.")
        self.issue = issue


class NoConfirmedSubscribers(Exception):
    """Nobody has confirmed yet: a send would go to nobody and leave the issue sent."""


def issue_lock_unsent(*, issue_id: int) -> Issue:
    """The issue, its row locked until the caller's transaction ends: a send that starts
    elsewhere meanwhile waits for that transaction, and one that started first is refused
    with IssueLocked (Issue.DoesNotExist if it was deleted). Call it inside a transaction;
    outside one Django refuses the lock."""
    issue = Issue.objects.select_for_update().get(pk=issue_id)
    if issue.status in Issue.LOCKED:
        raise IssueLocked(issue)
    return issue


@transaction.atomic
def issue_start_sending(*, issue_id: int, in_background: bool = True) -> int:
    """Start sending an issue to every confirmed subscriber; returns how many it goes to.
    The one way an editor (admin) or an operator (send_newsletter) starts a send: under the
    issue's row lock, refused when it is sending or sent (IssueLocked) or nobody has
    confirmed (NoConfirmedSubscribers). In the background, workers send it once this
    commits; otherwise the caller runs the sender itself (newsletter.sending.run_sender)."""
    issue = issue_lock_unsent(issue_id=issue_id)
    if not Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).exists():
        raise NoConfirmedSubscribers
    if in_background:
        return sending.issue_send_now(issue)
    return sending.issue_start(issue)


def issue_unschedule(*, issue: Issue) -> bool:
    """Take a scheduled issue back to draft; returns whether it was scheduled. The send
    jobs booked for its time then find a draft and exit."""
    taken_back = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SCHEDULED).update(
        status=Issue.Status.DRAFT
    )
    if taken_back:
        issue.status = Issue.Status.DRAFT
    return bool(taken_back)


# Clicks ------------------------------------------------------------------------------------


def link_click_record(
    *, issue_id: int, path: str, new_reader: bool, day: datetime.date | None = None
) -> None:
    """Count one click on a link to our own pages in an issue: one atomic upsert."""
    day = day or timezone.localdate()
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    key = f"i{issue_id}:{day.isoformat()}:{digest}"
    table = LinkClick._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            # The table name from the model's _meta; every value is a query parameter.
            f"INSERT INTO {table} (key, issue_id, path, day, count, issue_readers) "  # noqa: S608  # nosec B608
            "VALUES (%s, %s, %s, %s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1, "
            f"issue_readers = {table}.issue_readers + EXCLUDED.issue_readers",
            [key, issue_id, path, day, 1 if new_reader else 0],
        )
