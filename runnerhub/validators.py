"""Validators shared by the apps' forms."""

import re
import unicodedata

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


_SURROGATE = re.compile("[\ud800-\udfff]")
# What str.splitlines() breaks at: a name holding one would show on two lines.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def validate_storable_text(value: str) -> None:
    """Text PostgreSQL can store: every Unicode character except NUL and lone surrogates
    (half of a UTF-16 pair, which has no UTF-8 form). Everything people really type passes:
    any script, emoji joined with U+200D (🏃‍♀️, 👨‍👩‍👧), ZWNJ, variation selectors, combining
    marks, skin tones, flags, right-to-left marks, line breaks."""
    if "\x00" in value:
        raise ValidationError(
            _("This contains a NUL character (U+0000), which cannot be stored. Please remove it."),
            code="nul",
        )
    found = _SURROGATE.search(value)
    if found:
        raise ValidationError(
            _(
                "This contains a broken character (U+%(code)04X, half of a pair) that cannot "
                "be stored. Please remove it or type it again."
            ),
            code="surrogate",
            params={"code": ord(found.group())},
        )


def validate_single_line_text(value: str) -> None:
    """Storable text on one line, for names: no line break, tab or other control character
    (Unicode category Cc: C0, DEL and C1). Format characters (ZWJ, ZWNJ, direction marks)
    are part of how names and emoji are written, so they pass."""
    validate_storable_text(value)
    if any(ch in _LINE_BREAKS for ch in value):
        raise ValidationError(
            _("Please keep this on one line (no line breaks)."), code="line_break"
        )
    found = next((ch for ch in value if unicodedata.category(ch) == "Cc"), None)
    if found is not None:
        raise ValidationError(
            _(
                "This contains an invisible control character (U+%(code)04X, such as a tab). "
                "Please remove it."
            ),
            code="control_character",
            params={"code": ord(found)},
        )
