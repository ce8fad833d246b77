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
"""

import copy
import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators
from django.utils import timezone

# Values no article has and no request sends: only ever in the kept SQL's parameters.
_SLUG = "\ue000kept-query-slug\ue000"
_NOW = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)


class KeptQuery:
    """`build(slug, now)`'s queryset, compiled once; `get(slug, now)` runs it."""

    def __init__(self, build: Callable[[str, datetime], QuerySet], using: str = "default"):
        queryset = build(_SLUG, _NOW)
        self.model = queryset.model
        self.using = using
        compiler = queryset.query.get_compiler(using=using)
        self.sql, params = compiler.as_sql()
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

    def rows(self, slug: str, now: datetime) -> list[Any]:
        params = list(self.params)
        for i in self.slots["slug"]:
            params[i] = slug
        for i in self.slots["now"]:
            params[i] = self.adapt(now)
        connection = connections[self.using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        # The compiler's converters (JSON, time zones), on a copy bound to this thread's
        # connection: the kept one is shared.
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        return list(compiler.results_iter([fetched]))

    def get(self, slug: str, now: datetime | None = None):
        """The one object the query finds for `slug` at `now`, or None."""
        rows = self.rows(slug, now or timezone.now())
        if len(rows) > 1:
            raise self.model.MultipleObjectsReturned(f"{len(rows)} rows for {slug!r}.")
        if not rows:
            return None
        row = rows[0]
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
