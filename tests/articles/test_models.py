from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.utils import timezone

from articles.models import Article, parse_video_url
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_public_means_published_and_due():
    now = timezone.now()
    live = ArticleFactory(publish_at=now - timedelta(minutes=1))
    ArticleFactory(publish_at=now + timedelta(minutes=5))  # scheduled
    ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(status=Article.Status.DRAFT, publish_at=now - timedelta(days=1))
    assert list(Article.objects.public()) == [live]


def test_scheduled_article_goes_live_on_time_without_any_job():
    now = timezone.now()
    article = ArticleFactory(publish_at=now + timedelta(hours=1))
    assert article.is_scheduled and not article.is_public
    assert not Article.objects.public().filter(pk=article.pk).exists()
    later = now + timedelta(hours=1, seconds=1)
    with mock.patch("articles.models.timezone.now", return_value=later):
        assert Article.objects.public().filter(pk=article.pk).exists()
        assert article.is_public


STATES = ("public", "scheduled", "public_or_scheduled")


@pytest.mark.parametrize(
    ("status", "minutes", "expected"),
    [
        (Article.Status.PUBLISHED, -1, {"public", "public_or_scheduled"}),
        (Article.Status.PUBLISHED, 5, {"scheduled", "public_or_scheduled"}),
        (Article.Status.DRAFT, -1, set()),
        (Article.Status.DRAFT, 5, set()),
        (Article.Status.DRAFT, None, set()),
    ],
)
def test_each_state_means_the_same_in_a_query_and_on_an_article(status, minutes, expected):
    publish_at = None if minutes is None else timezone.now() + timedelta(minutes=minutes)
    article = ArticleFactory(status=status, publish_at=publish_at)
    in_queries = {s for s in STATES if getattr(Article.objects, s)().filter(pk=article.pk)}
    on_article = {s for s in STATES if getattr(article, f"is_{s}")}
    assert in_queries == on_article == expected


def test_body_is_sanitized_on_save():
    article = ArticleFactory(
        body='<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:x()">l</a></p>'
    )
    article.refresh_from_db()
    assert article.body == '<p>Hi <a rel="noopener">l</a></p>'
    assert "script" not in article.body_html


def test_reading_time_and_plain_text():
    article = ArticleFactory(lead="word " * 20, body="<p>" + "stride " * 640 + "</p>")
    assert article.reading_minutes == 3  # 660 words at 220 a minute
    assert article.body_text.startswith("stride stride")


def test_publishing_without_a_time_means_now():
    article = ArticleFactory(publish_at=None)
    assert article.publish_at is not None
    assert article.is_public


def test_a_published_article_cleaned_without_a_time_gets_now_before_it_is_saved():
    article = ArticleFactory.build(status=Article.Status.PUBLISHED, publish_at=None)
    article.clean()
    assert article.publish_at is not None and article.is_public
    draft = ArticleFactory.build(status=Article.Status.DRAFT, publish_at=None)
    draft.clean()
    assert draft.publish_at is None


def test_database_refuses_published_without_date():
    article = ArticleFactory()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(publish_at=None)


def test_database_refuses_an_image_without_alt_text():
    article = ArticleFactory()
    with pytest.raises(IntegrityError):
        Article.objects.filter(pk=article.pk).update(hero_image="heroes/x.jpg", hero_alt="")


def test_slug_is_unique():
    ArticleFactory(slug="same")
    with pytest.raises(IntegrityError):
        ArticleFactory(slug="same")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://youtu.be/dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=30", ("youtube", "dQw4w9WgXcQ")),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", ("youtube", "dQw4w9WgXcQ")),
        ("https://vimeo.com/76979871", ("vimeo", "76979871")),
        ("https://player.vimeo.com/video/76979871", ("vimeo", "76979871")),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
        ("javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com/watch?v=<script>", None),
        ("", None),
    ],
)
def test_video_urls(url, expected):
    assert parse_video_url(url) == expected


def test_video_url_validation_message():
    article = ArticleFactory.build(video_url="https://example.com/video")
    with pytest.raises(ValidationError) as error:
        article.full_clean(exclude=["author", "topic"])
    assert "YouTube or Vimeo" in str(error.value.message_dict["video_url"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stored tsvector is PostgreSQL's")
def test_search_vector_is_stored_and_weighted():
    article = ArticleFactory(title="Hamstring strain", lead="Calf tips", body="<p>Body ankle</p>")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM articles_article WHERE id = %s", [article.pk]
        )
        vector = cursor.fetchone()[0]
    assert "'hamstr':1A" in vector
    assert "'calf':3B" in vector
    assert "'ankl':6C" in vector
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_gin'")
        assert "USING gin (search_vector)" in cursor.fetchone()[0]


def test_block_lines_are_not_searchable_text():
    article = ArticleFactory(body="<p>Before.</p><p>[video]</p><p>[product foam-roller]</p>")
    assert article.body_text == "Before."
    assert "[video]" in article.body
