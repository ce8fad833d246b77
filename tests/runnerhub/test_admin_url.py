"""ADMIN_URL moves Django admin: every link, redirect and check follows it, and the old
address is an ordinary 404."""

import importlib

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import clear_url_caches, reverse

from articles.models import Article
from runnerhub.settings import _admin_url
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory

MOVED = "/back-office/desk/"


def _reload_urls() -> None:
    importlib.reload(importlib.import_module(django_settings.ROOT_URLCONF))
    clear_url_caches()


@pytest.fixture
def moved_admin(settings):
    """The site as it is with ADMIN_URL=back-office/desk/ (the URLconf reads it on import)."""
    original = settings.ADMIN_URL
    settings.ADMIN_URL = MOVED.lstrip("/")
    _reload_urls()
    yield MOVED
    settings.ADMIN_URL = original
    _reload_urls()


@pytest.mark.parametrize(
    "value, expected",
    [("admin/", "admin/"), ("/desk", "desk/"), ("staff/desk/", "staff/desk/"), ("a.b/", "a.b/")],
)
def test_admin_url_values(value, expected):
    assert _admin_url(value) == expected


@pytest.mark.parametrize("value", ["", "/", "staff//desk/", "(?P<x>.*)/", "desk/../", ".."])
def test_admin_url_refuses_what_is_not_a_plain_path(value):
    with pytest.raises(ImproperlyConfigured):
        _admin_url(value)


@pytest.mark.django_db
def test_a_moved_admin_answers_at_its_new_path_and_404s_at_the_old(moved_admin, admin_client):
    assert reverse("admin:index") == moved_admin
    index = admin_client.get(moved_admin)
    assert index.status_code == 200
    assert f'href="{moved_admin}articles/article/"' in index.content.decode()
    assert admin_client.get(f"{moved_admin}articles/article/").status_code == 200
    for old in ("/admin/", "/admin/login/", "/admin/articles/article/"):
        assert admin_client.get(old).status_code == 404, old


@pytest.mark.django_db
def test_a_moved_admin_sends_strangers_to_its_own_login(moved_admin, client):
    response = client.get(f"{moved_admin}articles/article/")
    assert response.status_code == 302
    assert response["Location"] == f"{moved_admin}login/?next={moved_admin}articles/article/"
    login = client.get(f"{moved_admin}login/")
    assert login.status_code == 200
    assert f'action="{moved_admin}login/"' in login.content.decode()


@pytest.mark.django_db
def test_links_into_a_moved_admin_follow_it(moved_admin, admin_client):
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    page = admin_client.get(article.get_absolute_url()).content.decode()  # a staff preview
    assert f'href="{moved_admin}articles/article/{article.pk}/change/"' in page
    question = CommentFactory()
    change = f"{moved_admin}comments/comment/{question.pk}/change/"
    # "back to admin" only within the moved admin
    response = admin_client.post(
        f"{moved_admin}comments/comment/{question.pk}/reply/",
        {"text": "", "next": "/admin/comments/comment/inbox/"},
    )
    assert response["Location"] == change
    # The NUL guard of admin queries guards the new path.
    assert admin_client.get(f"{moved_admin}articles/article/?q=%00").status_code == 400


@pytest.mark.django_db
def test_robots_txt_does_not_announce_a_moved_admin(moved_admin, client):
    body = client.get("/robots.txt").content.decode()
    assert "back-office" not in body and "admin" not in body
    assert "Disallow: /search/" in body
