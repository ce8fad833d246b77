"""The send guards and the admin's writes, as services: one lock and one set of refusals
for the admin's Send now, the send_newsletter command and an editor's save."""

import os
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from newsletter import sending
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.services import (
    IssueLocked,
    NoConfirmedSubscribers,
    issue_lock_unsent,
    issue_start_sending,
    issue_unschedule,
    subscribers_unsubscribe,
)
from runnerhub import pagecache
from runnerhub.models import SiteSettings
from tests.newsletter.factories import IssueFactory, PendingSubscriberFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.parametrize("status", [Issue.Status.SENDING, Issue.Status.SENT])
def test_an_issue_being_sent_or_sent_is_never_started_again(status):
    SubscriberFactory.create_batch(2)
    issue = IssueFactory(status=status, started_at=timezone.now())
    with pytest.raises(IssueLocked) as refused:
        issue_start_sending(issue_id=issue.pk)
    assert refused.value.issue.status == status
    with pytest.raises(IssueLocked):
        issue_start_sending(issue_id=issue.pk, in_background=False)
    assert not Delivery.objects.exists()


def test_nobody_confirmed_means_nothing_starts():
    PendingSubscriberFactory()
    issue = IssueFactory()
    with pytest.raises(NoConfirmedSubscribers):
        issue_start_sending(issue_id=issue.pk)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and not Delivery.objects.exists()


def test_starting_in_the_background_leaves_the_sending_to_the_workers(
    django_capture_on_commit_callbacks,
):
    SubscriberFactory.create_batch(3)
    issue = IssueFactory()
    with django_capture_on_commit_callbacks(execute=False) as jobs:
        assert issue_start_sending(issue_id=issue.pk) == 3
    # The send jobs, queued once this commits; and the web version and archive made public.
    # (The page cache's change hook is a partial of pagecache._changed since the 'lean' merge.)
    hooks = [getattr(job, "func", job) for job in jobs]
    assert len(jobs) == 2 and pagecache._changed in hooks
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING

    other = IssueFactory()
    with django_capture_on_commit_callbacks(execute=False) as jobs:
        assert issue_start_sending(issue_id=other.pk, in_background=False) == 3
    # No job: the caller sends it itself; only the page cache's change hook is queued.
    assert [getattr(job, "func", job) for job in jobs] == [pagecache._changed]


def test_the_lock_refuses_a_deleted_issue():
    issue = IssueFactory()
    Issue.objects.filter(pk=issue.pk).delete()
    with pytest.raises(Issue.DoesNotExist):
        issue_lock_unsent(issue_id=issue.pk)


def test_unschedule_takes_only_a_scheduled_issue_back():
    scheduled = IssueFactory(status=Issue.Status.SCHEDULED, send_at=timezone.now())
    assert issue_unschedule(issue=scheduled) is True
    assert scheduled.status == Issue.Status.DRAFT
    assert Issue.objects.get(pk=scheduled.pk).status == Issue.Status.DRAFT
    sending_now = IssueFactory(status=Issue.Status.SENDING, started_at=timezone.now())
    assert issue_unschedule(issue=sending_now) is False
    assert Issue.objects.get(pk=sending_now.pk).status == Issue.Status.SENDING


def test_bulk_unsubscribe_counts_and_keeps_earlier_dates():
    earlier = timezone.now().replace(microsecond=0) - timedelta(days=3)
    active, pending = SubscriberFactory(), PendingSubscriberFactory()
    gone = SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=earlier)
    kept = SubscriberFactory()
    chosen = Subscriber.objects.exclude(pk=kept.pk)
    assert subscribers_unsubscribe(subscribers=chosen) == 2
    statuses = dict(Subscriber.objects.values_list("pk", "status"))
    assert statuses == {
        active.pk: "unsubscribed",
        pending.pk: "unsubscribed",
        gone.pk: "unsubscribed",
        kept.pk: "active",
    }
    assert Subscriber.objects.get(pk=gone.pk).unsubscribed_at == earlier


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks need PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_a_send_started_while_the_issue_is_locked_waits_then_is_refused():
    """An editor's save holds the lock; Send now from elsewhere waits for it. When the
    holder itself started the send, the waiting one is refused instead of starting twice."""
    site = SiteSettings.load()
    site.newsletter_rate_per_minute = 0
    site.save()
    SubscriberFactory.create_batch(2)
    issue = IssueFactory()
    outcome = []

    def send_now_elsewhere():
        try:
            issue_start_sending(issue_id=issue.pk, in_background=False)
            outcome.append("started")
        except IssueLocked as locked:
            outcome.append(locked.issue.status)
        finally:
            connection.close()

    other = threading.Thread(target=send_now_elsewhere)
    with transaction.atomic():
        issue_lock_unsent(issue_id=issue.pk)
        other.start()
        time.sleep(1)
        assert other.is_alive() and outcome == []  # waiting for the lock
        sending.issue_start(issue)
    other.join(10)
    assert outcome == [Issue.Status.SENDING]
    assert Delivery.objects.filter(issue=issue).count() == 2
    assert mail.outbox == []
