"""Reply notifications through real `db_worker` processes and a real SMTP server on loopback
(tests/newsletter/smtp_sink.py), as the newsletter's exactly-once test does for issues: a
worker killed mid-send, and an SMTP server that is away when the emails are queued. Each
reader is told once; a message in flight at the kill may go twice, under one Message-ID."""

import signal
import time
from collections import defaultdict

import pytest
from django_tasks_db.models import DBTaskResult

from comments.notifications import notify_reply
from tests.comments.factories import CommentFactory, ReplyFactory
from tests.newsletter.smtp_sink import (
    WORKERS_NEED_POSTGRES,
    SmtpSink,
    start_worker,
    stop_workers,
    wait_until,
    worker_env,
)

READERS = 60
pytestmark = [pytest.mark.django_db(transaction=True), WORKERS_NEED_POSTGRES]


def queue_replies(settings, count: int) -> set[str]:
    """`count` staff answers to as many readers' questions, each queuing one notification
    (autocommit: the tasks are in the database at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    addresses = set()
    for n in range(count):
        question = CommentFactory(email=f"reader{n:03d}@example.com", notify_on_reply=True)
        notify_reply(parent=question, reply=ReplyFactory(parent=question, is_staff_reply=True))
        addresses.add(question.email)
    return addresses


def once_each(sink: SmtpSink, addresses: set[str]) -> int:
    """Assert each address got its notification, repeats under one Message-ID; return how
    many repeats."""
    ids = defaultdict(set)
    for message in sink.messages:
        ids[message["To"]].add(message["Message-ID"])
    assert set(ids) == addresses
    assert all(len(found) == 1 for found in ids.values()), "a repeat under a new Message-ID"
    return sink.count() - len(addresses)


def test_a_worker_killed_mid_send_loses_no_notification(settings):
    addresses = queue_replies(settings, READERS)
    with SmtpSink(hold_at=31) as sink:  # the 31st message waits for the test's say-so
        env = worker_env(sink, EMAIL_TIMEOUT="1")  # a send still running after 6 s: orphaned
        workers = []
        try:
            first = start_worker(env)
            workers.append(first)
            wait_until(sink.handler.holding.is_set, 60, "the first worker to be sending the 31st")
            first.send_signal(signal.SIGKILL)  # mid-send: its email stays claimed (RUNNING)
            first.wait(10)
            sink.handler.release.set()  # the server takes the message its sender never saw
            at_kill = sink.count()
            assert at_kill < READERS, "the worker finished before it could be killed"
            orphaned = DBTaskResult.objects.running().count()
            assert orphaned == 1
            workers.append(start_worker(env))
            wait_until(lambda: len(sink.per_recipient()) == READERS, 90, "every notification")
            time.sleep(1)  # room for a repeat, if there were one
        finally:
            stop_workers(workers)
        repeats = once_each(sink, addresses)
    assert repeats <= 1, f"{repeats} repeated notifications after one kill"
    print(f"\nkilled after {at_kill} notifications; {repeats} repeat(s)")


def test_notifications_wait_for_an_smtp_server_that_is_away(settings):
    addresses = queue_replies(settings, 10)
    sink = SmtpSink()  # its port is chosen, but nothing listens there yet
    env = worker_env(sink, EMAIL_RETRY_SECONDS="1")
    worker = start_worker(env)
    try:
        time.sleep(4)  # every email has failed at least once, and is waiting to be retried
        with sink:
            wait_until(lambda: len(sink.per_recipient()) == 10, 60, "the retried notifications")
            time.sleep(1.5)
            assert once_each(sink, addresses) == 0
    finally:
        stop_workers([worker])
