"""Compressed HTML, for public pages only (runnerhub/pagecache.py).

The rule (BREACH): a response is compressed only when it carries no secret, because an
attacker who can put text into a compressed page beside a secret (a CSRF token, a session's
own data) learns the secret from the sizes. Public pages are the ones that carry none: they
are served to browsers without a session, set no cookie, and their forms fetch the CSRF
token from /forms/token/ (never compressed, never cached). So the page cache compresses the
pages it makes public, once per copy it keeps, and nothing else is compressed by the app:
not staff pages, not the admin, not /forms/token/, not a page rendered for a session. As a
second guard, a body that holds a CSRF form field is never compressed.

Static files are compressed apart from this, ahead of time, by WhiteNoise (brotli and gzip).
"""

import gzip
import re

import brotli
from django.http import HttpRequest

BROTLI = "br"
GZIP = "gzip"
IDENTITY = "identity"
ENCODINGS = (BROTLI, GZIP, IDENTITY)
# Below this a compressed body saves less than its headers cost.
MIN_SIZE = 200
# A form field that carries this response's CSRF token: such a body has a secret. Public
# pages have the field too, empty, for forms.js to fill in (runnerhub_tags.form_token).
_SECRET = re.compile(rb'name="csrfmiddlewaretoken"[^>]*\svalue="[^"]')


def carries_secret(content: bytes) -> bool:
    return _SECRET.search(content) is not None


def accepted(request: HttpRequest) -> str:
    """The best encoding this request accepts: br, then gzip, else identity (RFC 9110:
    a coding with q=0 is refused; `*` stands for any coding not named)."""
    header = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if not header:
        return IDENTITY
    qualities: dict[str, float] = {}
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        qualities[coding.strip()] = quality
    star = qualities.get("*", 0.0)
    for coding in (BROTLI, GZIP):
        if qualities.get(coding, star) > 0:
            return coding
    return IDENTITY


def encode(content: bytes, coding: str, *, once: bool) -> bytes:
    """`content` in `coding`. `once`: the body is kept and served many times (the page
    cache). Brotli's settings above 6 cost ten times the time for a few per cent less
    (11: ~50 ms for an article page, a page-cache miss's whole budget), so not here. A kept
    page gets 4: on the bench site's 10-comment article (34.5 KB) 5 took 0.68 ms for
    7,567 bytes, 4 0.46 ms for 8,065 (+7%), 3 0.26 ms for 8,388 (+11%); 5 was a tenth of
    a whole page-cache miss. A page nobody else is served gets 3."""
    if coding == BROTLI:
        return brotli.compress(content, mode=brotli.MODE_TEXT, quality=4 if once else 3)
    if coding == GZIP:
        # mtime=0: the same page gives the same bytes (ETags, CDNs, tests).
        return gzip.compress(content, compresslevel=6, mtime=0)
    return content
