"""The admin sign-in locks after 5 failures for one account (from any address) or from one
address (for any account), for an hour, in the database, and a superuser can unlock it."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from runnerhub.models import SignInAttempt
from tests.admin_paths import ADMIN
from tests.runnerhub.factories import StaffFactory

LOGIN = f"{ADMIN}login/"
PASSWORD = "pass-word-123"
ATTEMPTS = f"{ADMIN}runnerhub/signinattempt/"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str, ip: str = "203.0.113.1"):
    # Documentation addresses (RFC 5737): only REMOTE_ADDR strings, nothing is sent anywhere.
    return client.post(
        LOGIN, {"username": username, "password": password, "next": ADMIN}, REMOTE_ADDR=ip
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def sam(db):
    return StaffFactory(username="sam")


def test_five_wrong_passwords_for_one_account_lock_it_from_every_address(client, sam):
    for n in range(1, 5):
        response = sign_in(client, "sam", "wrong", ip=f"203.0.113.{n}")
        assert response.status_code == 200  # the form again, with its error
        assert "Please enter the correct username and password" in response.content.decode()
    fifth = sign_in(client, "sam", "wrong", ip="203.0.113.5")
    assert fifth.status_code == 429
    assert "Too many failed sign-ins" in fifth.content.decode()
    # The right password, from an address never seen before, is refused while it lasts.
    assert sign_in(client, "sam", PASSWORD, ip="198.51.100.7").status_code == 429
    assert not signed_in(client)
    # Another account signs in from those same addresses.
    StaffFactory(username="alex")
    assert sign_in(client, "alex", PASSWORD, ip="203.0.113.5").status_code == 302
    assert signed_in(client)


def test_five_failures_from_one_address_lock_it_for_every_account(client, sam):
    for name in ("ann", "bob", "cat", "dan"):
        assert sign_in(client, name, "guess", ip="198.51.100.20").status_code == 200
    assert sign_in(client, "eve", "guess", ip="198.51.100.20").status_code == 429
    # Even a real account with its right password, from that address...
    assert sign_in(client, "sam", PASSWORD, ip="198.51.100.20").status_code == 429
    assert not signed_in(client)
    # ...but from its own address it signs in.
    assert sign_in(client, "sam", PASSWORD, ip="198.51.100.21").status_code == 302
    assert signed_in(client)


def test_the_lockout_page_says_until_when_and_whom_to_ask(client, sam, settings):
    settings.ADMIN_HELP_CONTACT = "Priya in the office (it@shop.example)"
    for _ in range(5):
        response = sign_in(client, "sam", "wrong")
    html = response.content.decode()
    last = AccessAttempt.objects.get(username="sam").attempt_time
    until = timezone.localtime(last + timedelta(hours=1))
    assert f'try again at <strong><time datetime="{until.isoformat(timespec="seconds")}">' in html
    assert until.strftime("%H:%M") in html
    assert "Priya in the office (it@shop.example)" in html
    assert "Sign-in attempts" in html
    # In the admin's sign-in look, and with nothing of the account's own pages.
    assert "RunnerHub admin" in html and "/static/admin/css/login.css" in html
    assert 'id="user-tools"' not in html
    # Without a contact it still says whom to ask.
    settings.ADMIN_HELP_CONTACT = ""
    html = sign_in(client, "sam", "wrong").content.decode()
    assert "one of this site’s administrators (a superuser)" in html


def test_tries_during_a_lockout_neither_count_nor_move_its_end(client, sam):
    for _ in range(5):
        sign_in(client, "sam", "wrong")
    before = AccessAttempt.objects.get(username="sam")
    for _ in range(3):
        assert sign_in(client, "sam", "wrong").status_code == 429
    after = AccessAttempt.objects.get(username="sam")
    assert (after.failures_since_start, after.attempt_time) == (5, before.attempt_time)


def test_the_lock_opens_after_an_hour(client, sam):
    for _ in range(5):
        sign_in(client, "sam", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    assert sign_in(client, "sam", PASSWORD).status_code == 302
    assert signed_in(client)


def test_the_lockout_lives_in_the_database_not_in_a_process(client, sam):
    for _ in range(5):
        sign_in(client, "sam", "wrong")
    (row,) = AccessAttempt.objects.filter(username="sam")
    assert row.failures_since_start == 5 and row.ip_address == "203.0.113.1"
    # Nothing typed is kept with it.
    assert "wrong" not in row.post_data and "sam" not in row.post_data
    # A fresh process: no cache, a new handler. Still locked.
    cache.clear()
    AxesProxyHandler.get_implementation(force=True)
    assert sign_in(client, "sam", PASSWORD, ip="198.51.100.99").status_code == 429


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="another process needs a server database: set DATABASE_URL to PostgreSQL",
)
def test_another_app_process_sees_the_lockout(client, sam):
    for n in range(5):
        sign_in(client, "sam", "wrong", ip=f"203.0.113.{n + 1}")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    code = (
        "import django; django.setup(); from django.test import Client;"
        f"r = Client().post({LOGIN!r}, {{'username': 'sam', 'password': {PASSWORD!r}}},"
        " REMOTE_ADDR='198.51.100.50');"
        "print(r.status_code, 'Too many failed sign-ins' in r.content.decode())"
    )
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "runnerhub.test_settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.split() == ["429", "True"], out.stderr


def test_a_superuser_sees_the_locks_and_unlocks_an_account(client, admin_client, sam):
    for n in range(5):
        sign_in(client, "sam", "wrong", ip=f"203.0.113.{n + 1}")
    sign_in(client, "kim", "wrong", ip="203.0.113.1")
    page = admin_client.get(ATTEMPTS).content.decode()
    assert page.count("account until") == 5
    locked = admin_client.get(ATTEMPTS, {"locked": "yes"}).content.decode()
    assert locked.count("account until") == 5 and ">kim<" not in locked
    one_row = SignInAttempt.objects.filter(username="sam").first()
    response = admin_client.post(
        ATTEMPTS, {"action": "unlock_accounts", "_selected_action": [one_row.pk]}, follow=True
    )
    assert "Unlocked: 5 failed sign-in records forgotten." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="sam").exists()
    assert AccessAttempt.objects.filter(username="kim").exists()
    assert sign_in(client, "sam", PASSWORD, ip="203.0.113.5").status_code == 302


def test_a_superuser_unlocks_an_address(client, admin_client, sam):
    for name in ("ann", "bob", "cat", "dan", "eve"):
        sign_in(client, name, "guess", ip="198.51.100.20")
    row = SignInAttempt.objects.filter(username="ann").get()
    response = admin_client.post(
        ATTEMPTS, {"action": "unlock_addresses", "_selected_action": [row.pk]}, follow=True
    )
    assert "Unlocked: 5 failed sign-in records forgotten." in response.content.decode()
    assert sign_in(client, "sam", PASSWORD, ip="198.51.100.20").status_code == 302


def test_only_superusers_see_sign_in_attempts(client, sam):
    client.force_login(StaffFactory(username="ed"))
    assert client.get(ATTEMPTS).status_code == 403


def test_the_axes_reset_commands_unlock(client, sam):
    for _ in range(5):
        sign_in(client, "sam", "wrong")
    call_command("axes_reset_username", "sam", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert sign_in(client, "sam", PASSWORD).status_code == 302
