"""Two-factor sign-in for staff: setting an app up, signing in with its code or a recovery
code (used once), wrong codes refused and counted, and ADMIN_2FA_REQUIRED sending accounts
to set it up before any admin page."""

import os
import re
import subprocess
import sys
import time
from base64 import b32encode

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.checks import run_checks
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import Article
from runnerhub.signin import two_factor
from runnerhub.signin.qr import qr_path
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.runnerhub.factories import StaffFactory

PASSWORD = "pass-word-123"
LOGIN = f"{ADMIN}login/"
TWO_FACTOR = f"{ADMIN}two-factor/"
CODE = f"{TWO_FACTOR}code/"
SETUP = f"{TWO_FACTOR}setup/"
CODES = f"{TWO_FACTOR}recovery-codes/"
ARTICLES = f"{ADMIN}articles/article/"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

pytestmark = pytest.mark.django_db


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the person's authenticator app shows now (or that many 30 s steps on)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def sign_in(client, user, next_path: str = ADMIN):
    return client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "next": next_path}, follow=True
    )


def shown_codes(html: str) -> list[str]:
    return re.findall(r"<li>([a-z2-7]{4}-[a-z2-7]{4})</li>", html)


def with_app(user) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.pending_app(user)
    return device, two_factor.two_factor_enable(device=device)


def verified(client) -> bool:
    return "otp_device_id" in client.session


@pytest.fixture
def sam(db):
    """A staff account that may read articles in admin (and preview drafts)."""
    user = StaffFactory(username="sam")
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    return user


@pytest.fixture
def no_throttle(settings):
    # django-otp doubles a wait after each wrong code; these tests type faster than people.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_staff_set_an_app_up_and_see_their_recovery_codes_once(client, sam, no_throttle):
    sign_in(client, sam)
    assert client.get(ARTICLES).status_code == 200  # not required: admin as before
    page = client.get(TWO_FACTOR).content.decode()
    assert "<strong>Off.</strong>" in page and f'href="{SETUP}"' in page
    setup = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=sam, confirmed=False)
    # The QR code is drawn in the page from the app's key: no image from anywhere.
    qr = qr_path(device.config_url)
    assert f'viewBox="0 0 {qr.size} {qr.size}"' in setup and f'd="{qr.path}"' in setup
    assert "<img" not in setup and "data:" not in setup
    assert device.config_url.startswith("otpauth://totp/RunnerHub%3Asam?secret=")
    key = b32encode(device.bin_key).decode()
    assert re.search(r"data-key>([A-Z2-7 ]+)<", setup).group(1).replace(" ", "") == key
    reload = client.get(SETUP).content.decode()  # the same key on a reload
    assert f'd="{qr.path}"' in reload and TOTPDevice.objects.filter(user=sam).count() == 1
    wrong = client.post(SETUP, {"code": "000000" if app_code(device) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    response = client.post(SETUP, {"code": app_code(device)}, follow=True)
    assert response.redirect_chain[-1][0].startswith(CODES)
    codes = shown_codes(response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "the only time they are shown" in response.content.decode()
    # Once: the page does not show them again.
    again = client.get(CODES, follow=True)
    assert shown_codes(again.content.decode()) == []
    assert again.redirect_chain[-1][0] == TWO_FACTOR
    device.refresh_from_db()
    assert device.confirmed and verified(client)
    page = client.get(TWO_FACTOR).content.decode()
    assert "<strong>On.</strong>" in page and "Recovery codes left: <strong>10</strong>" in page


def test_an_account_with_an_app_signs_in_with_its_code(client, sam):
    device, _codes = with_app(sam)
    response = sign_in(client, sam, next_path=ARTICLES)
    assert response.redirect_chain[-1][0] == f"{CODE}?next={ARTICLES.replace('/', '%2F')}"
    assert "Signing in as <strong>sam</strong>" in response.content.decode()
    # Half signed in: every admin page sends to the code.
    for path in (ADMIN, ARTICLES, TWO_FACTOR, f"{ADMIN}runnerhub/user/"):
        assert client.get(path)["Location"].startswith(CODE), path
    before = client.session.session_key
    response = client.post(response.redirect_chain[-1][0], {"code": app_code(device)})
    assert response["Location"] == ARTICLES
    assert verified(client) and client.session.session_key != before
    assert client.get(ARTICLES).status_code == 200


def test_a_wrong_code_is_refused_and_counted_as_a_failed_sign_in(client, sam, no_throttle):
    device, _codes = with_app(sam)
    sign_in(client, sam)
    wrong = "123456" if app_code(device) != "123456" else "654321"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert not verified(client)
    assert client.get(ADMIN)["Location"].startswith(CODE)
    attempt = AccessAttempt.objects.get(username="sam")
    assert attempt.failures_since_start == 1 and wrong not in attempt.post_data


def test_a_code_works_once(client, sam):
    device, _codes = with_app(sam)
    sign_in(client, sam)
    code = app_code(device)
    assert client.post(CODE, {"code": code}).status_code == 302
    client.post(f"{ADMIN}logout/")
    sign_in(client, sam)
    replay = client.post(CODE, {"code": code})
    assert replay.status_code == 200 and not verified(client)


def test_five_wrong_codes_lock_the_account_like_wrong_passwords(client, sam, no_throttle):
    device, _codes = with_app(sam)
    sign_in(client, sam)
    wrong = "123456" if app_code(device) != "123456" else "654321"
    for _ in range(4):
        assert client.post(CODE, {"code": wrong}).status_code == 200
    locked = client.post(CODE, {"code": wrong})
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session  # signed out: the password again, later
    assert sign_in(client, sam).status_code == 429


def test_a_recovery_code_signs_in_once(client, sam, no_throttle):
    _device, codes = with_app(sam)
    sign_in(client, sam)
    typed = "  " + codes[0].upper().replace("-", " - ") + " "
    response = client.post(CODE, {"code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == ADMIN and verified(client)
    assert "You signed in with a recovery code: 9 are left." in response.content.decode()
    assert StaticToken.objects.filter(device__user=sam).count() == 9
    client.post(f"{ADMIN}logout/")
    sign_in(client, sam)
    assert "That code is not right" in client.post(CODE, {"code": codes[0]}).content.decode()
    assert client.post(CODE, {"code": codes[1]}).status_code == 302


def test_half_signed_in_is_anonymous_outside_admin(client, sam):
    with_app(sam)
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    sign_in(client, sam)
    assert client.get(draft.get_absolute_url()).status_code == 404  # no staff preview
    assert client.post("/editor/upload/").status_code == 403  # no staff upload
    client.post(CODE, {"code": app_code(TOTPDevice.objects.get(user=sam))})
    assert client.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("policy", ["superusers", "staff"])
def test_a_required_superuser_is_sent_to_set_up_before_any_admin_page(client, settings, policy):
    settings.ADMIN_2FA_REQUIRED = policy
    boss = StaffFactory(username="boss", is_superuser=True)
    response = sign_in(client, boss, next_path=ARTICLES)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    assert "Your account needs two-factor sign-in" in response.content.decode()
    for path in (ADMIN, ARTICLES, TWO_FACTOR, f"{ADMIN}runnerhub/user/"):
        assert client.get(path)["Location"].startswith(SETUP), path
    device = TOTPDevice.objects.get(user=boss, confirmed=False)
    response = client.post(response.redirect_chain[-1][0], {"code": app_code(device)}, follow=True)
    assert len(shown_codes(response.content.decode())) == 10
    assert f'href="{ARTICLES}"' in response.content.decode()  # continue where they were going
    assert client.get(ARTICLES).status_code == 200


def test_superusers_only_leaves_other_staff_free_to_choose(client, settings, sam):
    settings.ADMIN_2FA_REQUIRED = "superusers"
    sign_in(client, sam)
    assert client.get(ARTICLES).status_code == 200
    settings.ADMIN_2FA_REQUIRED = "staff"
    assert client.get(ARTICLES)["Location"].startswith(SETUP)


def test_new_recovery_codes_replace_the_old_ones(client, sam):
    device, old = with_app(sam)
    sign_in(client, sam)
    client.post(CODE, {"code": app_code(device)})
    response = client.post(
        TWO_FACTOR, {"code": old[0], "action": "codes"}, follow=True
    )  # a recovery code confirms it too
    new = shown_codes(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert {t.token for t in StaticToken.objects.filter(device__user=sam)} == {
        two_factor.normalise(code) for code in new
    }


def test_turning_it_off_needs_a_code_and_is_refused_where_required(client, settings, sam):
    device, _codes = with_app(sam)
    sign_in(client, sam)
    client.post(CODE, {"code": app_code(device)})
    no_code = client.post(TWO_FACTOR, {"code": "", "action": "off"})
    assert TOTPDevice.objects.filter(user=sam).exists() and no_code.status_code == 200
    settings.ADMIN_2FA_REQUIRED = "staff"
    refused = client.post(TWO_FACTOR, {"code": app_code(device, steps_ahead=1), "action": "off"})
    assert "required for your account" in refused.content.decode()
    settings.ADMIN_2FA_REQUIRED = "none"
    device.refresh_from_db()
    response = client.post(
        TWO_FACTOR, {"code": app_code(device, steps_ahead=1), "action": "off"}, follow=True
    )
    assert "Two-factor sign-in is off for your account." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=sam).exists()
    assert not StaticDevice.objects.filter(user=sam).exists()
    assert client.get(ARTICLES).status_code == 200


def test_a_superuser_resets_a_lost_phone(client, admin_client, sam):
    with_app(sam)
    users = admin_client.get(f"{ADMIN}runnerhub/user/").content.decode()
    assert users.count('alt="True"') >= 2  # sam's two-factor (and admin's staff/active flags)
    response = admin_client.post(
        f"{ADMIN}runnerhub/user/",
        {"action": "reset_two_factor", "_selected_action": [sam.pk]},
        follow=True,
    )
    assert "Two-factor sign-in reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=sam).exists()
    assert not StaticDevice.objects.filter(user=sam).exists()
    sign_in(client, sam)
    assert client.get(ARTICLES).status_code == 200


def test_the_user_tools_link_to_the_two_factor_page(admin_client):
    assert (
        f'<a href="{TWO_FACTOR}">Two-factor sign-in</a>' in admin_client.get(ADMIN).content.decode()
    )


def test_the_steps_without_a_sign_in_go_to_the_login(client):
    for path in (CODE, SETUP):
        assert client.get(path)["Location"] == LOGIN
    assert client.get(TWO_FACTOR)["Location"] == f"{LOGIN}?next={TWO_FACTOR}"


def test_the_gate_must_be_installed(settings):
    assert not [m for m in run_checks() if m.id == "runnerhub.E001"]
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "runnerhub.signin.middleware.two_factor_gate"
    ]
    assert [m.id for m in run_checks() if m.id.startswith("runnerhub.")] == ["runnerhub.E001"]


def test_required_by_default_for_superusers_but_never_for_the_demo():
    def default(debug: str) -> str:
        env = {k: v for k, v in os.environ.items() if k not in ("ADMIN_2FA_REQUIRED", "DEBUG")}
        env.update(DJANGO_SETTINGS_MODULE="runnerhub.settings", SECRET_KEY="x", ENV_FILE="")
        code = "import django; django.setup(); from django.conf import settings as s;"
        code += "print(s.ADMIN_2FA_REQUIRED)"
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={**env, "DEBUG": debug},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip() or out.stderr

    assert default("0") == "superusers"
    assert default("1") == "none"  # the demo's printed logins need no phone


def test_demo_accounts_are_not_refused_a_second_step_they_never_had(client, settings):
    """With the demo's setting (none), a superuser with no app signs straight in."""
    settings.ADMIN_2FA_REQUIRED = "none"
    boss = get_user_model().objects.create_superuser("admin", "a@example.com", PASSWORD)
    assert sign_in(client, boss).redirect_chain[-1][0] == ADMIN
