"""Search reads the stored vector through its GIN index, ranked (articles/search.py)."""

import pytest
from django.core.paginator import EmptyPage, InvalidPage
from django.db import connection

from articles.models import Article
from articles.search import MARK_START, SNIPPET_BODY_CHARS, SearchPaginator, search_articles
from tests.articles.factories import ArticleFactory
from tests.runnerhub.factories import warm_page_cache

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


@postgres_only
def test_the_vector_is_kept_in_the_row():
    """Migration 0009: STORAGE MAIN, so the recheck and ts_rank of every match read the
    vector with its row instead of looking it up in the TOAST table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'articles_article'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)


@postgres_only
def test_the_snippet_comes_from_the_lead_and_the_start_of_the_body():
    """ts_headline is given the lead and the first SNIPPET_BODY_CHARS of the body, not the
    whole body (the page's biggest cost on long articles): a match far down the body still
    finds and ranks the article, and its snippet opens the article instead."""
    filler = "<p>Steady miles build the engine that racing relies on.</p>" * 40
    ArticleFactory(
        title="Building a base", lead="Why easy weeks come first.", body=filler + "<p>Fartlek.</p>"
    )
    (found,) = search_articles(Article.objects.public(), "fartlek")
    assert MARK_START not in found.snippet_marked
    assert found.snippet_marked.startswith("Why easy weeks come first.")
    assert len(found.snippet_marked) < SNIPPET_BODY_CHARS


def _paginator(per_page=3, orphans=0):
    return SearchPaginator(search_articles(Article.objects.public(), "tempo"), per_page, orphans)


@pytest.mark.parametrize("matches", [1, 7])
def test_the_paginator_takes_the_count_from_the_page_rows(django_assert_num_queries, matches):
    ArticleFactory.create_batch(matches, title="Tempo runs")
    ArticleFactory(title="Shoes")
    paginator = _paginator()
    with django_assert_num_queries(1):
        last = paginator.page(-(-matches // 3))  # the last page
        rows = list(last.object_list)
        assert paginator.count == matches
    assert len(rows) == matches - 3 * (last.number - 1)
    assert not last.has_next()


def test_the_paginator_counts_only_past_the_end(django_assert_num_queries):
    ArticleFactory.create_batch(4, title="Tempo runs")
    paginator = _paginator()
    with django_assert_num_queries(2), pytest.raises(EmptyPage):
        paginator.page(3)
    assert paginator.count == 4


def test_no_match_is_an_empty_first_page(django_assert_num_queries):
    with django_assert_num_queries(1):
        page = _paginator().page(1)
        assert list(page) == []
        assert page.paginator.count == 0


@pytest.mark.parametrize("number", ["0", "-1", "two", "1.5", None])
def test_a_bad_page_number_costs_no_query(django_assert_num_queries, number):
    with django_assert_num_queries(0), pytest.raises(InvalidPage):
        _paginator().page(number)


def test_orphans_join_the_last_page():
    ArticleFactory.create_batch(4, title="Tempo runs")
    paginator = _paginator(per_page=3, orphans=1)
    page = paginator.page(1)
    assert (paginator.count, paginator.num_pages, len(page.object_list)) == (4, 1, 4)


@pytest.mark.parametrize(("matches", "page"), [(1, 1), (30, 1), (30, 3)])
def test_search_page_queries_are_pinned_whatever_the_matches(
    client, django_assert_num_queries, matches, page
):
    """Two queries: the menu's topics and one for the page, its rows carrying the count of all
    matches (no count query), whether 1 article matches or 30 over three pages."""
    ArticleFactory.create_batch(matches, title="Tempo runs")
    warm_page_cache()
    with django_assert_num_queries(2):
        response = client.get("/search/", {"q": "tempo", "page": page})
    assert response.status_code == 200
    assert len(response.context["results"]) == min(12, matches - 12 * (page - 1))
    summary = "1 article matches" if matches == 1 else f"{matches} articles match"
    assert summary in response.content.decode()


def test_a_search_page_past_the_end_is_not_found(client):
    ArticleFactory.create_batch(3, title="Tempo runs")
    assert client.get("/search/", {"q": "tempo", "page": 2}).status_code == 404
    assert client.get("/search/", {"q": "tempo", "page": "last"}).status_code == 200


@postgres_only
def test_the_count_rides_on_rows_already_ranked():
    """The window is ordered as the page, so PostgreSQL ranks and sorts the matches below it
    and the window buffers narrow rows: with a bare OVER () it buffers every match with its
    vector (kept in the row since 0009) and spills to disk past work_mem at ~1,000 matches
    (bench/RESULTS.md)."""
    ArticleFactory.create_batch(3, title="Tempo runs")
    plan = _paginator().rows(0).explain()
    assert plan.index("WindowAgg") < plan.index("Sort")
