"""Subscribers to and from CSV.

Parsing and validation are pure functions (bytes in, rows and reasons out), so every bad
file can be tested without a request. The two database steps (plan: who is new; apply:
add them) are at the end.

What an import may claim: a CSV cannot prove that anyone opted in. A row becomes an active
subscriber only when the file has a status column saying so (active / confirmed /
subscribed), a consent wording column filled in for that row and a confirmed column with
the date they confirmed (our export's columns, so an exported file re-imports as it was).
That date becomes the confirmation date: none is ever made up. Every other new address is
added as waiting for confirmation, so it gets no newsletter until that person confirms. An
address already in the list is never changed (an unsubscribed person stays unsubscribed).
Every address must also be one an email can be addressed to.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import ngettext

from runnerhub.validators import validate_deliverable_email

from .models import Subscriber

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
MAX_EMAIL = 254
MAX_NAME = 80
MAX_CONSENT = 2000
MAX_SOURCE = 300

EXPORT_HEADER = [
    "email",
    "first_name",
    "status",
    "signed_up",
    "confirmed",
    "unsubscribed",
    "consent_wording",
    "consent_time",
    "source",
]
# Header spellings we accept, after lower-casing and turning spaces and dashes into "_".
ALIASES = {
    "email": "email",
    "e_mail": "email",
    "email_address": "email",
    "first_name": "first_name",
    "firstname": "first_name",
    "name": "first_name",
    "status": "status",
    "consent_wording": "consent_text",
    "consent_text": "consent_text",
    "consent": "consent_text",
    "consent_time": "consent_at",
    "consent_at": "consent_at",
    "consented": "consent_at",
    "confirmed": "confirmed_at",
    "confirmed_at": "confirmed_at",
    "source": "source",
    "consent_source": "source",
    "signed_up_on": "source",
    "unsubscribed": "unsubscribed_at",
    "unsubscribed_at": "unsubscribed_at",
    "signed_up": "ignored",
}
ACTIVE_WORDS = {"active", "confirmed", "subscribed", "opted_in", "opted-in", "yes"}
PENDING_WORDS = {"pending", "unconfirmed", "waiting", "waiting for confirmation", ""}
# A bounced or complained address (our own export) comes back never to be mailed either.
UNSUBSCRIBED_WORDS = {"unsubscribed", "opted_out", "opted-out", "no", "bounced", "complained"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CSVFileError(ValueError):
    """The file as a whole cannot be read: nothing in it is imported."""


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    first_name: str = ""
    status: str = ""  # what the file claims: "active", "pending", "unsubscribed" or ""
    consent_text: str = ""
    consent_at: datetime | None = None
    confirmed_at: datetime | None = None
    unsubscribed_at: datetime | None = None
    source: str = ""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str
    value: str = ""


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    has_status: bool = False
    has_consent: bool = False
    has_confirmed: bool = False
    ignored_columns: list[str] = field(default_factory=list)


# Reading ----------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark; anything else is a clear error."""
    if len(data) > MAX_BYTES:
        raise CSVFileError(
            f"The file is too large ({len(data) / 1024 / 1024:.1f} MB): the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise CSVFileError(
            f"The file is not UTF-8 text (first unreadable byte on line {line}). In Excel "
            "choose “CSV UTF-8 (Comma delimited)” when saving; in Numbers or LibreOffice "
            "choose the UTF-8 encoding."
        ) from None
    if not text.strip():
        raise CSVFileError("The file is empty.")
    return text


def _header_key(cell: str) -> str:
    return "_".join(cell.strip().lower().replace("-", " ").replace("_", " ").split())


def _control_reason(value: str) -> str | None:
    if "\r" in value or "\n" in value:
        return "contains a line break"
    if "\x00" in value:
        return "contains a NUL character"
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return "contains a control character"
    return None


def _unformula(value: str) -> str:
    # Undo the apostrophe our export puts before a cell a spreadsheet would run as a formula.
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _status(value: str) -> str | None:
    word = value.strip().lower()
    if word in ACTIVE_WORDS:
        return "active"
    if word in PENDING_WORDS:
        return "pending"
    if word in UNSUBSCRIBED_WORDS:
        return "unsubscribed"
    return None


def _when(value: str) -> datetime | None:
    """An ISO date or date-time (our export's format); a naive one is in the site's zone."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise ValueError(value)
            moment = datetime(day.year, day.month, day.day)
    except ValueError:
        raise ValueError(value) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _short(value: str, length: int = 60) -> str:
    value = "".join(ch if ch.isprintable() else "�" for ch in value)
    return value if len(value) <= length else value[: length - 1] + "…"


def parse(data: bytes) -> Parsed:
    """Check every row of an uploaded CSV. File-level problems raise CSVFileError; row
    problems are collected with their line number, and those rows are left out."""
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise CSVFileError(f"The first line (the header) cannot be read: {error}.") from None
    keys = [_header_key(cell) for cell in header]
    columns = {}
    ignored = []
    for index, key in enumerate(keys):
        name = ALIASES.get(key)
        if name is None or name == "ignored":
            if key:
                ignored.append(header[index].strip())
            continue
        if name in columns:
            raise CSVFileError(f"The header has the column “{header[index].strip()}” twice.")
        columns[name] = index
    if "email" not in columns:
        looks_like_data = any("@" in cell for cell in header)
        raise CSVFileError(
            "The first line must be a header naming the columns, with at least an “email” "
            "column (optional: first_name, status, confirmed, consent_wording, consent_time, "
            "source). "
            + (
                "This file seems to start with an address instead."
                if looks_like_data
                else f"This file's header is: {_short(', '.join(header), 120)}."
            )
        )

    parsed = Parsed(
        has_status="status" in columns,
        has_consent="consent_text" in columns,
        has_confirmed="confirmed_at" in columns,
        ignored_columns=ignored,
    )
    seen: dict[str, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            parsed.errors.append(RowError(line, f"cannot be read as CSV ({error})"))
            line = reader.line_num + 1
            continue
        row_line, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        if len(parsed.rows) + len(parsed.errors) >= MAX_ROWS:
            raise CSVFileError(f"The file has more than {MAX_ROWS:,} rows: split it.")
        result = _parse_row(row_line, cells, columns, len(header), seen)
        if isinstance(result, RowError):
            parsed.errors.append(result)
        else:
            seen[result.email.lower()] = row_line
            parsed.rows.append(result)
    if not parsed.rows and not parsed.errors:
        raise CSVFileError("The file has a header but no rows.")
    return parsed


def _parse_row(line: int, cells: list[str], columns: dict, width: int, seen: dict):
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        values = ngettext("has %(count)d value", "has %(count)d values", len(cells)) % {
            "count": len(cells)
        }
        columns_named = ngettext(
            "the header names %(count)d column", "the header names %(count)d columns", width
        ) % {"count": width}
        return RowError(line, f"{values} but {columns_named}")

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    raw_email = cell("email")
    for name in columns:
        reason = _control_reason(cell(name).strip(" "))
        if reason:
            return RowError(line, f"{name.replace('_', ' ')} {reason}", _short(cell(name)))
    email = raw_email.strip()
    if not email:
        return RowError(line, "email is missing")
    if len(email) > MAX_EMAIL:
        return RowError(line, f"email is too long (over {MAX_EMAIL} characters)", _short(email))
    try:
        validate_email(email)
    except ValidationError:
        return RowError(line, "invalid email address", _short(email))
    try:
        validate_deliverable_email(email)
    except ValidationError:
        return RowError(line, "cannot receive email (the address cannot be encoded)", _short(email))
    if email.lower() in seen:
        return RowError(line, f"duplicate of line {seen[email.lower()]}", _short(email))
    first_name = _unformula(cell("first_name").strip())
    if len(first_name) > MAX_NAME:
        return RowError(line, f"first name is too long (over {MAX_NAME} characters)", email)
    consent_text = _unformula(cell("consent_text").strip())
    if len(consent_text) > MAX_CONSENT:
        return RowError(line, f"consent wording is too long (over {MAX_CONSENT} characters)", email)
    source = _unformula(cell("source").strip())
    if len(source) > MAX_SOURCE:
        return RowError(line, f"source is too long (over {MAX_SOURCE} characters)", email)
    status = _status(cell("status"))
    if status is None:
        return RowError(
            line,
            "unknown status (use active, pending or unsubscribed)",
            _short(cell("status").strip()),
        )
    moments = {}
    dates = (
        ("consent_at", "consent time"),
        ("confirmed_at", "confirmed"),
        ("unsubscribed_at", "unsubscribed"),
    )
    for name, label in dates:
        try:
            moments[name] = _when(cell(name))
        except ValueError:
            return RowError(
                line, f"{label} is not a date (use 2025-06-01 or 2025-06-01 09:30)", email
            )
    return Row(
        line=line,
        email=email,
        first_name=first_name,
        status=status if "status" in columns else "",
        consent_text=consent_text,
        consent_at=moments["consent_at"],
        confirmed_at=moments["confirmed_at"],
        unsubscribed_at=moments["unsubscribed_at"],
        source=source,
    )


def import_status(row: Row, *, has_status: bool, has_consent: bool) -> str:
    """The status a new address gets: active only with a confirmed status, the consent
    wording and the date of the confirmation, all in the file."""
    if row.status == "unsubscribed":
        return Subscriber.Status.UNSUBSCRIBED  # keep the opt-out on record
    confirmed = row.status == "active" and row.consent_text and row.confirmed_at is not None
    if has_status and has_consent and confirmed:
        return Subscriber.Status.ACTIVE
    return Subscriber.Status.PENDING


# Writing ----------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    value = str(value)
    # A spreadsheet would run a cell starting like a formula (a name typed as "=HYPERLINK(…)").
    return "'" + value if value.startswith(FORMULA_START) else value


EXPORT_FIELDS = ("email", "first_name", "status", *Subscriber.RECORD_FIELDS)


def export_lines(values: Iterable[tuple]) -> Iterator[str]:
    """CSV lines (UTF-8 with a BOM, so Excel reads it right) for rows of EXPORT_FIELDS."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_HEADER)
    for row in values:
        yield writer.writerow([_cell(value) for value in row])


# The database steps -----------------------------------------------------------------------

CHUNK = 500


@dataclass
class Plan:
    new: list[tuple[Row, str]] = field(default_factory=list)  # (row, status it will get)
    existing: list[Row] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for _row, s in self.new if s == status)


def plan_import(parsed: Parsed) -> Plan:
    """Which valid rows are new addresses (and the status each gets) and which are known."""
    plan = Plan()
    rows = parsed.rows
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        known = set(
            Subscriber.objects.annotate(lower=Lower("email"))
            .filter(lower__in=[row.email.lower() for row in chunk])
            .values_list("lower", flat=True)
        )
        for row in chunk:
            if row.email.lower() in known:
                plan.existing.append(row)
            else:
                status = import_status(
                    row, has_status=parsed.has_status, has_consent=parsed.has_consent
                )
                plan.new.append((row, status))
    return plan


@transaction.atomic
def subscribers_import(*, parsed: Parsed, source: str) -> int:
    """Add the new addresses of a checked file; returns how many were added. Known
    addresses are left as they are, also when they were added meanwhile by a signup."""
    now = timezone.now()
    objects = []
    for row, status in plan_import(parsed).new:
        active = status == Subscriber.Status.ACTIVE
        unsubscribed = status == Subscriber.Status.UNSUBSCRIBED
        objects.append(
            Subscriber(
                email=row.email,
                first_name=row.first_name,
                status=status,
                # The file's own date (import_status needs it for an active row); kept on
                # record for someone who confirmed and unsubscribed since.
                confirmed_at=row.confirmed_at if active or unsubscribed else None,
                unsubscribed_at=(row.unsubscribed_at or now) if unsubscribed else None,
                consent_text=row.consent_text,
                consent_at=row.consent_at,
                consent_source=(row.source or source)[:MAX_SOURCE],
            )
        )
    before = Subscriber.objects.count()
    Subscriber.objects.bulk_create(objects, batch_size=CHUNK, ignore_conflicts=True)
    return Subscriber.objects.count() - before
