"""The public article page's main query, compiled to SQL once per process.

On a page-cache miss whose fragments are kept, the article's one query is most of what is
left, and most of that query's time is the ORM turning it into SQL (its select_related
joins, and the tags, FAQs and site settings brought along as JSON). The SQL is the same for
every article and every moment but for two values: the slug and the time "public" is
judged at. So the queryset is built once with a marker in place of each, compiled, and the
markers' places in its parameters are noted; each request runs the kept SQL with its own
slug and time, and the rows become articles exactly as Django's own iterator makes them
(the compiler's converters and related populators).

Anything the ORM compiles differently (a marker that does not come out as one parameter of
its own) is caught when it is built: then the page simply uses the queryset itself.

On PostgreSQL the kept SQL is also a prepared statement of each connection (`Prepared`):
planning its joins and subqueries took as long as running them (0.6 of 1.7 ms per page).
"""

import contextlib
import copy
import functools
import hashlib
import itertools
import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import DatabaseError, Error, connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
from django.utils import timezone

# Values no article has and no request sends: only ever in the kept SQL's parameters.
_SLUG = "\ue000kept-query-slug\ue000"
_NOW = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)

logger = logging.getLogger(__name__)


class Prepared:
    """SQL of Django's (`%s` parameters) as a server-side prepared statement on PostgreSQL:
    prepared on a connection's first use, then only executed, so PostgreSQL plans it once per
    connection instead of once per page.

    The first use sends PREPARE and EXECUTE in one round trip (psycopg2 sends a string of
    statements as one message and returns the last one's rows), so a connection's first page
    costs no statement more than the next ones.

    Only outside transactions (autocommit, as every request is here): there a statement that
    fails leaves nothing broken. A failed one is deallocated, as it may well still be on the
    server (an EXECUTE cancelled or timed out, a plan a migration made stale: "cached plan
    must not change result type"), and prepared again on the next page. After `GIVE_UP`
    failures with no kept statement working in between (a pooler in transaction mode, which
    moves sessions between server connections) the process runs the plain SQL instead.
    Inside a transaction (`atomic`), a failure would abort it, so the plain SQL runs there."""

    GIVE_UP = 3
    # SQLSTATE of "prepared statement ... already exists".
    ALREADY_EXISTS = "42P05"

    def __init__(self, sql: str, param_count: int):
        numbers = itertools.count(1)
        # `%s` is a parameter and `%%` a percent sign, as psycopg reads Django's SQL.
        body = re.sub(r"%[s%]", lambda m: f"${next(numbers)}" if m[0] == "%s" else "%", sql)
        if next(numbers) != param_count + 1:
            raise ValueError("The kept query's parameters could not be numbered.")
        self.name = "kept_" + hashlib.sha256(sql.encode()).hexdigest()[:16]
        self.prepare_sql = f"PREPARE {self.name} AS {body}"
        self.execute_sql = f"EXECUTE {self.name}({', '.join(['%s'] * param_count)})"
        self.failures = 0

    @property
    def prepare_and_execute_sql(self) -> str:
        """Both in one execute(), with the parameters: PREPARE's percent signs written as
        psycopg reads them again."""
        return f"{self.prepare_sql.replace('%', '%%')}; {self.execute_sql}"

    def usable(self, connection) -> bool:
        return (
            self.failures < self.GIVE_UP
            and not connection.in_atomic_block
            and connection.get_autocommit()
        )

    def fetch(self, connection, cursor, params: list) -> list | None:
        """The rows, or None when the statement failed (then run the plain SQL)."""
        # Which statements this very database connection has (a new one after a reconnect).
        raw = connection.connection
        kept = connection.__dict__.get("_prepared_statements")
        if kept is None or kept[0] is not raw:
            kept = connection.__dict__["_prepared_statements"] = (raw, set())
        was_kept = self.name in kept[1]
        try:
            try:
                cursor.execute(
                    self.execute_sql if was_kept else self.prepare_and_execute_sql, params
                )
            except DatabaseError as error:
                if was_kept or getattr(error.__cause__, "pgcode", None) != self.ALREADY_EXISTS:
                    raise
                # The server connection has it already (prepared by an earlier client of a
                # pooler in session mode): the same SQL, as its name is the SQL's hash.
                was_kept = True
                cursor.execute(self.execute_sql, params)
            kept[1].add(self.name)
            rows = cursor.fetchall()
        except DatabaseError:
            kept[1].discard(self.name)
            self._deallocate(cursor)
            self.failures += 1
            if self.failures == self.GIVE_UP:
                logger.warning(
                    "The prepared statement %s failed %s times in a row: this process runs "
                    "its plain SQL from now on (a pooler in transaction mode?).",
                    self.name,
                    self.GIVE_UP,
                    exc_info=True,
                )
            return None
        # Only a statement kept from an earlier page shows that it lasts: a PREPARE and
        # EXECUTE of one round trip work even through a pooler in transaction mode.
        if was_kept:
            self.failures = 0
        return rows

    def _deallocate(self, cursor) -> None:
        # Best effort: without it the next PREPARE fails with "already exists". In autocommit
        # the failed statement left no transaction to roll back; a connection that is gone
        # fails here too, and the plain SQL then says so.
        with contextlib.suppress(Error):
            cursor.execute(f"DEALLOCATE {self.name}")


class KeptQuery:
    """`build(slug, now)`'s queryset, compiled once; `get(slug, now)` runs it."""

    def __init__(self, build: Callable[[str, datetime], QuerySet], using: str = "default"):
        queryset = build(_SLUG, _NOW)
        self.model = queryset.model
        self.using = using
        compiler = queryset.query.get_compiler(using=using)
        self.sql, params = compiler.as_sql()
        # What a kept row was made by: a row kept by another release's query is not one.
        self.fingerprint = hashlib.sha256(self.sql.encode()).hexdigest()[:16]
        self.params = list(params)
        # A moment goes to the database as the backend adapts it (itself on PostgreSQL, an
        # ISO string in UTC on SQLite): the marker is found, and each moment put, that way.
        self.adapt = connections[using].ops.adapt_datetimefield_value
        now_marker = self.adapt(_NOW)
        self.slots = {
            "slug": [i for i, p in enumerate(params) if p == _SLUG],
            "now": [
                i for i, p in enumerate(params) if type(p) is type(now_marker) and p == now_marker
            ],
        }
        if len(self.slots["slug"]) != 1 or not self.slots["now"]:
            raise ValueError(f"The kept query's markers came out as {self.slots}.")
        if _SLUG in self.sql or _NOW.isoformat() in self.sql or str(now_marker) in self.sql:
            raise ValueError("A marker was written into the kept query's SQL.")
        self.compiler = compiler
        klass_info, select = compiler.klass_info, compiler.select
        fields = klass_info["select_fields"]
        self.model_slice = slice(fields[0], fields[-1] + 1)
        self.init_list = [f[0].target.attname for f in select[self.model_slice]]
        self.related_populators = get_related_populators(klass_info, select, using)
        self.annotations = dict(compiler.annotation_col_map)
        self.prepared = (
            Prepared(self.sql, len(self.params))
            if connections[using].vendor == "postgresql"
            else None
        )

    def rows(self, slug: str, now: datetime) -> list[Any]:
        params = list(self.params)
        for i in self.slots["slug"]:
            params[i] = slug
        for i in self.slots["now"]:
            params[i] = self.adapt(now)
        connection = connections[self.using]
        with connection.cursor() as cursor:
            fetched = None
            if self.prepared is not None and self.prepared.usable(connection):
                fetched = self.prepared.fetch(connection, cursor, params)
            if fetched is None:
                cursor.execute(self.sql, params)
                fetched = cursor.fetchall()
        # The compiler's converters (JSON, time zones), on a copy bound to this thread's
        # connection: the kept one is shared.
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        return list(compiler.results_iter([fetched]))

    def get(self, slug: str, now: datetime | None = None):
        """The one object the query finds for `slug` at `now`, or None."""
        row = self.row(slug, now or timezone.now())
        return None if row is None else self.instance(row)

    def row(self, slug: str, now: datetime) -> list | None:
        """The one row the query finds for `slug` at `now` (converted, picklable: it can be
        kept), or None."""
        rows = self.rows(slug, now)
        if len(rows) > 1:
            raise self.model.MultipleObjectsReturned(f"{len(rows)} rows for {slug!r}.")
        return rows[0] if rows else None

    def value(self, row: list, attname: str):
        """One of the model's own fields in one of `rows()`, with no object built."""
        return row[self.model_slice][self.init_list.index(attname)]

    def instance(self, row: list):
        """The object of one of `rows()`, with its related objects and annotations."""
        obj = self.model.from_db(self.using, self.init_list, row[self.model_slice])
        for populator in self.related_populators:
            populator.populate(row, obj)
        for name, position in self.annotations.items():
            setattr(obj, name, row[position])
        return obj


@functools.cache
def kept(build: Callable[[str, datetime], QuerySet]) -> KeptQuery | None:
    """`build`'s KeptQuery, made on first use; None when the ORM's SQL cannot be kept (the
    caller then runs the queryset)."""
    try:
        return KeptQuery(build)
    except ValueError:
        return None
