"""Providers' bounce and complaint webhooks (django-anymail): real-shaped payloads of Postmark,
Mailgun and Brevo suppress subscribers; a post that cannot be verified is refused and
logged; hostile payloads are never a server error."""

import base64
import hashlib
import hmac
import json
import logging
import secrets as random_tokens
import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from newsletter.models import Subscriber
from tests.hostile import HOSTILE
from tests.newsletter.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SECRET = "provider:s3cret-webhook-password"
SIGNING_KEY = "key-mailgun-signing-test"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}
POSTMARK = "/newsletter/webhooks/postmark/"
MAILGUN = "/newsletter/webhooks/mailgun/"
BREVO = "/newsletter/webhooks/brevo/"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def postmark_bounce(email: str, kind: str = "HardBounce") -> dict:
    return {
        "RecordType": "Bounce",
        "MessageStream": "broadcast",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 4096,
        "Name": "Hard bounce" if kind == "HardBounce" else "Soft bounce/Undeliverable",
        "Tag": "newsletter",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist",
        "Email": email,
        "From": "hello@runnerhub.test",
        "BouncedAt": "2026-11-05T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "This week at RunnerHub",
    }


def postmark_complaint(email: str) -> dict:
    return {
        "RecordType": "SpamComplaint",
        "MessageStream": "broadcast",
        "ID": 42,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Name": "Spam complaint",
        "Tag": "newsletter",
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "Metadata": {},
        "ServerID": 1234,
        "Description": "",
        "Details": "Test spam complaint details",
        "Email": email,
        "From": "hello@runnerhub.test",
        "BouncedAt": "2026-11-05T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": False,
        "Subject": "This week at RunnerHub",
    }


def mailgun(
    event_data: dict, *, key: str = SIGNING_KEY, timestamp: str = "", token: str = ""
) -> dict:
    """Signed as Mailgun signs: now, with a fresh token, unless told otherwise."""
    timestamp = timestamp or str(int(time.time()))
    token = token or random_tokens.token_hex(25)
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature.hexdigest()},
        "event-data": event_data,
    }


def mailgun_failed(email: str, severity: str = "permanent") -> dict:
    return mailgun(
        {
            "event": "failed",
            "severity": severity,
            "reason": "bounce" if severity == "permanent" else "generic",
            "recipient": email,
            "timestamp": 1764650000.329,
            "id": "G9Bn5sl1TC6Z8f2Y0L1jBg",
            "log-level": "error",
            "delivery-status": {
                "code": 550 if severity == "permanent" else 452,
                "message": "5.1.1 The email account that you tried to reach does not exist",
                "description": "",
                "attempt-no": 1,
            },
            "message": {"headers": {"message-id": "issue-1.subscriber-1@advice.example.com"}},
            "user-variables": {},
            "tags": [],
        }
    )


def mailgun_complained(email: str) -> dict:
    return mailgun(
        {
            "event": "complained",
            "recipient": email,
            "timestamp": 1764650000.5,
            "id": "-Agny091SquKnsrW2NEKUA",
            "log-level": "warn",
            "message": {"headers": {"message-id": "issue-1.subscriber-1@advice.example.com"}},
            "user-variables": {},
            "tags": [],
        }
    )


def brevo(email: str, event: str, reason: str = "") -> dict:
    return {
        "event": event,
        "email": email,
        "id": 771839,
        "date": "2026-11-05 16:33:54",
        "ts": 1762360434,
        "message-id": "<issue-1.subscriber-1@advice.example.com>",
        "ts_event": 1762360434,
        "subject": "This week at RunnerHub",
        "tag": "",
        "sending_ip": "185.41.28.109",
        "ts_epoch": 1762360434000,
        "tags": [],
        **({"reason": reason} if reason else {}),
    }


def post(client, url, payload, **extra):
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


def status_of(subscriber: Subscriber) -> str:
    subscriber.refresh_from_db()
    return subscriber.status


def test_postmark_bounces_and_complaints_suppress(client):
    dead, annoyed, full = SubscriberFactory.create_batch(3)
    assert post(client, POSTMARK, postmark_bounce(dead.email.upper()), **AUTH).status_code == 200
    assert post(client, POSTMARK, postmark_complaint(annoyed.email), **AUTH).status_code == 200
    assert post(
        client, POSTMARK, postmark_bounce(full.email, "SoftBounce"), **AUTH
    ).status_code == (200)
    assert status_of(dead) == Subscriber.Status.BOUNCED
    assert dead.suppressed_source == "Postmark webhook" and "550 5.1.1" in dead.suppressed_reason
    assert status_of(annoyed) == Subscriber.Status.COMPLAINED and annoyed.unsubscribed_at
    assert status_of(full) == Subscriber.Status.ACTIVE and full.soft_bounces == 1


def test_mailgun_signed_events_suppress(client):
    dead, annoyed, full = SubscriberFactory.create_batch(3)
    assert post(client, MAILGUN, mailgun_failed(dead.email), **AUTH).status_code == 200
    assert post(client, MAILGUN, mailgun_complained(annoyed.email), **AUTH).status_code == 200
    assert post(client, MAILGUN, mailgun_failed(full.email, "temporary"), **AUTH).status_code == 200
    assert status_of(dead) == Subscriber.Status.BOUNCED
    assert dead.suppressed_source == "Mailgun webhook"
    assert status_of(annoyed) == Subscriber.Status.COMPLAINED
    assert status_of(full) == Subscriber.Status.ACTIVE and full.soft_bounces == 1


def test_brevo_events_suppress(client):
    dead, annoyed, invalid, full = SubscriberFactory.create_batch(4)
    for body in (
        brevo(dead.email, "hard_bounce", "550 5.1.1 unknown recipient"),
        brevo(annoyed.email, "spam"),
        brevo(invalid.email, "invalid_email"),
        brevo(full.email, "soft_bounce", "452 4.2.2 Mailbox full"),
        brevo(full.email, "delivered"),
    ):
        assert post(client, BREVO, body, **AUTH).status_code == 200
    assert status_of(dead) == Subscriber.Status.BOUNCED
    assert dead.suppressed_reason == "550 5.1.1 unknown recipient"
    assert status_of(annoyed) == Subscriber.Status.COMPLAINED
    assert status_of(invalid) == Subscriber.Status.BOUNCED
    assert status_of(full) == Subscriber.Status.ACTIVE and full.soft_bounces == 1


@pytest.mark.parametrize(
    "url, payload, extra",
    [
        (POSTMARK, "postmark", {}),  # no credentials
        (
            POSTMARK,
            "postmark",
            {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(b"a:b").decode()},
        ),
        (BREVO, "brevo", {"HTTP_AUTHORIZATION": "Basic !!not-base64"}),
        (MAILGUN, "forged mailgun", AUTH),
        (MAILGUN, "mailgun without signature", AUTH),
    ],
)
def test_a_forged_post_is_refused_and_logged(client, caplog, url, payload, extra):
    reader = SubscriberFactory()
    body = {
        "postmark": postmark_complaint(reader.email),
        "brevo": brevo(reader.email, "spam"),
        "forged mailgun": mailgun_complained(reader.email)
        | {"signature": {"timestamp": "1764650000", "token": "x" * 50, "signature": "0" * 64}},
        "mailgun without signature": {"event-data": mailgun_complained(reader.email)["event-data"]},
    }[payload]
    with caplog.at_level(logging.WARNING, logger="newsletter.webhooks"):
        response = post(client, url, body, **extra)
    assert response.status_code == 403
    assert status_of(reader) == Subscriber.Status.ACTIVE
    assert any("failed verification" in r.getMessage() for r in caplog.records)


def test_a_mailgun_post_signed_with_another_key_is_refused(client):
    reader = SubscriberFactory()
    response = post(client, MAILGUN, mailgun_complained(reader.email), **AUTH)
    assert response.status_code == 200  # the control: the right key is accepted
    other = SubscriberFactory()
    forged = mailgun(mailgun_complained(other.email)["event-data"], key="someone-elses-key")
    assert post(client, MAILGUN, forged, **AUTH).status_code == 403
    assert status_of(other) == Subscriber.Status.ACTIVE


def test_without_a_secret_every_post_is_refused(client, settings, caplog):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "", "MAILGUN_WEBHOOK_SIGNING_KEY": ""}
    reader = SubscriberFactory()
    with caplog.at_level(logging.WARNING, logger="newsletter.webhooks"):
        assert post(client, POSTMARK, postmark_complaint(reader.email)).status_code == 403
        assert post(client, MAILGUN, mailgun_complained(reader.email)).status_code == 403
    assert status_of(reader) == Subscriber.Status.ACTIVE
    assert any("cannot be verified" in r.getMessage() for r in caplog.records)


def test_an_unknown_provider_and_a_get_are_refused(client):
    assert (
        client.post("/newsletter/webhooks/acme/", "{}", content_type="application/json").status_code
        == 404
    )
    assert client.get(POSTMARK, **AUTH).status_code == 405


def test_hostile_payloads_are_never_a_server_error(client):
    """Every hostile string as the address of a verified bounce and complaint of each
    provider, and as the whole body of a verified post."""
    reader = SubscriberFactory()
    failures = []
    for value in HOSTILE:
        for url, body, extra in (
            (POSTMARK, postmark_bounce(value), AUTH),
            (MAILGUN, mailgun_complained(value), AUTH),
            (BREVO, brevo(value, "hard_bounce", value), AUTH),
        ):
            status = post(client, url, body, **extra).status_code
            if status >= 500:
                failures.append((url, value[:40], status))
        raw = value.encode("utf-8", "surrogatepass")
        for url in (POSTMARK, BREVO, MAILGUN):
            status = client.post(url, raw, content_type="application/json", **AUTH).status_code
            if status >= 500:
                failures.append((url, "raw", value[:40], status))
    assert failures == []
    assert status_of(reader) == Subscriber.Status.ACTIVE


@pytest.mark.parametrize(
    "url, body",
    [
        (BREVO, {"event": "hard_bounce", "email": "a@b.c", "ts_epoch": 1e30}),
        (BREVO, {"event": "hard_bounce", "email": "a@b.c", "ts_epoch": -1e30}),
        (BREVO, {"items": [{"event": "hard_bounce", "email": "a@b.c"}]}),
        (MAILGUN, "mailgun far future"),
    ],
)
def test_a_verified_post_anymail_cannot_read_is_a_400_with_a_log_line(client, caplog, url, body):
    reader = SubscriberFactory(email="a@b.c")
    if body == "mailgun far future":
        body = mailgun_failed(reader.email)
        body["event-data"]["timestamp"] = 1e30
    with caplog.at_level(logging.WARNING, logger="newsletter.webhooks"):
        response = post(client, url, body, **AUTH)
    assert response.status_code == 400
    assert any("could not be read" in r.getMessage() for r in caplog.records)
    assert status_of(reader) == Subscriber.Status.ACTIVE


def test_a_brevo_ts_event_far_off_is_ignored(client):
    """anymail reads the time from ts_epoch only: a nonsense ts_event changes nothing."""
    reader = SubscriberFactory(email="a@b.c")
    body = {"event": "hard_bounce", "email": "a@b.c", "ts_event": 1e30, "ts": 1e30}
    assert post(client, BREVO, body, **AUTH).status_code == 200
    assert status_of(reader) == Subscriber.Status.BOUNCED


def test_a_captured_mailgun_post_cannot_be_replayed(client, caplog):
    reader, other = SubscriberFactory.create_batch(2)
    captured = mailgun_failed(reader.email)
    assert post(client, MAILGUN, captured, **AUTH).status_code == 200
    assert status_of(reader) == Subscriber.Status.BOUNCED
    Subscriber.objects.filter(pk=reader.pk).update(status=Subscriber.Status.ACTIVE)
    with caplog.at_level(logging.WARNING, logger="newsletter.webhooks"):
        assert post(client, MAILGUN, captured, **AUTH).status_code == 403  # the same token
    assert status_of(reader) == Subscriber.Status.ACTIVE
    assert any("seen before" in r.getMessage() for r in caplog.records)
    # A different event with the same token and a valid signature is refused too.
    event = mailgun_complained(other.email)["event-data"]
    token = captured["signature"]["token"]
    stamp = captured["signature"]["timestamp"]
    assert (
        post(client, MAILGUN, mailgun(event, token=token, timestamp=stamp), **AUTH).status_code
        == 403
    )
    assert status_of(other) == Subscriber.Status.ACTIVE


@pytest.mark.parametrize(
    "age, accepted",
    [(0, True), (14 * 60, True), (16 * 60, False), (-16 * 60, False), (10**9, False)],
)
def test_a_mailgun_signature_older_than_the_tolerance_is_refused(client, age, accepted):
    reader = SubscriberFactory()
    event = mailgun_complained(reader.email)["event-data"]
    body = mailgun(event, timestamp=str(int(time.time()) - age))
    response = post(client, MAILGUN, body, **AUTH)
    assert response.status_code == (200 if accepted else 403)
    assert status_of(reader) == (
        Subscriber.Status.COMPLAINED if accepted else Subscriber.Status.ACTIVE
    )


@pytest.mark.parametrize("stamp", ["nan", "inf", "1e30", "soon", ""])
def test_a_mailgun_signature_with_a_nonsense_time_is_refused(client, stamp):
    reader = SubscriberFactory()
    event = mailgun_complained(reader.email)["event-data"]
    token = random_tokens.token_hex(25)
    signature = hmac.new(SIGNING_KEY.encode(), f"{stamp}{token}".encode(), hashlib.sha256)
    body = {
        "signature": {"timestamp": stamp, "token": token, "signature": signature.hexdigest()},
        "event-data": event,
    }
    assert post(client, MAILGUN, body, **AUTH).status_code == 403
    assert status_of(reader) == Subscriber.Status.ACTIVE


def test_the_tolerance_is_a_setting(client, settings):
    settings.NEWSLETTER_WEBHOOK_MAX_AGE = 60
    reader = SubscriberFactory()
    event = mailgun_complained(reader.email)["event-data"]
    body = mailgun(event, timestamp=str(int(time.time()) - 120))
    assert post(client, MAILGUN, body, **AUTH).status_code == 403


def test_with_the_cache_away_a_fresh_mailgun_post_is_still_accepted(client, redis_away, caplog):
    """The tokens are kept in the cache; without it the timestamp alone bounds a replay."""
    reader = SubscriberFactory()
    with caplog.at_level(logging.WARNING):
        response = post(client, MAILGUN, mailgun_complained(reader.email), **AUTH)
    assert response.status_code == 200
    assert status_of(reader) == Subscriber.Status.COMPLAINED
    assert any("Mailgun webhook tokens" in r.getMessage() for r in caplog.records)


def test_a_mailgun_post_that_failed_to_be_recorded_can_be_retried(client):
    """The provider retries a post we could not record (the database away, say): the retry
    is the same post, and it is not refused as a replay."""
    reader = SubscriberFactory()
    body = mailgun_complained(reader.email)
    with mock.patch(
        "newsletter.webhooks.subscriber_complain", side_effect=OperationalError("away")
    ):
        assert post(client, MAILGUN, body, **AUTH).status_code == 503  # retried later
    assert status_of(reader) == Subscriber.Status.ACTIVE
    assert post(client, MAILGUN, body, **AUTH).status_code == 200
    assert status_of(reader) == Subscriber.Status.COMPLAINED
    assert post(client, MAILGUN, body, **AUTH).status_code == 403  # now it is a replay


@pytest.mark.parametrize("url", [POSTMARK, MAILGUN, BREVO])
def test_json_nested_too_deep_is_a_400(client, settings, url):
    """The JSON parser gives up (RecursionError) on deep nesting: refused, not a 500, also
    on Mailgun's endpoint, which with only its signing key set reads the body before any
    password is asked for."""
    if url == MAILGUN:
        settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    response = client.post(url, "[" * 100_000, content_type="application/json", **AUTH)
    assert response.status_code == 400
