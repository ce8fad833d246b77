"""runnerhub.redirects.next_url: the one check on a `next` parameter."""

import pytest
from django.test import RequestFactory

from runnerhub.redirects import next_url
from tests.admin_paths import ADMIN
from tests.comments.factories import CommentFactory
from tests.runnerhub.factories import StaffFactory

DEFAULT = "/admin/comments/comment/1/change/"


def follow(value: str, *, secure: bool = False, method: str = "post") -> str:
    factory = RequestFactory()
    make = factory.post if method == "post" else factory.get
    request = make("/admin/x/", {"next": value}, secure=secure)
    return next_url(request, default=DEFAULT, within="/admin/")


@pytest.mark.parametrize(
    "value",
    [
        "/admin/comments/comment/inbox/",
        "/admin/comments/comment/inbox/?topic=gear",
        "/admin/",
        "/admin",
        "http://testserver/admin/comments/",
    ],
)
def test_addresses_back_into_admin_are_followed(value):
    assert follow(value) == value
    assert follow(value, method="get") == value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "https://evil.example/admin/",
        "//evil.example/admin/",
        "/\\evil.example/admin/",
        "\\\\evil.example/admin/",
        "/admin/\\..\\go/product/",
        "http:/evil.example/admin/",
        "javascript:alert(1)//admin/",
        "/admin/../go/product/",
        "/admin/%2e%2e/go/product/",
        "/admin/%2E%2E/%2E%2E//evil.example/",
        "/administrator/",
        "/go/product/?next=/admin/",
        "/admin//../../evil",
        "https://testserver.evil.example/admin/",
        "\x00/admin/",
    ],
)
def test_anything_else_goes_to_the_default(value):
    assert follow(value) == DEFAULT


def test_an_http_address_is_refused_on_https():
    assert follow("http://testserver/admin/", secure=True) == DEFAULT
    assert follow("https://testserver/admin/", secure=True) == "https://testserver/admin/"


def test_without_within_any_address_on_the_site_will_do():
    request = RequestFactory().get("/x/", {"next": "/articles/calf/"})
    assert next_url(request, default="/") == "/articles/calf/"
    request = RequestFactory().get("/x/", {"next": "https://evil.example/"})
    assert next_url(request, default="/") == "/"


@pytest.mark.django_db
def test_reply_as_staff_goes_back_only_into_admin(client):
    client.force_login(StaffFactory(is_superuser=True))
    question = CommentFactory()
    change = f"{ADMIN}comments/comment/{question.pk}/change/"
    for value in (f"{ADMIN}%2e%2e/go/product/", f"{ADMIN}../articles/", "//evil.example/admin/"):
        response = client.post(
            f"{ADMIN}comments/comment/{question.pk}/reply/", {"text": "", "next": value}
        )
        assert response["Location"] == change, value
    inbox = f"{ADMIN}comments/comment/inbox/?topic=gear"
    response = client.post(
        f"{ADMIN}comments/comment/{question.pk}/reply/", {"text": "Ice it.", "next": inbox}
    )
    assert response["Location"] == inbox
