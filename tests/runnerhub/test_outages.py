"""While the database or the cache is away (runnerhub/outages.py): 503 with Retry-After and
everything posted kept on the page, not 500; pages and forms without Redis; /healthz says
which is which. A real PostgreSQL cluster stopped under load: tests/runnerhub/
test_database_outage.py."""

import logging
import re
from html import unescape
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import path

from comments.models import Comment
from newsletter.models import Subscriber
from runnerhub import outages
from tests.admin_paths import ADMIN
from tests.comments.factories import CommentFactory
from tests.runnerhub.factories import form_token

pytestmark = pytest.mark.django_db


def database_away():
    """Every query fails the way a stopped PostgreSQL makes psycopg fail."""
    return mock.patch.object(
        connection, "cursor", side_effect=OperationalError("connection refused")
    )


def hidden_fields(html: str) -> dict[str, str]:
    return {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', html)
    }


def test_a_page_without_its_database_is_a_503_that_says_when_to_come_back(article):
    client = Client(raise_request_exception=False)
    with database_away():
        response = client.get(article.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "We are back in a moment" in page
    assert "Sorry, something went wrong" not in page


def _boom(request):
    raise RuntimeError("kaput")


urlpatterns = [path("boom/", _boom)]
handler500 = outages.server_error


@override_settings(ROOT_URLCONF=__name__)
def test_other_errors_are_still_the_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.content.decode()


def test_a_question_posted_while_the_database_is_away_is_kept_and_sent_again(post_data, article):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    assert client.get(article.get_absolute_url()).status_code == 200
    token = form_token(client)
    typed = post_data(text='Calves <sore> after "hills" & intervals: why?\nTwo lines.')
    with database_away():
        response = client.post("/comments/post/", {**typed, "csrfmiddlewaretoken": token})
    assert response.status_code == 503
    page = response.content.decode()
    assert "Nothing is lost" in page and "Send again" in page
    assert '<form method="post" action="/comments/post/"' in page
    kept = hidden_fields(page)
    assert {k: v for k, v in kept.items() if k != "csrfmiddlewaretoken"} == typed
    assert not Comment.objects.exists()

    # The database is back: the reader presses Send again (the page's own form and token).
    again = client.post("/comments/post/", kept, follow=True)
    assert again.status_code == 200
    comment = Comment.objects.get()
    assert comment.text == typed["text"]


def test_an_upload_cannot_be_kept_and_the_page_says_so(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin_client.raise_request_exception = False
    with database_away():
        response = admin_client.post(
            "/editor/upload/", {"upload": SimpleUploadedFile("a.jpg", b"x"), "note": "n"}
        )
    assert response.status_code == 503
    assert "Files you attached cannot be kept here" in response.content.decode()


def test_healthz_says_the_database_is_away():
    with database_away():
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable", "cache": "ok"}


def test_without_redis_pages_and_forms_keep_working(
    redis_away, post_data, article, caplog, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    assert client.get("/").status_code == 200
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    token = form_token(client)

    with (
        caplog.at_level(logging.WARNING, logger="runnerhub.outages"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        posted = client.post(
            "/comments/post/", {**post_data(), "csrfmiddlewaretoken": token}, follow=True
        )
        signed_up = client.post(
            "/newsletter/",
            {
                "email": "jo@example.com",
                "consent": "on",
                "website": "",
                "rendered": post_data()["rendered"],
                "csrfmiddlewaretoken": token,
            },
            follow=True,
        )
    assert posted.status_code == 200 and Comment.objects.count() == 1
    assert signed_up.status_code == 200
    assert Subscriber.objects.filter(email="jo@example.com").exists()
    assert any("confirm" in m.subject.lower() for m in mail.outbox)
    warnings = [r.getMessage() for r in caplog.records]
    assert "cache unavailable: rate limit comments (not enforced)" in warnings, warnings
    shop = client.get("/go/shop/nothing-here/")
    assert shop.status_code in (302, 404)


def test_without_redis_healthz_is_degraded_but_up(redis_away):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}


def test_a_signed_in_moderator_keeps_working_without_redis(redis_away, admin_client):
    question = CommentFactory(state=Comment.State.PENDING)
    assert admin_client.get(f"{ADMIN}comments/comment/").status_code == 200
    response = admin_client.post(
        f"{ADMIN}comments/comment/",
        {"action": "approve", "_selected_action": [question.pk]},
        follow=True,
    )
    assert response.status_code == 200
    question.refresh_from_db()
    assert question.state == Comment.State.PUBLISHED


@pytest.mark.parametrize("path", ["//evil.example/x", "/no-such-page/"])
def test_a_post_that_reached_no_view_is_never_given_back(path):
    """It passed no CSRF check: its fields, with a fresh token, must not come back in a form
    (for //evil.example/x, one a browser would send to another site)."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    with database_away():
        response = client.post(path, {"text": "planted", "email": "x@example.com"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "<form" not in page and "planted" not in page and "csrfmiddlewaretoken" not in page


def test_a_post_that_failed_the_csrf_check_is_never_given_back(article):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    with database_away():
        response = client.post("/comments/post/", {"text": "planted", "article": article.pk})
    assert b"planted" not in response.content
    assert b"csrfmiddlewaretoken" not in response.content
