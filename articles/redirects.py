"""Old addresses left behind by slug changes answer a 301 to the new one.

The lookup costs nothing on a page that exists: it runs only when a request would be a
404 (`RedirectFallbackMiddleware`, as django.contrib.redirects does it, and the article
view's not-found branch, which must know before it answers 410 Gone), and then it is one
query, which counts the hit too. Chains never form (articles/services.py rewrites every
redirect to the newest address), so a redirect is always one hop. A path that no slug could
have made (too long, other characters: the hostile corpus) is not looked up at all.
"""

import re

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.encoding import iri_to_uri

from .models import Redirect

# What get_absolute_url() of a slug makes: ASCII slug characters and slashes.
_REDIRECTABLE = re.compile(r"/[A-Za-z0-9_/-]*")
_MAX_PATH = Redirect._meta.get_field("old_path").max_length

# A query string longer than any of our links carry is left behind (Django refuses to
# redirect past 16 KB; nothing we link to reads more than a few parameters).
_MAX_QUERY = 2000

_SQL = "UPDATE {table} SET hits = hits + 1 WHERE old_path = %s RETURNING new_path"


def _target(path: str) -> str | None:
    if len(path) > _MAX_PATH or not _REDIRECTABLE.fullmatch(path):
        return None
    # One query that finds the redirect and counts the hit (UPDATE ... RETURNING:
    # PostgreSQL, and SQLite since 3.35).
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL.format(table=connection.ops.quote_name(Redirect._meta.db_table)), [path]
        )
        row = cursor.fetchone()
    return row[0] if row else None


def redirect_for(request: HttpRequest) -> HttpResponse | None:
    """The 301 for this request's path, or None; looked up once per request. The query
    string goes along (?cpage=, ?corder=); browsers keep a #comment-N fragment themselves."""
    if hasattr(request, "_slug_redirect"):
        return request._slug_redirect
    response = None
    if (target := _target(request.path)) is not None:
        query = iri_to_uri(request.META.get("QUERY_STRING", ""))
        query = query if len(query) <= _MAX_QUERY else ""
        response = HttpResponsePermanentRedirect(target + (f"?{query}" if query else ""))
    request._slug_redirect = response
    return response


class RedirectFallbackMiddleware:
    """A 404 whose path a slug change left behind becomes a 301 to where it went: as the
    view raises Http404 (before the 404 page is rendered), or, for a path that no view
    matched, when the 404 response comes back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        return redirect_for(request) or response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, Http404) and request.method in ("GET", "HEAD"):
            return redirect_for(request)
        return None


class SlugRedirectsAdmin:
    """For the ModelAdmin of a model with a public address made of its slug: changing the
    slug keeps every old address as a 301 (`redirect_paths`: the addresses an object has),
    and an object that is live at an address takes it over from a redirect. `feed_urls`:
    the URL names (taking the slug) of the object's feeds, whose old addresses feed readers
    keep asking."""

    feed_urls: tuple[str, ...] = ()

    def redirect_paths(self, obj) -> list[str]:
        feeds = [reverse(name, kwargs={"slug": obj.slug}) for name in self.feed_urls]
        return [obj.get_absolute_url(), *feeds]

    def had_readers(self, obj) -> bool:
        return True

    def save_model(self, request, obj, form, change):
        from . import services

        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        self.before_save(obj, before)
        super().save_model(request, obj, form, change)
        if before is not None and before.slug != obj.slug and self.had_readers(before):
            services.redirects_slug_changed(
                old_paths=self.redirect_paths(before), new_paths=self.redirect_paths(obj)
            )
        if self.had_readers(obj):
            services.redirects_path_taken(paths=self.redirect_paths(obj))

    def before_save(self, obj, before) -> None:
        """`before`: the object as stored before this save (None when it is new)."""
