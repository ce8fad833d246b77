"""The CSV functions on their own: every bad file and bad row, with a clear reason."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from newsletter import csv_io
from newsletter.models import Subscriber
from tests.newsletter.factories import PendingSubscriberFactory, SubscriberFactory

HEADER = "email,first_name,status,consent_wording,consent_time\n"
# What an active row needs: a confirmed status, the consent wording and the confirmation date.
FULL = "email,first_name,status,confirmed,consent_wording,consent_time\n"
POISON = "poison@" + "é" * 60 + ".com"  # Django's validate_email accepts it; IDNA cannot


def parse(text: str, encoding: str = "utf-8") -> csv_io.Parsed:
    return csv_io.parse(text.encode(encoding))


def reasons(parsed: csv_io.Parsed) -> list[tuple[int, str]]:
    return [(error.line, error.reason) for error in parsed.errors]


def test_valid_rows_are_read_with_their_fields():
    parsed = parse(
        HEADER + "Sam@Example.com, Sam ,active,Yes please,2025-03-01 09:30\nlee@example.com,,,,\n"
    )
    assert parsed.errors == []
    assert parsed.has_status and parsed.has_consent
    sam, lee = parsed.rows
    assert (sam.line, sam.email, sam.first_name, sam.status) == (
        2,
        "Sam@Example.com",
        "Sam",
        "active",
    )
    assert sam.consent_text == "Yes please"
    assert sam.consent_at.replace(tzinfo=None) == datetime(2025, 3, 1, 9, 30)
    assert (lee.line, lee.status, lee.consent_at) == (3, "pending", None)


def test_utf8_with_bom_semicolons_crlf_and_header_spellings():
    data = "\ufeffE-mail;First Name\r\nzoe@exämple.com;Zoë\r\n\r\nanna@example.com;Änna\r\n"
    parsed = csv_io.parse(data.encode("utf-8"))
    assert [(r.line, r.email, r.first_name) for r in parsed.rows] == [
        (2, "zoe@exämple.com", "Zoë"),
        (4, "anna@example.com", "Änna"),
    ]
    assert not parsed.has_status


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("not-an-email,Jo", "invalid email address"),
        ("jo@@example.com,Jo", "invalid email address"),
        (",Jo", "email is missing"),
        ("jo\x00@example.com,Jo", "email contains a NUL character"),
        ("jo@example.com,J\x07o", "first name contains a control character"),
        ('"jo@exa\nmple.com",Jo', "email contains a line break"),
        ('jo@example.com,"Jo\r\nBloggs"', "first name contains a line break"),
        ("a" * 250 + "@example.com,Jo", "email is too long (over 254 characters)"),
        ("jo@example.com," + "J" * 81, "first name is too long (over 80 characters)"),
        ("jo@example.com,Jo,extra", "has 3 values but the header names 2 columns"),
        (POISON + ",Jo", "cannot receive email (the address cannot be encoded)"),
        # addresses that broke the email header parser on the sign-up form (issue 8)
        ('"""""",Jo', "invalid email address"),
        ('"""@",Jo', "invalid email address"),
        ("<>,Jo", "invalid email address"),
        ("a@[,Jo", "invalid email address"),
    ],
)
def test_bad_rows_are_reported_with_line_and_reason(row, reason):
    parsed = parse("email,first_name\nok@example.com,Ok\n" + row + "\n")
    assert [r.email for r in parsed.rows] == ["ok@example.com"]
    assert reasons(parsed) == [(3, reason)]


def test_line_numbers_count_physical_lines_of_multiline_rows():
    parsed = parse('email,first_name\n"a@example.com","A\nB"\nbad\nc@example.com,C\n')
    assert reasons(parsed) == [
        (2, "first name contains a line break"),
        (4, "invalid email address"),
    ]
    assert [r.line for r in parsed.rows] == [5]


def test_duplicates_within_the_file_ignore_case():
    parsed = parse("email\nsam@example.com\nother@example.com\nSAM@example.com\n")
    assert reasons(parsed) == [(4, "duplicate of line 2")]
    assert len(parsed.rows) == 2


def test_an_address_no_email_can_be_addressed_to_is_a_row_error():
    from django.core.validators import validate_email

    validate_email(POISON)  # what the row check alone used to let through
    parsed = parse(FULL + POISON + ",P,active,2025-03-01,Yes,2025-03-01\n")
    assert parsed.rows == []
    assert reasons(parsed) == [(2, "cannot receive email (the address cannot be encoded)")]


def test_bad_status_and_dates():
    parsed = parse(
        HEADER
        + "a@example.com,A,maybe,Yes,\n"
        + "b@example.com,B,active,Yes,yesterday\n"
        + "c@example.com,C,Confirmed,Yes,2025-01-31\n"
    )
    assert reasons(parsed) == [
        (2, "unknown status (use active, pending or unsubscribed)"),
        (3, "consent time is not a date (use 2025-06-01 or 2025-06-01 09:30)"),
    ]
    assert parsed.rows[0].status == "active"
    confirmed = parse(FULL + "d@example.com,D,active,last week,Yes,\n")
    assert reasons(confirmed) == [
        (2, "confirmed is not a date (use 2025-06-01 or 2025-06-01 09:30)")
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n\n", "The file is empty."),
        (b"email,first_name\n", "The file has a header but no rows."),
        (b"name,city\nJo,Leeds\n", "at least an “email” column"),
        (b"jo@example.com,Jo\n", "seems to start with an address"),
        (b"email,Email\na@example.com,b@example.com\n", "column “Email” twice"),
        (
            "email\nzoë@example.com\n".encode("latin-1"),
            "not UTF-8 text (first unreadable byte on line 2)",
        ),
        ("email\nfoo@example.com\n".encode("utf-16"), "not UTF-8"),
        (b"email\n" + b"a@example.com\n" * 400_000, "too large"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(csv_io.CSVFileError) as error:
        csv_io.parse(data)
    assert message in str(error.value)


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(csv_io, "MAX_ROWS", 3)
    with pytest.raises(csv_io.CSVFileError, match="more than 3 rows"):
        parse("email\n" + "".join(f"r{n}@example.com\n" for n in range(5)))


def test_broken_quoting_is_a_row_error_not_a_crash():
    parsed = parse('email,first_name\n"a@example.com"x,A\nb@example.com,B\n')
    assert reasons(parsed)[0][0] == 2
    assert "cannot be read as CSV" in reasons(parsed)[0][1]
    assert [r.email for r in parsed.rows] == ["b@example.com"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FULL + "a@example.com,A,active,2025-03-01,Yes I want it,\n", Subscriber.Status.ACTIVE),
        (FULL + "a@example.com,A,confirmed,2025-03-01 09:30,Yes,\n", Subscriber.Status.ACTIVE),
        (FULL + "a@example.com,A,active,,Yes I want it,\n", Subscriber.Status.PENDING),  # no date
        (FULL + "a@example.com,A,active,2025-03-01,,\n", Subscriber.Status.PENDING),  # no wording
        (FULL + "a@example.com,A,pending,2025-03-01,Yes,\n", Subscriber.Status.PENDING),
        (FULL + "a@example.com,A,unsubscribed,,,\n", Subscriber.Status.UNSUBSCRIBED),
        # No confirmed column: a consent time is when they ticked a box, not a confirmation.
        (HEADER + "a@example.com,A,active,Yes I want it,2025-03-01\n", Subscriber.Status.PENDING),
        ("email,status\na@example.com,active\n", Subscriber.Status.PENDING),  # no consent column
        ("email,consent\na@example.com,Yes\n", Subscriber.Status.PENDING),  # no status column
        (
            "email,consent,confirmed\na@example.com,Yes,2025-03-01\n",  # no status column
            Subscriber.Status.PENDING,
        ),
    ],
)
def test_only_a_confirmed_status_with_consent_and_date_imports_as_active(text, expected):
    parsed = parse(text)
    row = parsed.rows[0]
    assert (
        csv_io.import_status(row, has_status=parsed.has_status, has_consent=parsed.has_consent)
        == expected
    )


def test_export_lines_neutralise_formulas_and_round_trip():
    when = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    lines = list(
        csv_io.export_lines(
            [
                ("a@example.com", "=HYPERLINK(1)", "active", when, when, None, "Yes", when, "/"),
                ("b@example.com", "Bo, the 2nd", "pending", when, None, None, "", None, ""),
            ]
        )
    )
    assert lines[0] == "\ufeff" + ",".join(csv_io.EXPORT_HEADER) + "\r\n"
    rows = list(csv.reader(io.StringIO("".join(lines).lstrip("\ufeff"))))
    assert rows[1][:3] == ["a@example.com", "'=HYPERLINK(1)", "active"]
    assert rows[2][1] == "Bo, the 2nd"
    parsed = csv_io.parse("".join(lines).encode("utf-8"))
    assert parsed.errors == []
    assert parsed.rows[0].first_name == "=HYPERLINK(1)"
    assert parsed.rows[0].consent_at == when
    assert parsed.rows[0].confirmed_at == when
    assert parsed.has_status and parsed.has_consent and parsed.has_confirmed
    assert [csv_io.import_status(r, has_status=True, has_consent=True) for r in parsed.rows] == [
        Subscriber.Status.ACTIVE,
        Subscriber.Status.PENDING,
    ]
    assert parsed.ignored_columns == ["signed_up"]


@pytest.mark.django_db
def test_plan_and_import_never_touch_known_addresses():
    unsubscribed = SubscriberFactory(
        email="gone@example.com", status=Subscriber.Status.UNSUBSCRIBED, first_name="Gone"
    )
    PendingSubscriberFactory(email="wait@example.com")
    parsed = parse(
        FULL
        + "GONE@example.com,Back,active,2025-01-01,Yes,\n"
        + "wait@example.com,W,active,2025-01-01,Yes,\n"
        + "new@example.com,New,active,2025-02-03 08:15,Yes,2025-02-01\n"
        + "maybe@example.com,Maybe,,,,\n"
        + "nodate@example.com,No date,active,,Yes,2025-02-01\n"
    )
    plan = csv_io.plan_import(parsed)
    assert [r.email for r in plan.existing] == ["GONE@example.com", "wait@example.com"]
    assert [(r.email, s) for r, s in plan.new] == [
        ("new@example.com", "active"),
        ("maybe@example.com", "pending"),
        ("nodate@example.com", "pending"),
    ]

    assert csv_io.subscribers_import(parsed=parsed, source="CSV import test") == 3

    unsubscribed.refresh_from_db()
    assert (unsubscribed.status, unsubscribed.first_name) == ("unsubscribed", "Gone")
    new = Subscriber.objects.get(email="new@example.com")
    assert new.status == "active"
    # The file's confirmation date, never one made up at import time.
    assert new.confirmed_at == timezone.make_aware(datetime(2025, 2, 3, 8, 15))
    assert (new.consent_text, new.consent_source) == ("Yes", "CSV import test")
    nodate = Subscriber.objects.get(email="nodate@example.com")
    assert (nodate.status, nodate.confirmed_at) == ("pending", None)
    maybe = Subscriber.objects.get(email="maybe@example.com")
    assert (maybe.status, maybe.confirmed_at) == ("pending", None)


def test_a_one_column_header_is_counted_in_the_singular():
    parsed = csv_io.parse(b"email\njo@example.com,extra\n")
    [error] = parsed.errors
    assert "has 2 values but the header names 1 column" in str(error.reason)
    assert "1 columns" not in str(error.reason)
