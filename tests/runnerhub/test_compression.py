"""Compressed HTML for public pages only, and the rule that keeps it safe from BREACH
(runnerhub/compression.py): no response that carries a secret is ever compressed."""

import gzip

import brotli
import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory

from runnerhub import compression, pagecache
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.runnerhub.factories import StaffFactory

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/calf-pain/"
BR = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}
GZ = {"HTTP_ACCEPT_ENCODING": "gzip"}


@pytest.fixture
def article():
    article = ArticleFactory(slug="calf-pain", title="Calf pain", body="<p>Run easy.</p>" * 20)
    CommentFactory(article=article, text="Do I stretch before or after? " * 5)
    return article


def decoded(response) -> bytes:
    coding = response.get("Content-Encoding")
    if coding == "br":
        return brotli.decompress(response.content)
    if coding == "gzip":
        return gzip.decompress(response.content)
    assert coding is None
    return response.content


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", "identity"),
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("br;q=0, gzip;q=0", "identity"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("identity", "identity"),
        ("br;q=nonsense, gzip", "gzip"),
        ("GZIP ; q=1", "gzip"),
    ],
)
def test_the_best_coding_the_request_accepts(header, expected):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=header)
    assert compression.accepted(request) == expected


@pytest.mark.parametrize(("headers", "coding"), [(BR, "br"), (GZ, "gzip")])
def test_a_public_page_is_compressed_on_a_miss_and_on_a_hit(article, headers, coding):
    plain = Client().get(ARTICLE)  # a client that sends no Accept-Encoding: plain HTML
    assert "Content-Encoding" not in plain and b"Calf pain" in plain.content
    assert "Accept-Encoding" in plain["Vary"] and "Cookie" not in plain["Vary"]
    cache.clear()
    miss = Client().get(ARTICLE, **headers)
    hit = Client().get(ARTICLE, **headers)
    for response in (miss, hit):
        assert response["Content-Encoding"] == coding
        assert int(response["Content-Length"]) == len(response.content)
        assert len(response.content) < len(plain.content) / 3
        assert "Accept-Encoding" in response["Vary"] and "Cookie" not in response["Vary"]
        assert "public" in response["Cache-Control"]
    assert hit["X-Page-Cache"] == "hit" and "X-Page-Cache" not in miss
    assert decoded(hit) == decoded(miss)
    assert decoded(hit).startswith(b"<!doctype html>") and b"Calf pain" in decoded(hit)


def test_a_client_without_accept_encoding_gets_plain_html_from_a_page_kept_compressed(article):
    Client().get(ARTICLE, **BR)
    hit = Client().get(ARTICLE)
    assert hit["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in hit and hit.content.startswith(b"<!doctype html>")


def test_a_miss_compresses_once_in_the_coding_asked_for(article, monkeypatch):
    codings = []
    encode = compression.encode
    monkeypatch.setattr(
        compression,
        "encode",
        lambda body, coding, **kw: codings.append(coding) or encode(body, coding, **kw),
    )
    miss = Client().get(ARTICLE, **BR)
    assert miss["Content-Encoding"] == "br" and codings == ["br"]
    # A reader asking for gzip alone is a miss of their own, compressed once, then a hit.
    gz_miss, gz_hit = Client().get(ARTICLE, **GZ), Client().get(ARTICLE, **GZ)
    assert codings == ["br", "gzip"]
    assert "X-Page-Cache" not in gz_miss and gz_hit["X-Page-Cache"] == "hit"
    assert gz_hit["Content-Encoding"] == "gzip" and decoded(gz_hit) == decoded(gz_miss)
    assert Client().get(ARTICLE, **BR)["X-Page-Cache"] == "hit"


def test_a_hit_is_one_cache_round_trip_with_no_compression_and_no_query(
    article, monkeypatch, django_assert_num_queries
):
    Client().get(ARTICLE, **BR)
    calls, inside = [], []

    def spy(name, real):
        def call(*args, **kwargs):
            if not inside:  # the memory cache's get_many calls get: one round trip in Redis
                calls.append(name)
            inside.append(name)
            try:
                return real(*args, **kwargs)
            finally:
                inside.pop()

        return call

    for name in ("get", "get_many", "set", "set_many", "add", "delete"):
        monkeypatch.setattr(cache, name, spy(name, getattr(cache, name)))

    def no_compression(*args, **kwargs):
        raise AssertionError("a hit compresses nothing")

    monkeypatch.setattr(compression, "encode", no_compression)
    with django_assert_num_queries(0):
        hit = Client().get(ARTICLE, **BR)
    assert hit["X-Page-Cache"] == "hit" and hit["Content-Encoding"] == "br"
    assert calls == ["get_many"]


def test_staff_pages_which_carry_a_csrf_token_are_never_compressed(client, article):
    client.force_login(StaffFactory(is_superuser=True))
    page = client.get(ARTICLE, **BR)
    assert b'name="csrfmiddlewaretoken"' in page.content  # the staff reply box's token
    assert "Content-Encoding" not in page and "private" in page["Cache-Control"]
    admin = client.get(f"{ADMIN}articles/article/", **BR)
    assert admin.status_code == 200 and "Content-Encoding" not in admin


def test_the_token_endpoint_and_a_page_for_a_session_are_never_compressed(article):
    reader = Client()
    token = reader.get("/forms/token/", **BR)
    assert token.status_code == 200 and "Content-Encoding" not in token
    reader.cookies["sessionid"] = "a-session-of-its-own"  # e.g. a comment awaiting moderation
    page = reader.get(ARTICLE, **BR)
    assert "Content-Encoding" not in page and "public" not in page["Cache-Control"]


def test_a_public_view_whose_body_carries_a_csrf_field_is_not_compressed():
    """The second guard: should a public page's template ever put a token in its HTML, the
    page is sent plain rather than compressed beside reflected input."""
    response = HttpResponse(
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="s3cret"></form>' * 20
    )
    assert not pagecache._compressible(response)
    response = HttpResponse(
        '<form><input type="hidden" name="csrfmiddlewaretoken" value="" data-form-token="x">'
        "</form>" * 20
    )
    assert pagecache._compressible(response)  # the empty field of a public page


def test_a_redirect_or_an_error_is_neither_public_nor_compressed(article):
    missing = Client().get("/articles/no-such-article/", **BR)
    assert missing.status_code == 404 and "Content-Encoding" not in missing
