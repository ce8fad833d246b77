"""Shared validators: they refuse with a ValidationError and a clear message, never a 500."""

import contextlib
import random

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from runnerhub.fields import DeliverableEmailField
from runnerhub.models import SiteSettings
from runnerhub.validators import (
    validate_deliverable_email,
    validate_single_line_text,
    validate_storable_text,
)
from tests.admin_paths import ADMIN
from tests.runnerhub.names import NAMES, TEXTS

# Each of these made sanitize_address() raise something other than ValueError (issue 8).
PARSER_BREAKERS = ['"', '"@', '""', "<>", '"\\', "a@[", '"a"@', "@", "a@", '"@example.com']


@pytest.mark.parametrize("value", PARSER_BREAKERS)
def test_a_hostile_address_is_a_validation_error(value):
    with pytest.raises(ValidationError) as error:
        validate_deliverable_email(value)
    assert error.value.code == "invalid"


def test_an_address_no_message_can_reach_is_undeliverable():
    with pytest.raises(ValidationError) as error:
        validate_deliverable_email("jo@" + "é" * 60 + ".com")
    assert error.value.code == "undeliverable"


@pytest.mark.parametrize(
    "value",
    ["jo@example.com", "jo.runner+news@example.co.uk", "zoe@例え.jp", '"jo..r"@example.com'],
)
def test_real_addresses_pass(value):
    validate_deliverable_email(value)


def test_random_junk_only_ever_gives_validation_errors():
    alphabet = [*'"\\()<>[]@.,;: a\x01\x7f=?é\u200d\t', "=?utf-8?q?", "xn--", "example.com"]
    chance = random.Random(8)  # seeded: the same strings on every run
    for _ in range(3000):
        value = "".join(chance.choice(alphabet) for _ in range(chance.randint(1, 12)))
        for candidate in (value, value + "@example.com", '"' + value):
            with contextlib.suppress(ValidationError):
                validate_deliverable_email(candidate)


def test_the_field_gives_one_message_per_problem():
    field = DeliverableEmailField(error_messages={"invalid": "Type an address."})
    with pytest.raises(ValidationError) as error:
        field.clean('"')
    assert error.value.messages == ["Type an address."]
    with pytest.raises(ValidationError) as error:
        field.clean("jo@" + "é" * 60 + ".com")
    assert error.value.messages == ["We could not send email to this address. Please check it."]
    assert field.clean(" jo@example.com ") == "jo@example.com"


@pytest.mark.django_db
def test_the_staff_alert_address_must_be_deliverable(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "b@example.com", "x"))
    row = SiteSettings.load()
    url = f"{ADMIN}runnerhub/sitesettings/{row.pk}/change/"
    form = {
        "tagline": row.tagline,
        "medical_disclaimer": row.medical_disclaimer,
        "comments_close_after_days": "90",
        "newsletter_rate_per_minute": "600",
        "review_interval_months": "12",
    }
    response = client.post(
        url, {**form, "staff_notification_email": "answers@" + "é" * 60 + ".com"}
    )
    assert response.status_code == 200
    assert "We could not send email to this address" in response.content.decode()
    response = client.post(url, {**form, "staff_notification_email": '"'})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert (
        client.post(url, {**form, "staff_notification_email": "a@shop.example"}).status_code == 302
    )
    assert SiteSettings.load().staff_notification_email == "a@shop.example"


# Text PostgreSQL can store (issue 8.6) -------------------------------------------------


@pytest.mark.parametrize("value", NAMES)
def test_real_names_are_single_line_text(value):
    validate_single_line_text(value)
    validate_storable_text(value)


@pytest.mark.parametrize("value", TEXTS)
def test_real_texts_are_storable(value):
    validate_storable_text(value)


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("Jo\x00", "nul", "NUL character (U+0000)"),
        ("Jo\ud800", "surrogate", "broken character (U+D800"),
        ("\udfffJo", "surrogate", "broken character (U+DFFF"),
    ],
)
def test_nul_and_lone_surrogates_are_refused_by_both(value, code, message):
    for validate in (validate_storable_text, validate_single_line_text):
        with pytest.raises(ValidationError) as error:
            validate(value)
        assert error.value.code == code
        assert message in error.value.messages[0]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Jo\nRunner", "line_break"),
        ("Jo\r\nBcc: x@example.com", "line_break"),
        ("Jo\u2028Runner", "line_break"),
        ("Jo\x85Runner", "line_break"),
        ("Jo\tRunner", "control_character"),
        ("Jo\x07", "control_character"),
        ("Jo\x1b[31m", "control_character"),
        ("Jo\x7f", "control_character"),
        ("Jo\x9b", "control_character"),
    ],
)
def test_a_name_stays_on_one_line_without_control_characters(value, code):
    with pytest.raises(ValidationError) as error:
        validate_single_line_text(value)
    assert error.value.code == code
    validate_storable_text(value)  # in a comment's text they are fine
