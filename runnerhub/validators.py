"""Validators shared by the apps' forms."""

from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.utils.translation import gettext_lazy as _


def validate_deliverable_email(value: str) -> None:
    """An address Django's email validator accepts can still be one no message can be
    addressed to (a domain label too long for IDNA, say): refuse it here, where the person
    can fix it, rather than in a background worker where the email would silently fail."""
    try:
        sanitize_address(value, "utf-8")
    except (UnicodeError, ValueError) as error:
        raise ValidationError(
            _("We could not send email to this address. Please check it."),
            code="undeliverable",
        ) from error
