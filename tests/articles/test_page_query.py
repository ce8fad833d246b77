"""The article page's query kept as SQL (articles/page_query.py): the same article, topic,
author, reviewer, tags, FAQs and site settings as the queryset it was compiled from, judged
at the moment given, in one query, without compiling again."""

from datetime import timedelta

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.utils import timezone

from articles import page_query
from articles.models import FAQItem, attach_tags_and_faqs
from articles.views import _public_page_query
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory, TagFactory
from tests.runnerhub.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    article = ArticleFactory(slug="calf-pain", title="Calf pain", reviewer=StaffFactory())
    article.tags.set([TagFactory(name="zebra"), TagFactory(name="achilles")])
    for order, question in enumerate(("Rest?", "Ice?")):
        FAQItem.objects.create(article=article, question=question, answer="Yes.", order=order)
    SiteSettings.load()
    return article


def test_the_kept_query_finds_what_the_queryset_finds(article, django_assert_num_queries):
    now = timezone.now()
    expected = attach_tags_and_faqs(_public_page_query("calf-pain", now).get())
    query = page_query.kept(_public_page_query)
    assert query is not None
    with django_assert_num_queries(1):
        found = query.get("calf-pain", now)
    assert found is not None and found.pk == article.pk
    assert found.__class__ is expected.__class__
    for field in article._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname)
    assert found.topic.name == expected.topic.name
    assert found.author.public_name == expected.author.public_name
    assert found.reviewer.pk == expected.reviewer.pk
    assert found.site_settings_json == expected.site_settings_json
    found = attach_tags_and_faqs(found)
    with django_assert_num_queries(0):
        assert [t.name for t in found.tags.all()] == ["achilles", "zebra"]
        assert [f.question for f in found.faqs.all()] == ["Rest?", "Ice?"]
        assert found.topic.slug and found.author.username


def test_public_is_judged_at_the_moment_given(article):
    query = page_query.kept(_public_page_query)
    article.publish_at = timezone.now() + timedelta(hours=1)
    article.unpublish_at = timezone.now() + timedelta(hours=3)
    article.save()
    assert query.get("calf-pain", timezone.now()) is None
    assert query.get("calf-pain", timezone.now() + timedelta(hours=2)).pk == article.pk
    assert query.get("calf-pain", timezone.now() + timedelta(hours=4)) is None
    assert query.get("calf-pain") is None  # now
    assert query.get("no-such-slug", timezone.now() + timedelta(hours=2)) is None


def test_the_sql_is_compiled_once_and_holds_no_marker(article, monkeypatch):
    query = page_query.kept(_public_page_query)
    assert page_query._SLUG not in query.sql and "1901" not in query.sql

    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(SQLCompiler, "as_sql", no_compiling)
    assert query.get("calf-pain").pk == article.pk
    assert query.get("calf-pain").pk == article.pk


def test_the_page_uses_it_for_readers_and_not_for_staff_previews(client, monkeypatch):
    ArticleFactory(slug="calf-pain", title="Calf pain")
    draft = ArticleFactory(slug="draft", title="A draft", status="draft")
    runs = []
    get = page_query.KeptQuery.get
    monkeypatch.setattr(
        page_query.KeptQuery, "get", lambda self, *a, **kw: runs.append(a) or get(self, *a, **kw)
    )
    assert b"Calf pain" in Client().get("/articles/calf-pain/").content
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert len(runs) == 2
    client.force_login(StaffFactory(is_superuser=True))
    assert b"A draft" in client.get(draft.get_absolute_url()).content
    assert len(runs) == 2
