"""What RunnerHub does while a service it needs is away.

- The database: every page that needs it answers 503 with Retry-After (a friendly page
  that touches nothing but static files), not 500; Django's connection health checks
  reconnect on the next request once it is back, with no restart. Writes are transactional,
  so nothing a person was told succeeded is lost. Workers wait it out (db_worker, below).
- The cache (Redis): rate limits fail open, the once-a-day markers are skipped, and each
  caller logs it (throttled); sessions live in the database, so sign-ins do not depend on it.
- `/healthz` reports both: 503 when the database is away, 200 "degraded" when only the cache is.
"""

import logging
import sys
import time

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.middleware.csrf import get_token
from django.template import loader

logger = logging.getLogger(__name__)

# What a lost or refused database connection raises (psycopg's errors, wrapped by Django).
DATABASE_AWAY = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
_LOG_EVERY_SECONDS = 10.0
_last_logged: dict[str, float] = {}


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that cannot be reached is a 503 (come back soon), anything
    else the 500 page. Both templates are plain: no context processor, no query.

    A form posted while the database was away is given back on the 503 page, every field
    as it was sent, in a form that posts it again to the same address with a fresh CSRF
    token when the person presses Send again: nothing they typed is lost. Only this
    browser's own post can be there (it passed the CSRF check to reach the view), and
    nothing is sent without their click. Uploaded files cannot be given back; the page
    says so."""
    error = sys.exc_info()[1]
    if not isinstance(error, DATABASE_AWAY):
        return HttpResponseServerError(loader.render_to_string("500.html"))
    context = {}
    if _kept_post(request):
        context = {
            "fields": _posted_fields(request),
            "files": bool(request.FILES),
            "action": request.get_full_path(),
            "csrf_token": get_token(request),
        }
    response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _kept_post(request: HttpRequest) -> bool:
    """Only a POST to one of our views that passed the CSRF check (CsrfViewMiddleware marks
    it) is given back: never one that matched no view, was exempt or failed the check, and
    never one whose path a browser would read as another site's ("//host/...")."""
    return (
        request.method == "POST"
        and getattr(request, "resolver_match", None) is not None
        and getattr(request, "csrf_processing_done", False)
        and not request.path.startswith("//")
    )


def _posted_fields(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]


def cache_failed(what: str) -> None:
    """Log that the cache could not be used for `what`: a warning with the error, at most
    once every 10 seconds per `what` and process, so an outage does not flood the logs."""
    now = time.monotonic()
    if now - _last_logged.get(what, -_LOG_EVERY_SECONDS) >= _LOG_EVERY_SECONDS:
        _last_logged[what] = now
        logger.warning("cache unavailable: %s", what, exc_info=True)


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return "ok"


def cache_state() -> str:
    try:
        cache.set("healthz", 1, timeout=10)
        ok = cache.get("healthz") == 1
    except Exception:  # any backend's connection errors: Redis, memcached, ...
        cache_failed("healthz")
        return "unreachable"
    return "ok" if ok else "unreachable"
