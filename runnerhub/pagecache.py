"""Public pages that a cache can hold: whole responses for anonymous readers.

A view wrapped in `public_page` (home, lists, articles, search, feeds, sitemap, the shop's
category pages, /newsletter/) answers a GET from a browser that holds none of the private
cookies (a session: staff or a reader with comments awaiting moderation; flash messages;
the returning commenter's proof) with a page that sets no cookie, does not vary on Cookie
and says `Cache-Control: public, max-age=0, s-maxage=N`. Its forms carry no CSRF token
(`{% form_token %}`): runnerhub/static/runnerhub/js/forms.js fetches one from `form_token`
when a form is first used, and without JavaScript the CSRF failure path (runnerhub.csrf)
shows the form again with a token, to be sent once more.

The same responses, headers and body together (the CSP header names the nonce its body
uses), are kept in the shared cache, each marked with the site-wide generation that
`pages_changed()` replaces after every write a page shows, so a change is visible on the
next request; no entry outlives the next scheduled change (an article's publish time:
`change_times`; the write that starts a generation finds the next few of them). With the
cache away, pages are rendered every time, never an error.

These public pages, and only they, are sent compressed (brotli or gzip, as the request
accepts, with `Vary: Accept-Encoding`): they carry no secret, so BREACH has nothing to read
(runnerhub/compression.py states the rule). A kept page is compressed once, when it is
kept, in the coding its reader asked for (and plain), each under its own key, so a hit is
one cache round trip.
"""

import functools
import hashlib
import logging
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import get_urlconf
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.module_loading import import_string

from . import compression
from .middleware import view_mark
from .outages import cache_failed

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
# The next moments pages change by themselves, with the generation they were found in: under
# one key (not one per generation) so that a hit's read can bring it along for a miss.
# The value's shape is in the name (a release that changes it takes a new one), so that in
# a rolling deploy old and new processes do not each take the other's for missing.
NEXT_CHANGE_KEY = "pagecache:next-change:2"
# How many of those moments are found at once: a reader finds the next one itself (one
# query more on its miss) only after this many have passed with no write since.
UPCOMING_CHANGES = 16
# The writer finds them from this long before its commit, so that the list answers for the
# requests in flight when it commits too (a list answers only for requests that began after
# the moment it was found from); moments that passed meanwhile are skipped as any past one.
LOOK_BACK_SECONDS = 60.0
# After the cache failed, this process leaves it alone for a few seconds: a Redis that is
# away costs one request its timeout, not every request.
RETRY_AFTER_FAILURE_SECONDS = 5.0
# Cookies whose holder may see a page of their own: the page is rendered for them, marked
# private, and neither read from nor written to any cache. Apps add theirs (apps.py).
PRIVATE_COOKIES: set[str] = {settings.SESSION_COOKIE_NAME, "messages"}
# Cookies a public page's content depends on, each with the values that make a page of
# their own (any other value is the page without the cookie: made-up values must not each
# keep a page). Apps add theirs; a CDN must put them in its cache key too (README).
VARY_COOKIES: dict[str, frozenset[str]] = {}
# Functions of a `limit` and a moment `since` returning the moments after it (at most about
# `limit` of them, in order) at which public pages change by themselves, e.g. scheduled
# articles' publish times, and whether that is all of them (True) or every one up to the
# last listed (False). Apps add theirs.
change_times: list[Callable[[int, datetime], tuple[list[datetime], bool]]] = []
# Headers that belong to one request and are never replayed.
_NOT_KEPT = ("Set-Cookie", "X-Request-ID", "Date")

_state = {"cache_down_until": 0.0, "bump_missed": False}
# Path -> its view's public_page mark (PageCacheMiddleware._page).
MARKS_KEPT = 4096
_marks: dict[tuple, "PublicPage | None"] = {}


@dataclass(frozen=True)
class PublicPage:
    params: tuple[str, ...]  # the query parameters the page depends on
    store: bool  # kept in the app's cache (False: only the headers, for CDNs and browsers)


def public_page(view=None, *, params: tuple[str, ...] = (), store: bool = True):
    """Mark a view's GETs as a public page (see the module's doc). `params`: the query
    parameters it reads; any other is left out of the cache key, so `?utm_source=` shares
    the page. `store=False` for pages of unbounded variety (search); a view that knows only
    per request sets `response.page_cache_keep = False` (/newsletter/?from=)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            return view(request, *args, **kwargs)

        wrapped.public_page = PublicPage(tuple(params), store)
        return wrapped

    return decorate(view) if view is not None else decorate


def is_public_request(request: HttpRequest) -> bool:
    """True while rendering a page that may be cached: show nothing of this browser's own."""
    return getattr(request, "public_page", False)


def expire_by(request: HttpRequest, moment: datetime | None) -> None:
    """This page changes by itself at `moment` (comments closing): no copy lives past it."""
    if moment is not None:
        current = getattr(request, "page_changes_at", None)
        request.page_changes_at = moment if current is None else min(current, moment)


def pages_changed(*scopes: str) -> None:
    """Every write that changes what a public page shows calls this: once the transaction
    commits, the fragments of the `scopes` it names get new versions (runnerhub/fragments.py;
    none named: every fragment), then every cached page is out of date (a new generation),
    and the purge hooks (settings.PAGE_PURGE_HOOKS, e.g. a CDN's purge) are called."""
    transaction.on_commit(functools.partial(_changed, scopes))


def _changed(scopes: tuple[str, ...]) -> None:
    from . import fragments

    generation = secrets.token_hex(8)
    # The new generation's next changes first: until the generation itself is written, a
    # reader holds the old one, and a fragment it renders with the new versions must not take
    # the old generation's list, which lacks what this write scheduled. Finding a list of
    # another generation, it finds its own.
    found = _first_changes(generation)
    # Then fragments: a page rendered in the new generation must not use an old fragment.
    fragments.new_versions(scopes or (fragments.ALL,))
    _new_generation(generation, found)


def _first_changes(generation: str) -> tuple[float, tuple[float, ...], bool] | None:
    """The writer, not the next reader, finds a new generation's next changes (its commit is
    done): a reader's first miss then needs no query for them, nor one after a scheduled
    moment passes, until UPCOMING_CHANGES of them have with no write since."""
    try:
        found = _find_changes(time.time() - LOOK_BACK_SECONDS)
        _keep_change(generation, found)
        return found
    except Exception:  # the database or the cache away: the next reader finds it
        logger.warning("the next page change was left to the next reader", exc_info=True)
    try:
        cache.delete(NEXT_CHANGE_KEY)  # the old generation's list must not be taken either
    except Exception:
        _cache_away("forgetting the last generation's page changes")
    return None


def _new_generation(
    generation: str | None = None, found: tuple[float, tuple[float, ...], bool] | None = None
) -> None:
    generation = generation or secrets.token_hex(8)
    try:
        cache.set(GENERATION_KEY, generation, None)
        _state["bump_missed"] = False
    except Exception:  # the cache is away: retried before this process reads it again
        _state["bump_missed"] = True
        cache_failed("starting a new page cache generation")
    else:
        if found is None:
            _first_changes(generation)
        else:  # again: a reader of the old generation may have kept its own list meanwhile
            try:
                _keep_change(generation, found)
            except Exception:
                _cache_away("keeping the next page change")
    for path in settings.PAGE_PURGE_HOOKS:
        try:
            import_string(path)()
        except Exception:  # a CDN that is away must not undo the editor's save
            logger.exception("page purge hook %s failed", path)


def _cache_usable() -> bool:
    if time.monotonic() < _state["cache_down_until"]:
        return False
    if _state["bump_missed"]:
        _new_generation()
        return not _state["bump_missed"]
    return True


def _cache_away(what: str) -> None:
    _state["cache_down_until"] = time.monotonic() + RETRY_AFTER_FAILURE_SECONDS
    cache_failed(what)


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # first use, or evicted: a new one, whoever gets there first
        cache.add(GENERATION_KEY, secrets.token_hex(8), None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _next_change(
    generation: str | None, known: object = None, since: float | None = None
) -> float | None:
    """The first moment (a timestamp) after `since` (default: now) that pages change by
    themselves; one query per generation (and per UPCOMING_CHANGES moments passed).
    `known`: what the cache holds under NEXT_CHANGE_KEY, when it was read already."""
    if generation is not None:
        moment = _kept_change(generation, known, since)
        cache_up = time.monotonic() >= _state["cache_down_until"]
        if moment is False and known is not None and cache_up:
            # Read when the request began, before a new generation's first miss: its own
            # fragments may have found this generation's since (one query, not two).
            moment = _kept_change(generation, None, since)
        if moment is not False:
            return moment
    found = _find_changes(since)
    if generation is not None:
        try:
            # Only while it is the current one: a request of an older generation (in flight
            # at a write) must not put its list in place of the new generation's.
            if cache.get(GENERATION_KEY) == generation:
                _keep_change(generation, found)
        except Exception:
            _cache_away("keeping the next page change")
    moment = _first_to_come(*found[1:], since)
    return None if moment is False else moment


def _find_changes(since: float | None = None) -> tuple[float, tuple[float, ...], bool]:
    """The moments after `since` (default: now) that pages change (timestamps, in order) and
    whether they are all, with `since`: every source's, up to the last moment of the
    shortest list that is not whole."""
    since = time.time() if since is None else since
    after = datetime.fromtimestamp(since, tz=UTC)
    moments: list[float] = []
    until, whole = math.inf, True
    for source in change_times:
        found, complete = source(UPCOMING_CHANGES, after)
        stamps = [moment.timestamp() for moment in found]
        moments += stamps
        if not complete:
            whole = False
            until = min(until, max(stamps, default=-math.inf))
    return since, tuple(sorted(moment for moment in moments if moment <= until)), whole


def _first_to_come(
    moments: tuple[float, ...], whole: bool, since: float | None = None
) -> float | bool | None:
    """The first of `moments` after `since` (default: now); None when none is and they were
    all, False when none is but more may follow (they must be found again)."""
    since = time.time() if since is None else since
    for moment in moments:
        if moment > since:
            return moment
    return None if whole else False


def _keep_change(generation: str, found: tuple[float, tuple[float, ...], bool]) -> None:
    # No timeout: it is read only with its generation, and only until its moments pass.
    cache.set(NEXT_CHANGE_KEY, (generation, *found), None)


def _kept_change(generation: str, known: object, since: float | None = None) -> float | bool | None:
    """The first moment after `since` kept for `generation` (None: no change to come), or
    False when the cache holds none after it (read when `known` is None)."""
    if known is None:
        try:
            known = cache.get(NEXT_CHANGE_KEY)
        except Exception:
            known = None
    # (the generation they were found in, the moment they come after, the moments, whether
    # they are all). Moments after `since` but before the list's own are not in it: a list
    # another request found meanwhile cannot answer for a render that began before it.
    if (
        isinstance(known, tuple)
        and len(known) == 4
        and known[0] == generation
        and (since is None or since >= known[1])
    ):
        return _first_to_come(tuple(known[2]), bool(known[3]), since)
    return False


def started(request: HttpRequest | None) -> float:
    """When this public page's request began (a timestamp; now outside one). What a page
    shows was read after it, so the page is good until the first scheduled moment after
    it, and not at all if that moment has passed by the time it would be kept: a render
    that runs across a publish time may hold the state before it."""
    moment = getattr(request, "page_cache_started", None)
    return time.time() if moment is None else moment


def next_change(since: float | None = None) -> datetime | None:
    """The first moment after `since` (default: now) that public pages change by themselves
    (a scheduled article going live), for fragments that must not outlive it; kept per
    generation like the pages' own."""
    try:
        generation = _generation() if _cache_usable() else None
    except Exception:
        _cache_away("reading the page cache generation")
        generation = None
    moment = _next_change(generation, since=since)
    return None if moment is None else datetime.fromtimestamp(moment, tz=UTC)


def _seconds_left(request: HttpRequest, generation: str | None, known: object = None) -> int:
    limits = [settings.PAGE_CACHE_SECONDS]
    # The first moment after the request began: one that passed while the page rendered
    # leaves it nothing (0: sent with s-maxage=0, kept by no one).
    if (moment := _next_change(generation, known, started(request))) is not None:
        limits.append(moment - time.time())
    if (moment := getattr(request, "page_changes_at", None)) is not None:
        limits.append(moment.timestamp() - time.time())
    return max(0, math.floor(min(limits)))


def vary_cookies(request: HttpRequest) -> str:
    """What of the request's cookies a public page shows (VARY_COOKIES), for keys."""
    return "&".join(
        f"{name}={value if (value := request.COOKIES.get(name)) in values else ''}"
        for name, values in sorted(VARY_COOKIES.items())
    )


def _key(request: HttpRequest, page: PublicPage) -> str:
    query = "&".join(
        f"{name}={value}" for name in page.params for value in request.GET.getlist(name)
    )
    cookies = vary_cookies(request)
    from . import fragments  # (it imports this module)

    # The release too: a deploy never serves the pages of the one before (their templates,
    # their hashed static names), although the generation is shared by every release. Not
    # the Host nor the scheme: any number of spellings pass ALLOWED_HOSTS ("LOCALHOST.",
    # ":0080", any port), and no public page writes either (runnerhub/site_url.py), so they
    # share one page (SecurityMiddleware, before this one, sends http to https if asked to).
    raw = "\n".join((fragments.release(), request.path, query, cookies))
    return f"pagecache:page:{hashlib.sha256(raw.encode()).hexdigest()}"


def _allowed_host(request: HttpRequest) -> bool:
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def _bench_miss(request: HttpRequest) -> bool:
    """`make bench` measures a page cache miss with this header (only with BENCH on)."""
    return settings.BENCH and "X-Bench-Miss" in request.headers


def _public_headers(response: HttpResponse, seconds: int) -> None:
    patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)


def _private_headers(response: HttpResponse) -> None:
    if not response.has_header("Cache-Control"):  # a view's own (never cache, no-store) stays
        patch_cache_control(response, private=True, max_age=0)


def _compressible(response: HttpResponse) -> bool:
    kind = response.get("Content-Type", "")
    return (
        len(response.content) >= compression.MIN_SIZE
        and not response.has_header("Content-Encoding")
        and (kind.startswith("text/") or "xml" in kind or "json" in kind)
        # The BREACH guard (runnerhub/compression.py): never a body with a secret in it.
        and not compression.carries_secret(response.content)
    )


def _send_as(response: HttpResponse, coding: str, body: bytes) -> None:
    response.content = body
    response["Content-Length"] = str(len(body))
    if coding != compression.IDENTITY:
        response["Content-Encoding"] = coding


class PageCacheMiddleware:
    """Serves and keeps public pages (see the module's doc). It sits outside the CSP,
    session and CSRF middleware, so that what it keeps is the finished response.

    A hit is one cache round trip (the generation and the page in one get_many) and no
    other work: no session, user, messages, database or compression. A kept page is kept
    in the coding its reader asked for (br or gzip), compressed when it is kept, and plain,
    so a hit sends the bytes as they came from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        page = self._page(request)
        if page is None:
            response = self.get_response(request)
            # A page with a CSRF token in it (a reply box, a confirmation) is its reader's:
            # a proxy or a CDN told to cache everything must not hand it to the next one.
            if "CSRF_COOKIE_NEEDS_UPDATE" in request.META:  # get_token() ran (set to False after)
                _private_headers(response)
            return response
        # A holder of a private cookie gets a page of its own; a Host outside ALLOWED_HOSTS
        # gets Django's 400, as on a miss, never a kept page.
        if any(name in request.COOKIES for name in PRIVATE_COOKIES) or not _allowed_host(request):
            response = self.get_response(request)
            _private_headers(response)
            return response
        request.public_page = True
        request.page_cache_started = time.time()
        coding = compression.accepted(request)
        key = generation = next_change_known = None
        if settings.PAGE_CACHE_SECONDS and _cache_usable():
            try:
                if page.store:
                    key = _key(request, page)
                    found = cache.get_many((GENERATION_KEY, NEXT_CHANGE_KEY, f"{key}:{coding}"))
                    generation = found.get(GENERATION_KEY)
                    next_change_known = found.get(NEXT_CHANGE_KEY)
                    entry = None if _bench_miss(request) else found.get(f"{key}:{coding}")
                    if (
                        generation is not None
                        and entry is not None
                        and entry["generation"] == generation
                        and (seconds := math.floor(entry["until"] - time.time())) > 0
                    ):
                        return self._replay(entry, seconds)
                if generation is None:
                    generation = _generation()
            except Exception:
                _cache_away("reading the page cache")
                key = generation = None
        response = self.get_response(request)
        from . import fragments  # (it imports this module)

        fragments.flush(request, keep=response.status_code == 200)
        control = response.get("Cache-Control", "")
        if (
            response.status_code != 200
            or response.cookies
            or response.streaming
            or any(word in control for word in ("private", "no-cache", "no-store"))
            or "'nonce-" in response.get("Content-Security-Policy", "")
        ):
            # Not a page to share (an error, a redirect, a cookie set for this browser, or a
            # page whose inline script carries this response's own CSP nonce: a nonce shown to
            # every reader would protect nothing). Never compressed either: it may be private.
            _private_headers(response)
            return response
        if "Cookie" in response.get("Vary", ""):
            # Only the session and CSRF middleware add it, for a browser that sent neither
            # cookie: what they read was empty, so the page is the same for every reader.
            vary = [v.strip() for v in response["Vary"].split(",") if v.strip() != "Cookie"]
            if vary:
                response["Vary"] = ", ".join(vary)
            else:
                del response["Vary"]
        seconds = (
            _seconds_left(request, generation, next_change_known)
            if settings.PAGE_CACHE_SECONDS
            else 0
        )
        _public_headers(response, seconds)
        compress = _compressible(response)
        if compress:
            patch_vary_headers(response, ("Accept-Encoding",))
        # A view marks a response of unbounded variety `page_cache_keep = False` (see
        # public_page): sent with these public headers, never kept here.
        keep = key is not None and seconds > 0 and getattr(response, "page_cache_keep", True)
        # Compressed once, in the coding this reader asked for (brotli and gzip both would
        # double a miss's compression time); the plain body is kept beside it for readers
        # who ask for none. A reader asking another coding renders and keeps theirs.
        bodies = {compression.IDENTITY: response.content} if keep else {}
        if compress:
            body = compression.encode(response.content, coding, once=keep)
            bodies[coding] = body
            _send_as(response, coding, body)
        if keep:
            # Each entry holds its headers whole, Content-Encoding and Content-Length too,
            # all but Cache-Control's s-maxage, which a hit sets to the time left.
            control = ", ".join(
                d.strip()
                for d in response["Cache-Control"].split(",")
                if not d.strip().startswith("s-maxage=")
            )
            headers = {
                name: value
                for name, value in response.items()
                if name not in _NOT_KEPT
                and name not in ("Content-Encoding", "Content-Length", "Cache-Control")
            }
            until = time.time() + seconds
            entries = {
                f"{key}:{c}": {
                    "generation": generation,
                    "status": response.status_code,
                    "headers": headers
                    | {"Content-Length": str(len(body))}
                    | ({"Content-Encoding": c} if c != compression.IDENTITY else {}),
                    "control": control,
                    "content": body,
                    "until": until,
                }
                for c, body in bodies.items()
            }
            if not compress:  # one body for every coding a reader may ask for
                entries = {
                    f"{key}:{c}": entries[f"{key}:{compression.IDENTITY}"]
                    for c in compression.ENCODINGS
                }
            try:
                cache.set_many(entries, seconds)
            except Exception:
                _cache_away("keeping a page")
        return response

    @staticmethod
    def _page(request: HttpRequest) -> PublicPage | None:
        if request.method not in ("GET", "HEAD"):
            return None
        # Resolving the path is a tenth of a hit's time: what each path resolves to is
        # remembered (per URLconf; a bounded number of paths, forgotten all at once).
        where = (settings.ROOT_URLCONF, get_urlconf(), request.path_info)
        try:
            return _marks[where]
        except KeyError:
            pass
        if len(_marks) >= MARKS_KEPT:
            _marks.clear()
        mark = _marks[where] = view_mark(request.path_info, "public_page")
        return mark

    @staticmethod
    def _replay(entry: dict, seconds: int) -> HttpResponse:
        response = HttpResponse(entry["content"], status=entry["status"], headers=entry["headers"])
        # What is left of its time, for the CDN too.
        response["Cache-Control"] = f"{entry['control']}, s-maxage={seconds}"
        response["X-Page-Cache"] = "hit"
        return response


class ChangesPublicPagesAdmin:
    """For the ModelAdmin of a model public pages show: every save or delete in admin
    (inlines too) starts a new page generation once it commits, with new versions for the
    fragments `fragment_scopes(obj)` names (every fragment unless a ModelAdmin says less).
    Actions go through services, which call pages_changed() themselves."""

    page_scopes: tuple[str, ...] = ()

    def fragment_scopes(self, obj) -> tuple[str, ...]:
        return self.page_scopes

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        pages_changed(*self.fragment_scopes(obj))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pages_changed(*self.fragment_scopes(form.instance))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pages_changed(*self.fragment_scopes(obj))

    def delete_queryset(self, request, queryset):
        scopes = {scope for obj in queryset for scope in self.fragment_scopes(obj)}
        super().delete_queryset(request, queryset)
        pages_changed(*scopes)
