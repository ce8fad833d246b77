"""Scheduled unpublishing: an article with an unpublish_at leaves every public page, feed,
sitemap, search and cache on time, with no job running (as scheduled publishing goes live),
and its address then answers 410 Gone."""

import contextlib
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from articles.models import Article
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory, TagFactory, TopicFactory
from tests.runnerhub.factories import warm_page_cache

pytestmark = pytest.mark.django_db

PAGES = {
    "home": "/",
    "list": "/articles/",
    "topic": "/topics/offers/",
    "tag": "/tags/sale/",
    "search": "/search/?q=sale",
    "rss": "/feed/",
    "atom": "/feed/atom/",
    "sitemap": "/sitemap.xml?section=articles",
    "related": "/articles/shoe-guide/",
}


@contextlib.contextmanager
def later(seconds: float):
    """Every clock the site reads (Django's now, time.time for the caches' expiry) moved on
    by `seconds`: the page cache and locmem see the same future."""
    real_time, real_now = time.time, timezone.now
    with (
        mock.patch("time.time", lambda: real_time() + seconds),
        mock.patch("django.utils.timezone.now", lambda: real_now() + timedelta(seconds=seconds)),
    ):
        yield


def text(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def offer():
    topic = TopicFactory(slug="offers", name="Offers")
    tag = TagFactory(slug="sale", name="sale")
    ArticleFactory(slug="shoe-guide", title="Shoe guide", topic=topic, tags=[tag])
    SiteSettings.load()
    return ArticleFactory(
        slug="spring-sale",
        title="Spring sale weekend",
        lead="Our spring sale on trail shoes.",
        topic=topic,
        tags=[tag],
        unpublish_at=timezone.now() + timedelta(minutes=10),
    )


def sitemap_articles() -> str:
    return text("/sitemap-articles.xml")


@pytest.mark.parametrize("name", PAGES)
def test_it_leaves_every_public_page_on_time(offer, name):
    url = PAGES[name]
    page = sitemap_articles if name == "sitemap" else lambda: text(url)
    marker = "/articles/spring-sale/"
    assert marker in page()
    with later(9 * 60):
        assert marker in page()
    with later(10 * 60 + 1):
        assert marker not in page()


def test_no_cached_page_or_fragment_outlives_it(offer):
    warm_page_cache()
    first = Client().get("/articles/shoe-guide/")  # related articles: a fragment
    assert "/articles/spring-sale/" in first.content.decode()
    seconds = int(
        dict(p.strip().partition("=")[::2] for p in first["Cache-Control"].split(","))["s-maxage"]
    )
    assert 0 < seconds <= 600
    hit = Client().get("/")
    hit = Client().get("/")
    assert hit.get("X-Page-Cache") == "hit"
    with later(10 * 60 + 1):
        home = Client().get("/")
        assert home.get("X-Page-Cache") != "hit"
        assert "Spring sale" not in home.content.decode()
        related = Client().get("/articles/shoe-guide/").content.decode()
        assert "/articles/spring-sale/" not in related


def test_a_cached_page_expires_at_the_unpublish_time(offer):
    offer.unpublish_at = timezone.now() + timedelta(seconds=90)
    offer.save()
    warm_page_cache()
    response = Client().get("/")
    s_maxage = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert s_maxage <= 90  # not the 600 of PAGE_CACHE_SECONDS


def test_after_its_time_its_address_is_410_with_its_topic(offer):
    with later(10 * 60 + 1):
        response = Client().get("/articles/spring-sale/")
    assert response.status_code == 410
    assert 'href="/topics/offers/"' in response.content.decode()


def test_the_model_and_the_queryset_agree(offer):
    assert offer.is_public and not offer.has_ended
    assert Article.objects.public().filter(pk=offer.pk).exists()
    with later(10 * 60 + 1):
        assert not offer.is_public and offer.has_ended
        assert not Article.objects.public().filter(pk=offer.pk).exists()
        assert Article.objects.gone().filter(pk=offer.pk).exists()


def test_unpublish_at_must_come_after_publish_at():
    article = ArticleFactory.build(unpublish_at=timezone.now() - timedelta(days=2))
    with pytest.raises(ValidationError) as error:
        article.clean()
    assert "unpublish_at" in error.value.message_dict
