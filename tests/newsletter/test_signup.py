"""Signing up: the banner and /newsletter/, double opt-in emails, the consent record, abuse
and bad input (never a 500)."""

import re
import time
from datetime import timedelta
from html import escape
from urllib.parse import quote

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import timezone

from newsletter import views
from newsletter.forms import SignupForm, local_path
from newsletter.models import CONSENT_TEXT, Subscriber
from runnerhub.antispam import SALT
from tests.articles.factories import ArticleFactory
from tests.newsletter.factories import PendingSubscriberFactory, SubscriberFactory
from tests.runnerhub.names import NAMES

pytestmark = pytest.mark.django_db
URL = "/newsletter/"
THANKS = "Thanks! Check your inbox: we&#x27;ve sent you a link to confirm your subscription."
CONFIRM_LINK = re.compile(r"http://testserver/newsletter/confirm/([^/\s]+)/")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def rendered_token():
    """A form render time far enough in the past to pass the minimum time-to-submit."""
    return signing.dumps(time.time() - 30, salt=SALT)


@pytest.fixture
def data(rendered_token):
    def make(**overrides):
        values = {
            "email": "jo@example.com",
            "first_name": "Jo",
            "consent": "on",
            "source": "/articles/hamstring-strains/",
            "website": "",
            "rendered": rendered_token,
        }
        values.update(overrides)
        return values

    return make


@pytest.fixture
def post(client, data, django_capture_on_commit_callbacks):
    """Post the form as a browser without JavaScript does, running the queued emails."""

    def send(json=False, follow=True, **overrides):
        headers = {"Accept": "application/json"} if json else {}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data(**overrides), follow=follow, headers=headers)

    return send


def message_of(response) -> str:
    """The answer shown to the reader: the message box of the page."""
    match = re.search(
        r'<div class="messages[^"]*"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return match.group(1).strip() if match else ""


# The answer ------------------------------------------------------------------------------


def test_new_address_is_pending_and_gets_one_confirmation_link(post):
    response = post()
    assert response.status_code == 200
    assert response.redirect_chain == [(URL, 302)]
    assert THANKS in message_of(response)
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.confirmed_at is None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["jo@example.com"]
    assert "confirm" in email.subject.lower()
    assert "Hello Jo," in email.body
    token = CONFIRM_LINK.search(email.body).group(1)
    page = Client().get(f"/newsletter/confirm/{token}/")
    assert page.status_code == 200
    assert "Confirm</button>" in page.content.decode()


def test_pending_address_gets_the_link_again_at_most_once_an_hour(post):
    post()
    post(first_name="")
    assert len(mail.outbox) == 1
    Subscriber.objects.update(confirmation_sent_at=timezone.now() - timedelta(minutes=61))
    post()
    assert len(mail.outbox) == 2
    assert CONFIRM_LINK.search(mail.outbox[1].body)
    post()
    assert len(mail.outbox) == 2
    assert Subscriber.objects.count() == 1


def test_active_address_is_sent_nothing(post):
    subscriber = SubscriberFactory(email="jo@example.com")
    response = post()
    assert THANKS in message_of(response)
    assert mail.outbox == []
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE


def test_the_answer_is_the_same_whatever_the_address(post, client):
    PendingSubscriberFactory(email="pending@example.com", confirmation_sent_at=timezone.now())
    SubscriberFactory(email="active@example.com")
    SubscriberFactory(
        email="gone@example.com",
        status=Subscriber.Status.UNSUBSCRIBED,
        unsubscribed_at=timezone.now(),
    )
    addresses = ["new@example.com", "pending@example.com", "active@example.com", "gone@example.com"]
    pages = [post(email=email) for email in addresses]
    assert {message_of(page) for page in pages} == {message_of(pages[0])}
    assert THANKS in message_of(pages[0])
    assert {(page.status_code, tuple(page.redirect_chain)) for page in pages} == {
        (200, ((URL, 302),))
    }
    cache.clear()  # (the rate limit is tested below)
    answers = [post(json=True, email=email).json() for email in ["x@example.com", *addresses]]
    assert all(answer == answers[0] for answer in answers)
    # ...and a bot gets it too.
    cache.clear()
    assert post(json=True, website="http://spam.example").json() == answers[0]


def test_addresses_are_unique_whatever_their_case(post):
    post(email="Jo@Example.com")
    post(email="jo@example.com")
    post(email="JO@EXAMPLE.COM")
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().email == "Jo@Example.com"
    assert len(mail.outbox) == 1


def test_the_consent_is_recorded(post):
    before = timezone.now()
    post(source="/articles/hamstring-strains/")
    subscriber = Subscriber.objects.get()
    assert subscriber.consent_text == CONSENT_TEXT
    assert before <= subscriber.consent_at <= timezone.now()
    assert subscriber.consent_source == "/articles/hamstring-strains/"
    assert subscriber.first_name == "Jo"


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("/articles/knees/", "/articles/knees/"),
        ("/articles/knees/?utm_source=x#top", "/articles/knees/"),
        ("https://evil.example/phish", "/newsletter/"),
        ("//evil.example/phish", "/newsletter/"),
        ("/\\evil.example", "/newsletter/"),
        ("javascript:alert(1)", "/newsletter/"),
        ("articles/knees/", "/newsletter/"),
        ("/articles/\r\nSet-Cookie: x=1", "/articles/Set-Cookie:x=1"),
        ("/art\x00icles/\x1b[31m", "/articles/[31m"),
        ("http://[::1", "/newsletter/"),
        ("", "/newsletter/"),
        ("/" + "a" * 10_000, "/" + "a" * 299),
    ],
    ids=[
        "path",
        "query",
        "absolute",
        "scheme-relative",
        "backslash",
        "javascript",
        "relative",
        "crlf",
        "control",
        "bad-ipv6",
        "empty",
        "10k",
    ],
)
def test_the_source_is_always_a_clean_local_path(post, sent, stored):
    response = post(source=sent)
    assert response.status_code == 200
    assert Subscriber.objects.get().consent_source == stored


def test_the_signup_page_takes_its_source_from_the_link(client):
    html = client.get(URL, {"from": "/articles/knees/"}).content.decode()
    assert 'name="source" value="/articles/knees/"' in html
    html = client.get(URL, {"from": "https://evil.example/"}).content.decode()
    assert 'name="source" value="/newsletter/"' in html


# Abuse -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "trap",
    [{"website": "http://spam.example"}, {"rendered": "forged"}, {"rendered": ""}],
    ids=["honeypot", "forged-time", "no-time"],
)
def test_bots_get_the_same_answer_and_nothing_is_stored(post, trap):
    response = post(**trap)
    assert THANKS in message_of(response)
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_a_form_sent_too_fast_is_a_bot(post):
    post(rendered=signing.dumps(time.time(), salt=SALT))
    assert not Subscriber.objects.exists()


def test_rate_limit_answers_429_and_keeps_what_was_typed(post, data):
    for n in range(views.RATE_LIMIT):
        assert post(email=f"runner{n}@example.com").status_code == 200
    response = post(email="sixth@example.com", first_name="Sixtine", follow=False)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-ups from your connection" in html
    assert 'value="sixth@example.com"' in html
    assert 'value="Sixtine"' in html
    assert re.search(r'<input type="checkbox" name="consent"[^>]*checked', html)
    answer = post(json=True, email="seventh@example.com", first_name="Sev")
    assert answer.status_code == 429
    assert answer.json()["ok"] is False
    assert "Too many sign-ups" in answer.json()["message"]
    assert answer.json()["values"] == {
        "email": "seventh@example.com",
        "first_name": "Sev",
        "consent": True,
    }
    assert Subscriber.objects.count() == views.RATE_LIMIT
    # Another connection is not limited.
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post(URL, data(email="other@example.com")).status_code == 302


def test_json_answers(post):
    answer = post(json=True)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json() == {"ok": True, "message": THANKS.replace("&#x27;", "'")}
    assert Subscriber.objects.count() == 1
    answer = post(json=True, email="nope", consent="")
    assert answer.status_code == 400
    body = answer.json()
    assert body["ok"] is False
    assert body["errors"]["email"] == ["Please enter a valid email address, like name@example.com."]
    assert body["errors"]["consent"] == ["Please tick the box to say you want the newsletter."]
    assert body["values"]["email"] == "nope"


# Bad input: a specific message, everything typed kept, never a 500 -------------------------

TOO_LONG = "a" * 10_240 + "@example.com"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-email"}, "email", "Please enter a valid email address"),
        ({"email": ""}, "email", "Please enter your email address."),
        ({"email": "   "}, "email", "Please enter your email address."),
        ({"email": TOO_LONG}, "email", "Ensure this value has at most 254 characters"),
        ({"email": "jo\x00@example.com"}, "email", "Null characters are not allowed."),
        ({"email": "jo@example.com\x00"}, "email", "Null characters are not allowed."),
        ({"email": "jo@example.com\r\nBcc: x@evil.example"}, "email", "valid email address"),
        ({"email": "jo@exa\nmple.com"}, "email", "valid email address"),
        ({"email": '"jo\x07"@example.com'}, "email", "valid email address"),
        ({"email": "jo@" + "é" * 60 + ".com"}, "email", "We could not send email to this"),
        ({"first_name": "Jo\x00"}, "first_name", "Null characters are not allowed."),
        ({"first_name": "Jo\r\nBcc: x@evil.example"}, "first_name", "no line breaks"),
        ({"first_name": "J" * 10_240}, "first_name", "at most 80 characters"),
        ({"consent": ""}, "consent", "Please tick the box"),
    ],
    ids=[
        "invalid",
        "empty",
        "blank",
        "10kb",
        "nul",
        "nul-end",
        "crlf",
        "lf",
        "control-quoted",
        "undeliverable",
        "name-nul",
        "name-crlf",
        "name-10kb",
        "no-consent",
    ],
)
def test_bad_input_gets_a_specific_message(post, overrides, field, message):
    response = post(follow=False, **overrides)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    shown = re.search(rf'id="id_{field}_error"[^>]*>([^<]*)</p>', html).group(1)
    assert message in shown
    assert "please correct what is marked" in html
    if field != "email" and len(overrides.get(field, "")) < 100:
        assert 'value="jo@example.com"' in html  # what was typed is still there
    assert not Subscriber.objects.exists()
    assert mail.outbox == []
    answer = post(json=True, **overrides)
    assert answer.status_code == 400
    assert any(message in error for error in answer.json()["errors"][field])


@pytest.mark.parametrize("name", NAMES)
def test_a_first_name_in_any_script_is_stored_and_shown_as_typed(post, client, name):
    refused = post(follow=False, first_name=name, consent="")  # the page comes back
    assert refused.status_code == 400
    assert f'value="{escape(name)}"' in refused.content.decode()
    assert post(first_name=name).status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.first_name == name
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    page = client.post(f"/newsletter/confirm/{link}/").content.decode()
    assert f"Thanks for confirming, {escape(name)}." in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Zoë\x00", "NUL character (U+0000)"),
        ("Zoë\t🏃‍♀️", "invisible control character (U+0009"),
        ("Zoë\u2029Runner", "no line breaks"),
    ],
)
def test_a_first_name_that_cannot_be_stored_is_named_and_the_rest_kept(post, name, message):
    response = post(follow=False, first_name=name)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="jo@example.com"' in html
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("email", ['"', '"@', '""', "<>", "a@["])
def test_an_address_that_broke_the_email_parser_is_a_400_and_kept(post, email):
    response = post(follow=False, email=email)
    assert response.status_code == 400
    html = response.content.decode()
    shown = re.search(r'id="id_email_error"[^>]*>([^<]*)</p>', html).group(1)
    assert shown == "Please enter a valid email address, like name@example.com."
    assert html.count("Please enter a valid email address") == 1  # one message, not two
    assert f'value="{escape(email)}"' in html
    answer = post(json=True, email=email)
    assert answer.status_code == 400
    assert answer.json()["errors"]["email"] == [
        "Please enter a valid email address, like name@example.com."
    ]
    assert answer.json()["values"]["email"] == email
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("field", ["email", "first_name"])
def test_bytes_that_are_not_utf8_get_a_message(client, data, field):
    # A lone surrogate ("\ud800") cannot travel in a request: its UTF-8-style bytes arrive,
    # and Django reads them as U+FFFD.
    values = data(**{field: "jo\ud800@example.com" if field == "email" else "Jo\ud800"})
    body = "&".join(f"{k}={quote(v, errors='surrogatepass')}" for k, v in values.items())
    response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "characters we cannot read" in response.content.decode()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("field", ["email", "first_name", "source", "consent", "rendered"])
def test_lone_surrogates_in_any_field_never_break_the_page(data, field):
    """The view given data holding a lone surrogate (as from a buggy proxy or a test) answers
    with a message, and the page showing it again can be encoded."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.http import QueryDict

    request = RequestFactory().post(URL, {})
    posted = QueryDict(mutable=True)
    posted.update(data(**{field: "\ud800"}))
    request._post, request._files = posted, None
    request.session = {}
    request._messages = FallbackStorage(request)
    response = views.signup(request)
    assert response.status_code == (400 if field in ("email", "first_name") else 302)
    assert b"\xed\xa0\x80" not in response.content
    if field in ("email", "first_name"):
        assert "characters we cannot read" in response.content.decode()
        assert not Subscriber.objects.exists()


def test_the_form_itself_reads_lone_surrogates_as_errors(rendered_token):
    form = SignupForm(
        {
            "email": "\ud800@example.com",
            "first_name": "\udfff",
            "consent": "on",
            "source": "/\ud800",
        }
    )
    assert not form.is_valid()
    assert (
        form.errors["email"][-1] == "This contains characters we cannot read. Please type it again."
    )
    assert "characters we cannot read" in form.errors["first_name"][-1]
    assert "source" not in form.errors
    form = SignupForm(
        {"email": "jo@example.com", "consent": "on", "website": "\x00", "rendered": "\ud800"}
    )
    assert form.is_valid()
    assert form.looks_like_bot()


def test_local_path_never_keeps_a_foreign_address():
    assert local_path("https://evil.example/x") == "/newsletter/"
    assert local_path(None) == "/newsletter/"
    assert local_path("/a b/") == "/ab/"


def test_only_get_and_post(client):
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


# The banner ------------------------------------------------------------------------------


def test_the_banner_is_on_every_page_and_posts_to_the_newsletter(client):
    article = ArticleFactory(slug="hamstring-strains")
    for url in ["/", "/articles/", article.get_absolute_url(), "/search/?q=run", "/nowhere/"]:
        html = client.get(url).content.decode()
        banner = re.search(r'<aside class="nl-banner nl-banner--banner".*?</aside>', html, re.S)
        assert banner, url
        banner = banner.group(0)
        assert "Run better with our newsletter" in banner
        assert "Weekly updates on gear, offers &amp; events." in banner
        assert f'action="{URL}" method="post"' in banner
        assert 'type="email" name="email"' in banner
        assert 'name="first_name"' in banner
        assert CONSENT_TEXT.replace("'", "&#x27;") in banner
        assert "csrfmiddlewaretoken" in banner
        path = url.split("?")[0]
        assert f'name="source" value="{path}"' in banner


def test_the_article_page_has_a_second_form_with_ids_of_its_own(client):
    article = ArticleFactory(slug="hamstring-strains")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('action="/newsletter/"') == 2
    assert "Liked this? Run better with our newsletter" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates


def test_the_banner_adds_no_query(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from runnerhub.models import SiteSettings

    SiteSettings.load()
    ArticleFactory(slug="hamstring-strains")
    for url in ["/", "/articles/hamstring-strains/"]:
        client.get(url)  # warm up (sessions, caches)
        with CaptureQueriesContext(connection) as with_banner:
            html = client.get(url).content.decode()
        assert "nl-banner--banner" in html
        hidden = Client()
        hidden.cookies["newsletter_banner"] = "hidden"
        hidden.get(url)
        with CaptureQueriesContext(connection) as without_banner:
            html = hidden.get(url).content.decode()
        assert "nl-banner--banner" not in html
        assert len(with_banner) == len(without_banner)
        seen = Client()
        seen.cookies["newsletter_banner"] = "seen"
        seen.get(url)
        with CaptureQueriesContext(connection) as one_line:
            html = seen.get(url).content.decode()
        assert "nl-banner--collapsed" in html
        assert len(one_line) == len(with_banner)


def test_a_reader_who_dismissed_the_banner_does_not_see_it(client):
    client.cookies["newsletter_banner"] = "hidden"
    html = client.get("/").content.decode()
    assert "nl-banner--banner" not in html


def test_a_reader_who_has_seen_the_banner_gets_it_on_one_line(client):
    """After a first page (newsletter.js sets the cookie), phones show the banner as one line
    whose Join opens the same form in place, or leads to /newsletter/ without JavaScript."""
    first = client.get("/").content.decode()
    assert '<aside class="nl-banner nl-banner--banner" ' in first
    assert "data-newsletter-open" not in first
    client.cookies["newsletter_banner"] = "seen"
    html = client.get("/").content.decode()
    banner = re.search(
        r'<aside class="nl-banner nl-banner--banner nl-banner--collapsed".*?</aside>', html, re.S
    )
    assert banner
    banner = banner.group(0)
    assert re.search(
        r'<a class="button nl-banner__open" href="/newsletter/" data-newsletter-open>', banner
    )
    assert 'Join<span class="visually-hidden"> the newsletter</span></a>' in banner
    # The whole form is there (wider screens show it as before; Join opens it on phones).
    assert f'action="{URL}" method="post"' in banner
    assert CONSENT_TEXT.replace("'", "&#x27;") in banner
    assert 'type="email" name="email"' in banner


def test_an_unknown_banner_cookie_shows_the_whole_banner(client):
    client.cookies["newsletter_banner"] = "something-else"
    html = client.get("/").content.decode()
    assert '<aside class="nl-banner nl-banner--banner" ' in html


def test_the_signup_page_has_one_form_and_no_banner(client):
    html = client.get(URL).content.decode()
    assert html.count('action="/newsletter/"') == 1
    assert "nl-banner" not in html
    assert '<label for="id_email">Email</label>' in html
    assert CONSENT_TEXT.replace("'", "&#x27;") in html
