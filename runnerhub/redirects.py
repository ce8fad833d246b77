"""The one check on a `next` parameter: where a form or link asks to go back to."""

import posixpath
from urllib.parse import unquote, urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, *, default: str, within: str = "/") -> str:
    """The `next` of the request (POST, else GET) when it is safe to follow, else `default`.

    Safe means on this site (Django's url_has_allowed_host_and_scheme: no other host, no
    scheme, no "//" or "/\\" tricks) and, as a browser would resolve its path, under
    `within` (e.g. reverse("admin:index") for "back to admin"). A browser reads "%2e%2e"
    as ".." and "\\" as "/", so "/admin/%2e%2e/go/x/" leads out of /admin/ and is refused."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if not candidate or "\\" in candidate:
        return default
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return default
    path = posixpath.normpath(unquote(urlsplit(candidate).path) or "/")
    if path.startswith("//"):  # normpath keeps a leading "//"
        return default
    prefix = within.rstrip("/")
    if prefix and path != prefix and not path.startswith(prefix + "/"):
        return default
    return candidate
