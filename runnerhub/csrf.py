"""Public forms that failed the CSRF check (an old tab, a lost cookie) without losing what
the reader typed, and without ever letting a foreign page get a request through.

The CSRF failure page never re-posts anything. For a public form marked `@restorable`, it
keeps the form's own visible fields in the shared cache for an hour, bound to the browser
by a cookie, and sends the browser (303) to that form's restore page. That GET is a
top-level navigation, so the browser sends our cookies with it: a reader who is really
signed in (whose session cookie a cross-site POST does not carry) gets nothing back, and an
anonymous reader gets the form page, rendered by us, with their text filled in, to read
and send themselves. What is sent from such a form is moderated like a first comment.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from .outages import cache_failed
from .ratelimit import client_ip, hit

RESTORE_SECONDS = 60 * 60
BROWSER_COOKIE = "rh_kept_form"
# A form shown again carries this hidden field: what is posted from it is moderated like a
# first comment whatever the browser's cookies say, and refused from a signed-in user,
# since its text came from a request that failed the CSRF check (maybe another site's).
RESTORED_FIELD = "restored"
MAX_VALUE_LENGTH = 10_000  # well above every restorable field's own limit
STASHES_PER_WINDOW = 30  # per address, so nobody can fill the cache from one machine
STASH_WINDOW = 10 * 60
_KEY = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@dataclass(frozen=True)
class Restorable:
    fields: tuple[str, ...]
    url_name: str  # a GET view taking `key`, that renders the form with restore_take()


def restorable(*, fields: tuple[str, ...], url_name: str):
    """Mark a public POST view: after a CSRF failure these fields (and only these) may come
    back in the form that `url_name` renders. Never use it on a view that acts for a
    signed-in user."""

    def decorate(view):
        view.csrf_restorable = Restorable(tuple(fields), url_name)
        return view

    return decorate


def _cache_key(key: str) -> str:
    return f"csrf-restore:{key}"


def restore_redirect(request: HttpRequest, restorable: Restorable) -> HttpResponse | None:
    """Keep the form's fields for an hour and answer 303 to its restore page; None when this
    address kept too many forms lately.

    The kept form is bound to the browser that sent it by a random cookie set on this
    answer (and sent back on the GET that follows it, a top-level navigation): someone who
    kept a form from their own browser cannot have it shown to anyone else."""
    data = {
        name: value[:MAX_VALUE_LENGTH] if isinstance(value, str) else ""
        for name in restorable.fields
        for value in [request.POST.get(name, "")]
    }
    key, browser = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    try:
        if not hit(
            "csrf-restore", client_ip(request), limit=STASHES_PER_WINDOW, window=STASH_WINDOW
        ):
            return None
        cache.set(_cache_key(key), {"data": data, "browser": _digest(browser)}, RESTORE_SECONDS)
    except Exception:  # the shared cache is down: the plain 403 page, never a 500
        cache_failed("keeping a form that failed the CSRF check (not kept)")
        return None
    response = HttpResponseRedirect(reverse(restorable.url_name, kwargs={"key": key}))
    response.status_code = 303  # see other: the browser follows with a GET
    response.set_cookie(
        BROWSER_COOKIE,
        browser,
        max_age=RESTORE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def restore_take(request: HttpRequest, key: str) -> dict[str, str] | None:
    """The fields kept under `key`, once; None when the key is unknown, used or expired, was
    kept by another browser, or when the reader is signed in (a signed-in person never gets
    a form filled in from a request that failed the CSRF check)."""
    if not isinstance(key, str) or not _KEY.match(key):
        return None
    try:
        entry = cache.get(_cache_key(key))
        if entry is None:
            return None
        cache.delete(_cache_key(key))
    except Exception:  # the shared cache is down: nothing to give back, never a 500
        cache_failed("reading a kept form")
        return None
    browser = request.COOKIES.get(BROWSER_COOKIE, "")
    if not hmac.compare_digest(entry["browser"], _digest(browser)):
        return None
    if request.user.is_authenticated:
        return None
    return entry["data"]


def restore_refused(request: HttpRequest) -> HttpResponse:
    """The answer of a restore page that has nothing (more) to give back."""
    context = {"expired": True, "signed_in": request.user.is_authenticated}
    return render(request, "403_csrf.html", context, status=403)
