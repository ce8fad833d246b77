"""The article page's query kept as SQL (articles/page_query.py): the same article, topic,
author, reviewer, tags, FAQs and site settings as the queryset it was compiled from, judged
at the moment given, in one query, without compiling again."""

import logging
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import page_query
from articles.models import FAQItem, attach_tags_and_faqs
from articles.views import _public_page_query
from runnerhub import fragments, pagecache
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
    assert found.get_deferred_fields() == expected.get_deferred_fields()
    assert found.get_deferred_fields() == {"body", "body_text", "search_vector"}
    for field in article._meta.concrete_fields:
        if field.attname not in found.get_deferred_fields():
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
    row = page_query.KeptQuery.row
    monkeypatch.setattr(
        page_query.KeptQuery, "row", lambda self, *a, **kw: runs.append(a) or row(self, *a, **kw)
    )
    assert b"Calf pain" in Client().get("/articles/calf-pain/").content
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert len(runs) == 2
    client.force_login(StaffFactory(is_superuser=True))
    assert b"A draft" in client.get(draft.get_absolute_url()).content
    assert len(runs) == 2


def test_the_page_query_leaves_out_what_the_page_never_shows(article):
    sql = page_query.kept(_public_page_query).sql
    for column in ('"body"', '"body_text"', '"search_vector"', '"password"', '"email"'):
        assert column not in sql
    assert '"body_html"' in sql


def test_a_prepared_statement_numbers_django_parameters_and_keeps_percent_signs():
    prepared = page_query.Prepared("SELECT '100%%' || %s, %s", 2)
    assert prepared.prepare_sql == f"PREPARE {prepared.name} AS SELECT '100%' || $1, $2"
    assert prepared.execute_sql == f"EXECUTE {prepared.name}(%s, %s)"
    # Sent with the parameters, in one execute(): psycopg reads its percent signs again.
    assert prepared.prepare_and_execute_sql == (
        f"PREPARE {prepared.name} AS SELECT '100%%' || $1, $2; EXECUTE {prepared.name}(%s, %s)"
    )
    with pytest.raises(ValueError):
        page_query.Prepared("SELECT %s", 2)


# Readers' requests run in autocommit, where the prepared statement is used: these tests run
# outside the test's transaction, as a request does.
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


@pytest.fixture
def no_page_cache(settings):
    # every request renders, and runs the query (no page kept, no row kept)
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    connection.close()  # a database connection of its own: none of its statements prepared


def _page_sql(url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_readers_pages_plan_the_query_once_per_connection(no_page_cache):
    ArticleFactory(slug="calf-pain", title="Calf pain")
    ArticleFactory(slug="shin-pain", title="Shin pain")
    query = page_query.kept(_public_page_query)
    first = _page_sql("/articles/calf-pain/")
    # PREPARE and EXECUTE in one round trip: a connection's first page costs no query more.
    assert first[0].startswith(f"{query.prepared.prepare_sql}; EXECUTE {query.prepared.name}(")
    again = _page_sql("/articles/shin-pain/")
    assert not any(sql.startswith("PREPARE") for sql in again)
    assert again[0].startswith(f"EXECUTE {query.prepared.name}(")
    assert _page_sql("/articles/shin-pain/")[0].startswith("EXECUTE")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [query.prepared.name]
        )
        assert cursor.fetchone() == (1,)
    # The same rows as the plain SQL, judged at the same moment.
    now = timezone.now()
    prepared = query.get("calf-pain", now)
    # inside a transaction: the plain SQL
    with transaction.atomic(), CaptureQueriesContext(connection) as plain_queries:
        plain = query.get("calf-pain", now)
    assert plain_queries.captured_queries[0]["sql"].startswith("SELECT")
    assert prepared.__dict__ == plain.__dict__ | {"_state": prepared._state}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_that_is_gone_is_prepared_again(no_page_cache):
    ArticleFactory(slug="calf-pain", title="Calf pain")
    _page_sql("/articles/calf-pain/")
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler's reset or another session would leave it
    sql = _page_sql("/articles/calf-pain/")  # fails once, then the plain SQL: still the page
    assert sql[0].startswith("EXECUTE") and sql[1].startswith("DEALLOCATE")
    assert sql[2].startswith("SELECT")
    assert _page_sql("/articles/calf-pain/")[0].startswith("PREPARE")
    assert _page_sql("/articles/calf-pain/")[0].startswith("EXECUTE")
    assert page_query.kept(_public_page_query).prepared.failures == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_that_keeps_failing_gives_way_to_the_plain_sql(
    monkeypatch, caplog, no_page_cache
):
    ArticleFactory(slug="calf-pain", title="Calf pain")
    prepared = page_query.kept(_public_page_query).prepared
    monkeypatch.setattr(prepared, "failures", 0)
    monkeypatch.setattr(prepared, "execute_sql", "EXECUTE no_such_statement")
    caplog.set_level(logging.WARNING, logger="articles.page_query")
    for _ in range(prepared.GIVE_UP):
        assert b"Calf pain" in Client().get("/articles/calf-pain/").content
    assert "runs its plain SQL from now on" in caplog.text
    assert all(sql.startswith("SELECT") for sql in _page_sql("/articles/calf-pain/"))


def _page_statements(url: str) -> tuple[list[str], int]:
    """The page's SQL and the failures of the statement after it (the page always there)."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200 and b"Calf pain" in response.content
    sql = [q["sql"] for q in queries.captured_queries]
    return sql, page_query.kept(_public_page_query).prepared.failures


@pytest.fixture
def prepared(no_page_cache, monkeypatch):
    ArticleFactory(slug="calf-pain", title="Calf pain")
    prepared = page_query.kept(_public_page_query).prepared
    monkeypatch.setattr(prepared, "failures", 0)
    _page_sql("/articles/calf-pain/")  # prepared on this connection
    return prepared


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_plan_a_migration_made_stale_is_prepared_again(prepared):
    # A migration changing a column's type (max_length 200 to 250): EXECUTE fails with
    # "cached plan must not change result type" while the statement is still on the server.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE articles_article ALTER COLUMN title TYPE varchar(250)")
    pages = [_page_statements("/articles/calf-pain/") for _ in range(4)]
    assert [failures for _, failures in pages] == [1, 1, 0, 0]
    assert [sql[0].split()[0] for sql, _ in pages] == ["EXECUTE", "PREPARE", "EXECUTE", "EXECUTE"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_failed_execute_is_prepared_again(prepared, monkeypatch):
    # As a cancelled query or a statement timeout: one EXECUTE fails, the statement stays.
    real = prepared.execute_sql
    monkeypatch.setattr(prepared, "execute_sql", "SELECT 1/0")
    assert _page_statements("/articles/calf-pain/")[1] == 1
    monkeypatch.setattr(prepared, "execute_sql", real)
    again, failures = _page_statements("/articles/calf-pain/")
    assert again[0].startswith("PREPARE") and failures == 1
    again, failures = _page_statements("/articles/calf-pain/")
    assert again[0].startswith("EXECUTE") and failures == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_the_server_connection_has_already_is_used(prepared):
    # A new client on a server connection that has it (a pooler in session mode): the
    # PREPARE fails with "already exists", and the statement is what this process prepares.
    connections["default"].__dict__.pop("_prepared_statements")
    sql, failures = _page_statements("/articles/calf-pain/")
    assert [s.split()[0] for s in sql[:2]] == ["PREPARE", "EXECUTE"]
    assert failures == 0
    assert _page_statements("/articles/calf-pain/")[0][0].startswith("EXECUTE")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_pooler_that_moves_sessions_gives_way_to_the_plain_sql(prepared, monkeypatch):
    # In transaction mode, PREPARE and EXECUTE of one round trip work, and the EXECUTE of
    # the next page lands on a server connection that lacks the statement.
    def execute_elsewhere(fetch):
        def run(connection, cursor, params):
            with connection.cursor() as other:
                other.execute("DEALLOCATE ALL")
            return fetch(connection, cursor, params)

        return run

    monkeypatch.setattr(prepared, "fetch", execute_elsewhere(prepared.fetch))
    for _ in range(2 * prepared.GIVE_UP):
        _page_statements("/articles/calf-pain/")
    assert prepared.failures == prepared.GIVE_UP
    assert all(sql.startswith("SELECT") for sql in _page_sql("/articles/calf-pain/"))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_miss_on_a_new_connection_costs_at_most_six_queries(monkeypatch):
    """Issue 10: the article page costs at most 6 queries on a cache miss, on a connection's
    first page too (CONN_MAX_AGE=0), and on a page cache generation's first."""
    ArticleFactory(slug="calf-pain", title="Calf pain")
    SiteSettings.load()
    monkeypatch.setattr(page_query.kept(_public_page_query).prepared, "failures", 0)
    fragments.new_versions([fragments.ALL])
    pagecache._new_generation()  # its next scheduled change is not known yet
    connection.close()
    sql, _ = _page_statements("/articles/calf-pain/")
    assert sql[0].startswith("PREPARE")
    assert len(sql) <= 6, "\n".join(s[:60] for s in sql)
