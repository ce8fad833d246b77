"""Bot traps shared by the public forms: a honeypot field and a signed time-to-submit.

The time trap counts from when the reader got a form they can send. A page that a cache
may hold (runnerhub/pagecache.py) is served to many readers long after it was rendered, so
its forms carry no render time at all (an empty `rendered` field, like their CSRF token):
forms.js fills in the time `form_token` signs when the reader first uses the form, with
the CSRF token. That time has a salt of its own and is bound to the browser's CSRF secret,
so it only counts with the cookie it was fetched with. A post with no render time is
treated as one sent too fast. Without JavaScript the post fails the CSRF check and comes
back on a restore page, rendered for that reader with a fresh time.
"""

import hmac
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

from .pagecache import is_public_request

SALT = "runnerhub.antispam.rendered-at"  # a page rendered for one reader (never shared)
FETCHED_SALT = "runnerhub.antispam.fetched-at"  # `form_token`'s answer, bound to a cookie
MAX_AGE = 60 * 60 * 24


def render_time_token(request: HttpRequest | None = None) -> str:
    """The signed time a form is shown at (its `rendered` field). With a `request`, signed
    once for it: every form of one page is shown at the same moment. Empty on a page a
    cache may hold: a time kept with the page would be as old as the copy a reader gets."""
    if request is None:
        return signing.dumps(time.time(), salt=SALT)
    if is_public_request(request):
        return ""
    try:
        return request._render_time_token
    except AttributeError:
        token = request._render_time_token = signing.dumps(time.time(), salt=SALT)
        return token


def _browser(request: HttpRequest) -> str:
    """What binds a fetched time to the browser: a digest of its CSRF secret (the secret
    itself never goes into the page), "" when it has none."""
    secret = request.META.get("CSRF_COOKIE") or ""
    if not secret:
        return ""
    return salted_hmac(FETCHED_SALT, secret).hexdigest()[:32]


def fetched_time_token(request: HttpRequest, moment: float | None = None) -> str:
    """The time `form_token` is asked (or `moment`), signed for the browser asking: it gets
    a CSRF secret first if it has none (its cookie goes out with the response)."""
    get_token(request)
    moment = time.time() if moment is None else moment
    return signing.dumps({"t": moment, "b": _browser(request)}, salt=FETCHED_SALT)


def shown_at(value: object, request: HttpRequest | None, *, any_browser=False) -> float | None:
    """When the form posted with `value` as its render time was shown, or None when the
    value is none of ours: forged, expired, empty (a cached page's), or a fetched time
    that belongs to another browser's cookie (unless `any_browser`)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return float(signing.loads(value, salt=SALT, max_age=MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        pass
    try:
        fetched = signing.loads(value, salt=FETCHED_SALT, max_age=MAX_AGE)
        moment, browser = float(fetched["t"]), fetched["b"]
    except (signing.BadSignature, TypeError, ValueError, KeyError):
        return None
    if not isinstance(browser, str) or not browser:
        return None
    if any_browser:
        return moment
    if request is None or not hmac.compare_digest(browser, _browser(request)):
        return None
    return moment


class RenderTimeInput(forms.HiddenInput):
    """The `rendered` field, with `value=""` written out when it is blank (Django leaves the
    attribute out): the field forms.js fills in, there to be seen, as the CSRF one is."""

    def format_value(self, value):
        return "" if value is None else str(value)


class AntiSpamMixin(forms.Form):
    """Adds a honeypot (`website`, hidden from people) and a signed render time (`rendered`).

    Neither raises a validation error: a form that trips them is valid but `looks_like_bot`
    is True, so the caller can mark the submission as spam silently."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    rendered = forms.CharField(required=False, widget=RenderTimeInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["rendered"] = render_time_token()

    def looks_like_bot(self, request: HttpRequest | None = None) -> bool:
        """`request`: the post's, which a fetched render time must belong to."""
        if self.cleaned_data.get("website"):
            return True
        moment = shown_at(self.cleaned_data.get("rendered", ""), request)
        return moment is None or time.time() - moment < settings.ANTISPAM_MIN_SECONDS


def keep_render_time(form: AntiSpamMixin, value: object, request: HttpRequest) -> None:
    """Give a form shown again (after a CSRF failure) the render time of the one the person
    first filled in, when that is really ours: the time trap then measures their typing,
    not how fast they press the button a second time. Otherwise (a cached page's empty
    field, without JavaScript) it keeps the fresh time of now.

    A fetched time counts whatever cookie the browser held: the CSRF failure is most often
    that cookie lost (an old tab). It is signed again for the browser shown the form now,
    so it stays bound to one cookie; what is posted after a CSRF failure is rate limited
    and moderated like a first comment (runnerhub/csrf.py)."""
    moment = shown_at(value, None, any_browser=True)
    if moment is None:
        return
    try:
        signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        value = fetched_time_token(request, moment)
    form.initial["rendered"] = value
