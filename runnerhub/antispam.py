"""Bot traps shared by the public forms: a honeypot field and a signed time-to-submit."""

import time

from django import forms
from django.conf import settings
from django.core import signing

SALT = "runnerhub.antispam.rendered-at"
MAX_AGE = 60 * 60 * 24


def render_time_token(request=None) -> str:
    """The signed time a form is shown at (its `rendered` field). With a `request`, signed
    once for it: every form of one page is shown at the same moment."""
    if request is None:
        return signing.dumps(time.time(), salt=SALT)
    try:
        return request._render_time_token
    except AttributeError:
        token = request._render_time_token = signing.dumps(time.time(), salt=SALT)
        return token


class AntiSpamMixin(forms.Form):
    """Adds a honeypot (`website`, hidden from people) and a signed render time (`rendered`).

    Neither raises a validation error: a form that trips them is valid but `looks_like_bot`
    is True, so the caller can mark the submission as spam silently."""

    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    rendered = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["rendered"] = render_time_token()

    def looks_like_bot(self) -> bool:
        if self.cleaned_data.get("website"):
            return True
        try:
            rendered = signing.loads(
                self.cleaned_data.get("rendered", ""), salt=SALT, max_age=MAX_AGE
            )
        except (signing.BadSignature, TypeError, ValueError):
            return True
        return time.time() - float(rendered) < settings.ANTISPAM_MIN_SECONDS


def keep_render_time(form: AntiSpamMixin, value: object) -> None:
    """Give a form shown again (after a CSRF failure) the render time of the one the person
    first filled in, when that is really ours: the time trap then measures their typing,
    not how fast they press the button a second time."""
    try:
        signing.loads(value, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return
    form.initial["rendered"] = value
