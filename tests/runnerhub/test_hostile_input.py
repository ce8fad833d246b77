"""Every hostile string through every field a stranger can fill in: never a 5xx, and a form
that is refused gives back what the person typed in the other fields."""

import time
from urllib.parse import quote

import pytest
from django.core import signing
from django.test import Client

from runnerhub.antispam import SALT
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.hostile import HOSTILE, HOSTILE_BYTES
from tests.shop.factories import ProductFactory

pytestmark = pytest.mark.django_db
KEPT = "Kept through every refusal"


@pytest.fixture(autouse=True)
def _no_rate_limits(monkeypatch):
    """The limits would answer 429 before the fields are read; they are tested elsewhere."""
    monkeypatch.setattr("comments.views.hit", lambda *args, **kwargs: True)
    monkeypatch.setattr("newsletter.views.hit", lambda *args, **kwargs: True)


@pytest.fixture
def client():
    """A 500 comes back as a response (to be counted), not as an exception."""
    return Client(raise_request_exception=False)


@pytest.fixture
def article():
    return ArticleFactory(slug="hamstring-strains")


def rendered() -> str:
    return signing.dumps(time.time() - 30, salt=SALT)


def comment_form(article, question) -> dict[str, str]:
    return {
        "article": str(article.pk),
        "parent": str(question.pk),
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


def failures_of(send, fields, keep_field):
    failures = []
    for field in fields:
        for value in HOSTILE:
            response = send(field, value)
            if response.status_code >= 500:
                failures.append((field, value[:40], response.status_code))
            elif (
                response.status_code == 400
                and field != keep_field
                and KEPT not in response.content.decode()
            ):
                failures.append((field, value[:40], "typed text lost"))
    return failures


COMMENT_FIELDS = ["article", "parent", "name", "email", "text", "notify", "rendered", "website"]
COMMENT_FIELDS += ["submission_key"]


def test_comment_form(client, article):
    question = CommentFactory(article=article, state="published")

    def send(field, value):
        return client.post("/comments/post/", {**comment_form(article, question), field: value})

    assert failures_of(send, COMMENT_FIELDS, keep_field="text") == []


@pytest.mark.parametrize("json", [False, True], ids=["page", "json"])
def test_newsletter_form(client, json):
    headers = {"Accept": "application/json"} if json else {}
    fields = ["email", "first_name", "consent", "source", "rendered", "website"]

    def send(field, value):
        return client.post("/newsletter/", {**signup_form(), field: value}, headers=headers)

    assert failures_of(send, fields, keep_field="first_name") == []


@pytest.mark.parametrize("raw", HOSTILE_BYTES)
@pytest.mark.parametrize("field", ["name", "email", "text", "article", "parent"])
def test_comment_form_with_bytes_that_are_not_text(client, article, field, raw):
    question = CommentFactory(article=article, state="published")
    data = {**comment_form(article, question)}
    data.pop(field)
    body = "&".join(f"{k}={quote(v)}" for k, v in data.items()).encode() + b"&" + field.encode()
    response = client.post(
        "/comments/post/",
        body + b"=" + raw,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500


def test_addresses_and_queries(client, article):
    ProductFactory(slug="foam-roller")
    failures = []
    for value in HOSTILE:
        q = quote(value, safe="")
        for url in (
            f"/search/?q={q}",
            f"/articles/?page={q}",
            f"{article.get_absolute_url()}?cpage={q}&corder={q}",
            f"/go/foam-roller/?article={q}&from={q}",
            f"/comments/restore/{q}/",
            f"/newsletter/restore/{q}/",
            f"/newsletter/?from={q}",
            f"/newsletter/confirm/{q}/",
            f"/newsletter/unsubscribe/{q}/",
            f"/comments/unsubscribe/{q}/",
            f"/articles/{q}/",
            f"/shop/{q}/",
            f"/go/{q}/",
        ):
            if "//" in url.replace("://", ""):
                continue  # an empty path segment: not a route at all
            for method in ("get", "post"):
                response = getattr(Client(raise_request_exception=False), method)(url)
                if response.status_code >= 500:
                    failures.append((method, url[:80], response.status_code))
    assert failures == []
