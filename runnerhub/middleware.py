"""Request guards that apply to the whole site."""

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest


def in_admin(request: HttpRequest) -> bool:
    """Whether the request is for Django admin, wherever ADMIN_URL puts it (read from the
    setting, so it holds under any URLconf)."""
    return request.path_info.startswith(f"/{settings.ADMIN_URL}")


def reject_nul_in_admin_queries(get_response):
    """Django admin passes list filters, search and autocomplete terms from the query string
    straight to the database, and PostgreSQL refuses text with a NUL byte (a 500). No real
    link holds one, so such a request is a 400. Public views check their own input."""

    def middleware(request: HttpRequest):
        if in_admin(request) and any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            raise BadRequest("A NUL character is not allowed in the address.")
        return get_response(request)

    return middleware
