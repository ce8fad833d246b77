"""Ids typed into addresses and forms: the one definition of what a well-formed id is."""

from django.urls import register_converter

MAX_ID = 2**63 - 1  # PostgreSQL's bigint, the widest primary key here
MAX_ID_DIGITS = len(str(MAX_ID))


def parse_id(value: object) -> int | None:
    """The positive id that `value` spells in ASCII digits, or None for anything else.

    Not `str.isdigit()` + `int()`: isdigit() accepts "²" and "①", which int() refuses;
    int() accepts Arabic-Indic digits, spaces and signs; and more than 4,300 digits exceed
    Python's int-string limit. The length is checked before any conversion."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_DIGITS:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


class IdConverter:
    """`<id:pk>` in URL patterns: an id as parse_id reads it, spelled as `to_url` writes it
    (no leading zero: one address per page, so `/newsletter/0001/` keeps no page of its
    own); anything else is a 404."""

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None or value != str(number):
            raise ValueError(value)  # the pattern does not match: Django answers 404
        return number

    def to_url(self, value) -> str:
        # reverse() with "012" writes /12/, the one address to_python takes
        number = parse_id(str(value))
        if number is None:
            raise ValueError(value)  # reverse() answers NoReverseMatch
        return str(number)


def register() -> None:
    register_converter(IdConverter, "id")
