"""Log lines with request ids: every line written while a request runs carries its id.

django-guid keeps the id in a ContextVar (so it works under WSGI and ASGI), takes it from the
X-Request-ID header that a load balancer or proxy sent, or makes a new UUID, and returns it in
the response's X-Request-ID header. Search the logs of every process for that id to see the
whole story of one request.
"""

import logging
import re
import uuid

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest
from django.utils.decorators import sync_and_async_middleware
from django_guid import get_guid, set_guid

HEADER = "HTTP_X_REQUEST_ID"
# Only a UUID in one of its two usual spellings (nginx's $request_id is 32 hex digits).
# django-guid's own check goes through uuid.UUID(), which also accepts "urn:uuid:{...}",
# underscores and a trailing newline, and its warning for a rejected id quotes the id.
_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32}"
)

logger = logging.getLogger(__name__)


def _replace_invalid(request: HttpRequest) -> None:
    value = request.META.get(HEADER)
    if value is not None and not _UUID.fullmatch(value):
        request.META[HEADER] = set_guid(str(uuid.uuid4()))
        # Never the value itself: it is whatever the client typed (newlines included), and a
        # log line must not be forgeable from outside.
        logger.warning(
            "Replaced an X-Request-ID that is not a UUID (%d characters) with a new id.",
            len(value),
        )


@sync_and_async_middleware
def replace_invalid_request_id(get_response):
    """Before django-guid: an incoming X-Request-ID that is not a plain UUID is replaced by a
    new one, so nothing the client sent there reaches the logs or the response headers."""
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest):
            _replace_invalid(request)
            return await get_response(request)

        return markcoroutinefunction(middleware)

    def middleware(request: HttpRequest):
        _replace_invalid(request)
        return get_response(request)

    return middleware


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record as `request_id`.

    Outside a request (background workers, management commands) the field is left unset, so
    each format shows its own default ("-" in text, null in JSON) instead of failing.
    (django-guid's CorrelationId filter would write None there.)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = get_guid()
        if request_id is not None:
            record.request_id = request_id
        return True
