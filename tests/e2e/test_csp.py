"""Every kind of page works under the Content Security Policy with not one violation: the
reader's pages (the click-to-load video, signing up in place, the shop) and the admin
(CKEditor typing, an image upload and a save, the newsletter preview, the inbox filter).

Violations are caught twice: each document's `securitypolicyviolation` events (reported
through a binding) and the console, where Chromium writes every refusal as an error. Other
console lines (the 404 page's own 404) are the other browser tests' business."""

import re

import pytest
from playwright.sync_api import expect

from newsletter.models import Subscriber
from tests.admin_paths import ADMIN
from tests.comments.factories import CommentFactory
from tests.e2e.conftest import (
    editor_user,
    login,
    rich_article,
    shot,
    stub_third_party,
    upload_into_editor,
)
from tests.e2e.test_newsletter_admin import newsletter_editor
from tests.newsletter.factories import IssueFactory
from tests.shop.factories import ArticleProductFactory, ProductFactory

pytestmark = pytest.mark.usefixtures("transactional_db")

LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(
    `${e.effectiveDirective} refused ${e.blockedURI || "inline"} on ${e.documentURI}` +
    ` (${e.sourceFile}:${e.lineNumber}) ${e.sample}`
  );
}, true);
"""


# How Chromium's console words a refusal by the CSP, or a Permissions-Policy it cannot read.
POLICY_MESSAGE = re.compile(r"Content Security Policy|Permissions[- ]Policy|Refused to", re.I)


def watch(page, live_server_url: str) -> list[str]:
    """CSP violations (events and console lines), Permissions-Policy complaints and uncaught
    exceptions on `page`."""
    problems: list[str] = []
    page.context.expose_binding(
        "__cspViolation", lambda source, text: problems.append(f"violation: {text}")
    )
    page.context.add_init_script(LISTENER)
    page.on("console", lambda m: POLICY_MESSAGE.search(m.text) and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(f"exception: {error}"))
    stub_third_party(page, live_server_url)
    return problems


def test_reader_pages_have_no_violation(page, live_server, screenshot_dir, settings):
    settings.ANTISPAM_MIN_SECONDS = 1  # see test_newsletter_signup.py
    article = rich_article()
    product = ProductFactory(name="Foam roller", slug="foam-roller")
    ArticleProductFactory(article=article, product=product)
    problems = watch(page, live_server.url)

    page.goto("/")
    expect(page.locator(".card").first).to_be_visible()
    shot(page, screenshot_dir, "csp-home.png")

    page.goto(article.get_absolute_url())
    # The structured data is there (a JSON-LD data block, which CSP does not govern).
    assert page.locator('script[type="application/ld+json"]').count() >= 1
    page.locator(".video__poster").click()
    expect(page.frame_locator("iframe.video__frame").locator("body")).to_have_text(
        "Stub third-party player"
    )
    expect(page.locator(".gear-box")).to_contain_text("Foam roller")
    shot(page, screenshot_dir, "csp-article-video-playing.png")

    page.goto(f"/shop/{product.category.slug}/")
    expect(page.locator("h1")).to_contain_text(product.category.name)
    shot(page, screenshot_dir, "csp-shop-category.png")

    # Signing up answers in place (newsletter.js posts with fetch: connect-src 'self').
    page.goto("/newsletter/")
    form = page.locator("form.nl-form--page")
    form.get_by_label("Email", exact=True).fill("reader@example.com")
    form.get_by_label("Yes, email me").check()
    page.wait_for_timeout(1100)  # a person takes longer than the bot threshold
    form.get_by_role("button", name="Join").click()
    expect(form.locator("[role=status]")).to_contain_text("Check your inbox")
    assert page.url.endswith("/newsletter/")  # answered in place, not by a new page
    shot(page, screenshot_dir, "csp-newsletter-signed-up.png")
    assert Subscriber.objects.filter(email="reader@example.com").exists()

    page.goto("/no-such-page/")
    expect(page.locator("h1")).to_be_visible()
    assert problems == [], "\n".join(problems)


def test_admin_pages_have_no_violation(page, live_server, screenshot_dir):
    editor = editor_user(username="erin")
    editor.is_superuser = True  # the inbox, the newsletter and the shop too
    editor.save()
    article = rich_article()
    CommentFactory(article=article, text="Can I still run hills?")
    issue = IssueFactory(subject="Hills and calves", body="<p>Hello <strong>runners</strong></p>")
    problems = watch(page, live_server.url)

    login(page, "erin")
    page.goto(f"{ADMIN}")
    shot(page, screenshot_dir, "csp-admin-index.png")

    # The article's change form: CKEditor starts, takes typing and an upload, and saves.
    page.goto(f"{ADMIN}articles/article/{article.pk}/change/")
    editable = page.locator(".ck-editor__main > .ck-editor__editable")
    expect(editable).to_be_visible()
    editable.locator("h2").first.click()
    page.keyboard.press("End")
    page.keyboard.type(" now")
    upload_into_editor(page, "knee.jpg", 900, 500)
    alt_text = page.get_by_role("textbox", name="Text alternative")
    alt_text.fill("A knee being taped")
    page.keyboard.press("Enter")
    expect(editable.locator("img")).to_have_attribute("alt", "A knee being taped")
    shot(page, screenshot_dir, "csp-admin-article-editor.png")
    page.locator("input[name=_continue]").last.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert "1. Calm it down now" in article.body
    assert 'alt="A knee being taped"' in article.body

    # The newsletter preview: the email in a srcdoc frame (inline styles), fitted by script.
    newsletter_editor(username="nina")
    page.goto(f"{ADMIN}newsletter/issue/{issue.pk}/preview/")
    frame = page.frame_locator(".nl-preview__frame")
    expect(frame.locator("strong")).to_have_text("runners")
    page.get_by_role("button", name="Phone").click()
    expect(page.locator(".nl-preview__frame")).to_have_attribute("width", "375")
    height = page.locator(".nl-preview__frame").evaluate("f => f.style.height")
    assert height.endswith("px") and height != "200px"  # admin-preview.js fitted it
    shot(page, screenshot_dir, "csp-admin-newsletter-preview.png")

    # The inbox's topic filter submits on change (admin-inbox.js, no onchange attribute).
    page.goto(f"{ADMIN}comments/comment/inbox/")
    with page.expect_navigation(url=re.compile(r"topic=injuries")):
        page.locator("#topic").select_option("injuries")
    shot(page, screenshot_dir, "csp-admin-inbox.png")

    for url in (f"{ADMIN}shop/product/", f"{ADMIN}newsletter/subscriber/", f"{ADMIN}auth/group/"):
        page.goto(url)
        expect(page.locator("#content")).to_be_visible()
    assert problems == [], "\n".join(problems)


def test_the_watch_sees_a_violation(page, live_server):
    """The check above can fail: an injected inline script and style attribute are refused,
    and both channels report them."""
    problems = watch(page, live_server.url)
    page.goto("/newsletter/")
    ran = page.evaluate(
        """() => {
            window.ran = false;
            const script = document.createElement("script");
            script.textContent = "window.ran = true";
            document.body.append(script);
            document.body.insertAdjacentHTML("beforeend", '<p style="color:red">x</p>');
            return window.ran;
        }"""
    )
    assert ran is False
    page.wait_for_timeout(500)
    assert any(p.startswith("violation: script-src-elem refused inline") for p in problems)
    assert any(p.startswith("violation: style-src-attr refused inline") for p in problems)
    assert any("Content Security Policy" in p for p in problems if not p.startswith("violation"))
