"""Validators shared by the apps' forms."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from .sanitize import SHOWN_AS_CODE, lost_tail


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


def validate_rich_text(value: str) -> None:
    """Editor HTML that the sanitizer keeps whole. An unclosed <style>, <script>,
    <noscript>, <iframe>, <template>, <object> or comment would take everything after it
    with it, and an unclosed <textarea>, <title>, <xmp>, <noembed>, <noframes> or a
    <plaintext> would turn it into visible code: refused here, naming the culprit, rather
    than saved cut short without a word."""
    culprit = lost_tail(value or "")
    if culprit is None:
        return
    name = culprit[1:-1] if culprit.startswith("<") and culprit.endswith(">") else ""
    if culprit == "<!--":
        message = _(
            "The text has an unclosed HTML comment (<!--): everything after it would be "
            "lost. Remove it or close it with -->."
        )
    elif name == "plaintext":
        message = _(
            "The text has a <plaintext> tag: everything after it would show as code. Remove it."
        )
    elif name in SHOWN_AS_CODE:
        message = _(
            "The text has an unclosed <%(name)s> tag: everything after it would show as "
            "code. Remove it or close it with </%(name)s>."
        )
    elif name:
        message = _(
            "The text has an unclosed <%(name)s> tag: everything after it would be lost. "
            "Remove it or close it with </%(name)s>."
        )
    elif culprit:
        message = _(
            "The text ends in an unfinished tag (%(tag)s…): it would be lost. Finish it or "
            "remove it."
        )
    else:
        message = _(
            "Part of the text would be lost when it is cleaned (an unclosed tag or "
            "comment). Check the HTML near the end."
        )
    raise ValidationError(message, code="unclosed", params={"name": name, "tag": culprit})
