"""Request guards that apply to the whole site."""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.urls import Resolver404, resolve


def view_mark(path: str, name: str):
    """What a decorator marked the view at `path` with (`@restorable`, `public_page`), before
    Django resolves the request itself; None when there is no such view or mark."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, name, None)


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


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with settings.ADMIN_CSP_UPDATE added on Django admin's pages
    (found by their URL namespace, so wherever the admin is mounted)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        match = getattr(request, "resolver_match", None)
        if not report_only and match is not None and "admin" in match.namespaces:
            update = dict(parts.update or {})
            for directive, sources in settings.ADMIN_CSP_UPDATE.items():
                update[directive] = [*update.get(directive, ()), *sources]
            parts.update = update
        return parts


def _permissions_policy() -> str:
    def allowlist(origins):
        return " ".join(o if o == "self" else f'"{o}"' for o in origins)

    return ", ".join(
        f"{feature}=({allowlist(origins)})"
        for feature, origins in settings.PERMISSIONS_POLICY.items()
    )


def security_headers(get_response):
    """Headers for our pages that Django's SecurityMiddleware does not send: a Permissions-
    Policy, Cross-Origin-Resource-Policy (no other site may load our pages as a resource), and
    Reporting-Endpoints, where Chromium sends the CSP reports the policy's report-to names.
    Static files and media are left alone: newsletter emails and feed readers load images."""
    permissions_policy = _permissions_policy()
    reporting_endpoints = f'csp="{settings.VIOLATION_REPORTS_PATH}"'

    def middleware(request: HttpRequest):
        response = get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Permissions-Policy", permissions_policy)
            response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
            response.headers.setdefault("Reporting-Endpoints", reporting_endpoints)
        return response

    return middleware
