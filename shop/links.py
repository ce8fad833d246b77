"""Outbound links to the shop: UTM parameters, rel values and bot detection."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

BOT_AGENTS = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|monitor|scan|curl|wget|python-requests|httpx|"
    r"go-http-client|java/|headless|lighthouse|facebookexternalhit|embedly|whatsapp",
    re.IGNORECASE,
)


def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOT_AGENTS.search(user_agent))


def with_utm(url: str, *, medium: str, campaign: str | None) -> str:
    """The stored shop address with our UTM parameters (replacing any it already had)."""
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.startswith("utm_")
    ]
    query += [("utm_source", "runnerhub"), ("utm_medium", medium)]
    if campaign:
        query.append(("utm_campaign", campaign))
    return urlunsplit(parts._replace(query=urlencode(query)))


SHOP_HOSTS_KEY = "shop:hosts:v1"
SHOP_HOSTS_SECONDS = 300
_SCHEMES = ("http", "https")


def _host_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. a bad IPv6 literal
        return None
    return host if parts.scheme in _SCHEMES and host else None


def shop_hosts(*, fresh: bool = False) -> frozenset[str]:
    """The shop's host names: those of every stored product and category address. Kept in
    the cache for SHOP_HOSTS_SECONDS (`fresh` reads them again); a cache that is away
    costs the two queries."""
    from django.core.cache import cache

    from runnerhub.outages import cache_failed

    from .models import Product, ShopCategory

    if not fresh:
        try:
            cached = cache.get(SHOP_HOSTS_KEY)
        except Exception:
            cache_failed("shop hosts")
            cached = None
        if cached is not None:
            return frozenset(cached)
    urls = [
        *Product.objects.values_list("url", flat=True).distinct(),
        *ShopCategory.objects.values_list("url", flat=True).distinct(),
    ]
    hosts = {host for host in map(_host_of, urls) if host}
    try:
        cache.set(SHOP_HOSTS_KEY, sorted(hosts), SHOP_HOSTS_SECONDS)
    except Exception:
        cache_failed("shop hosts")
    return frozenset(hosts)


def forget_shop_hosts(**_signal) -> None:
    """After a product or category is saved or deleted (once it commits): the next
    shop_hosts() reads them again."""
    from django.core.cache import cache
    from django.db import transaction

    from runnerhub.outages import cache_failed

    def forget():
        try:
            cache.delete(SHOP_HOSTS_KEY)
        except Exception:
            cache_failed("shop hosts")

    transaction.on_commit(forget)


def _allowed_domain(host: str) -> bool:
    from django.conf import settings

    domains = [d.lower().lstrip(".") for d in settings.SHOP_ALLOWED_DOMAINS if d]
    return any(host == d or host.endswith(f".{d}") for d in domains)


def is_shop_url(url: str, hosts: frozenset[str] | None = None) -> bool:
    """An absolute http(s) address on one of the shop's hosts (shop_hosts(), or `hosts`,
    or SHOP_ALLOWED_DOMAINS and their subdomains), with nothing a browser could read as
    another host (no user part, no backslash, no whitespace or control character)."""
    if not isinstance(url, str) or len(url) > 2000 or not url.isprintable() or " " in url:
        return False
    if "\\" in url or not url.lower().startswith(("http://", "https://")):
        return False
    try:
        parts = urlsplit(url)
        host, user, _port = parts.hostname, parts.username, parts.port
    except ValueError:
        return False
    if not host or user is not None or parts.password is not None:
        return False
    if _allowed_domain(host):
        return True
    if hosts is not None:
        return host in hosts
    # The cached set is forgotten whenever a product or category is saved or deleted
    # (forget_shop_hosts), so an unknown host costs no query: anyone may send one.
    return host in shop_hosts()
