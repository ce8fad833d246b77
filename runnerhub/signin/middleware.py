"""The gate of two-factor sign-in: a staff session that still owes a second step (a code,
or setting an app up where ADMIN_2FA_REQUIRED asks for one) reaches no admin page but the
sign-in pages, and is anonymous on the rest of the site (no staff badge, previews or
uploads on a password alone)."""

from functools import partial
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.functional import SimpleLazyObject

from runnerhub.middleware import in_admin

from .two_factor import second_step

# Reachable while a step is owed: signing in and out, and the steps themselves.
OPEN = {"admin:login", "admin:logout", "signin:code", "signin:setup", "signin:recovery_codes"}


def _open(request: HttpRequest) -> bool:
    try:
        return resolve(request.path_info).view_name in OPEN
    except Resolver404:
        return False


def _public_user(user):
    return AnonymousUser() if second_step(user) else user


def two_factor_gate(get_response):
    def middleware(request: HttpRequest):
        if not in_admin(request):
            request.user = SimpleLazyObject(partial(_public_user, request.user))
            return get_response(request)
        step = second_step(request.user)
        if step and not _open(request):
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse(f'signin:{step}')}?{query}")
        return get_response(request)

    return middleware
