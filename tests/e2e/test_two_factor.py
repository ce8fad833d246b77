"""Two-factor sign-in in Chromium, as staff meet it: setting an app up from the admin, the
recovery codes, signing in with a code and with a recovery code, a superuser sent to set up
first, and the lockout page; no inline script anywhere, no serious accessibility issue."""

import re
import time
from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.admin_paths import ADMIN
from tests.e2e.conftest import PASSWORD, is_local, shot
from tests.runnerhub.factories import StaffFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


def app_code(key: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the key typed from the set-up page."""
    totp = TOTP(b32decode(key.replace(" ", "") + "=" * (-len(key.replace(" ", "")) % 8)))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def password_step(page, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{ADMIN}login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit]").click()


def sign_out(page) -> None:
    page.locator("#logout-form button").click()
    expect(page.locator("h1, h2").first).to_be_visible()


def check_page(page, name: str, screenshot_dir: str, problems: list[str] | None = None) -> None:
    """A screenshot to look at; no inline script or handler (a strict CSP holds); axe."""
    shot(page, screenshot_dir, f"two-factor-{name}.png", load_lazy=False)
    assert page.locator("script:not([src])").count() == 0, name
    handlers = page.evaluate(
        "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".filter(a => a.name.startsWith('on')).map(a => a.name)"
    )
    assert handlers == [], name
    seen = len(problems or [])
    # Django's own breadcrumbs (the same on every admin page) are left to Django.
    violations = Axe().run(page, context={"exclude": [[".breadcrumbs"]]}).response["violations"]
    serious = [
        (v["id"], [node["html"][:120] for node in v["nodes"]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], (name, serious)
    if problems:
        # axe-core reads the stylesheets itself and resolves forms.css's @import against the
        # page, not the stylesheet: its 404 is axe's, not the page's.
        del problems[seen:]


def watch(page, live_server_url: str) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and problems.append(f"{r.status} {r.url} from {r.request.headers.get('referer')}")
        ),
    )
    page.on(
        "request",
        lambda r: not is_local(r.url, live_server_url) and problems.append(f"left: {r.url}"),
    )
    return problems


def test_set_up_then_sign_in_with_a_code_and_with_a_recovery_code(
    page, live_server, screenshot_dir
):
    StaffFactory(username="jo", first_name="Jo", is_superuser=True)
    problems = watch(page, live_server.url)
    password_step(page, "jo")
    expect(page.locator("#user-tools")).to_contain_text("Welcome")
    page.locator("#user-tools").get_by_role("link", name="Two-factor sign-in").click()
    expect(page.locator("#content-main")).to_contain_text("Off.")
    check_page(page, "manage-off", screenshot_dir, problems)
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.locator("svg.signin__qr")).to_be_visible()
    check_page(page, "setup", screenshot_dir)
    page.get_by_text("Cannot scan it? Type the key instead").click()
    key = page.locator("[data-key]").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", key)
    page.get_by_label("Code from the app").fill(app_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    codes = page.locator(".signin__codes li").all_inner_texts()
    assert len(codes) == 10
    expect(page.get_by_role("button", name="Print them")).to_be_visible()  # signin.js ran
    check_page(page, "recovery-codes", screenshot_dir)
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.locator("#user-tools")).to_contain_text("Welcome")

    # Signing in again: the password, then the code.
    sign_out(page)
    password_step(page, "jo")
    expect(page.get_by_text("Signing in as jo.")).to_be_visible()
    check_page(page, "code", screenshot_dir)
    page.get_by_label("Code from your app, or a recovery code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".errorlist")).to_contain_text("That code is not right")
    check_page(page, "code-wrong", screenshot_dir)
    time.sleep(1.1)  # django-otp's wait after a wrong code, as a person's typing would be
    # The code set-up used is spent (replays are refused): the app's next one.
    page.get_by_label("Code from your app, or a recovery code").fill(app_code(key, steps_ahead=1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#user-tools")).to_contain_text("Welcome")

    # No phone: a recovery code, once.
    sign_out(page)
    password_step(page, "jo")
    page.get_by_label("Code from your app, or a recovery code").fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".messagelist")).to_contain_text("9 are left")
    shot(page, screenshot_dir, "two-factor-recovery-sign-in.png", load_lazy=False)
    page.locator("#user-tools").get_by_role("link", name="Two-factor sign-in").click()
    expect(page.locator("#content-main")).to_contain_text("Recovery codes left: 9")
    check_page(page, "manage-on", screenshot_dir, problems)
    assert problems == [], "\n".join(problems)


def test_a_required_superuser_sets_up_before_admin(page, live_server, settings, screenshot_dir):
    settings.ADMIN_2FA_REQUIRED = "superusers"
    StaffFactory(username="boss", is_superuser=True)
    password_step(page, "boss")
    expect(page).to_have_url(re.compile(rf"{re.escape(ADMIN)}two-factor/setup/\?next="))
    expect(page.locator("#content-main")).to_contain_text("Your account needs two-factor")
    shot(page, screenshot_dir, "two-factor-setup-required.png", load_lazy=False)
    page.goto(f"{ADMIN}runnerhub/user/")
    expect(page).to_have_url(re.compile(r"/two-factor/setup/"))
    page.get_by_text("Cannot scan it? Type the key instead").click()
    key = page.locator("[data-key]").inner_text()
    page.get_by_label("Code from the app").fill(app_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(ADMIN)}runnerhub/user/$"))
    expect(page.locator("#user-tools")).to_contain_text("Welcome")


def test_the_lockout_page(page, live_server, settings, screenshot_dir):
    settings.ADMIN_HELP_CONTACT = "Priya in the office (it@shop.example)"
    StaffFactory(username="kim")
    for _ in range(5):
        password_step(page, "kim", "not-the-password")
    expect(page.locator("#content-main")).to_contain_text("Too many failed sign-ins")
    expect(page.locator("#content-main")).to_contain_text("Priya in the office")
    check_page(page, "locked-out", screenshot_dir)
