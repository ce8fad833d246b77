"""Bounces and complaints: an address refused permanently is never mailed again, soft bounces
suppress after a threshold, a complaint unsubscribes at once, and none of them can be undone
by a stranger signing the address up again."""

import base64
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from newsletter import sending
from newsletter.admin.subscribers import status_counts
from newsletter.models import Delivery, Subscriber
from newsletter.services import subscriber_signup, subscribers_unsubscribe
from newsletter.suppression import SOFT_BOUNCE_LIMIT, subscriber_bounce, subscriber_complain
from newsletter.tokens import (
    ConfirmResult,
    confirm_token,
    subscriber_from_confirm_token,
    unsubscribe_url,
)
from runnerhub.models import SiteSettings
from tests.admin_paths import ADMIN
from tests.newsletter.factories import IssueFactory, SubscriberFactory
from tests.newsletter.smtp_sink import SmtpSink
from tests.runnerhub.factories import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttle(db):
    site = SiteSettings.load()
    site.newsletter_rate_per_minute = 0
    site.save()


def test_a_550_at_rcpt_bounces_the_address_and_the_next_issue_skips_it(settings):
    """Through a real SMTP server (aiosmtpd) that refuses two of five addresses."""
    readers = SubscriberFactory.create_batch(5)
    dead = {readers[1].email, readers[3].email}
    with SmtpSink(refuse=dead) as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        first = IssueFactory()
        assert sending.issue_start(first) == 5
        sending.run_sender(first.pk)
        assert set(sink.per_recipient()) == {r.email for r in readers} - dead
        for reader in readers:
            reader.refresh_from_db()
        bounced = {r.email for r in readers if r.status == Subscriber.Status.BOUNCED}
        assert bounced == dead
        gone = next(r for r in readers if r.email in dead)
        assert gone.suppressed_source == "SMTP" and gone.suppressed_at
        assert gone.suppressed_reason.startswith("550") and "No such user" in gone.suppressed_reason
        failed = Delivery.objects.filter(issue=first, state=Delivery.State.FAILED)
        assert failed.count() == 2

        second = IssueFactory()
        assert sending.issue_start(second) == 3  # the bounced addresses are not queued
        sending.run_sender(second.pk)
        assert sink.count() == 6


def test_a_bounce_during_a_send_skips_the_rest_of_that_send():
    reader = SubscriberFactory()
    issue = IssueFactory()
    sending.issue_start(issue)
    subscriber_bounce(subscriber_id=reader.pk, permanent=True, reason="550", source="Test")
    sending.run_sender(issue.pk)
    assert Delivery.objects.get().state == Delivery.State.SKIPPED and not mail.outbox


def test_soft_bounces_suppress_after_the_threshold_within_the_window():
    reader = SubscriberFactory()
    for _ in range(SOFT_BOUNCE_LIMIT - 1):
        assert subscriber_bounce(
            email=reader.email.upper(), permanent=False, reason="452 Mailbox full", source="T"
        ) == ("counted")
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and reader.soft_bounces == 2
    # The window started long ago: the count starts again instead of suppressing.
    Subscriber.objects.filter(pk=reader.pk).update(
        soft_bounce_since=timezone.now() - timedelta(days=31)
    )
    assert subscriber_bounce(email=reader.email, permanent=False, reason="x", source="T") == (
        "counted"
    )
    for _ in range(SOFT_BOUNCE_LIMIT - 1):
        result = subscriber_bounce(email=reader.email, permanent=False, reason="full", source="T")
    assert result == "bounced"
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED
    assert reader.suppressed_reason == "3 soft bounces in 30 days; last: full"


def test_a_complaint_unsubscribes_at_once_and_is_recorded():
    reader = SubscriberFactory()
    assert subscriber_complain(email=reader.email, reason="abuse report", source="Postmark webhook")
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.COMPLAINED
    assert reader.unsubscribed_at and reader.suppressed_source == "Postmark webhook"
    assert not subscriber_complain(email="nobody@example.com", reason="", source="x")


def test_unknown_and_hostile_addresses_change_nothing():
    reader = SubscriberFactory()
    for email in ("", "nobody@example.com", "a\x00b@example.com", "x" * 400):
        assert subscriber_bounce(email=email, permanent=True, reason="r\x00", source="T") == (
            "unknown"
        )
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE


def _confirm_email_count() -> int:
    return sum("confirm" in m.subject.lower() for m in mail.outbox)


def test_a_bounced_address_needs_a_new_double_opt_in(django_capture_on_commit_callbacks):
    reader = SubscriberFactory(email="gone@example.com")
    old_link = confirm_token(reader)
    subscriber_bounce(subscriber_id=reader.pk, permanent=True, reason="550", source="SMTP")
    assert subscriber_from_confirm_token(old_link)[1] is ConfirmResult.USED
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_signup(email="GONE@example.com", source="/")
    reader.refresh_from_db()
    # Still bounced (and counted so) until the person confirms: a stranger's sign-up
    # changes nothing but one confirmation email.
    assert reader.status == Subscriber.Status.BOUNCED
    assert status_counts()[Subscriber.Status.BOUNCED] == 1
    assert sending.issue_start(IssueFactory()) == 0
    assert _confirm_email_count() == 1
    assert subscriber_from_confirm_token(old_link)[1] is ConfirmResult.USED  # still not
    assert subscriber_from_confirm_token(confirm_token(reader))[1] is ConfirmResult.CONFIRMED


def test_a_bounced_address_is_active_once_its_owner_confirms_the_new_sign_up(
    client, django_capture_on_commit_callbacks
):
    reader = SubscriberFactory(email="back@example.com")
    subscriber_bounce(subscriber_id=reader.pk, permanent=True, reason="550", source="SMTP")
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_signup(email=reader.email, source="/")
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED
    link = reverse("newsletter:confirm", args=[confirm_token(reader)])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and reader.confirmed_at


@pytest.mark.parametrize("suppress", ["complained", "bounced"])
@pytest.mark.parametrize("how", ["service", "link", "webhook", "admin"])
def test_an_unsubscribe_keeps_a_complaint_or_a_bounce(client, settings, suppress, how):
    """The later unsubscribe is recorded, but the address stays complained or bounced: the
    block on a new sign-up and the dashboard's counts keep it."""
    reader = SubscriberFactory(email="kept@example.com")
    if suppress == "complained":
        subscriber_complain(email=reader.email, reason="spam", source="Mailgun webhook")
    else:
        subscriber_bounce(subscriber_id=reader.pk, permanent=True, reason="550", source="SMTP")
    # (A complaint records an unsubscribe itself: cleared, to see the one that follows.)
    Subscriber.objects.filter(pk=reader.pk).update(unsubscribed_at=None)
    reader.refresh_from_db()
    suppressed_at = reader.suppressed_at
    if how == "service":
        assert subscribers_unsubscribe(subscribers=Subscriber.objects.all()) == 1
    elif how == "link":
        assert client.post(unsubscribe_url(reader)).status_code == 200
    elif how == "webhook":
        secret = "provider:s3cret"
        settings.ANYMAIL = {"WEBHOOK_SECRET": secret}
        auth = "Basic " + base64.b64encode(secret.encode()).decode()
        body = {"event": "unsubscribe", "email": reader.email, "ts_epoch": 1762360434000}
        response = client.post(
            "/newsletter/webhooks/brevo/",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
        )
        assert response.status_code == 200
    else:
        signed_in(client, "Editors")
        client.post(
            f"{ADMIN}newsletter/subscriber/",
            {"action": "unsubscribe_selected", "_selected_action": [reader.pk]},
        )
    reader.refresh_from_db()
    assert reader.status == suppress
    assert reader.suppressed_at == suppressed_at and reader.unsubscribed_at
    assert status_counts()[suppress] == 1


def test_an_unsubscribe_voids_the_link_of_a_sign_up_of_a_bounced_address(
    django_capture_on_commit_callbacks,
):
    reader = SubscriberFactory(email="again@example.com")
    subscriber_bounce(subscriber_id=reader.pk, permanent=True, reason="550", source="SMTP")
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_signup(email=reader.email, source="/")
    sent = timezone.now() - timedelta(minutes=1)  # the link went out a minute ago
    Subscriber.objects.filter(pk=reader.pk).update(
        suppressed_at=sent - timedelta(minutes=1), confirmation_sent_at=sent
    )
    reader.refresh_from_db()
    with mock.patch("newsletter.tokens.time.time", return_value=sent.timestamp() + 1):
        link = confirm_token(reader)
    assert subscriber_from_confirm_token(link)[1] is ConfirmResult.CONFIRMED  # the control
    subscribers_unsubscribe(subscribers=Subscriber.objects.filter(pk=reader.pk))
    assert subscriber_from_confirm_token(link)[1] is ConfirmResult.USED


def test_a_complaint_blocks_a_new_sign_up_until_the_person_confirms(
    client, django_capture_on_commit_callbacks
):
    reader = SubscriberFactory(email="annoyed@example.com")
    subscriber_complain(email=reader.email, reason="spam", source="Mailgun webhook")
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_signup(email=reader.email, source="/")
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.COMPLAINED  # a stranger typing it changes nothing
    assert sending.issue_start(IssueFactory()) == 0
    # The link in the new confirmation email is the person's own way back.
    link = reverse("newsletter:confirm", args=[confirm_token(reader)])
    assert client.post(link).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and reader.soft_bounces == 0


def test_confirming_an_old_link_after_a_complaint_is_refused():
    reader = SubscriberFactory()
    old_link = confirm_token(reader)
    subscriber_complain(email=reader.email, reason="spam", source="Mailgun webhook")
    assert subscriber_from_confirm_token(old_link)[1] is ConfirmResult.USED


def test_admin_says_a_suppressed_address_stays_so_until_its_owner_confirms(client):
    reader = SubscriberFactory()
    subscriber_bounce(subscriber_id=reader.pk, permanent=True, reason="550", source="SMTP")
    signed_in(client, "Editors")
    page = client.get(f"{ADMIN}newsletter/subscriber/{reader.pk}/change/").content.decode()
    assert "stays so when it is signed up again" in " ".join(page.split())


def test_a_strangers_sign_up_keeps_the_suppressed_record_and_the_owner_confirms_consent(
    client, django_capture_on_commit_callbacks
):
    """Name and consent on record are the evidence of what happened to the address: a
    stranger's sign-up leaves them, and the owner's confirmation records the new consent."""
    reader = SubscriberFactory(email="gone@example.com", first_name="Sam")
    consent_at = reader.consent_at
    subscriber_bounce(subscriber_id=reader.pk, permanent=True, reason="550", source="SMTP")
    with django_capture_on_commit_callbacks(execute=True):
        subscriber_signup(email=reader.email, first_name="Stranger", source="/elsewhere/")
    reader.refresh_from_db()
    assert (reader.first_name, reader.consent_at) == ("Sam", consent_at)
    assert reader.consent_source != "/elsewhere/"
    link = reverse("newsletter:confirm", args=[confirm_token(reader)])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and reader.first_name == "Sam"
    assert reader.consent_at > consent_at and "confirmation" in reader.consent_source
