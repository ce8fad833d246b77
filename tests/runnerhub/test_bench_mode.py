"""`make bench` only (the BENCH setting): the floor view, and a way to force a page cache miss."""

import importlib

import pytest
from django.urls import clear_url_caches

import runnerhub.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls_with(settings):
    def reload(floor: bool):
        settings.BENCH = floor
        importlib.reload(runnerhub.urls)
        clear_url_caches()

    yield reload
    settings.BENCH = False
    importlib.reload(runnerhub.urls)
    clear_url_caches()


def test_the_floor_is_not_mounted_in_normal_settings(client, urls_with):
    urls_with(floor=False)
    assert client.get("/bench/floor/").status_code == 404


def test_the_floor_is_mounted_when_the_benchmark_asks(client, urls_with, django_assert_num_queries):
    urls_with(floor=True)
    with django_assert_num_queries(0):
        response = client.get("/bench/floor/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "Content-Security-Policy" in response  # through the same middleware as every page


@pytest.mark.parametrize("bench", [False, True])
def test_the_miss_header_skips_the_page_cache_only_in_bench_mode(client, settings, bench):
    from tests.articles.factories import ArticleFactory

    settings.BENCH = bench
    url = ArticleFactory().get_absolute_url()
    client.get(url)
    assert client.get(url).get("X-Page-Cache") == "hit"
    forced = client.get(url, headers={"X-Bench-Miss": "1"})
    assert forced.status_code == 200
    assert (forced.get("X-Page-Cache") == "hit") is not bench
    assert "public" in forced["Cache-Control"]  # still a public page, stored again
    assert client.get(url).get("X-Page-Cache") == "hit"
