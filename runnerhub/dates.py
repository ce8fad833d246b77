"""The one helper for showing a moment in Python code: the site's formats
(runnerhub/formats/en_GB/formats.py) in the site's time zone. Templates use the same
formats through Django's `date` filter: `{{ value|date }}` for the day,
`{{ value|date:"DATETIME_FORMAT" }}` for the day and time. For machines (`<time datetime>`,
meta tags) there is `machine()`, in templates `{{ value|machine }}` (runnerhub_tags).
"""

import calendar
from datetime import date, datetime
from functools import lru_cache

from django.db import NotSupportedError
from django.db.models import DateField, Func
from django.utils import timezone, translation
from django.utils.formats import date_format


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


@lru_cache(maxsize=8192)
def _format(value: date, format_name: str, language: str | None) -> str:
    # Django's date formatting costs ~30 µs (month names and "am" go through gettext): a
    # 1,000-comment thread would spend 30 ms on its dates. Moments are shown to the minute,
    # so the same minute in the same language always reads the same. The key is the local
    # wall-clock time without its zone: aware datetimes of one instant compare equal
    # whatever their zone, and these formats show no zone.
    return date_format(value, format_name)


def _show(value: date, format_name: str) -> str:
    if isinstance(value, datetime):
        value = _local(value).replace(second=0, microsecond=0, tzinfo=None)
    return _format(value, format_name, translation.get_language())


def day(value: date | datetime) -> str:
    """May 18, 2013"""
    return _show(value, "DATE_FORMAT")


def when(moment: datetime) -> str:
    """May 18, 2013 at 6:07am"""
    return _show(moment, "DATETIME_FORMAT")


def clock(moment: datetime) -> str:
    """6:07am for a moment today, with its date on any other day."""
    if _local(moment).date() == timezone.localdate():
        return _show(moment, "TIME_FORMAT")
    return when(moment)


def exact(moment: datetime) -> str:
    """May 18, 2013 at 6:07:42am: for the few places where seconds matter (a send's times)."""
    return date_format(_local(moment), r"F j, Y \a\t g:i:sa")


def machine(moment: date | datetime) -> str:
    """2013-05-18T06:07:42+01:00: a moment for machines (`<time datetime>`, meta tags), in
    the site's time zone, to the second. Never microseconds (isoformat() and the `c` date
    format give them): HTML allows at most milliseconds in a datetime attribute. A day (a
    date) is 2013-05-18."""
    if not isinstance(moment, datetime):
        return moment.isoformat()
    return _local(moment).isoformat(timespec="seconds")


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter (January 31
    + 1 month: February 28 or 29), as PostgreSQL's `date + interval` does. AddMonths is the
    same in SQL; tests/runnerhub/test_dates.py keeps the two agreeing. A day past the last
    a date can hold (year 9999, or a number of months no form allows) is date.max, in both."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AddMonths(Func):
    """add_months(day, months) in SQL, on PostgreSQL and on SQLite (the demo's database)."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"AddMonths is not written for {connection.vendor}.")

    def _parts(self, compiler):
        return [compiler.compile(expression) for expression in self.get_source_expressions()]

    def as_postgresql(self, compiler, connection, **extra_context):
        (day, day_params), (months, months_params) = self._parts(compiler)
        # PostgreSQL's dates go past year 9999, Python's do not: clamped as add_months does.
        # The months are numeric, not integer, so that no number of them overflows the cast.
        months_sql = f"LEAST(GREATEST(({months})::numeric, -120000), 120000)::integer"
        # (LEAST and GREATEST skip NULLs, so a CASE keeps "never reviewed" NULL.)
        due = f"CAST(({day}) + make_interval(months => {months_sql}) AS date)"
        clamped = (
            "CASE WHEN due > DATE '9999-12-31' THEN DATE '9999-12-31' "
            "WHEN due < DATE '0001-01-01' THEN DATE '0001-01-01' ELSE due END"
        )
        # Compiled SQL of the two expressions; their values travel as params.
        sql = f"(SELECT {clamped} FROM (SELECT {due} AS due) AS add_months)"  # noqa: S608  # nosec B608
        return sql, (*day_params, *months_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        # date(day, '+N months') runs over into the next month (January 31 + 1 month: March
        # 2 or 3): take the same day of the first of the target month, or that month's last
        # day, whichever is earlier (ISO dates compare as text).
        (day, day_params), (months, months_params) = self._parts(compiler)
        same_day = (
            f"date({day}, 'start of month', '+' || ({months}) || ' months', "
            f"'+' || (CAST(strftime('%%d', {day}) AS INTEGER) - 1) || ' days')"
        )
        last_day = f"date({day}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day')"
        # SQLite's date() is NULL past year 9999: clamped there as add_months does, while
        # "never reviewed" (no day, or no months) stays NULL.
        sql = (
            f"CASE WHEN ({day}) IS NULL OR ({months}) IS NULL THEN NULL "
            f"ELSE COALESCE(MIN({same_day}, {last_day}), '9999-12-31') END"
        )
        params = (*day_params, *months_params)
        params += (*day_params, *months_params, *day_params)
        params += (*day_params, *months_params)
        return sql, params
