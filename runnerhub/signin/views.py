"""The staff sign-in pages, in the admin's sign-in look: the lockout page (axes'
AXES_LOCKOUT_CALLABLE) and the two-factor steps; and the two-factor page of a signed-in
account (its own settings, in the admin's ordinary look)."""

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice

from runnerhub.redirects import next_url

from . import two_factor
from .forms import CodeForm
from .lockout import locked_until
from .qr import qr_path

# Recovery codes just made, kept in the session until the one page that shows them.
NEW_CODES = "signin_new_recovery_codes"
# django-otp waits 1, 2, 4, 8… seconds after each wrong code before it checks another.
TOO_MANY = gettext_lazy("Too many wrong codes in a row: wait a few seconds, then try again.")


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
        title=gettext_lazy("Sign-in paused"),
        until=until or timezone.now() + get_cool_off(request),
        failure_limit=settings.AXES_FAILURE_LIMIT,
    )
    return render(request, "runnerhub/signin/locked_out.html", context, status=429)


def _next(request: HttpRequest) -> str:
    index = reverse("admin:index")
    return next_url(request, default=index, within=index)


def _signed_in(request: HttpRequest, device) -> None:
    """The second step is passed: a new session key for the stronger sign-in, and the
    device that passed it (django-otp: user.is_verified())."""
    request.session.cycle_key()
    django_otp.login(request, device)


@never_cache
@sensitive_post_parameters("code")
def code_step(request: HttpRequest) -> HttpResponse:
    """After the password, a code from the app or a recovery code. Wrong codes count as
    failed sign-ins of the account and the address, like wrong passwords."""
    user = request.user
    if two_factor.second_step(user) != two_factor.CODE:
        return redirect(_next(request) if user.is_authenticated else reverse("admin:login"))
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        logout(request)
        return lockout_response(request, None, credentials)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device, throttled = two_factor.check_code(user, form.cleaned_data["code"])
        if device is not None:
            _signed_in(request, device)
            if isinstance(device, StaticDevice):
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code: %(left)d is left. Make new ones "
                        "on the Two-factor sign-in page.",
                        "You signed in with a recovery code: %(left)d are left. Make new ones "
                        "on the Two-factor sign-in page.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(_next(request))
        if throttled:
            form.add_error("code", TOO_MANY)
        else:
            form.add_error("code", _("That code is not right. Check it and try again."))
            # Counted by axes; at the limit its middleware answers with the lockout page.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                logout(request)
    context = page_context(request, title=gettext_lazy("Two-factor sign-in"), form=form)
    return render(request, "runnerhub/signin/code.html", context)


@never_cache
@sensitive_post_parameters("code")
def setup(request: HttpRequest) -> HttpResponse:
    """Set an authenticator app up: scan the QR code (or type the key), confirm with its
    first code; then the recovery codes are shown once."""
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return redirect("admin:login")
    if two_factor.has_app(user):  # a code first; a new app from the two-factor page
        return redirect("signin:code" if two_factor.second_step(user) else "signin:manage")
    device = two_factor.pending_app(user)
    form = CodeForm(request.POST or None, recovery=False)
    if form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("code", TOO_MANY)
        elif device.verify_token(two_factor.normalise(form.cleaned_data["code"])):
            codes = two_factor.two_factor_enable(device=device)
            _signed_in(request, device)
            request.session[NEW_CODES] = codes
            return redirect(f"{reverse('signin:recovery_codes')}?{request.GET.urlencode()}")
        else:
            form.add_error(
                "code",
                _(
                    "That code is not right. Type the six digits the app shows now; if it "
                    "still fails, check that your phone sets its clock automatically."
                ),
            )
    context = page_context(
        request,
        title=gettext_lazy("Set up two-factor sign-in"),
        form=form,
        qr=qr_path(device.config_url),
        key=two_factor.readable_key(device),
        required=two_factor.required_for(user),
    )
    return render(request, "runnerhub/signin/setup.html", context)


@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just made, once: nobody can show them again, not even a superuser."""
    codes = request.user.is_authenticated and request.session.pop(NEW_CODES, None)
    if not codes:
        return redirect("signin:manage")
    context = page_context(
        request, title=gettext_lazy("Your recovery codes"), codes=codes, next=_next(request)
    )
    return render(request, "runnerhub/signin/recovery_codes.html", context)


@never_cache
@sensitive_post_parameters("code")
def manage(request: HttpRequest) -> HttpResponse:
    """A signed-in account's two-factor page: whether it is on, the recovery codes left, and
    (with a current code) new recovery codes, a new app, or turning it off."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return redirect(f"{reverse('admin:login')}?next={request.path}")
    has_app = two_factor.has_app(user)
    form = CodeForm(request.POST or None, autofocus=False)
    action = request.POST.get("action")
    if action == "off" and two_factor.required_for(user):
        form.add_error(None, _("Two-factor sign-in is required for your account."))
    elif has_app and form.is_valid() and action in ("codes", "replace", "off"):
        device, throttled = two_factor.check_code(user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", TOO_MANY if throttled else _("That code is not right."))
        elif action == "codes":
            request.session[NEW_CODES] = two_factor.recovery_codes_renew(user=user)
            return redirect("signin:recovery_codes")
        else:
            two_factor.two_factor_reset(users=[user])
            if action == "replace":
                return redirect("signin:setup")
            messages.success(request, _("Two-factor sign-in is off for your account."))
            return redirect("signin:manage")
    context = page_context(
        request,
        title=gettext_lazy("Two-factor sign-in"),
        form=form,
        has_app=has_app,
        app=has_app and user.totpdevice_set.filter(confirmed=True).first(),
        codes_left=two_factor.recovery_codes_left(user),
        required=two_factor.required_for(user),
    )
    return render(request, "runnerhub/signin/manage.html", context)
