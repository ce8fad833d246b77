"""Fixed-window rate limits kept in the shared cache, so every app process sees the same count.

With REDIS_URL set (production) the counters live in Redis; `cache.add` + `cache.incr` are
atomic there, so concurrent requests on different processes cannot slip past the limit.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from .outages import cache_failed


def _valid_ip(value: str) -> str | None:
    """The address in its canonical form, or None. An IPv6 zone ("fe80::1%eth0") is dropped:
    it names a network card of the machine that saw it, and PostgreSQL's inet refuses it."""
    try:
        return str(ipaddress.ip_address(value.strip().split("%", 1)[0]))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The reader's address. Behind TRUSTED_PROXY_COUNT proxies (load balancer, CDN), each
    of which appends the address it saw to X-Forwarded-For, the reader's is that many
    entries from the right: entries further left are whatever the client sent, and cannot
    be trusted. With no trusted proxy the header is ignored."""
    # The server sets REMOTE_ADDR, but not always to an IP address (a Unix socket, a zone).
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "")) or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote  # not the chain our proxies build: don't guess
    return _valid_ip(hops[-proxies]) or remote


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one request; return True while the caller is within `limit` per `window` s.

    With the cache away the limit fails open (True, and a throttled warning in the log):
    readers keep posting while Redis restarts; moderation and the spam checks still apply."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{bucket}"
    try:
        if cache.add(cache_key, 1, timeout=window + 5):
            return True
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window + 5)
            return True
    except Exception:  # any backend's connection error
        cache_failed(f"rate limit {scope} (not enforced)")
        return True
    return count <= limit
