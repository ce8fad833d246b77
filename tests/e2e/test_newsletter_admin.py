"""An editor composes, previews, tests and sends a newsletter issue, and imports subscribers."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from newsletter.models import Delivery, Issue, Subscriber
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.e2e.conftest import editor_user, login, shot
from tests.newsletter.factories import (
    IssueFactory,
    PendingSubscriberFactory,
    SubscriberFactory,
)

pytestmark = pytest.mark.usefixtures("transactional_db")

INTRO = "A quick hello from the shop before the long weekend."


def newsletter_editor(**kwargs):
    """editor_user() plus the newsletter permissions of the data migration (flushed here)."""
    user = editor_user(**kwargs)
    Group.objects.get(name="Editors").permissions.add(
        *Permission.objects.filter(content_type__app_label="newsletter")
    )
    return user


def test_editor_composes_previews_tests_and_sends(page, screenshot_dir):
    newsletter_editor(username="nina", email="nina@runnerhub.test", first_name="Nina")
    article = ArticleFactory(
        title="Calf raises, done right",
        slug="calf-raises",
        lead="Three sets, slow on the way down: the exercise that keeps calves happy.",
    )
    question = CommentFactory(
        article=article, text="Should I do calf raises on rest days? I run four times a week."
    )
    staff = CommentFactory.build(
        article=article,
        parent=question,
        text="Yes, they are gentle enough.",
        is_staff_reply=True,
        state="published",
    )
    staff.save()
    SubscriberFactory.create_batch(3)
    PendingSubscriberFactory()

    login(page, "nina")
    page.goto("/admin/newsletter/issue/add/")
    page.locator("#id_subject").fill("Calves, hills and a foam roller sale")
    page.locator("#id_preheader").fill("Plus 20% off foam rollers until Sunday")
    editable = page.locator(".ck-editor__editable")
    editable.click()
    page.keyboard.type(INTRO)
    expect(editable.locator("p")).to_have_text(INTRO)

    page.locator(".add-row a", has_text=re.compile("Add another offer or event", re.I)).click()
    page.locator("#id_blocks-0-title").fill("20% off foam rollers")
    page.locator("#id_blocks-0-text").fill("In the shop and online, until Sunday.")
    page.locator("#id_blocks-0-url").fill("https://shop.example.com/recovery/")
    page.locator("#id_blocks-0-button").fill("Shop muscle recovery")
    shot(page, screenshot_dir, "newsletter-admin-compose.png")

    # The body has the editor's own text: Fill from the week asks before adding to it.
    page.get_by_role("button", name="Fill from the week").click()
    expect(page.locator("#content h1")).to_have_text("Fill from the week")
    expect(page.locator(".nl-draft")).to_contain_text("Calf raises, done right")
    expect(page.locator(".nl-draft")).to_contain_text("Should I do calf raises on rest days?")
    shot(page, screenshot_dir, "newsletter-admin-fill-confirm.png")
    page.get_by_role("button", name="Add below my text").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Drafted from what was")
    expect(editable.locator("p").first).to_have_text(INTRO)
    expect(editable.locator("h3 a")).to_have_text("Calf raises, done right")
    issue = Issue.objects.get()
    assert [b.title for b in issue.blocks.all()] == ["20% off foam rollers"]
    shot(page, screenshot_dir, "newsletter-admin-filled.png")

    page.get_by_role("button", name="Save and preview").click()
    expect(page).to_have_url(re.compile(rf"/admin/newsletter/issue/{issue.pk}/preview/$"))
    email = page.frame_locator(".nl-preview__frame")
    expect(email.locator("body")).to_contain_text("Hello Nina,")
    expect(email.locator("body")).to_contain_text(INTRO)
    expect(email.locator("body")).to_contain_text("Calf raises, done right")
    expect(email.get_by_role("link", name="Shop muscle recovery")).to_be_visible()
    shot(page, screenshot_dir, "newsletter-admin-preview.png")

    page.get_by_role("button", name="Send a test to nina@runnerhub.test").click()
    expect(page.locator(".messagelist .success")).to_contain_text("is on its way to nina@")
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("[Test] Calves, hills and a foam roller sale", ["nina@runnerhub.test"])
    ]

    page.get_by_role("link", name="Back to editing").click()
    page.get_by_role("button", name="Save and send now…").click()
    expect(page.locator(".nl-confirm__count")).to_have_text(
        "3 confirmed subscribers will receive “Calves, hills and a foam roller sale”."
    )
    shot(page, screenshot_dir, "newsletter-admin-send-confirm.png")
    page.get_by_role("button", name="Yes, send it to 3 subscribers").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Sending started")
    # The ImmediateBackend of the tests sends within the request: the progress is complete.
    expect(page.locator(".field-progress_detail .nl-progress__text")).to_have_text("3 / 3 sent")
    expect(page.locator("input[name=_save]")).to_have_count(0)  # read-only once sent
    shot(page, screenshot_dir, "newsletter-admin-sent.png")
    assert len(mail.outbox) == 4
    assert Delivery.objects.filter(issue=issue, state="sent").count() == 3

    page.goto("/admin/newsletter/issue/")
    row = page.locator("#result_list tbody tr", has_text="Calves, hills")
    expect(row.locator(".nl-progress__text")).to_have_text("3 / 3 sent")
    expect(row.locator(".rh-badge")).to_have_text("Sent")
    shot(page, screenshot_dir, "newsletter-admin-issue-list.png")

    page.goto(f"/admin/newsletter/issue/{issue.pk}/send/")
    expect(page.locator(".errornote")).to_contain_text("it cannot be sent again")


CSV = (
    "email,first_name,status,confirmed,consent_wording,consent_time\n"
    'sam@example.com,Sam,active,2025-03-01 09:45,"Yes, email me the weekly newsletter",'
    "2025-03-01 09:30\n"
    "lee@example.com,Lee,,,,\n"
    "known@example.com,Known,active,2025-01-01,Yes,\n"
    "not-an-email,Oops,,,,\n"
    "SAM@example.com,Sam again,,,,\n"
)


def test_editor_imports_subscribers_through_the_dry_run(page, screenshot_dir):
    newsletter_editor(username="nina")
    SubscriberFactory(email="known@example.com", status=Subscriber.Status.UNSUBSCRIBED)
    SubscriberFactory.create_batch(2)
    PendingSubscriberFactory()

    login(page, "nina")
    page.goto("/admin/newsletter/subscriber/")
    expect(page.locator(".nl-tile--active .nl-tile__count")).to_have_text("2")
    shot(page, screenshot_dir, "newsletter-admin-subscribers.png")
    page.get_by_role("link", name="Import from CSV").click()

    # A file in the wrong encoding first: a clear message, not an error page.
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "old.csv",
                "mimeType": "text/csv",
                "buffer": "email\nzoë@x.com\n".encode("cp1252"),
            }
        ]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".nl-file-error")).to_contain_text("The file is not UTF-8 text")
    shot(page, screenshot_dir, "newsletter-admin-import-error.png")

    page.locator("#id_file").set_input_files(
        files=[{"name": "shop-list.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#nl-to-add")).to_have_text("2")
    expect(page.locator("#nl-existing")).to_have_text("1")
    expect(page.locator("#nl-errors")).to_have_text("2")
    errors = page.locator(".nl-errors tbody tr")
    expect(errors).to_have_text(
        [re.compile("5.*Invalid email"), re.compile("6.*Duplicate of line 2")]
    )
    shot(page, screenshot_dir, "newsletter-admin-import-summary.png")
    assert Subscriber.objects.count() == 4  # the dry run changed nothing

    page.get_by_role("button", name="Import 2 subscribers").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Imported 2 subscribers")
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses["sam@example.com"] == "active"
    sam = Subscriber.objects.get(email="sam@example.com")
    assert f"{timezone.localtime(sam.confirmed_at):%Y-%m-%d %H:%M}" == "2025-03-01 09:45"
    assert statuses["lee@example.com"] == "pending"
    assert statuses["known@example.com"] == "unsubscribed"
    shot(page, screenshot_dir, "newsletter-admin-imported.png")


def test_editor_sees_a_stuck_send_and_retries_its_failed_deliveries(page, screenshot_dir):
    newsletter_editor(username="nina")
    now = timezone.now()
    issue = IssueFactory(
        subject="Hills, calves and a sale",
        status=Issue.Status.SENDING,
        started_at=now - timedelta(minutes=40),
    )
    for minutes in (16, 15, 14):
        Delivery.objects.create(
            issue=issue,
            subscriber=SubscriberFactory(),
            state="sent",
            attempts=1,
            sent_at=now - timedelta(minutes=minutes, seconds=5),
        )
    for n in range(2):
        Delivery.objects.create(
            issue=issue,
            subscriber=SubscriberFactory(email=f"full{n}@example.com"),
            state="failed",
            attempts=5,
            error="452 4.2.2 Mailbox full",
        )
    Delivery.objects.create(issue=issue, subscriber=SubscriberFactory(), state="pending")

    login(page, "nina")
    page.goto("/admin/newsletter/issue/")
    row = page.locator("#result_list tbody tr", has_text="Hills, calves")
    expect(row.locator(".nl-list-note")).to_contain_text("last message 14 minutes ago")
    expect(row.locator(".nl-list-note")).to_contain_text("stuck? see the issue")

    page.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    expect(page.locator("#nl-last-sent")).to_contain_text("Last message 14 minutes ago")
    expect(page.locator("#nl-stalled")).to_have_text(
        "No message has gone out for 14 minutes. Check that a worker is running "
        "(python manage.py db_worker --queue-name '*') and see the failed deliveries."
    )
    expect(page.get_by_text("Offers and events")).to_have_count(0)  # none, and read-only
    retry = page.get_by_role("button", name="Retry 2 failed deliveries")
    expect(retry).to_be_visible()
    shot(page, screenshot_dir, "newsletter-admin-sending-stuck.png")

    page.locator("#nl-stalled").get_by_role("link", name="failed deliveries").click()
    expect(page.locator(".nl-table tbody tr")).to_have_count(2)
    expect(page.locator(".nl-error").first).to_have_text("452 4.2.2 Mailbox full")
    shot(page, screenshot_dir, "newsletter-admin-failures.png")
    page.get_by_role("link", name="Back to the issue").click()

    # The ImmediateBackend of the tests sends within the request: the retry finishes it.
    retry.click()
    expect(page.locator(".messagelist .success")).to_have_text(
        "2 failed deliveries will be tried again; the issue is sending until they are done."
    )
    expect(page.locator(".field-progress_detail .nl-progress__text")).to_have_text("6 / 6 sent")
    expect(page.locator(".nl-panel h2")).to_have_text("This issue was sent")
    shot(page, screenshot_dir, "newsletter-admin-retried.png")
    assert sorted(m.to[0] for m in mail.outbox)[:2] == ["full0@example.com", "full1@example.com"]
    assert Delivery.objects.filter(issue=issue, state="sent").count() == 6


def test_a_save_after_the_send_started_keeps_what_the_editor_typed(page, screenshot_dir):
    newsletter_editor(username="nina")
    issue = IssueFactory(subject="Hills week")
    login(page, "nina")
    page.goto(f"/admin/newsletter/issue/{issue.pk}/change/")
    page.locator("#id_subject").fill("Hills week, with the sale")
    # Meanwhile someone else sends it.
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING, started_at=timezone.now())
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .error")).to_contain_text(
        "while you were editing; it can no longer change. Your changes were not saved."
    )
    expect(page.locator("#nl-unsaved")).to_contain_text("Hills week, with the sale")
    expect(page.locator("#nl-unsaved-body")).to_have_value(re.compile("Three new articles"))
    shot(page, screenshot_dir, "newsletter-admin-save-refused.png")
    issue.refresh_from_db()
    assert issue.subject == "Hills week"
