"""Where browsers report Content Security Policy violations: one log line per report.

Anyone can post here, so the endpoint trusts nothing it is sent: it takes only the two
report formats (`application/csp-report` from report-uri, `application/reports+json` from
the Reporting API's report-to, or either as plain `application/json`), at most a few KB, a
limited number per address and in all per minute (runnerhub.ratelimit), and logs only the
fields that help find the cause, each cut short. Anything else gets a 4xx, never a 500.
"""

import json
import logging
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import ratelimit

logger = logging.getLogger("runnerhub.csp")

MAX_BYTES = 8 * 1024
PER_ADDRESS_PER_MINUTE = 30
IN_ALL_PER_MINUTE = 600  # a flood of reports from many addresses fills no log either
# The two report formats, and plain JSON, which some browsers and proxies send instead.
CONTENT_TYPES = ("application/csp-report", "application/reports+json", "application/json")
MAX_REPORTS = 20  # per request (the Reporting API sends them in batches)
MAX_FIELD = 200

# report-uri's names (csp-report object) -> the Reporting API's (body object).
_FIELDS = {
    "document-uri": "documentURL",
    "effective-directive": "effectiveDirective",
    "blocked-uri": "blockedURL",
    "source-file": "sourceFile",
    "line-number": "lineNumber",
    "script-sample": "sample",
    "disposition": "disposition",
}


@csrf_exempt  # browsers post reports without a token (and nothing here changes state)
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    address = ratelimit.client_ip(request)
    if not (
        ratelimit.hit("csp-report", address, limit=PER_ADDRESS_PER_MINUTE, window=60)
        and ratelimit.hit("csp-report-all", "all", limit=IN_ALL_PER_MINUTE, window=60)
    ):
        return HttpResponse(status=429)
    if request.content_type not in CONTENT_TYPES:
        return HttpResponse(status=415)
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return HttpResponse(status=400)
    if declared > MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(MAX_BYTES + 1)  # a body without a Content-Length is capped too
    if len(body) > MAX_BYTES:
        return HttpResponse(status=413)
    reports = _reports(body)
    if not reports:
        return HttpResponse(status=400)
    for report in reports[:MAX_REPORTS]:
        logger.warning("CSP violation: %s", " ".join(f"{k}={v}" for k, v in report.items()))
    return HttpResponse(status=204)


def _reports(body: bytes) -> list[dict[str, str]]:
    """The violations in a report-uri or report-to body, as short strings; [] for junk."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # not UTF-8 or JSON, NUL, lone surrogates, "[[[[..."
        return []
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        raw = [(data["csp-report"], lambda name: name)]  # report-uri: one report
    elif isinstance(data, list):  # report-to: a batch, other report types skipped
        raw = [
            (item["body"], _FIELDS.get)
            for item in data
            if isinstance(item, dict)
            and item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    else:
        return []
    return [_fields(report, name) for report, name in raw]


def _fields(report: dict, name) -> dict[str, str]:
    fields = {}
    for field in _FIELDS:
        value = report.get(name(field))
        if field == "effective-directive" and value is None:
            value = report.get("violated-directive")  # older browsers
        if value is None or isinstance(value, dict | list):
            continue
        text = _page(str(value)) if field == "document-uri" else str(value)
        fields[field] = text.encode("unicode_escape").decode("ascii")[:MAX_FIELD]
    return fields


def _page(url: str) -> str:
    """The page's path, without its query; a signed link's token is left out (a confirmation
    or unsubscribe link must not be readable from the logs)."""
    try:
        path = urlsplit(url).path
        match = resolve(path)
    except ValueError:
        return ""
    except Resolver404:
        return path
    return f"/{match.route}" if "token" in match.kwargs else path
