"""Double opt-in and unsubscribe links: only a POST acts, every bad link gets a friendly page."""

import re
import time
import zlib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client

from newsletter.models import Subscriber
from newsletter.services import subscriber_signup, subscriber_unsubscribe
from newsletter.tokens import CONFIRM_MAX_AGE, confirm_token, unsubscribe_token, unsubscribe_url
from runnerhub.antispam import SALT
from tests.newsletter.factories import PendingSubscriberFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
CONFIRM_LINK = re.compile(r"http://testserver(/newsletter/confirm/[^/\s]+/)")
GARBAGE = "x" * 10_000


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def pending(db):
    return PendingSubscriberFactory(email="jo@example.com", first_name="Jo")


@pytest.fixture
def run_emails(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def confirm_url(subscriber) -> str:
    return f"/newsletter/confirm/{confirm_token(subscriber)}/"


def old_confirm_url(subscriber, age) -> str:
    with mock.patch("time.time", return_value=time.time() - age.total_seconds()):
        return confirm_url(subscriber)


# Confirming -------------------------------------------------------------------------------


def test_get_shows_a_confirm_button_and_does_not_confirm(client, pending):
    response = client.get(confirm_url(pending))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r'<form method="post"[^>]*>.*csrfmiddlewaretoken.*Confirm</button>', html, re.S
    )
    assert "jo@example.com" in html
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING
    assert mail.outbox == []


def test_post_confirms_and_sends_a_welcome_with_one_click_unsubscribe(
    client, pending, run_emails, settings
):
    settings.SITE_URL = "https://runnerhub.example"
    with run_emails():
        response = client.post(confirm_url(pending))
    assert response.status_code == 200
    assert "You're in!" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.ACTIVE
    assert pending.confirmed_at is not None
    assert len(mail.outbox) == 1
    welcome = mail.outbox[0]
    assert welcome.to == ["jo@example.com"]
    assert "Welcome" in welcome.subject
    link = unsubscribe_url(pending)
    assert link.startswith("https://runnerhub.example/newsletter/unsubscribe/")
    assert welcome.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert welcome.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message = welcome.message()
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert link in welcome.body
    html, mimetype = welcome.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "Unsubscribe</a>" in html


def test_confirming_needs_the_csrf_token_of_the_page(pending):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(confirm_url(pending)).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING
    page = browser.get(confirm_url(pending)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(confirm_url(pending), {"csrfmiddlewaretoken": token})
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.ACTIVE


def test_a_replayed_link_says_already_confirmed_and_sends_nothing_more(client, pending, run_emails):
    url = confirm_url(pending)
    with run_emails():
        client.post(url)
    for method in (client.get, client.post):
        with run_emails():
            response = method(url)
        assert response.status_code == 200
        assert "You're already subscribed" in response.content.decode()
    assert len(mail.outbox) == 1


def test_an_expired_link_answers_410_and_offers_to_sign_up_again(client, pending, run_emails):
    url = old_confirm_url(pending, CONFIRM_MAX_AGE + timedelta(minutes=1))
    for method in (client.get, client.post):
        with run_emails():
            response = method(url)
        assert response.status_code == 410
        html = response.content.decode()
        assert "This link has expired" in html
        assert 'href="/newsletter/"' in html
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING
    assert mail.outbox == []
    # Just inside the 48 hours it still works.
    assert client.get(old_confirm_url(pending, CONFIRM_MAX_AGE * 0.99)).status_code == 200


def test_an_expired_link_of_a_confirmed_address_says_so(client):
    subscriber = SubscriberFactory()
    url = old_confirm_url(subscriber, CONFIRM_MAX_AGE * 3)
    response = client.get(url)
    assert response.status_code == 200
    assert "You're already subscribed" in response.content.decode()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "x" + token,
        lambda token: token.split(":")[0],
        lambda token: signing.dumps({"s": 1, "e": "jo@example.com", "t": 0}, salt="other"),
        lambda token: signing.dumps(["not", "a", "dict"], salt="newsletter.confirm"),
        lambda token: signing.dumps({"s": "1", "e": "x"}, salt="newsletter.confirm"),
        lambda token: signing.dumps({"s": 10**30, "e": "x"}, salt="newsletter.confirm"),
        lambda token: GARBAGE,
        lambda token: "%00" + token,
        lambda token: "%F0%9F%8F%83" * 50,
    ],
    ids=[
        "last-char",
        "prefix",
        "no-signature",
        "other-salt",
        "list",
        "str-pk",
        "huge-pk",
        "10k-garbage",
        "nul",
        "emoji",
    ],
)
def test_a_tampered_or_garbage_link_gets_a_friendly_404(client, pending, mangle):
    url = f"/newsletter/confirm/{mangle(confirm_token(pending))}/"
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 404
        html = response.content.decode()
        assert "This link does not work" in html
        assert 'href="/newsletter/"' in html
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


def test_an_unsubscribe_link_is_not_a_confirm_link(client, pending):
    response = client.post(f"/newsletter/confirm/{unsubscribe_token(pending)}/")
    assert response.status_code == 404


def test_a_link_of_another_address_with_the_same_id_does_not_work(client, pending):
    url = confirm_url(pending)
    Subscriber.objects.filter(pk=pending.pk).update(email="someone-else@example.com")
    assert client.post(url).status_code == 404


def test_a_link_from_before_an_unsubscribe_is_used_up(client, run_emails):
    subscriber = SubscriberFactory(email="jo@example.com")
    old = confirm_url(subscriber)
    subscriber_unsubscribe(subscriber=subscriber)
    for method in (client.get, client.post):
        response = method(old)
        assert response.status_code == 410
        html = response.content.decode()
        assert "This link can no longer be used" in html
        assert 'href="/newsletter/"' in html
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    # Signing up again sends a new link; the old one stays used up, the new one works.
    time.sleep(0.002)
    with run_emails():
        subscriber_signup(email="jo@example.com", source="/newsletter/")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert client.post(old).status_code == 410
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    new = CONFIRM_LINK.search(mail.outbox[-1].body).group(1)
    assert client.post(new).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


# No personal data in a link (issue 8.7c) ------------------------------------------------


def payload_of(token: str) -> str:
    """What anyone who sees the link can read: the signed part, base64 (zlib if marked)."""
    payload = token.split(":")[0]
    compressed = payload.startswith(".")
    data = signing.b64_decode(payload.lstrip(".").encode())
    return (zlib.decompress(data) if compressed else data).decode()


def test_a_confirm_link_shows_nothing_of_the_address(client, run_emails):
    with run_emails():
        subscriber_signup(email="Jo.Runner@example.com", source="/newsletter/")
    token = CONFIRM_LINK.search(mail.outbox[0].body).group(1).split("/")[3]
    readable = payload_of(token).lower()
    for part in ("@", "jo.runner", "example"):
        assert part not in readable
    subscriber = Subscriber.objects.get()
    assert readable.startswith(f"[{subscriber.pk},")
    assert client.post(f"/newsletter/confirm/{token}/").status_code == 200


def test_a_confirm_link_still_works_when_only_the_case_of_the_address_changed(client, pending):
    url = confirm_url(pending)
    Subscriber.objects.filter(pk=pending.pk).update(email="JO@Example.com")
    assert client.post(url).status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        lambda s: [s.pk, int(time.time() * 1000), "0" * 20],
        lambda s: [s.pk, int(time.time() * 1000)],
        lambda s: [str(s.pk), int(time.time() * 1000), "0" * 20],
        lambda s: [s.pk, "now", "0" * 20],
        lambda s: [s.pk, int(time.time() * 1000), None],
        lambda s: [10**30, int(time.time() * 1000), "0" * 20],
    ],
    ids=["wrong-check", "short", "str-pk", "str-time", "no-check", "huge-pk"],
)
def test_a_signed_but_wrong_payload_is_a_404(client, pending, payload):
    token = signing.dumps(payload(pending), salt="newsletter.confirm")
    assert client.post(f"/newsletter/confirm/{token}/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING


def legacy_token(subscriber, email=None, age=timedelta(0)) -> str:
    """A link as sent before tokens became opaque, with the address readable."""
    made = int((time.time() - age.total_seconds()) * 1000)
    payload = {"s": subscriber.pk, "e": (email or subscriber.email).lower(), "t": made}
    with mock.patch("time.time", return_value=time.time() - age.total_seconds()):
        return signing.dumps(payload, salt="newsletter.confirm", compress=True)


def test_links_sent_before_the_change_work_for_their_48_hours(client, pending):
    assert "jo@example.com" in payload_of(legacy_token(pending))  # what they looked like
    assert client.get(f"/newsletter/confirm/{legacy_token(pending)}/").status_code == 200
    expired = legacy_token(pending, age=CONFIRM_MAX_AGE + timedelta(minutes=1))
    assert client.post(f"/newsletter/confirm/{expired}/").status_code == 410
    other = legacy_token(pending, email="someone-else@example.com")
    assert client.post(f"/newsletter/confirm/{other}/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.PENDING
    assert client.post(f"/newsletter/confirm/{legacy_token(pending)}/").status_code == 200
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.ACTIVE


def test_other_links_carry_ids_only():
    from comments.notifications import unsubscribe_token as comment_token
    from tests.comments.factories import CommentFactory

    subscriber = SubscriberFactory(email="jo@example.com")
    comment = CommentFactory(email="sam@example.com", name="Sam Stride")
    assert payload_of(unsubscribe_token(subscriber)) == str(subscriber.pk)
    assert payload_of(comment_token(comment)) == str(comment.pk)


# Unsubscribing ---------------------------------------------------------------------------


def unsubscribe_path(subscriber) -> str:
    return f"/newsletter/unsubscribe/{unsubscribe_token(subscriber)}/"


def test_get_shows_one_button_and_does_not_unsubscribe(client):
    subscriber = SubscriberFactory(email="jo@example.com")
    response = client.get(unsubscribe_path(subscriber))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(
        r'<form method="post"[^>]*>\s*<button type="submit"[^>]*>Unsubscribe</button>', html
    )
    assert "jo@example.com" in html
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_one_click_post_unsubscribes_without_csrf_and_is_idempotent():
    subscriber = SubscriberFactory()
    mail_provider = Client(enforce_csrf_checks=True)
    url = unsubscribe_path(subscriber)
    response = mail_provider.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "You're unsubscribed" in html
    assert 'href="/newsletter/"' in html  # re-subscribing is offered
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED
    first = subscriber.unsubscribed_at
    assert first is not None
    again = mail_provider.post(url)
    assert again.status_code == 200
    assert "You're unsubscribed" in again.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at == first
    page = mail_provider.get(url).content.decode()
    assert "You're already unsubscribed" in page


def test_a_pending_address_can_unsubscribe_too(client, pending):
    assert client.post(unsubscribe_path(pending)).status_code == 200
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.parametrize(
    "token",
    [
        GARBAGE,
        "abc",
        "%00",
        signing.dumps("1", salt="newsletter.unsubscribe"),
        signing.dumps(True, salt="newsletter.unsubscribe"),
        signing.dumps(10**30, salt="newsletter.unsubscribe"),
        signing.dumps(1, salt="newsletter.confirm"),
    ],
    ids=["10k-garbage", "short", "nul", "str-pk", "bool", "huge-pk", "other-salt"],
)
def test_a_bad_unsubscribe_link_gets_a_friendly_404(client, token):
    subscriber = SubscriberFactory()
    for method in (client.get, client.post):
        response = method(f"/newsletter/unsubscribe/{token}/")
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_a_tampered_unsubscribe_link_gets_a_404(client):
    subscriber = SubscriberFactory()
    token = unsubscribe_token(subscriber)
    assert client.post(f"/newsletter/unsubscribe/{token[:-2]}xx/").status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_resubscribing_after_unsubscribing_starts_a_new_double_opt_in(client, run_emails):
    subscriber = SubscriberFactory(email="jo@example.com")
    client.post(unsubscribe_path(subscriber))
    time.sleep(0.002)
    data = {
        "email": "JO@example.com",
        "consent": "on",
        "source": "/articles/knees/",
        "rendered": signing.dumps(time.time() - 30, salt=SALT),
    }
    with run_emails():
        response = client.post("/newsletter/", data, follow=True)
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmed_at is None
    assert subscriber.consent_source == "/articles/knees/"
    assert Subscriber.objects.count() == 1
    assert len(mail.outbox) == 1
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200
    with run_emails():
        assert client.post(link).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    assert len(mail.outbox) == 2  # the welcome
