import re
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from runnerhub.antispam import AntiSpamMixin
from runnerhub.fields import DeliverableEmailField
from runnerhub.validators import validate_single_line_text

from .models import CONSENT_TEXT

SOURCE_MAX_LENGTH = 300  # Subscriber.consent_source
DEFAULT_SOURCE = "/newsletter/"
_SURROGATES = re.compile("[\ud800-\udfff]")
UNREADABLE = "\ufffd"  # what a decoder puts in place of bytes it could not read


def local_path(value: object, default: str = DEFAULT_SOURCE) -> str:
    """The path part of a same-site address, for the consent record: never a foreign URL,
    a query string or a control character, whatever the hidden field was made to say."""
    if not isinstance(value, str):
        return default
    value = "".join(
        ch for ch in value if ch.isprintable() and not ch.isspace() and ch != UNREADABLE
    )
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" read as an IPv6 host
        return default
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return default
    if "\\" in path:  # some browsers read "/\evil.example" as another host
        return default
    return path[:SOURCE_MAX_LENGTH]


def scrub_surrogates(value: str) -> str:
    """Lone surrogates cannot be encoded as UTF-8 (the page showing them again would fail);
    U+FFFD keeps the place of what was typed, as Django does for bytes that are not UTF-8."""
    return _SURROGATES.sub(UNREADABLE, value)


def _scrubbed(data):
    """A copy of submitted data (a QueryDict or a dict) without lone surrogates."""
    copy = data.copy()
    if hasattr(data, "lists"):
        for key, values in data.lists():
            copy.setlist(key, [scrub_surrogates(v) if isinstance(v, str) else v for v in values])
    else:
        for key, value in data.items():
            copy[key] = scrub_surrogates(value) if isinstance(value, str) else value
    return copy


class LocalPathField(forms.Field):
    """The page a sign-up came from. Sanitized rather than validated: nobody types it, so an
    error about it would help nobody."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        return local_path(value, default="")


class SignupForm(AntiSpamMixin, forms.Form):
    email = DeliverableEmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address, like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "placeholder": "you@example.com"}),
    )
    first_name = forms.CharField(
        label=_("First name (optional)"),
        max_length=80,
        required=False,
        validators=[validate_single_line_text],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Please tick the box to say you want the newsletter.")},
    )
    source = LocalPathField()

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = _scrubbed(data)
        super().__init__(data, *args, **kwargs)
        # The bot traps never raise (a NUL there means a bot, not a typo): looks_like_bot
        # decides about them.
        for name in ("website", "rendered"):
            self.fields[name].validators = []

    def clean(self):
        cleaned = super().clean()
        for name in ("email", "first_name"):
            if UNREADABLE in (self.data.get(name) or ""):
                self.add_error(
                    name,
                    ValidationError(
                        _("This contains characters we cannot read. Please type it again."),
                        code="unreadable",
                    ),
                )
        return cleaned

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if any(not ch.isprintable() for ch in email):
            raise ValidationError(
                _("Please enter a valid email address, like name@example.com."),
                code="invalid",
            )
        return email
