"""Fixtures for more than one app's tests: an article, and a reader's comment as posted."""

import time

import pytest
from django.core import signing

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
