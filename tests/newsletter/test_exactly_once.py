"""End to end: an issue to 1,000 subscribers through a real SMTP server on loopback, sent by
real `db_worker` processes, one of them killed partway (SIGKILL, no clean-up), then
restarted beside a second worker. At the SMTP sink every confirmed subscriber has the issue
once, with the unsubscribe headers; an address unsubscribed mid-send gets nothing after."""

import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from newsletter.models import Delivery, Issue, Subscriber
from newsletter.sending import issue_send_now
from newsletter.services import subscriber_unsubscribe
from runnerhub.models import SiteSettings
from tests.newsletter.factories import IssueFactory
from tests.newsletter.smtp_sink import (
    ROOT,
    WORKERS_NEED_POSTGRES,
    SmtpSink,
    start_worker,
    stop_workers,
    wait_until,
    worker_env,
)

SUBSCRIBERS = 1000
LEASE_SECONDS = 4

pytestmark = [pytest.mark.django_db(transaction=True), WORKERS_NEED_POSTGRES]


@pytest.fixture
def subscribers():
    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"runner{n:04d}@example.com",
                first_name=f"Runner {n}",
                status=Subscriber.Status.ACTIVE,
                confirmed_at=now,
            )
            for n in range(SUBSCRIBERS)
        ]
        + [Subscriber(email=f"pending{n}@example.com") for n in range(20)]
    )
    site = SiteSettings.load()
    site.newsletter_rate_per_minute = 0  # as fast as the machine goes
    site.save()
    return list(Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).order_by("pk"))


def test_killed_worker_restarted_beside_another_sends_each_once(subscribers, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NEWSLETTER_SEND_TASKS = 1
    settings.NEWSLETTER_LEASE_SECONDS = LEASE_SECONDS
    issue = IssueFactory(subject="Hill week")
    last, second_last = subscribers[-1], subscribers[-2]
    workers = []
    with SmtpSink() as sink:
        env = worker_env(sink, NEWSLETTER_LEASE_SECONDS=str(LEASE_SECONDS))
        try:
            issue_send_now(issue)  # autocommit: the job is queued in the database now
            first = start_worker(env)
            workers.append(first)
            wait_until(lambda: sink.count() >= 150, 60, "the first worker to send 150")
            subscriber_unsubscribe(subscriber=second_last)  # mid-send, while it is running
            wait_until(lambda: sink.count() >= 300, 60, "the first worker to send 300")
            first.send_signal(signal.SIGKILL)  # no clean-up: its batch stays leased
            first.wait(10)
            at_kill = sink.count()
            assert at_kill < SUBSCRIBERS, "the worker finished before it could be killed"
            subscriber_unsubscribe(subscriber=last)  # while no worker is running
            workers += [start_worker(env), start_worker(env)]

            def finished():
                return Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT

            wait_until(finished, 120, "the restarted workers to finish the issue")
        finally:
            stop_workers(workers)
        messages = sink.messages

    ids_by_address = defaultdict(set)
    for message in messages:
        ids_by_address[message["To"]].add(message["Message-ID"])
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert (
            message["List-Unsubscribe"]
            .strip()
            .startswith("<https://advice.example.com/newsletter/unsubscribe/")
        )
        assert message["Subject"] == "Hill week"
    raw = Counter(message["To"] for message in messages)
    expected = {s.email for s in subscribers} - {last.email}
    # Everybody confirmed, and nobody else, has it; each under one Message-ID.
    assert set(raw) - {second_last.email} == expected - {second_last.email}
    assert all(len(ids) == 1 for ids in ids_by_address.values())
    # Unsubscribed while no worker ran (and the worker had not reached it): nothing at all.
    assert last.email not in raw
    # Unsubscribed while a worker was sending: at most the message already in flight.
    assert raw[second_last.email] <= 1
    # The kill can leave at most the one message in flight unrecorded (its repeat carries
    # the same Message-ID); everyone else got exactly one message.
    repeats = sum(count - 1 for count in raw.values())
    assert repeats <= 1, f"{repeats} repeated messages after one kill"
    states = Counter(Delivery.objects.filter(issue=issue).values_list("state", flat=True))
    assert states[Delivery.State.PENDING] == 0
    assert states[Delivery.State.SENT] + states[Delivery.State.SKIPPED] == SUBSCRIBERS
    assert Delivery.objects.get(issue=issue, subscriber=last).state == Delivery.State.SKIPPED
    print(
        f"\nkilled after {at_kill} messages; {len(messages)} messages at the sink for "
        f"{len(raw)} addresses; {repeats} repeat(s)"
    )


def test_a_slow_smtp_server_and_two_live_senders_send_each_once(settings):
    """Each message takes longer than a quarter of the lease: the sender renews its lease as
    it goes, so the second sender never takes rows the first is still sending."""
    now = timezone.now()
    Subscriber.objects.bulk_create(
        Subscriber(email=f"slow{n}@example.com", status="active", confirmed_at=now)
        for n in range(6)
    )
    site = SiteSettings.load()
    site.newsletter_rate_per_minute = 0
    site.save()
    issue = IssueFactory(subject="Slow week")
    command = [sys.executable, "manage.py", "send_newsletter", str(issue.pk), "--yes"]
    with SmtpSink(delay=1.2) as sink:
        env = worker_env(sink, NEWSLETTER_LEASE_SECONDS="4", EMAIL_TIMEOUT="2")
        first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        time.sleep(1.5)  # the first holds the whole list in one batch by now
        second = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        try:
            assert first.wait(60) == 0 and second.wait(60) == 0
        finally:
            stop_workers([first, second])
        counts = sink.per_recipient()
    assert counts == {f"slow{n}@example.com": 1 for n in range(6)}
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT
