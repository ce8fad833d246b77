"""The sending engine in one process: deliveries, claiming, leases, retries, skips, the
messages themselves and the terminal command."""

import smtplib
from collections import Counter
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter import sending
from newsletter.emails import build_issue_message, message_id
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.services import subscriber_unsubscribe
from runnerhub.models import SiteSettings
from tests.newsletter.factories import (
    CalloutFactory,
    IssueFactory,
    PendingSubscriberFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle(db):
    site = SiteSettings.load()
    site.newsletter_rate_per_minute = 0
    site.save()


@pytest.fixture
def audience():
    active = SubscriberFactory.create_batch(5)
    PendingSubscriberFactory.create_batch(2)
    SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    return active


def test_start_queues_active_subscribers_once(audience):
    issue = IssueFactory()
    assert sending.issue_start(issue) == 5
    assert sending.issue_start(issue) == 0  # starting again adds nobody
    assert set(issue.deliveries.values_list("subscriber_id", flat=True)) == {s.pk for s in audience}
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING and issue.started_at


def test_send_now_reaches_each_confirmed_subscriber_once(
    audience, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://advice.example.com"
    settings.NEWSLETTER_SEND_TASKS = 2
    issue = IssueFactory(subject="Calf raises\r\nBcc: everyone@example.com")
    CalloutFactory(issue=issue, title="Free physio drop-in", kind="event", when="Sat 9am")
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        sending.issue_send_now(issue)
    # ImmediateBackend: both jobs ran in turn; the second found nothing left. (The other
    # callback is the new page generation: the issue's web version is public now.)
    assert len(jobs) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in audience)
    message = mail.outbox[0]
    assert "\n" not in message.subject and "Bcc" in message.subject  # folded, not a header
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://advice.example.com/newsletter/unsubscribe/"
    )
    assert message.extra_headers["Message-ID"].startswith("<issue-")
    html = message.alternatives[0][0]
    assert "Free physio drop-in" in html and "Sat 9am" in html
    assert "Unsubscribe" in html and "Unsubscribe with one click" in message.body
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT and issue.finished_at
    assert sending.progress_of(issue.pk) == {
        "total": 5,
        "sent": 5,
        "failed": 0,
        "skipped": 0,
        "pending": 0,
    }


def test_running_again_sends_nothing_twice(audience):
    issue = IssueFactory()
    sending.issue_start(issue)
    sending.run_sender(issue.pk)
    sending.run_sender(issue.pk)
    assert len(mail.outbox) == 5


def test_message_id_is_stable_and_names_are_personal(audience):
    issue = IssueFactory(body='<p>See <a href="/articles/calves/">calves</a></p>')
    subscriber = audience[0]
    first, second = build_issue_message(issue, subscriber), build_issue_message(issue, subscriber)
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"] == message_id(issue, subscriber)
    # The same unsubscribe link in every email (no timestamp in it).
    assert first.extra_headers["List-Unsubscribe"] == second.extra_headers["List-Unsubscribe"]
    other = build_issue_message(issue, audience[1])
    assert other.extra_headers["Message-ID"] != first.extra_headers["Message-ID"]
    html = first.alternatives[0][0]
    assert f"Hello {subscriber.first_name}," in first.body
    # Absolute for mail clients, through the issue's counted redirect.
    assert (
        f'href="http://testserver/newsletter/{issue.pk}/go/?next=%2Farticles%2Fcalves%2F"' in html
    )


def test_first_name_is_escaped_in_html(db):
    subscriber = SubscriberFactory(first_name="<b>Jo</b>")
    html = build_issue_message(IssueFactory(), subscriber).alternatives[0][0]
    assert "&lt;b&gt;Jo&lt;/b&gt;" in html and "<b>Jo</b>" not in html


def test_unsubscribed_after_start_is_skipped(audience):
    issue = IssueFactory()
    sending.issue_start(issue)
    subscriber_unsubscribe(subscriber=audience[2])
    sending.run_sender(issue.pk)
    assert audience[2].email not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 4
    assert Delivery.objects.get(subscriber=audience[2]).state == Delivery.State.SKIPPED


def test_rows_leased_by_another_worker_wait_for_the_lease(audience):
    issue = IssueFactory()
    sending.issue_start(issue)
    held = Delivery.objects.filter(subscriber=audience[0])
    held.update(leased_until=timezone.now() + timedelta(minutes=1))
    sending.run_sender(issue.pk)
    assert len(mail.outbox) == 4
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING  # not done while a row is held
    # The holder died: once its lease expires, any worker takes the row.
    held.update(leased_until=timezone.now() - timedelta(seconds=1))
    sending.run_sender(issue.pk)
    assert len(mail.outbox) == 5
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_a_slow_sender_renews_its_lease(audience):
    issue = IssueFactory()
    sending.issue_start(issue)
    held = sending.claim_batch(issue.pk)
    # The SMTP server was slow: less than half the lease is left before the next message.
    held.until = timezone.now() + sending.lease() / 4
    Delivery.objects.update(leased_until=held.until)
    assert held.hold(held.ids)
    assert held.until > timezone.now() + sending.lease() * 0.9
    assert all(
        until > timezone.now() + sending.lease() * 0.9
        for until in Delivery.objects.values_list("leased_until", flat=True)
    )


def test_a_stalled_sender_never_touches_rows_taken_over(audience):
    """A worker paused past its lease (SIGSTOP, a VM pause) finds at its next renewal that
    another worker holds the rows, and stops without sending or releasing them."""
    issue = IssueFactory()
    sending.issue_start(issue)
    stalled = sending.claim_batch(issue.pk)
    Delivery.objects.update(leased_until=timezone.now() - timedelta(seconds=1))  # expired
    stalled.until = timezone.now() - timedelta(seconds=1)
    other = sending.claim_batch(issue.pk)
    assert sorted(other.ids) == sorted(stalled.ids)
    done = sending.send_batch(issue, stalled, sending.Throttle(0))
    assert done["sent"] == 0 and not mail.outbox
    assert set(Delivery.objects.values_list("lease_owner", flat=True)) == {other.owner}
    sending.send_batch(issue, other, sending.Throttle(0))
    assert len(mail.outbox) == 5  # each once, by the worker that holds them


def test_release_gives_back_only_unsent_rows_of_its_own(audience):
    issue = IssueFactory()
    sending.issue_start(issue)
    held = sending.claim_batch(issue.pk, size=2)
    held.release()
    assert not Delivery.objects.exclude(lease_owner="").exists()
    assert sorted(sending.claim_batch(issue.pk).ids) == sorted(
        Delivery.objects.values_list("pk", flat=True)
    )


class FlakyBackend:
    """An SMTP connection whose sends fail with the given error."""

    error: Exception = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        raise self.error


def test_temporary_failure_is_retried_later(db):
    subscriber = SubscriberFactory()
    issue = IssueFactory()
    sending.issue_start(issue)
    with mock.patch.object(sending, "get_connection", FlakyBackend):
        sending.run_sender(issue.pk)
    delivery = Delivery.objects.get(subscriber=subscriber)
    assert delivery.state == Delivery.State.PENDING and delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert "unexpectedly closed" in delivery.error
    # Not due yet: nothing to claim. Once due, it is sent.
    assert sending.claim_batch(issue.pk).ids == []
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    sending.run_sender(issue.pk)
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 2
    assert len(mail.outbox) == 1


def test_permanent_failure_is_recorded(db):
    subscriber = SubscriberFactory()
    issue = IssueFactory()
    sending.issue_start(issue)
    refused = smtplib.SMTPRecipientsRefused({subscriber.email: (550, b"No such user")})
    with (
        mock.patch.object(FlakyBackend, "error", refused),
        mock.patch.object(sending, "get_connection", FlakyBackend),
    ):
        sending.run_sender(issue.pk)
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.FAILED and "No such user" in delivery.error
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT  # nothing left pending
    assert sending.progress_of(issue.pk)["failed"] == 1


def test_send_command_speaks_of_one_subscriber_in_the_singular(db):
    SubscriberFactory()
    issue = IssueFactory(subject="Hill week")
    out = StringIO()
    call_command("send_newsletter", str(issue.pk), "--yes", stdout=out)
    assert "Sending “Hill week” to 1 confirmed subscriber." in out.getvalue()


def test_send_command_refuses_when_nobody_has_confirmed(db):
    """The admin's guard: a send to nobody would leave the issue "sent" for good."""
    PendingSubscriberFactory()
    issue = IssueFactory()
    with pytest.raises(CommandError, match="There are no confirmed subscribers yet"):
        call_command("send_newsletter", str(issue.pk), "--yes", stdout=StringIO())
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and not Delivery.objects.exists()


def test_send_command_refuses_an_issue_sent_while_it_asked(audience):
    """The operator is asked; meanwhile an editor sends the issue and someone confirms.
    The command's start goes through the same guard as the admin's: nothing is added to a
    sent issue, so the newcomer does not get last week's newsletter."""
    issue = IssueFactory()

    def someone_sends_it_meanwhile(prompt):
        sending.issue_start(issue)
        sending.run_sender(issue.pk)
        SubscriberFactory(email="newcomer@example.com")
        return "y"

    with (
        mock.patch("sys.stdin.isatty", return_value=True),
        mock.patch("builtins.input", side_effect=someone_sends_it_meanwhile),
        pytest.raises(CommandError, match="was sent already \\(5 of 5 delivered\\)"),
    ):
        call_command("send_newsletter", str(issue.pk), stdout=StringIO())
    assert "newcomer@example.com" not in [m.to[0] for m in mail.outbox]
    assert Delivery.objects.filter(issue=issue).count() == 5


def test_send_command_resumes_an_issue_started_while_it_asked(audience):
    issue = IssueFactory()

    def someone_starts_it_meanwhile(prompt):
        sending.issue_start(issue)
        return "y"

    out = StringIO()
    with (
        mock.patch("sys.stdin.isatty", return_value=True),
        mock.patch("builtins.input", side_effect=someone_starts_it_meanwhile),
    ):
        call_command("send_newsletter", str(issue.pk), stdout=out)
    assert "already sending" in out.getvalue()
    assert len(mail.outbox) == 5


def test_gives_up_after_max_attempts(db):
    SubscriberFactory()
    issue = IssueFactory()
    sending.issue_start(issue)
    Delivery.objects.update(attempts=sending.MAX_ATTEMPTS - 1)
    with mock.patch.object(sending, "get_connection", FlakyBackend):
        sending.run_sender(issue.pk)
    assert Delivery.objects.get().state == Delivery.State.FAILED


def test_unconfirmed_addresses_never_get_an_issue(db, django_capture_on_commit_callbacks):
    pending = PendingSubscriberFactory()
    SubscriberFactory()
    issue = IssueFactory()
    with django_capture_on_commit_callbacks(execute=True):
        sending.issue_send_now(issue)
    assert len(mail.outbox) == 1
    assert pending.email not in [m.to[0] for m in mail.outbox]
    assert not Delivery.objects.filter(subscriber=pending).exists()


def test_scheduled_job_waits_for_its_time(audience, django_capture_on_commit_callbacks):
    issue = IssueFactory(send_at=timezone.now() + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        sending.issue_schedule(issue)  # ImmediateBackend: the job runs now; it must not send
    assert len(jobs) == 1
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SCHEDULED and not mail.outbox
    Issue.objects.filter(pk=issue.pk).update(send_at=timezone.now())
    sending.send_issue.call(issue.pk)
    assert len(mail.outbox) == 5


def test_draft_and_sent_issues_are_not_sent_by_a_stale_job(audience):
    draft = IssueFactory()
    assert sending.send_issue.call(draft.pk) == {}
    sent = IssueFactory()
    sending.issue_start(sent)
    sending.run_sender(sent.pk)
    mail.outbox.clear()
    assert sending.send_issue.call(sent.pk) == {}
    assert not mail.outbox


def test_job_books_its_successor_when_the_backend_can_defer(audience, settings):
    """A killed worker's job never finishes, so each job books the next slice first."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    issue = IssueFactory()
    sending.issue_start(issue)
    sending.send_issue.call(issue.pk)
    successor = DBTaskResult.objects.get()
    assert successor.task_path == "newsletter.sending.send_issue"
    assert successor.args_kwargs["args"] == [issue.pk]
    assert successor.run_after > timezone.now() + sending.time_slice() - timedelta(seconds=5)
    assert successor.priority < 0  # emails to people (priority 0) are taken first
    assert len(mail.outbox) == 5
    # The successor of a finished issue exits at once and books nothing more.
    sending.send_issue.call(issue.pk)
    assert DBTaskResult.objects.count() == 1


def test_throttle_spaces_messages():
    clock = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 3))
        clock[0] += seconds

    with (
        mock.patch.object(sending.time, "monotonic", side_effect=lambda: clock[0]),
        mock.patch.object(sending.time, "sleep", side_effect=sleep),
    ):
        throttle = sending.Throttle(120)  # two a second
        for _ in range(3):
            throttle.wait()
    assert slept == [0.5, 0.5]


def test_send_command_shows_progress(audience):
    issue = IssueFactory(subject="Hill week")
    out = StringIO()
    call_command("send_newsletter", str(issue.pk), "--yes", stdout=out)
    output = out.getvalue()
    assert "Sending “Hill week” to 5 confirmed subscribers." in output
    assert "[##############################] 5/5" in output
    assert "Done: 5 sent, 0 failed, 0 skipped (unsubscribed) of 5" in output
    assert len(mail.outbox) == 5


def test_send_command_refuses_clearly(audience):
    with pytest.raises(CommandError, match="There is no newsletter issue 999"):
        call_command("send_newsletter", "999", "--yes")
    issue = IssueFactory()
    with (
        mock.patch("sys.stdin.isatty", return_value=False),
        pytest.raises(CommandError, match="Add --yes"),
    ):
        call_command("send_newsletter", str(issue.pk))
    call_command("send_newsletter", str(issue.pk), "--yes", stdout=StringIO())
    with pytest.raises(CommandError, match="was sent already \\(5 of 5 delivered\\)"):
        call_command("send_newsletter", str(issue.pk), "--yes")


def test_body_elements_carry_inline_styles_for_mail_clients(db):
    issue = IssueFactory(body='<h2>Hills</h2><p>Read <a href="/a/">this</a></p><pre>p</pre>')
    html = build_issue_message(issue, SubscriberFactory()).alternatives[0][0]
    assert '<h2 style="margin:24px 0 8px;' in html
    assert (
        '<a style="color:#c2410c;text-decoration:underline" href="http://testserver/newsletter/'
        in html
    )
    assert "<pre>p</pre>" in html  # only known elements are touched


def test_an_address_no_server_can_take_does_not_stop_the_send(db):
    """Django's validator accepts a domain label IDNA cannot encode; building the message
    fails. That row is recorded as failed and the rest of the list still gets the issue."""
    poison = SubscriberFactory(email="poison@" + "é" * 60 + ".com")
    others = SubscriberFactory.create_batch(3)
    issue = IssueFactory()
    sending.issue_start(issue)
    sending.run_sender(issue.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in others)
    failed = Delivery.objects.get(subscriber=poison)
    assert failed.state == Delivery.State.FAILED and failed.error.startswith("Cannot be sent")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


class RefusingBackend(FlakyBackend):
    """The first send fails with `first`; later ones go to the outbox."""

    first: Exception = smtplib.SMTPException("unset")
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 1:
            raise self.first
        mail.outbox.extend(messages)
        return len(messages)


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (smtplib.SMTPSenderRefused(550, b"5.4.5 Daily sending quota exceeded", "n@x"), "paused"),
        (smtplib.SMTPDataError(554, b"Message rejected as spam"), "paused"),
        (smtplib.SMTPRecipientsRefused({"r@x": (450, b"Greylisted, try later")}), "retry"),
        (smtplib.SMTPRecipientsRefused({"r@x": (550, b"No such user")}), "failed"),
    ],
)
def test_server_refusals_pause_and_reader_refusals_do_not(audience, error, outcome):
    issue = IssueFactory()
    sending.issue_start(issue)
    held = sending.claim_batch(issue.pk)
    with (
        mock.patch.object(RefusingBackend, "first", error),
        mock.patch.object(RefusingBackend, "calls", 0),
        mock.patch.object(sending, "get_connection", RefusingBackend),
    ):
        done = sending.send_batch(issue, held, sending.Throttle(0))
    assert done[outcome] == 1
    states = Counter(Delivery.objects.values_list("state", flat=True))
    if outcome == "paused":
        # A quota or a rejected message is not the readers' fault: nobody is given up on,
        # the rest of the batch waits for the backoff instead of failing one by one.
        assert done["sent"] == 0 and states == {Delivery.State.PENDING: 5}
        assert Delivery.objects.filter(attempts=0, next_attempt_at__isnull=False).count() == 4
        assert Delivery.objects.filter(attempts=1).count() == 1
    else:
        assert done["sent"] == 4
    if outcome == "failed":
        assert states[Delivery.State.FAILED] == 1
    assert not Delivery.objects.exclude(lease_owner="").exists()


def test_failed_deliveries_can_be_retried(db, django_capture_on_commit_callbacks):
    subscriber = SubscriberFactory()
    issue = IssueFactory()
    sending.issue_start(issue)
    # Not the address's fault (a 5xx at RCPT would suppress it): the message could not go.
    refused = UnicodeEncodeError("ascii", "ü", 0, 1, "the server has no SMTPUTF8")
    with (
        mock.patch.object(FlakyBackend, "error", refused),
        mock.patch.object(sending, "get_connection", FlakyBackend),
    ):
        sending.run_sender(issue.pk)
    assert Delivery.objects.get().state == Delivery.State.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.issue_retry_failed(issue) == 1
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.SENT and [m.to for m in mail.outbox] == [
        [subscriber.email]
    ]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
    assert sending.issue_retry_failed(issue) == 0


def test_an_editors_save_never_undoes_a_send_that_started(db):
    issue = IssueFactory()
    stale = Issue.objects.get(pk=issue.pk)  # the editor opened the form before the send
    sending.issue_start(issue)
    stale.subject = "Edited meanwhile"
    stale.save()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING and issue.started_at
    assert issue.subject == "Edited meanwhile"


def test_email_addresses_are_unique_whatever_their_case(db):
    from django.db import IntegrityError, transaction

    SubscriberFactory(email="Jo.Runner@Example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email="jo.runner@example.com")


def test_a_scheduled_job_books_its_successor_before_anything_else(audience, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    issue = IssueFactory(send_at=timezone.now())
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SCHEDULED)
    with (
        mock.patch.object(sending, "issue_start", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),  # the worker dies while creating deliveries
    ):
        sending.send_issue.call(issue.pk)
    assert DBTaskResult.objects.get().args_kwargs["args"] == [issue.pk]


def test_plain_text_keeps_links_and_images_fit_the_layout(db):
    issue = IssueFactory(
        body='<p>Read <a href="/articles/calves/">the calf guide</a> or '
        '<a href="https://shop.example.com/">https://shop.example.com/</a>.</p>'
        '<p><img src="/media/roller.jpg" alt="A foam roller" width="1104" height="600"></p>'
    )
    message = build_issue_message(issue, SubscriberFactory())
    page = f"http://testserver/newsletter/{issue.pk}/go/?next=%2Farticles%2Fcalves%2F"
    assert f"the calf guide ({page})" in message.body
    assert "https://shop.example.com/ (" not in message.body  # no link repeated twice
    assert "[A foam roller]" in message.body
    html = message.alternatives[0][0]
    assert 'width="552" height="300"' in html
