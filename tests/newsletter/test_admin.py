import html
import re
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from newsletter import services
from newsletter.admin.issues import IssueAdmin
from newsletter.admin.subscribers import IMPORT_SESSION_KEY
from newsletter.models import Delivery, Issue, Subscriber
from newsletter.suppression import subscriber_bounce, subscriber_complain
from runnerhub import dates
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.newsletter.factories import (
    CalloutFactory,
    IssueFactory,
    PendingSubscriberFactory,
    SubscriberFactory,
)
from tests.runnerhub.factories import StaffFactory, signed_in

pytestmark = pytest.mark.django_db
ISSUES = f"{ADMIN}newsletter/issue/"
SUBSCRIBERS = f"{ADMIN}newsletter/subscriber/"
IMPORT = SUBSCRIBERS + "import/"


@pytest.fixture
def editor(client):
    return signed_in(
        client, "Editors", username="eddie", email="eddie@runnerhub.test", first_name="Eddie"
    )


@pytest.fixture
def writer(client):
    """Staff who may compose issues and manage subscribers, but not send."""
    user = StaffFactory(username="wendy", email="wendy@runnerhub.test")
    group = Group.objects.create(name="Newsletter writers")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="newsletter").exclude(
            codename="send_issue"
        )
    )
    user.groups.add(group)
    client.force_login(user)
    return user


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


LONDON = ZoneInfo("Europe/London")
NOON = datetime(2026, 6, 10, 12, 0, tzinfo=LONDON)


@pytest.fixture
def noon():
    """The clock stopped at noon in London. A send's lines give a time alone ("12:03") for
    today and a date too for any other day, so a test that looks minutes back or ahead
    must not run near midnight."""
    with mock.patch("django.utils.timezone.now", return_value=NOON):
        yield NOON


def form_data(issue=None, **overrides) -> dict:
    data = {
        "subject": issue.subject if issue else "Calves, hills and a sale",
        "preheader": issue.preheader if issue else "",
        "body": issue.body if issue else "<p>Hello runners.</p>",
        "send_at_0": "",
        "send_at_1": "",
        "callouts-TOTAL_FORMS": "0",
        "callouts-INITIAL_FORMS": "0",
        "callouts-MIN_NUM_FORMS": "0",
        "callouts-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def change_url(issue) -> str:
    return f"{ISSUES}{issue.pk}/change/"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def words_of(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def deliveries(issue, **states: int) -> None:
    for state, count in states.items():
        for _ in range(count):
            Delivery.objects.create(
                issue=issue, subscriber=SubscriberFactory(), state=state, error=""
            )


# Composing -----------------------------------------------------------------------------


def test_editor_adds_an_issue_with_an_offer_callout(client, editor):
    data = form_data(
        **{
            "callouts-TOTAL_FORMS": "1",
            "callouts-0-kind": "offer",
            "callouts-0-title": "20% off foam rollers",
            "callouts-0-text": "Until Sunday.",
            "callouts-0-position": "1",
            "callouts-0-when": "",
            "callouts-0-url": "https://shop.example.com/recovery/",
            "callouts-0-button": "",
        }
    )
    response = client.post(ISSUES + "add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    issue = Issue.objects.get()
    assert issue.status == Issue.Status.DRAFT
    assert [b.title for b in issue.callouts.all()] == ["20% off foam rollers"]


@pytest.mark.parametrize("opener", ["<noscript>", "<style>", "<!--"])
def test_a_body_the_sanitizer_would_cut_short_is_refused_and_kept(client, editor, opener):
    body = f"<p>Hello runners.</p>{opener}<p>This week: calves, hills and a sale.</p>"
    response = client.post(ISSUES + "add/", form_data(body=body))
    assert response.status_code == 200
    assert "everything after it would be lost" in text_of(response)
    assert body in text_of(response)  # in the editor, as typed
    assert not Issue.objects.exists()


def test_fill_from_the_week_fills_an_empty_new_issue(client, editor):
    ArticleFactory(title="Calf raises, done right", slug="calf-raises")
    ArticleFactory(title="An old one", publish_at=timezone.now() - timedelta(days=30))
    response = client.post(ISSUES + "add/", form_data(body="", _fill_week="1"), follow=True)
    issue = Issue.objects.get()
    assert response.redirect_chain[-1][0] == change_url(issue)
    assert 'href="http://testserver/articles/calf-raises/"' in issue.body
    assert "An old one" not in issue.body
    assert "Drafted from what was published and answered since" in text_of(response)


def test_fill_from_the_week_asks_before_touching_the_editors_text(client, editor):
    ArticleFactory(title="Calf raises, done right")
    issue = IssueFactory(body="<p>My intro.</p>")
    response = client.post(change_url(issue), form_data(issue, _fill_week="1"))
    fill = f"{ISSUES}{issue.pk}/fill/"
    assert response.status_code == 302 and response.url == fill
    issue.refresh_from_db()
    assert issue.body == "<p>My intro.</p>"

    page = text_of(client.get(fill))
    assert "Calf raises, done right" in page
    assert "Add below my text" in page and "Replace my text" in page

    client.post(fill, {"mode": "append"})
    issue.refresh_from_db()
    assert issue.body.startswith("<p>My intro.</p>") and "Calf raises" in issue.body


def test_fill_says_so_when_nothing_is_new(client, editor):
    issue = IssueFactory(body="")
    response = client.post(change_url(issue), form_data(issue, _fill_week="1"), follow=True)
    assert "Nothing was published or answered since" in text_of(response)


def test_preview_shows_the_email_with_body_and_callouts(client, editor):
    issue = IssueFactory(body="<p>Run <strong>easy</strong> on Sundays.</p>")
    CalloutFactory(issue=issue, title="Parkrun meet-up", kind="event", when="Sat 9am")
    CalloutFactory(issue=issue, title="20% off rollers")
    response = client.get(f"{ISSUES}{issue.pk}/preview/")
    assert response.status_code == 200
    srcdoc = re.search(r'srcdoc="([^"]*)"', response.content.decode()).group(1)
    email = html.unescape(srcdoc)
    assert "Run <strong>easy</strong> on Sundays." in email
    assert email.index("Parkrun meet-up") < email.index("20% off rollers")
    assert "Hello Eddie," in email

    own = client.get(f"{ISSUES}{issue.pk}/preview/email/")
    assert own.status_code == 200 and "Parkrun meet-up" in own.content.decode()
    assert "script-src 'none'" in own["Content-Security-Policy"]


def test_preview_is_for_staff_only(client):
    issue = IssueFactory()
    response = client.get(f"{ISSUES}{issue.pk}/preview/")
    assert response.status_code == 302 and f"{ADMIN}login/" in response.url
    reader = StaffFactory(is_staff=False)
    client.force_login(reader)
    assert client.get(f"{ISSUES}{issue.pk}/preview/").status_code == 302


def test_send_test_queues_one_email_to_the_editor(client, editor, on_commit):
    issue = IssueFactory(subject="Hills week")
    with on_commit(execute=False) as callbacks:
        response = client.post(f"{ISSUES}{issue.pk}/send-test/", follow=True)
    assert mail.outbox == []  # queued for after the commit, not sent in the request
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Test] Hills week"
    assert message.to == ["eddie@runnerhub.test"]
    assert "A test of “Hills week” is on its way to eddie@runnerhub.test" in text_of(response)


@pytest.mark.parametrize(
    "back, expected",
    [
        (f"{ADMIN}newsletter/issue/", f"{ADMIN}newsletter/issue/"),
        (f"{ADMIN}%2e%2e/go/foam-roller/", None),  # leads out of admin as a browser reads it
        (f"{ADMIN}../go/foam-roller/", None),
        ("//evil.example/admin/", None),
        ("/admin\\@evil.example/", None),
        ("https://evil.example/admin/", None),
    ],
)
def test_send_test_goes_back_only_within_admin(client, editor, on_commit, back, expected):
    issue = IssueFactory(subject="Hills week")
    response = client.post(f"{ISSUES}{issue.pk}/send-test/", {"next": back})
    assert response["Location"] == (expected or f"{ISSUES}{issue.pk}/preview/")


def test_send_test_button_on_the_change_form_saves_first(client, editor, on_commit):
    issue = IssueFactory(subject="Old subject")
    with on_commit(execute=True):
        client.post(change_url(issue), form_data(issue, subject="New subject", _send_test="1"))
    assert [m.subject for m in mail.outbox] == ["[Test] New subject"]


def test_send_test_without_an_email_address_says_so(client, editor, on_commit):
    editor.email = ""
    editor.save()
    issue = IssueFactory()
    with on_commit(execute=True):
        response = client.post(f"{ISSUES}{issue.pk}/send-test/", follow=True)
    assert mail.outbox == []
    assert "Your account has no email address" in text_of(response)


# Scheduling and sending ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "error"),
    [
        (None, "Choose when to send it, then schedule."),
        (timedelta(hours=-1), "This time has passed: choose a time in the future"),
    ],
)
def test_schedule_needs_a_time_in_the_future(client, editor, when, error):
    issue = IssueFactory()
    fields = {}
    if when is not None:
        moment = timezone.localtime() + when
        fields = {"send_at_0": f"{moment:%Y-%m-%d}", "send_at_1": f"{moment:%H:%M:%S}"}
    response = client.post(change_url(issue), form_data(issue, _schedule="1", **fields))
    assert response.status_code == 200
    assert error in text_of(response)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_schedule_in_the_future(client, editor, on_commit):
    issue = IssueFactory()
    moment = timezone.localtime() + timedelta(days=2)
    data = form_data(
        issue, _schedule="1", send_at_0=f"{moment:%Y-%m-%d}", send_at_1=f"{moment:%H:%M:00}"
    )
    with on_commit(execute=False):  # the ImmediateBackend would send it at once
        response = client.post(change_url(issue), data, follow=True)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SCHEDULED
    assert "is scheduled for" in text_of(response)

    client.post(change_url(issue), form_data(issue, _unschedule="1"))
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_the_schedule_button_points_up_to_the_send_at_field(client, editor):
    page = text_of(client.get(change_url(IssueFactory())))
    assert page.index('name="send_at_0"') < page.index('name="_schedule"')
    assert "Sends it at the “send at” time above." in page
    assert "time below" not in page


def test_send_now_confirms_then_sends_to_confirmed_subscribers_only(client, editor, on_commit):
    active = SubscriberFactory.create_batch(2)
    pending = PendingSubscriberFactory()
    gone = SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED)
    issue = IssueFactory(subject="Hills week")
    send = f"{ISSUES}{issue.pk}/send/"

    response = client.post(change_url(issue), form_data(issue, _send_now="1"))
    assert response.url == send
    page = words_of(client.get(send))
    assert "2 confirmed subscribers will receive “Hills week”" in page
    assert "1 person waiting for confirmation does not get it" in page
    assert "Yes, send it to 2 subscribers" in page
    assert not Delivery.objects.exists()  # the confirmation page changes nothing

    with on_commit(execute=True):
        response = client.post(send, follow=True)
    assert "Sending started: 2 emails are queued." in text_of(response)
    sent_to = set(Delivery.objects.filter(issue=issue).values_list("subscriber_id", flat=True))
    assert sent_to == {s.pk for s in active}
    assert pending.pk not in sent_to and gone.pk not in sent_to
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in active)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_an_issue_cannot_be_sent_twice(client, editor, on_commit):
    SubscriberFactory.create_batch(2)
    issue = IssueFactory()
    with on_commit(execute=True):
        client.post(f"{ISSUES}{issue.pk}/send/")
    assert len(mail.outbox) == 2

    page = text_of(client.get(f"{ISSUES}{issue.pk}/send/"))
    assert "This issue was already sent" in page and "it cannot be sent again" in page
    assert "Yes, send it" not in page
    SubscriberFactory()
    with on_commit(execute=True):
        response = client.post(f"{ISSUES}{issue.pk}/send/", follow=True)
    assert "it cannot be sent again" in text_of(response)
    assert len(mail.outbox) == 2
    assert Delivery.objects.count() == 2


def test_an_issue_being_sent_cannot_be_sent_again(client, editor, on_commit):
    SubscriberFactory()
    issue = IssueFactory(status=Issue.Status.SENDING, started_at=timezone.now())
    with on_commit(execute=True):
        response = client.post(f"{ISSUES}{issue.pk}/send/", follow=True)
    assert "being sent right now: it cannot be sent again" in text_of(response)
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_send_now_with_nobody_to_send_to(client, editor):
    PendingSubscriberFactory()
    issue = IssueFactory()
    assert "no confirmed subscribers yet" in text_of(client.get(f"{ISSUES}{issue.pk}/send/"))
    client.post(f"{ISSUES}{issue.pk}/send/")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_staff_without_send_permission_is_refused(client, writer, on_commit):
    SubscriberFactory()
    issue = IssueFactory()
    page = text_of(client.get(change_url(issue)))
    assert "Save and send me a test" in page
    assert 'name="_send_now"' not in page and 'name="_schedule"' not in page
    assert client.get(f"{ISSUES}{issue.pk}/send/").status_code == 403
    with on_commit(execute=True):
        assert client.post(f"{ISSUES}{issue.pk}/send/").status_code == 403
        assert client.post(change_url(issue), form_data(issue, _send_now="1")).status_code == 403
        moment = timezone.localtime() + timedelta(days=1)
        scheduled = form_data(
            issue, _schedule="1", send_at_0=f"{moment:%Y-%m-%d}", send_at_1="09:00:00"
        )
        assert client.post(change_url(issue), scheduled).status_code == 403
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT and mail.outbox == []


def test_a_sent_issue_is_read_only(client, editor):
    issue = IssueFactory(
        status=Issue.Status.SENT, started_at=timezone.now(), finished_at=timezone.now()
    )
    CalloutFactory(issue=issue, title="Parkrun meet-up")
    page = client.get(change_url(issue)).content.decode()
    assert 'name="_save"' not in page and 'name="_send_now"' not in page
    assert 'name="callouts-0-title"' not in page
    assert "This issue was sent" in page
    assert "Offers and events" in page and "Parkrun meet-up" in page
    response = client.post(change_url(issue), form_data(issue, subject="Changed"))
    assert response.status_code == 409  # refused with the message, see below
    issue.refresh_from_db()
    assert issue.subject != "Changed"
    assert client.post(f"{ISSUES}{issue.pk}/fill/", {"mode": "replace"}).status_code == 403


def test_a_sent_issue_without_offers_shows_no_empty_offers_heading(client, editor):
    issue = IssueFactory(
        status=Issue.Status.SENT, started_at=timezone.now(), finished_at=timezone.now()
    )
    page = client.get(change_url(issue)).content.decode()
    assert "This issue was sent" in page
    assert "Offers and events" not in page
    draft = client.get(change_url(IssueFactory())).content.decode()
    assert "Offers and events" in draft  # a draft still gets the inline to add them


# An editor's save that comes after the send started -------------------------------------


def test_a_save_after_the_send_started_is_refused_and_shows_what_was_typed(client, editor):
    issue = IssueFactory(subject="Hills week", body="<p>Old text.</p>")
    assert 'name="_save"' in client.get(change_url(issue)).content.decode()  # opened as a draft
    started = timezone.now() - timedelta(minutes=2)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING, started_at=started)

    typed = form_data(issue, subject="Hills week, fixed", body="<p>New text I wrote.</p>")
    response = client.post(change_url(issue), {**typed, "_continue": "1"})
    assert response.status_code == 409
    stamp = dates.when(started)
    page = words_of(response)
    assert (
        f"This issue started sending at {stamp} while you were editing; it can no longer "
        "change. Your changes were not saved."
    ) in page
    assert "Your changes (not saved)" in page and "Hills week, fixed" in page
    assert "<p>New text I wrote.</p>" in page  # in a read-only box to copy from
    assert 'name="_save"' not in response.content.decode()
    assert 'http-equiv="refresh"' not in response.content.decode()  # would lose the text
    assert 'http-equiv="refresh"' in client.get(change_url(issue)).content.decode()
    issue.refresh_from_db()
    assert (issue.subject, issue.body, issue.status) == (
        "Hills week",
        "<p>Old text.</p>",
        Issue.Status.SENDING,
    )


def test_a_send_that_starts_between_loading_and_saving_refuses_the_save(client, editor):
    """The race itself: the admin loaded the draft, the send starts before save_model."""
    issue = IssueFactory(subject="Hills week")
    real_get_object = IssueAdmin.get_object
    loads = []

    def load_then_send_starts(self, request, object_id, from_field=None):
        loaded = real_get_object(self, request, object_id, from_field)
        loads.append(loaded.status)
        if len(loads) == 2:  # the admin's own load for the form: the send starts right after
            Issue.objects.filter(pk=issue.pk).update(
                status=Issue.Status.SENDING, started_at=timezone.now()
            )
        return loaded

    with mock.patch.object(IssueAdmin, "get_object", load_then_send_starts):
        response = client.post(change_url(issue), form_data(issue, subject="Changed"))
    assert loads[:2] == ["draft", "draft"]
    assert response.status_code == 409
    assert "while you were editing" in words_of(response)
    issue.refresh_from_db()
    # (The test's stand-in for the sender ran in the admin's transaction, rolled back with
    # the refused save; a real sender commits its own.)
    assert issue.subject == "Hills week"


# Moving a scheduled issue -----------------------------------------------------------------


def send_at_fields(moment) -> dict:
    moment = timezone.localtime(moment)
    return {"send_at_0": f"{moment:%Y-%m-%d}", "send_at_1": f"{moment:%H:%M:%S}"}


def scheduled_issue(when: timedelta = timedelta(days=2)):
    moment = (timezone.now() + when).replace(second=0, microsecond=0)
    return IssueFactory(status=Issue.Status.SCHEDULED, send_at=moment)


@pytest.mark.parametrize("button", ["_save", "_continue"])
@pytest.mark.parametrize("move", [timedelta(days=1), timedelta(days=-1)], ids=["later", "earlier"])
def test_moving_send_at_of_a_scheduled_issue_books_the_new_time(client, editor, button, move):
    issue = scheduled_issue()
    new_time = issue.send_at + move
    data = form_data(issue, **send_at_fields(new_time), **{button: "1"})
    with mock.patch("newsletter.admin.issues.issue_schedule") as schedule:
        response = client.post(change_url(issue), data, follow=True)
    assert schedule.call_count == 1
    assert schedule.call_args.args[0].send_at == new_time
    issue.refresh_from_db()
    assert (issue.status, issue.send_at) == (Issue.Status.SCHEDULED, new_time)
    stamp = dates.when(new_time)
    assert f"“{issue.subject}” is now scheduled for {stamp}." in words_of(response)


def test_a_moved_schedule_has_send_jobs_at_the_new_time(client, editor, settings, on_commit):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    issue = scheduled_issue()
    earlier = issue.send_at - timedelta(hours=30)
    with on_commit(execute=True):
        client.post(change_url(issue), form_data(issue, **send_at_fields(earlier)))
    jobs = DBTaskResult.objects.all()
    assert jobs.count() == settings.NEWSLETTER_SEND_TASKS
    assert {job.run_after for job in jobs} == {earlier}
    assert {tuple(job.args_kwargs["args"]) for job in jobs} == {(issue.pk,)}


def test_saving_a_scheduled_issue_without_moving_it_books_nothing(client, editor):
    issue = scheduled_issue()
    data = form_data(issue, subject="New subject", **send_at_fields(issue.send_at))
    with mock.patch("newsletter.admin.issues.issue_schedule") as schedule:
        response = client.post(change_url(issue), data)
    assert response.status_code == 302
    assert schedule.call_count == 0
    issue.refresh_from_db()
    assert (issue.subject, issue.status) == ("New subject", Issue.Status.SCHEDULED)


@pytest.mark.parametrize(
    ("when", "error"),
    [
        (None, "This issue is scheduled, so it needs a time: choose a new one"),
        (timedelta(hours=-1), "This time has passed: choose a time in the future"),
    ],
)
def test_a_scheduled_issue_cannot_be_moved_to_no_time_or_the_past(client, editor, when, error):
    issue = scheduled_issue()
    fields = {} if when is None else send_at_fields(timezone.now() + when)
    with mock.patch("newsletter.admin.issues.issue_schedule") as schedule:
        response = client.post(change_url(issue), form_data(issue, **fields))
    assert response.status_code == 200
    assert error in text_of(response)
    assert schedule.call_count == 0
    before = issue.send_at
    issue.refresh_from_db()
    assert (issue.status, issue.send_at) == (Issue.Status.SCHEDULED, before)


def test_back_to_draft_may_clear_the_time(client, editor):
    issue = scheduled_issue()
    with mock.patch("newsletter.admin.issues.issue_schedule") as schedule:
        client.post(change_url(issue), form_data(issue, _unschedule="1"))
    assert schedule.call_count == 0
    issue.refresh_from_db()
    assert (issue.status, issue.send_at) == (Issue.Status.DRAFT, None)


def test_back_to_draft_goes_through_the_service(client, editor):
    issue = scheduled_issue()
    with mock.patch(
        "newsletter.admin.issues.issue_unschedule", wraps=services.issue_unschedule
    ) as unschedule:
        client.post(change_url(issue), form_data(issue, _unschedule="1"))
    assert unschedule.call_args.kwargs["issue"].pk == issue.pk
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


# Progress --------------------------------------------------------------------------------


def test_list_shows_progress_per_issue(client, editor):
    sending = IssueFactory(subject="Sending one", status=Issue.Status.SENDING)
    deliveries(sending, sent=3, failed=1, pending=1)
    IssueFactory(subject="Draft one")
    response = client.get(ISSUES)
    assert "3 / 5 sent · 1 failed" in words_of(response)
    page = text_of(response)
    assert 'style="width:60.0%"' in page and 'style="width:20.0%"' in page


def test_change_page_shows_progress_and_failures(client, editor):
    issue = IssueFactory(status=Issue.Status.SENT, finished_at=timezone.now())
    deliveries(issue, sent=2, skipped=1)
    failed = Delivery.objects.create(
        issue=issue,
        subscriber=SubscriberFactory(email="bounce@example.com"),
        state="failed",
        attempts=1,
        error="550 5.1.1 No such user",
    )
    page = words_of(client.get(change_url(issue)))
    assert "2 / 4 sent · 1 failed" in page
    assert "1 skipped (unsubscribed meanwhile)" in page
    failures = text_of(client.get(f"{ISSUES}{issue.pk}/failures/"))
    assert "bounce@example.com" in failures and "550 5.1.1 No such user" in failures
    assert f"{ADMIN}newsletter/subscriber/{failed.subscriber_id}/change/" in failures


def test_a_sent_issue_without_deliveries_says_it_went_to_nobody_not_that_it_waits(client, editor):
    sent = timezone.now() - timedelta(hours=1)
    issue = IssueFactory(status=Issue.Status.SENT, started_at=sent, finished_at=sent)
    page = words_of(client.get(change_url(issue)))
    assert "Sent to nobody: there were no confirmed subscribers." in page
    assert "Not sent yet." not in page
    assert "Not sent yet." in words_of(client.get(change_url(IssueFactory())))


def sending_issue(*, started_ago: timedelta, **kwargs):
    return IssueFactory(
        status=Issue.Status.SENDING, started_at=timezone.now() - started_ago, **kwargs
    )


def delivery(issue, state="pending", **fields):
    fields.setdefault("error", "")
    subscriber = SubscriberFactory()
    return Delivery.objects.create(issue=issue, subscriber=subscriber, state=state, **fields)


clock = dates.clock  # how the send panel gives a time (tests/runnerhub/test_dates.py)


def test_a_sending_issue_that_has_stopped_moving_says_what_to_do(client, editor, settings, noon):
    settings.NEWSLETTER_LEASE_SECONDS = 120  # quiet for more than 4 minutes: stuck
    issue = sending_issue(started_ago=timedelta(minutes=40))
    delivery(issue, "sent", sent_at=timezone.now() - timedelta(minutes=14))
    last = delivery(issue, "sent", sent_at=timezone.now() - timedelta(minutes=12, seconds=5))
    delivery(issue, "failed", attempts=5, error="421 Try again later")
    delivery(issue)
    delivery(issue)
    page = words_of(client.get(change_url(issue)))
    stamp = clock(last.sent_at)
    assert f"Last message 12 minutes ago ({stamp})." in page
    assert "Next retry" not in page
    assert (
        "No message has gone out for 12 minutes. Check that a worker is running "
        "(python manage.py db_worker --queue-name '*') and see the failed deliveries."
    ) in page
    html_page = text_of(client.get(change_url(issue)))
    assert f'<a href="{ADMIN}newsletter/issue/{issue.pk}/failures/">failed deliveries</a>' in (
        html_page
    )


def test_a_moving_send_shows_its_last_message_and_no_warning(client, editor, settings):
    settings.NEWSLETTER_LEASE_SECONDS = 120
    issue = sending_issue(started_ago=timedelta(minutes=40))
    delivery(issue, "sent", sent_at=timezone.now() - timedelta(minutes=3, seconds=10))
    delivery(issue)
    page = words_of(client.get(change_url(issue)))
    assert "Last message 3 minutes ago" in page
    assert "No message has gone out for" not in page


def test_a_send_waiting_for_a_retry_shows_when_and_no_warning(client, editor, settings, noon):
    settings.NEWSLETTER_LEASE_SECONDS = 120
    issue = sending_issue(started_ago=timedelta(hours=2))
    delivery(issue, "sent", sent_at=timezone.now() - timedelta(minutes=50))
    retry_at = timezone.now() + timedelta(minutes=10, seconds=30)
    delivery(issue, attempts=2, next_attempt_at=retry_at)
    delivery(issue, attempts=1, next_attempt_at=retry_at + timedelta(minutes=20))
    page = words_of(client.get(change_url(issue)))
    assert "Last message 50 minutes ago" in page
    assert f"Next retry due in 10 minutes ({clock(retry_at)})." in page
    assert "No message has gone out for" not in page


def test_a_send_that_never_got_going_warns_after_two_leases(client, editor, settings):
    settings.NEWSLETTER_LEASE_SECONDS = 120
    fresh = sending_issue(started_ago=timedelta(minutes=3))
    delivery(fresh)
    page = words_of(client.get(change_url(fresh)))
    assert "No message has gone out yet." in page
    assert "No message has gone out for" not in page  # not yet two leases

    stuck = sending_issue(started_ago=timedelta(minutes=12, seconds=5))
    delivery(stuck)
    page = words_of(client.get(change_url(stuck)))
    assert "No message has gone out yet." in page
    assert (
        "No message has gone out for 12 minutes. Check that a worker is running "
        "(python manage.py db_worker --queue-name '*')."
    ) in page


def test_times_of_another_day_show_their_date(client, editor, settings):
    settings.NEWSLETTER_LEASE_SECONDS = 120
    just_after_midnight = datetime(2026, 6, 10, 0, 5, tzinfo=LONDON)
    with mock.patch("django.utils.timezone.now", return_value=just_after_midnight):
        issue = sending_issue(started_ago=timedelta(minutes=40))
        delivery(issue, "sent", sent_at=just_after_midnight - timedelta(minutes=12))
        delivery(issue, attempts=1, next_attempt_at=just_after_midnight + timedelta(days=1))
        page = words_of(client.get(change_url(issue)))
    assert "Last message 12 minutes ago (June 9, 2026 at 11:53pm)." in page
    assert "Next retry due in 1 day (June 11, 2026 at 12:05am)." in page


def test_list_shows_the_last_message_of_sending_issues(client, editor, settings):
    settings.NEWSLETTER_LEASE_SECONDS = 120
    moving = sending_issue(started_ago=timedelta(minutes=30), subject="Moving one")
    delivery(moving, "sent", sent_at=timezone.now() - timedelta(minutes=3, seconds=5))
    delivery(moving)
    stuck = sending_issue(started_ago=timedelta(minutes=30), subject="Stuck one")
    delivery(stuck, "sent", sent_at=timezone.now() - timedelta(minutes=20, seconds=5))
    delivery(stuck)
    page = words_of(client.get(ISSUES))
    assert "1 / 2 sent last message 3 minutes ago Sending" not in page  # (columns apart)
    moving_row = page[page.index("Moving one") :][:200]
    stuck_row = page[page.index("Stuck one") :][:200]
    assert "last message 3 minutes ago" in moving_row and "stuck?" not in moving_row
    assert "last message 20 minutes ago · stuck? see the issue" in stuck_row


# Retrying failed deliveries ---------------------------------------------------------------


def failed_issue(status=Issue.Status.SENT, failed: int = 2):
    issue = IssueFactory(
        status=status,
        started_at=timezone.now() - timedelta(hours=1),
        finished_at=timezone.now() - timedelta(minutes=50) if status == Issue.Status.SENT else None,
    )
    delivery(issue, "sent", sent_at=timezone.now() - timedelta(minutes=55))
    for n in range(failed):
        Delivery.objects.create(
            issue=issue,
            subscriber=SubscriberFactory(email=f"full{n}@example.com"),
            state="failed",
            attempts=5,
            error=f"452 4.2.2 Mailbox full ({n})",
        )
    return issue


def test_retry_failed_deliveries_sends_them_again(client, editor, on_commit):
    issue = failed_issue()
    page = text_of(client.get(change_url(issue)))
    assert "Retry 2 failed deliveries" in page
    assert f'formaction="{ADMIN}newsletter/issue/{issue.pk}/retry-failed/"' in page
    failures = text_of(client.get(f"{ISSUES}{issue.pk}/failures/"))
    assert "452 4.2.2 Mailbox full (0)" in failures and "452 4.2.2 Mailbox full (1)" in failures
    assert f'action="{ADMIN}newsletter/issue/{issue.pk}/retry-failed/"' in failures

    with on_commit(execute=True):  # the ImmediateBackend sends them within the request
        response = client.post(f"{ISSUES}{issue.pk}/retry-failed/", follow=True)
    assert response.redirect_chain[-1][0] == change_url(issue)
    assert (
        "2 failed deliveries will be tried again; the issue is sending until they are done."
        in words_of(response)
    )
    assert sorted(m.to[0] for m in mail.outbox) == ["full0@example.com", "full1@example.com"]
    assert set(Delivery.objects.filter(issue=issue).values_list("state", flat=True)) == {"sent"}
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_retry_calls_the_service_and_does_not_warn_while_the_worker_picks_up(
    client, editor, settings, on_commit
):
    settings.NEWSLETTER_LEASE_SECONDS = 120
    issue = failed_issue(status=Issue.Status.SENDING)  # last message 55 minutes ago
    with on_commit(execute=False):  # the worker has not picked the jobs up yet
        response = client.post(f"{ISSUES}{issue.pk}/retry-failed/", follow=True)
    page = words_of(response)
    assert "2 failed deliveries will be tried again" in page
    assert "Last message 55 minutes ago" in page
    assert "No message has gone out for" not in page  # just retried: give the worker time
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING
    assert Delivery.objects.filter(issue=issue, state="pending").count() == 2


def test_retry_reports_the_count_of_the_service(client, editor):
    issue = failed_issue()
    with mock.patch("newsletter.admin.issues.issue_retry_failed", return_value=7) as retry:
        response = client.post(f"{ISSUES}{issue.pk}/retry-failed/", follow=True)
    assert retry.call_args.args[0].pk == issue.pk
    assert "7 failed deliveries will be tried again" in words_of(response)


def test_retry_needs_the_send_permission_post_and_csrf(client, writer):
    issue = failed_issue()
    page = text_of(client.get(change_url(issue)))
    assert "Retry 2 failed deliveries" not in page
    assert "See the failed deliveries" in page
    assert "Retry 2" not in text_of(client.get(f"{ISSUES}{issue.pk}/failures/"))
    assert client.post(f"{ISSUES}{issue.pk}/retry-failed/").status_code == 403
    assert client.get(f"{ISSUES}{issue.pk}/retry-failed/").status_code == 403

    sender = StaffFactory(username="sally")
    sender.groups.add(Group.objects.get(name="Editors"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(sender)
    assert strict.get(f"{ISSUES}{issue.pk}/retry-failed/").status_code == 405
    assert strict.post(f"{ISSUES}{issue.pk}/retry-failed/").status_code == 403  # no token
    assert Delivery.objects.filter(issue=issue, state="failed").count() == 2


def test_retry_on_a_draft_or_without_failures_changes_nothing(client, editor):
    draft = IssueFactory()
    response = client.post(f"{ISSUES}{draft.pk}/retry-failed/", follow=True)
    assert "This issue has not been sent: there is nothing to retry." in words_of(response)
    issue = failed_issue(failed=0)
    assert "Retry" not in text_of(client.get(change_url(issue)))
    response = client.post(f"{ISSUES}{issue.pk}/retry-failed/", follow=True)
    assert "There are no failed deliveries to retry." in words_of(response)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_issue_list_query_count_does_not_grow_with_issues(
    client, editor, django_assert_num_queries
):
    def make(n):
        for _ in range(n):
            issue = IssueFactory(status=Issue.Status.SENT)
            deliveries(issue, sent=2, failed=1)

    make(2)
    # session, user, whether the account has a two-factor app (the sign-in gate), (groups/
    # permissions), count, the issues with their three counts
    with django_assert_num_queries(7):
        client.get(ISSUES)
    make(8)
    with django_assert_num_queries(7):
        response = client.get(ISSUES)
    assert words_of(response).count("2 / 3 sent · 1 failed") == 10


def test_every_status_has_a_badge_of_its_tone(client, editor):
    for status in Issue.Status.values:
        IssueFactory(subject=f"{status} issue", status=status)
    for status in Subscriber.Status.values:
        SubscriberFactory(
            status=status, unsubscribed_at=timezone.now(), suppressed_at=timezone.now()
        )
    listed = text_of(client.get(ISSUES)) + text_of(client.get(SUBSCRIBERS))
    for tone, label in [
        ("quiet", "Draft"),
        ("info", "Scheduled"),
        ("waiting", "Sending"),
        ("good", "Sent"),
        ("waiting", "Waiting for confirmation"),
        ("good", "Subscribed"),
        ("quiet", "Unsubscribed"),
        ("bad", "Bounced"),
        ("bad", "Complained (spam)"),
    ]:
        assert f'<span class="rh-badge rh-badge--{tone}">{label}</span>' in listed


# Subscribers -----------------------------------------------------------------------------


def test_subscriber_counts_filters_and_search(client, editor):
    SubscriberFactory.create_batch(3)
    SubscriberFactory(email="findme@example.com", first_name="Zebedee")
    PendingSubscriberFactory(email="wait@example.com")
    SubscriberFactory(email="gone@example.com", status=Subscriber.Status.UNSUBSCRIBED)
    page = text_of(client.get(SUBSCRIBERS))
    tiles = {
        label: int(count)
        for count, label in re.findall(
            r'nl-tile__count">(\d+)</span>\s*<span class="nl-tile__label">([^<]+)', page
        )
    }
    assert tiles == {
        "Subscribed": 4,
        "Waiting for confirmation": 1,
        "Unsubscribed": 1,
        "Bounced": 0,
        "Complained (spam)": 0,
    }

    pending = text_of(client.get(SUBSCRIBERS, {"status__exact": "pending"}))
    assert "wait@example.com" in pending and "findme@example.com" not in pending
    gone = text_of(client.get(SUBSCRIBERS, {"status__exact": "unsubscribed"}))
    assert "gone@example.com" in gone and "wait@example.com" not in gone
    found = text_of(client.get(SUBSCRIBERS, {"q": "zebedee"}))
    assert "findme@example.com" in found and "wait@example.com" not in found


def dashboard_counts(client) -> dict[str, int]:
    page = text_of(client.get(ADMIN))
    return {
        label.strip(): int(n)
        for n, label in re.findall(
            r'rh-dashboard__count">(\d+)</span>\s*<span class="rh-dashboard__label">([^<]+)', page
        )
    }


def test_admin_index_shows_subscriber_counts(client, editor):
    SubscriberFactory.create_batch(2)
    PendingSubscriberFactory()
    counts = dashboard_counts(client)
    assert counts["newsletter subscribers"] == 2
    assert counts["sign-up awaiting confirmation"] == 1  # one sign-up, not "1 sign-ups"

    Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).first().delete()
    PendingSubscriberFactory()
    counts = dashboard_counts(client)
    assert counts["newsletter subscriber"] == 1
    assert counts["sign-ups awaiting confirmation"] == 2


def test_bounces_and_complaints_are_counted_filtered_and_explained(client, editor):
    dead, annoyed, fine = SubscriberFactory.create_batch(3)
    subscriber_bounce(
        subscriber_id=dead.pk, permanent=True, reason="550 5.1.1 No such user", source="SMTP"
    )
    subscriber_complain(email=annoyed.email, reason="abuse", source="Mailgun webhook")
    counts = dashboard_counts(client)
    assert counts["address bounced"] == 1 and counts["spam complaint"] == 1
    bounced = text_of(client.get(SUBSCRIBERS, {"status__exact": "bounced"}))
    assert dead.email in bounced and fine.email not in bounced
    by_provider = text_of(client.get(SUBSCRIBERS, {"suppressed_source": "Mailgun webhook"}))
    assert annoyed.email in by_provider and dead.email not in by_provider
    page = text_of(client.get(reverse("admin:newsletter_subscriber_change", args=[dead.pk])))
    assert "550 5.1.1 No such user" in page and "Bounces and complaints" in page


def test_consent_record_is_read_only(client, editor):
    subscriber = SubscriberFactory(consent_text="Yes please", first_name="Jo")
    url = f"{SUBSCRIBERS}{subscriber.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="consent_text"' not in page and "Yes please" in page
    assert 'name="email"' not in page and 'name="first_name"' in page
    client.post(url, {"first_name": "Joanne", "consent_text": "Forged", "status": "active"})
    subscriber.refresh_from_db()
    assert (subscriber.first_name, subscriber.consent_text) == ("Joanne", "Yes please")


def test_unsubscribe_action(client, editor):
    a, b = SubscriberFactory.create_batch(2)
    earlier = timezone.now() - timedelta(days=3)
    gone = SubscriberFactory(status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=earlier)
    selected = [a.pk, gone.pk]
    response = client.post(
        SUBSCRIBERS,
        {"action": "unsubscribe_selected", "_selected_action": selected},
        follow=True,
    )
    assert "1 subscriber unsubscribed." in words_of(response)
    a.refresh_from_db()
    b.refresh_from_db()
    gone.refresh_from_db()
    assert (a.status, b.status) == ("unsubscribed", "active")
    assert a.unsubscribed_at is not None
    assert gone.unsubscribed_at == earlier  # already unsubscribed: its date is kept


def csv_of(response) -> list[list[str]]:
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return [line.split(",") for line in body.lstrip("\ufeff").splitlines()]


def test_export_streams_the_filtered_list(client, editor):
    SubscriberFactory(
        email="sam@example.com", first_name="Sam", consent_text="Yes", consent_source="/gear/"
    )
    PendingSubscriberFactory(email="wait@example.com", first_name="Wai", consent_text="")
    response = client.get(SUBSCRIBERS + "export/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    rows = csv_of(response)
    assert rows[0] == [
        "email",
        "first_name",
        "status",
        "signed_up",
        "confirmed",
        "unsubscribed",
        "consent_wording",
        "consent_time",
        "source",
    ]
    sam = rows[1]
    assert sam[:3] == ["sam@example.com", "Sam", "active"]
    assert sam[4] and sam[5] == "" and sam[6:] == ["Yes", sam[7], "/gear/"] and sam[7]
    assert rows[2][:3] == ["wait@example.com", "Wai", "pending"]

    only_pending = csv_of(client.get(SUBSCRIBERS + "export/", {"status__exact": "pending"}))
    assert [r[0] for r in only_pending[1:]] == ["wait@example.com"]
    assert f'href="{ADMIN}newsletter/subscriber/export/?status__exact=pending"' in (
        client.get(SUBSCRIBERS, {"status__exact": "pending"}).content.decode()
    )


def test_export_selected_action(client, editor):
    a, _b, c = SubscriberFactory.create_batch(3)
    response = client.post(
        SUBSCRIBERS, {"action": "export_selected", "_selected_action": [a.pk, c.pk]}
    )
    assert [r[0] for r in csv_of(response)[1:]] == [a.email, c.email]


# Import ----------------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "list.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content, "text/csv")})


GOOD = (
    b"email,first_name,status,confirmed,consent_wording,consent_time\n"
    b"new@example.com,New,active,2025-03-01 09:45,Yes please,2025-03-01 09:30\n"
    b"maybe@example.com,Maybe,,,,\n"
    b"known@example.com,Known,active,2025-01-01,Yes,\n"
    b"not-an-email,Bad,,,,\n"
    b"new@example.com,Again,,,,\n"
)


def test_import_dry_run_changes_nothing_then_confirm_applies(client, editor):
    SubscriberFactory(email="Known@example.com", status=Subscriber.Status.UNSUBSCRIBED)
    response = upload(client, GOOD)
    assert response.status_code == 200
    page = text_of(response)
    assert re.search(r'id="nl-to-add">2<', page)
    assert re.search(r'id="nl-existing">1<', page)
    assert re.search(r'id="nl-errors">2<', page)
    assert "<td>5</td><td>Invalid email address</td>" in page
    assert "<td>6</td><td>Duplicate of line 2</td>" in page
    assert "1 will be subscribed" in page and "1 will wait for confirmation" in page
    assert "Import 2 subscribers" in page
    assert "A CSV cannot prove that anyone agreed" in page
    assert Subscriber.objects.count() == 1

    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = client.post(IMPORT + "confirm/", {"token": token}, follow=True)
    assert "Imported 2 subscribers (1 confirmed, 1 waiting for confirmation" in text_of(response)
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        "Known@example.com": "unsubscribed",  # never subscribed again by an import
        "new@example.com": "active",
        "maybe@example.com": "pending",
    }
    new = Subscriber.objects.get(email="new@example.com")
    assert timezone.localtime(new.confirmed_at).strftime("%Y-%m-%d %H:%M") == "2025-03-01 09:45"
    assert (
        "CSV import “list.csv” by eddie"
        in Subscriber.objects.get(email="maybe@example.com").consent_source
    )
    assert IMPORT_SESSION_KEY not in client.session

    # The same confirm button a second time does nothing.
    response = client.post(IMPORT + "confirm/", {"token": token}, follow=True)
    assert "This import is no longer waiting" in text_of(response)
    assert Subscriber.objects.count() == 3


def test_import_counts_of_one_read_in_the_singular(client, editor):
    SubscriberFactory(email="known@example.com")
    page = text_of(upload(client, b"email\nnew@example.com\nknown@example.com\nnot-an-email\n"))
    assert re.search(
        r'id="nl-errors">1</span><span class="nl-tile__label">row with an error,', page
    )
    response = confirm_import(client, page)
    assert (
        "Imported 1 subscriber (0 confirmed, 1 waiting for confirmation, 0 unsubscribed); "
        "1 already in the list was left unchanged; 1 row with an error was skipped."
    ) in words_of(response)

    page = text_of(upload(client, b"email\na@example.com\nb@example.com\nx\ny\n"))
    assert re.search(r'id="nl-errors">2</span><span class="nl-tile__label">rows with errors,', page)
    response = confirm_import(client, page)
    assert (
        "Imported 2 subscribers (0 confirmed, 2 waiting for confirmation, 0 unsubscribed); "
        "0 already in the list were left unchanged; 2 rows with errors were skipped."
    ) in words_of(response)


def test_import_confirm_needs_the_token_of_the_checked_file(client, editor):
    upload(client, GOOD)
    for forged in ("forged", "forgé", "²" * 22):  # compare_digest() refuses non-ASCII str
        response = client.post(IMPORT + "confirm/", {"token": forged}, follow=True)
        assert "This import is no longer waiting" in text_of(response)
    assert not Subscriber.objects.exists()


def confirm_import(client, page: str):
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return client.post(IMPORT + "confirm/", {"token": token}, follow=True)


def test_import_without_a_confirmed_date_adds_active_rows_as_pending(client, editor):
    content = (
        b"email,status,consent_wording,consent_time\n"
        b"sam@example.com,active,Yes please,2025-03-01 09:30\n"
    )
    page = text_of(upload(client, content))
    assert "0 will be subscribed" in page and "1 will wait for confirmation" in page
    assert "status, consent wording and confirmed (date) columns" in page
    confirm_import(client, page)
    sam = Subscriber.objects.get()
    assert (sam.status, sam.confirmed_at) == ("pending", None)  # no date made up


def test_an_exported_list_imports_back_as_it_was(client, editor):
    confirmed = timezone.now().replace(microsecond=0) - timedelta(days=40)
    SubscriberFactory(
        email="sam@example.com",
        first_name="=Sam",
        confirmed_at=confirmed,
        consent_at=confirmed - timedelta(minutes=5),
        consent_text="Yes, email me",
        consent_source="/gear/",
    )
    PendingSubscriberFactory(email="wait@example.com", consent_text="", consent_at=confirmed)
    SubscriberFactory(
        email="gone@example.com",
        status=Subscriber.Status.UNSUBSCRIBED,
        confirmed_at=confirmed,
        consent_at=confirmed,
        unsubscribed_at=confirmed + timedelta(days=1),
    )
    fields = (
        "email",
        "first_name",
        "status",
        "confirmed_at",
        "unsubscribed_at",
        "consent_text",
        "consent_at",
        "consent_source",
    )
    before = sorted(Subscriber.objects.values_list(*fields))
    response = client.get(SUBSCRIBERS + "export/")
    exported = b"".join(response.streaming_content)
    Subscriber.objects.all().delete()

    page = text_of(upload(client, exported, "subscribers.csv"))
    assert re.search(r'id="nl-errors">0<', page)
    assert "1 will be subscribed" in page
    confirm_import(client, page)
    assert sorted(Subscriber.objects.values_list(*fields)) == before


def test_admin_refuses_to_add_an_address_no_email_can_reach(client, editor):
    poison = "poison@" + "é" * 60 + ".com"
    response = client.post(SUBSCRIBERS + "add/", {"email": poison, "first_name": "P"})
    assert response.status_code == 200
    assert "We could not send email to this address." in text_of(response)
    assert not Subscriber.objects.exists()
    client.post(SUBSCRIBERS + "add/", {"email": "fine@example.com", "first_name": "F"})
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_import_lists_an_address_no_email_can_reach_as_an_error(client, editor):
    poison = "poison@" + "é" * 60 + ".com"
    page = text_of(upload(client, f"email\n{poison}\nok@example.com\n".encode()))
    assert "<td>2</td><td>Cannot receive email (the address cannot be encoded)</td>" in page
    assert "Import 1 subscriber<" in page


def test_import_without_status_and_consent_adds_everyone_as_pending(client, editor):
    page = text_of(upload(client, b"email\na@example.com\nb@example.com\n"))
    assert "every new address will wait for confirmation" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    client.post(IMPORT + "confirm/", {"token": token})
    assert set(Subscriber.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\n\n", "The file is empty."),
        (b"name,city\nJo,Leeds\n", "with at least an “email” column"),
        (b"jo@example.com,Jo\n", "This file seems to start with an address instead."),
        ("email\nzoë@example.com\n".encode("cp1252"), "The file is not UTF-8 text"),
        (b"email\n" + b"runner@example.com\n" * 300_000, "The file is too large"),
        (b"email,first_name\n", "The file has a header but no rows."),
    ],
)
def test_bad_files_get_a_clear_message_and_change_nothing(client, editor, content, message):
    response = upload(client, content)
    assert response.status_code == 200
    assert message in text_of(response)
    assert "Check the file" in text_of(response)  # back on the upload form
    assert IMPORT_SESSION_KEY not in client.session
    assert not Subscriber.objects.exists()


def test_bad_rows_are_listed_with_line_and_reason(client, editor):
    content = (
        b"email,first_name\n"
        b"ok@example.com,Ok\n"
        b"nul\x00@example.com,N\n"
        b'"cr@exa\r\nmple.com",C\n'
        b"ctl@example.com,A\x1bB\n" + b"x" * 260 + b"@example.com,Long\n"
    )
    page = text_of(upload(client, content))
    for expected in (
        "<td>3</td><td>Email contains a NUL character</td>",
        "<td>4</td><td>Email contains a line break</td>",
        "<td>6</td><td>First name contains a control character</td>",
        "<td>7</td><td>Email is too long (over 254 characters)</td>",
    ):
        assert expected in page
    assert "Import 1 subscriber<" in page


def test_import_accepts_utf8_with_bom(client, editor):
    page = text_of(upload(client, "\ufeffemail,first_name\nzoe@example.com,Zoë\n".encode()))
    assert "Import 1 subscriber" in page and "Zoë" in page


def test_import_needs_add_permission(client):
    viewer = StaffFactory()
    group = Group.objects.create(name="Viewers")
    group.permissions.set(Permission.objects.filter(codename="view_subscriber"))
    viewer.groups.add(group)
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert client.get(SUBSCRIBERS + "export/").status_code == 200


def test_body_images_without_alt_text_are_saved_with_a_warning(client, editor):
    issue = IssueFactory(subject="Hills week")
    body = (
        '<p>Hills.</p><figure class="image"><img src="https://images.example.com/hill.jpg">'
        '</figure><figure class="image"><img src="https://images.example.com/ok.jpg" '
        'alt="A hill"></figure>'
    )
    response = client.post(
        change_url(issue), {**form_data(issue, body=body), "_continue": "1"}, follow=True
    )
    page = words_of(response)
    assert "was changed successfully" in page
    assert "Saved, but 1 image in the body has no description (alt text): hill.jpg." in page
    issue.refresh_from_db()
    assert "hill.jpg" in issue.body  # saved all the same
