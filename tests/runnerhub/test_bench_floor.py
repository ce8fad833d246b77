"""The benchmark's floor view (`make bench`): mounted only when BENCH_FLOOR asks for it."""

import importlib

import pytest
from django.urls import clear_url_caches

import runnerhub.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls_with(settings):
    def reload(floor: bool):
        settings.BENCH_FLOOR = floor
        importlib.reload(runnerhub.urls)
        clear_url_caches()

    yield reload
    settings.BENCH_FLOOR = False
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
