"""Fixtures for more than one app's tests: an article, and a reader's comment as posted."""

import socket
import time

import pytest
from django.core import signing
from django.test import override_settings

from runnerhub.antispam import SALT
from tests.articles.factories import ArticleFactory


@pytest.fixture
def article(db):
    return ArticleFactory(title="Hamstring strains", slug="hamstring-strains")


@pytest.fixture
def rendered_token():
    """A form render time far enough in the past to pass the minimum time-to-submit."""
    return signing.dumps(time.time() - 30, salt=SALT)


@pytest.fixture
def post_data(article, rendered_token):
    def make(**overrides):
        data = {
            "article": str(article.pk),
            "parent": "",
            "name": "Jo Runner",
            "email": "jo@example.com",
            "text": "My calves hurt after hill sessions. Should I stretch before or after?",
            "notify": "on",
            "website": "",
            "rendered": rendered_token,
        }
        data.update(overrides)
        return data

    return make


@pytest.fixture
def redis_away():
    """The cache is a Redis server that is not there (nothing listens on its port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    caches = {
        "default": {
            "BACKEND": "runnerhub.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=caches):
        yield
