"""Cross-site request forgery, tried in Chromium from a page on a second loopback origin.

The live server answers at http://localhost:<port>; the attacker's page is served from
http://127.0.0.1:<other port>, another site to the browser, so SameSite=Lax keeps our
session cookie off its POSTs, exactly as on the real internet. Whatever page we answer with,
the person then clicks every button on it: nothing the attacker sent may go through.
"""

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from newsletter.models import Subscriber
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.e2e.conftest import PASSWORD, login, shot
from tests.runnerhub.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture(autouse=True)
def _quick_forms(settings):
    settings.ANTISPAM_MIN_SECONDS = 1  # lowered, not removed: people in tests type fast


@pytest.fixture
def attacker(live_server):
    """Serves one auto-submitting form at a time from another origin on loopback."""
    pages: dict[str, str] = {}

    class Evil(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "not here").encode()
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    assert urlparse(origin).hostname != urlparse(live_server.url).hostname  # another site

    def forged_post(name: str, action: str, fields: dict[str, str]) -> str:
        inputs = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in fields.items()
        )
        pages[f"/{name}"] = (
            f'<!doctype html><title>Win a prize</title><form method="post" '
            f'action="{live_server.url}{action}">{inputs}</form>'
            "<script>document.forms[0].submit()</script>"
        )
        return f"{origin}/{name}"

    yield forged_post
    server.shutdown()


def land_and_click_everything(page, url: str, live_server) -> None:
    """Open the attacker's page, land on ours, then press every button that posts."""
    with page.expect_navigation(url=lambda u: u.startswith(live_server.url)):
        page.goto(url)
    page.wait_for_load_state()
    buttons = page.locator("form[method=post] button, form[method=post] input[type=submit]")
    for index in range(buttons.count()):
        if buttons.nth(index).is_visible():
            buttons.nth(index).click()
            page.wait_for_load_state()


def test_a_forged_password_change_stays_forged(page, attacker, live_server, screenshot_dir):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    login(page, "boss")
    url = attacker(
        "password",
        f"{ADMIN}runnerhub/user/{admin.pk}/password/",
        {
            "usable_password": "true",
            "password1": "attacker-chosen-9731",
            "password2": "attacker-chosen-9731",
            "set-password": "",
        },
    )
    land_and_click_everything(page, url, live_server)
    expect(page.locator("h1")).to_have_text("That form was not sent")
    assert "attacker-chosen" not in page.content()
    assert page.locator("form[method=post]").count() == 0
    shot(page, screenshot_dir, "csrf-admin-password.png", load_lazy=False)
    admin.refresh_from_db()
    assert admin.check_password(PASSWORD) and not admin.check_password("attacker-chosen-9731")
    page.goto(ADMIN)
    expect(page.locator("#user-tools")).to_contain_text("Welcome")  # still signed in


def test_a_forged_staff_reply_is_never_posted(page, attacker, live_server, screenshot_dir):
    article = ArticleFactory(title="Hamstring strains", slug="hamstring-strains")
    StaffFactory(username="dipika", display_name="Dipika Smith")
    login(page, "dipika")
    url = attacker(
        "reply",
        "/comments/post/",
        {"article": str(article.pk), "text": "Buy pills at evil.example", "notify": "on"},
    )
    land_and_click_everything(page, url, live_server)
    assert "/comments/restore/" in page.url  # the GET that carried the session
    expect(page.locator("h1")).to_have_text("That form was not sent")
    expect(page.locator(".error-page")).to_contain_text("You are signed in")
    assert "Buy pills" not in page.content()
    shot(page, screenshot_dir, "csrf-staff-reply.png", load_lazy=False)
    assert not Comment.objects.exists()


def test_a_forged_login_signs_nobody_in(page, attacker, live_server):
    UserFactory(username="mallory", is_staff=True, password="mallory-pass-1")
    url = attacker("login", f"{ADMIN}login/", {"username": "mallory", "password": "mallory-pass-1"})
    land_and_click_everything(page, url, live_server)
    page.goto(ADMIN)
    assert f"{ADMIN}login/" in page.url  # not signed in as the attacker


def expire_csrf_cookie(context, live_server) -> None:
    """What an old tab meets: the cookie changed since the page was rendered."""
    host = urlparse(live_server.url).hostname
    context.add_cookies([{"name": "csrftoken", "value": "z" * 32, "domain": host, "path": "/"}])


def test_an_old_tab_gets_its_question_back(new_context, live_server, screenshot_dir):
    article = ArticleFactory(title="Hamstring strains", slug="hamstring-strains")
    context = new_context()
    reader = context.new_page()
    reader.goto(article.get_absolute_url())
    form = reader.locator("#comment-form")
    form.get_by_label("Name", exact=True).fill("Zoë Runner")
    form.get_by_label("Email", exact=True).fill("zoe@example.com")
    question = "My calves ache after hills.\nShould I stretch before or after? <i>thanks</i>"
    form.get_by_label("Your question or comment").fill(question)
    # The token fetched on first focus is in (its answer sets the cookie): only then is the
    # cookie lost, as in an old tab; before, the answer could set it again.
    expect(form.locator('input[name="csrfmiddlewaretoken"]')).not_to_have_value("")
    expire_csrf_cookie(context, live_server)
    reader.wait_for_timeout(1100)
    form.get_by_role("button", name="Post").click()
    expect(reader.locator(".notice--warning")).to_contain_text("press Post once more to confirm")
    form = reader.locator("#comment-form")
    expect(form.get_by_label("Your question or comment")).to_have_value(question)
    expect(form.get_by_label("Name", exact=True)).to_have_value("Zoë Runner")
    shot(reader, screenshot_dir, "csrf-reader-restored.png", load_lazy=False)
    assert not Comment.objects.exists()
    form.get_by_role("button", name="Post").click()
    expect(reader.locator(".message")).to_contain_text("awaiting moderation")
    comment = Comment.objects.get()
    assert comment.text == question.replace("\n", "\r\n") or comment.text == question
    assert comment.state == Comment.State.PENDING and not comment.is_staff_reply


def test_an_old_tab_gets_its_signup_back_with_javascript(new_context, live_server, screenshot_dir):
    ArticleFactory(title="Hamstring strains", slug="hamstring-strains")
    context = new_context()
    reader = context.new_page()
    reader.goto("/")
    banner = reader.locator("[data-newsletter-form]").first
    banner.locator("input[name=email]").fill("zoe@example.com")
    banner.locator("input[name=consent]").check()
    expect(banner.locator('input[name="csrfmiddlewaretoken"]')).not_to_have_value("")
    expire_csrf_cookie(context, live_server)
    reader.wait_for_timeout(1100)
    banner.get_by_role("button").last.click()
    expect(reader.locator(".notice--warning")).to_contain_text("tick the box and press Join")
    form = reader.locator("form.nl-form--page")
    expect(form.locator("input[name=email]")).to_have_value("zoe@example.com")
    expect(form.locator("input[name=consent]")).not_to_be_checked()
    shot(reader, screenshot_dir, "csrf-signup-restored.png", load_lazy=False)
    assert not Subscriber.objects.exists()
    form.locator("input[name=consent]").check()
    form.get_by_role("button", name="Join the newsletter").click()
    expect(form.locator("[data-newsletter-status]")).to_contain_text("Check your inbox")
    assert Subscriber.objects.get().email == "zoe@example.com"


def test_a_forged_question_under_a_returning_readers_address_waits(
    new_context, attacker, live_server, screenshot_dir
):
    """The reader's browser holds the signed proof of an approved comment. Another site
    posts a question under her address; whatever she then presses, it waits for a
    moderator."""
    import time

    from django.core import signing

    from runnerhub.antispam import SALT

    article = ArticleFactory(title="Hamstring strains", slug="hamstring-strains")
    reader = new_context().new_page()
    reader.goto(article.get_absolute_url())
    form = reader.locator("#comment-form")
    form.get_by_label("Name", exact=True).fill("Hannah W")
    form.get_by_label("Email", exact=True).fill("hannah.w@example.com")
    form.get_by_label("Your question or comment").fill("Do calves need rest days?")
    reader.wait_for_timeout(1100)
    form.get_by_role("button", name="Post").click()
    expect(reader.locator(".message")).to_contain_text("awaiting moderation")
    Comment.objects.update(state=Comment.State.PUBLISHED)  # a moderator approves it

    url = attacker(
        "question",
        "/comments/post/",
        {
            "article": str(article.pk),
            "name": "Hannah W",
            "email": "HANNAH.W@example.com",
            "text": "Cheap pills at evil.example",
            "notify": "on",
            "rendered": signing.dumps(time.time() - 60, salt=SALT),
        },
    )
    with reader.expect_navigation(url=lambda u: u.startswith(live_server.url)):
        reader.goto(url)
    shot(reader, screenshot_dir, "csrf-returning-reader.png", load_lazy=False)
    post = reader.locator("#comment-form").get_by_role("button", name="Post")
    if post.count():  # the kept form, filled in: she presses Post without reading
        expect(reader.locator(".notice--warning")).to_contain_text("If you did not write this")
        post.click()
        expect(reader.locator(".message")).to_contain_text("awaiting moderation")
    forged = Comment.objects.filter(text="Cheap pills at evil.example")
    assert not forged.filter(state=Comment.State.PUBLISHED).exists()
