"""Every hostile string (tests/hostile.py) through every field, query parameter, slug, token
and header a stranger can send: never a 5xx, and a form that is refused gives back what
the person typed in the other fields.

One test per route or form, each looping over the whole corpus and collecting what failed,
so that a failure lists every string that broke it at once and the corpus can grow without
multiplying test items. PostgreSQL, the production database, gets the whole corpus; SQLite
(the demo's) gets the kinds whose trouble is in storage and a sample of the others
(`corpus_for`)."""

import logging
import time
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.template import Template
from django.test import Client
from django.test.utils import _TestState

from comments.notifications import unsubscribe_token as comment_unsubscribe_token
from newsletter.tokens import confirm_token, unsubscribe_token
from runnerhub.antispam import SALT
from tests.articles.factories import ArticleFactory, TagFactory, TopicFactory
from tests.comments.factories import CommentFactory
from tests.hostile import CORPUS, HOSTILE, HOSTILE_BYTES, XSS, corpus_for, form_body, wire
from tests.newsletter.factories import PendingSubscriberFactory, SubscriberFactory
from tests.runnerhub.factories import StaffFactory
from tests.shop.factories import ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db
KEPT = "Kept through every refusal"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def _no_rate_limits(monkeypatch):
    """The limits would answer 429 before the fields are read; they are tested elsewhere."""
    monkeypatch.setattr("comments.views.hit", lambda *args, **kwargs: True)
    monkeypatch.setattr("newsletter.views.hit", lambda *args, **kwargs: True)


@pytest.fixture
def client(caplog):
    """A 500 comes back as a response (to be counted), not as an exception.

    Thousands of requests: the 404 warnings stay unlogged, and templates render without the
    test runner's instrumentation (which copies every context for response.context, a
    quarter of each request's time, and these tests read only the status and content)."""
    caplog.set_level(logging.ERROR, logger="django.request")
    saved = getattr(_TestState, "saved_data", None)
    plain = saved.template_render if saved else Template._render
    with mock.patch.object(Template, "_render", plain):
        yield Client(raise_request_exception=False)


@pytest.fixture
def corpus():
    """The whole corpus on PostgreSQL; on SQLite, its storage kinds and a sample of the rest."""
    return corpus_for(connection.vendor)


@pytest.fixture
def site():
    """One of everything a hostile address can name, at the slugs the routes use."""
    topic = TopicFactory(slug="injuries")
    article = ArticleFactory(slug="hamstring-strains", topic=topic, tags=[TagFactory(slug="knees")])
    question = CommentFactory(article=article, notify_on_reply=True)
    category = ShopCategoryFactory(slug="recovery")
    ProductFactory(slug="foam-roller", category=category)
    return {
        "article": article,
        "question": question,
        "confirm": confirm_token(PendingSubscriberFactory()),
        "unsubscribe": unsubscribe_token(SubscriberFactory()),
        "comment unsubscribe": comment_unsubscribe_token(question),
        "author": article.author.slug,
    }


def test_sqlite_gets_every_kind_and_postgresql_the_whole_corpus():
    sample = corpus_for("sqlite")
    assert corpus_for("postgresql") == HOSTILE
    assert all(set(values) & set(sample) for values in CORPUS.values())
    assert "\x00" in "".join(sample) and "\ud800" in sample
    assert len(sample) < len(HOSTILE) / 2


def test_the_corpus_has_at_least_300_distinct_strings_of_every_kind():
    assert len(set(HOSTILE)) == len(HOSTILE) >= 300
    assert all(CORPUS.values())
    assert len(XSS) >= 100
    for kind in ("script", "event handlers", "svg and math", "javascript: and data: urls"):
        assert len(CORPUS[kind]) >= 15, kind
    assert "\ud800" in HOSTILE and "\\ud800" in HOSTILE  # lone surrogates, raw and escaped
    assert any(len(v) >= 100 * 1024 for v in HOSTILE)
    assert any(v.isdigit() and len(v) >= 5_000 for v in HOSTILE)
    assert '"' in HOSTILE


# Addresses: {} is the hostile string, percent-encoded as sent; a view that reads two
# parameters independently gets it in both at once. A token is read the same way whatever
# the method, so a bare token is sent with GET, and a real token with more after it (the
# only kind that gets near acting) with POST, which is what acts.
ROUTES = {
    "search q and page": ("/search/?q={0}&page={0}", "get"),
    "article list page": ("/articles/?page={}", "get"),
    "topic page": ("/topics/injuries/?page={}", "get"),
    "article slug": ("/articles/{}/", "get"),
    "article cpage and corder": ("/articles/hamstring-strains/?cpage={0}&corder={0}", "get"),
    "topic slug": ("/topics/{}/", "get"),
    "tag slug": ("/tags/{}/", "get"),
    "author slug": ("/authors/{}/", "get"),
    "author page": ("/authors/{author}/?page={}", "get"),
    "topic feed slug": ("/topics/{}/feed/", "get"),
    "tag atom feed slug": ("/tags/{}/feed/atom/", "get"),
    "shop slug": ("/shop/{}/", "get"),
    "go product slug": ("/go/{}/", "get"),
    "go category slug": ("/go/shop/{}/", "get"),
    "go article and medium": ("/go/foam-roller/?a={0}&m={0}", "get"),
    "go from a newsletter issue": ("/go/foam-roller/?m=newsletter&i={0}&a={0}", "get"),
    "reply page id": ("/comments/reply/{}/", "get"),
    "comment restore key": ("/comments/restore/{}/", "get"),
    "newsletter restore key": ("/newsletter/restore/{}/", "get"),
    "newsletter from": ("/newsletter/?from={}", "get"),
    "newsletter issue number": ("/newsletter/{}/", "get"),
    "newsletter archive page": ("/newsletter/archive/?page={}", "get"),
    "newsletter issue link": ("/newsletter/{0}/go/?next={0}", "get"),
    "newsletter webhook provider": ("/newsletter/webhooks/{}/", "post"),
    "newsletter confirm token": ("/newsletter/confirm/{}/", "get"),
    "newsletter confirm, real token and more": ("/newsletter/confirm/{confirm}{}/", "post"),
    "newsletter unsubscribe token": ("/newsletter/unsubscribe/{}/", "get"),
    "newsletter unsubscribe, real token and more": (
        "/newsletter/unsubscribe/{unsubscribe}{}/",
        "post",
    ),
    "comment unsubscribe token": ("/comments/unsubscribe/{}/", "get"),
    "comment unsubscribe, real token and more": (
        "/comments/unsubscribe/{comment unsubscribe}{}/",
        "post",
    ),
}


@pytest.mark.parametrize("route", ROUTES)
def test_hostile_addresses_are_never_a_server_error(client, site, route, corpus):
    template, method = ROUTES[route]
    for name in ("confirm", "unsubscribe", "comment unsubscribe", "author"):
        template = template.replace("{" + name + "}", site[name])
    send = getattr(client, method)
    failures = []
    for value in corpus:
        status = send(template.replace("{0}", wire(value)).replace("{}", wire(value))).status_code
        if status >= 500:
            failures.append((value[:40], status))
    assert failures == []


def header(value: str) -> str:
    """A header value as a WSGI server hands it over: the bytes sent, read as Latin-1."""
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


@pytest.mark.parametrize("request_kind", ["list page", "go", "comment post"])
def test_hostile_headers_and_cookies_are_never_a_server_error(client, site, request_kind, corpus):
    """What every request carries: cookies (the signed returning-commenter cookie that a
    comment post reads, the banner's that every page reads, the kept form's, and one with
    no name), the request id, the forwarded address and the user agent (/go/ reads both to
    count a reader once)."""
    failures = []
    for value in corpus:
        raw = header(value)
        headers = {
            "HTTP_COOKIE": f"rh_comments={raw}; newsletter_banner={raw}; rh_kept_form={raw}; {raw}",
            "HTTP_X_REQUEST_ID": raw,
            "HTTP_X_FORWARDED_FOR": raw,
            "HTTP_USER_AGENT": raw,
            "HTTP_ACCEPT_LANGUAGE": raw,
            "HTTP_REFERER": raw,
        }
        if request_kind == "comment post":
            body = form_body(comment_form(site["article"], site["question"]))
            response = client.post("/comments/post/", body, content_type=FORM, **headers)
        else:
            url = "/articles/?page=1" if request_kind == "list page" else "/go/foam-roller/?a=1"
            response = client.get(url, **headers)
        if response.status_code >= 500:
            failures.append((value[:40], response.status_code))
    assert failures == []


# Forms: each field that reaches the database and the emails gets every string on its own,
# with good values in the others; the hidden fields, which only say where the form belongs
# and how it was sent, get it all at once (each is validated on its own either way). ------


def rendered() -> str:
    return signing.dumps(time.time() - 30, salt=SALT)


def comment_form(article, parent) -> dict[str, str]:
    return {
        "article": str(article.pk),
        "parent": str(parent.pk) if parent else "",
        "name": "Jo Runner",
        "email": "jo@example.com",
        "text": KEPT,
        "notify": "on",
        "website": "",
        "rendered": rendered(),
    }


def signup_form() -> dict[str, str]:
    return {
        "email": "jo@example.com",
        "first_name": KEPT,
        "consent": "on",
        "source": "/articles/hamstring-strains/",
        "website": "",
        "rendered": rendered(),
    }


def failures_of(send, form: dict[str, str], groups, keep_field, corpus) -> list:
    """Every string in each group of fields: a 5xx, or a refusal (400) that lost what was
    typed in `keep_field`, is a failure."""
    failures = []
    for fields in groups:
        for value in corpus:
            response = send(form_body({**form, **dict.fromkeys(fields, value)}))
            if response.status_code >= 500:
                failures.append((fields, value[:40], response.status_code))
            elif (
                response.status_code == 400
                and keep_field not in fields
                and KEPT not in response.content.decode()
            ):
                failures.append((fields, value[:40], "typed text lost"))
    return failures


COMMENT_HIDDEN = ("article", "parent", "submission_key", "notify", "rendered", "website")
COMMENT_GROUPS = {
    "question": [("name",), ("email",), ("text",), (*COMMENT_HIDDEN, "restored")],
    # A reply goes on to the email that tells the person replied to (with name and text).
    "reply": [("name",), ("text",)],
    # Staff post as their account (name and email are not read), and are refused a
    # restored form.
    "staff reply": [("text",), (*COMMENT_HIDDEN, "name", "email")],
}


@pytest.mark.parametrize("kind", COMMENT_GROUPS)
def test_comment_form(client, site, kind, corpus):
    """A reader's question, a reader's reply, and a staff member answering on the page."""
    parent = None if kind == "question" else site["question"]
    if kind == "staff reply":
        client.force_login(StaffFactory())

    def send(body):
        return client.post("/comments/post/", body, content_type=FORM)

    form = comment_form(site["article"], parent)
    assert failures_of(send, form, COMMENT_GROUPS[kind], keep_field="text", corpus=corpus) == []


SIGNUP_HIDDEN = ("consent", "source", "rendered", "website")


@pytest.mark.parametrize(
    ("accept", "groups"),
    [
        ("text/html", [("email",), ("first_name",), SIGNUP_HIDDEN]),
        # The same form; what differs is the answer, errors and typed values as JSON.
        ("application/json", [("email",), SIGNUP_HIDDEN]),
    ],
    ids=["page", "json"],
)
def test_newsletter_form(client, accept, groups, corpus):
    def send(body):
        return client.post("/newsletter/", body, content_type=FORM, headers={"Accept": accept})

    assert failures_of(send, signup_form(), groups, keep_field="first_name", corpus=corpus) == []


@pytest.mark.parametrize("raw", HOSTILE_BYTES)
@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/comments/post/", ["name", "email", "text", "article", "parent"]),
        ("/newsletter/", ["email", "first_name", "source"]),
    ],
    ids=["comment", "newsletter"],
)
def test_forms_with_bytes_that_are_not_text(client, site, url, fields, raw):
    form = comment_form(site["article"], site["question"]) if "comment" in url else signup_form()
    for field in fields:
        data = {name: value for name, value in form.items() if name != field}
        body = form_body(data).encode() + b"&" + field.encode() + b"=" + raw
        response = client.post(url, body, content_type=FORM)
        assert response.status_code < 500, field
