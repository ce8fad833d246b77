"""Validators shared by the apps' forms."""

from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _


def validate_deliverable_email(value: str) -> None:
    """An address of valid shape that a message can also be addressed to.

    The shape comes first (Django's EmailValidator, with its own message and code
    "invalid"). Then an address the validator accepts can still be one no message can be
    addressed to (a domain label too long for IDNA, say): refuse it here, where the person
    can fix it, rather than in a background worker where the email would silently fail.

    Never raises anything but ValidationError: the email package's header parser behind
    sanitize_address() fails on odd input (a lone '"', "<>", "a@[") with IndexError,
    TypeError or AttributeError as well as ValueError."""
    validate_email(value)
    try:
        sanitize_address(value, "utf-8")
    except Exception as error:  # whatever the parser raises, no message can be sent there
        raise ValidationError(
            _("We could not send email to this address. Please check it."),
            code="undeliverable",
        ) from error
