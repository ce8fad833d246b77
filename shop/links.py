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
