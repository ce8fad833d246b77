"""SITE_URL, the site's one address, in what public pages write.

Every page builds its absolute links (canonical, sharing tags, JSON-LD, emails) from
SITE_URL, never from the Host a request came with: a Host is whatever the client sent
(any port digits, any letter case, a trailing dot all pass ALLOWED_HOSTS), so a page that
wrote it would be one page per spelling, each kept apart in the page cache, and a CDN's
copy would send readers to an address an attacker chose. Django's feed and sitemap views
take the host and scheme from the request: `on_site_url` gives them the request as if it
had come to SITE_URL.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


class SiteUrlRequest:
    """`request` as if it had come to SITE_URL: its host, scheme and `is_secure()` are
    SITE_URL's; everything else, read or written, is the request's own (what a view notes
    on it, such as the moment its page expires, reaches the middleware)."""

    def __init__(self, request: HttpRequest):
        object.__setattr__(self, "_request", request)

    def __getattr__(self, name: str):
        return getattr(self._request, name)

    def __setattr__(self, name: str, value) -> None:
        setattr(self._request, name, value)

    def __delattr__(self, name: str) -> None:
        delattr(self._request, name)

    @property
    def scheme(self) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_host(self) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def is_secure(self) -> bool:
        return self.scheme == "https"


def on_site_url(view):
    """`view` (a feed, a sitemap view) run with the request seen as SITE_URL's."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        return view(SiteUrlRequest(request), *args, **kwargs)

    return wrapped
