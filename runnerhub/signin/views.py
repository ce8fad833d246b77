"""The staff sign-in pages, in the admin's sign-in look: the lockout page (axes'
AXES_LOCKOUT_CALLABLE)."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .lockout import locked_until


def page_context(request: HttpRequest, **extra) -> dict:
    """The admin's own context (site header, theme) and whom staff ask for help."""
    return {
        **admin.site.each_context(request),
        "help_contact": settings.ADMIN_HELP_CONTACT,
        **extra,
    }


def lockout_response(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """What a locked-out sign-in gets instead of the form: until when, and whom to ask."""
    AxesProxyHandler.update_request(request)
    until = locked_until(
        username=get_client_username(request, credentials), ip_address=request.axes_ip_address
    )
    context = page_context(
        request,
        title=_("Sign-in paused"),
        until=until or timezone.now() + get_cool_off(request),
        failure_limit=settings.AXES_FAILURE_LIMIT,
    )
    return render(request, "runnerhub/signin/locked_out.html", context, status=429)
