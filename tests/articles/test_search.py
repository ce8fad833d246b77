"""Search reads the stored vector through its GIN index, ranked (articles/search.py)."""

import pytest
from django.db import connection

from articles.models import Article
from articles.search import search_articles
from tests.articles.factories import ArticleFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored tsvector is PostgreSQL's"
)


@postgres_only
def test_search_query_uses_the_gin_index():
    """On a handful of rows the planner rightly scans the table; with scans priced out, the
    match must still be answerable from article_search_gin, which it is only while it filters
    on the stored column (a vector computed from the text per query could not use it). The
    plan at 10,000 articles is in bench/RESULTS.md."""
    ArticleFactory.create_batch(3, body="<p>Easy tempo runs.</p>")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search_articles(Article.objects.all(), "tempo").explain()
    assert "article_search_gin" in plan


@pytest.mark.parametrize("query", ["hamstring", "hamstring stretch"])
def test_results_are_ranked_title_first(query):
    # The title match is the older one, so only the ranking can put it first.
    in_title = ArticleFactory(title="The hamstring stretch", body="<p>Hold it gently.</p>")
    in_body = ArticleFactory(title="Cool-down ideas", body="<p>A hamstring stretch after runs.</p>")
    ArticleFactory(title="Shoes", body="<p>Nothing to do with it.</p>")
    found = list(search_articles(Article.objects.public(), query))
    assert found == [in_title, in_body]


def test_results_leave_the_bodies_in_the_table():
    """Every match passes through the sort by rank: without its kilobytes of body (PostgreSQL
    reads body_text for the snippet inside the query; SQLite's snippet needs it)."""
    ArticleFactory(title="Tempo runs", body="<p>Run a tempo session weekly.</p>")
    (found,) = search_articles(Article.objects.public(), "tempo")
    deferred = found.get_deferred_fields()
    assert {"body", "body_html"} <= deferred
    assert ("body_text" in deferred) is (connection.vendor == "postgresql")
