"""A reader joins the newsletter from the banner, confirms, is welcomed and unsubscribes."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from newsletter.models import Subscriber
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory
from tests.e2e.conftest import PHONE, shot

pytestmark = pytest.mark.usefixtures("transactional_db")
THANKS = "Thanks! Check your inbox: we've sent you a link to confirm your subscription."


@pytest.fixture(autouse=True)
def _quick_forms(settings):
    # The bot trap wants a few seconds between showing and sending a form; a person in a
    # test types faster than that, so the threshold is lowered (not removed) here.
    settings.ANTISPAM_MIN_SECONDS = 1
    cache.clear()  # rate limits


def link_in(body: str, kind: str) -> str:
    url = re.search(rf"https?://\S+/newsletter/{kind}/[^/\s]+/", body).group(0)
    return url.replace("http://testserver", "")


def join_from_banner(page, email: str, first_name: str = "") -> None:
    banner = page.locator("aside.nl-banner")
    banner.get_by_label("Email", exact=True).fill(email)
    if first_name:
        banner.get_by_label("First name (optional)").fill(first_name)
    banner.get_by_label("Yes, email me").check()
    page.wait_for_timeout(1100)  # a person takes longer than the bot threshold
    banner.get_by_role("button", name="Join").click()


def test_join_confirm_welcome_and_unsubscribe(page, new_context, screenshot_dir):
    SiteSettings.load()
    article = ArticleFactory(title="Hamstring strains in runners", slug="hamstring-strains")
    page.goto(article.get_absolute_url())
    banner = page.locator("aside.nl-banner")
    expect(banner).to_contain_text("Run better with our newsletter")
    expect(banner).to_contain_text("Weekly updates on gear, offers & events.")
    shot(page, screenshot_dir, "newsletter-1-banner-desktop.png")

    # 1. A mistake is answered in place, keeping what was typed.
    banner.get_by_label("Email", exact=True).fill("hannah@example")
    banner.get_by_label("First name (optional)").fill("Hannah")
    page.wait_for_timeout(1100)
    banner.get_by_role("button", name="Join").click()
    expect(banner.locator("[data-error-for=email]")).to_contain_text("valid email address")
    expect(banner.locator("[data-error-for=consent]")).to_contain_text("tick the box")
    expect(banner.get_by_label("Email", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(banner.get_by_label("First name (optional)")).to_have_value("Hannah")
    assert page.url.endswith(article.get_absolute_url())
    shot(page, screenshot_dir, "newsletter-2-banner-error.png")

    # 2. Joining works without leaving the page.
    join_from_banner(page, "hannah@example.com")
    status = banner.locator("[role=status]")
    expect(status).to_have_text(THANKS)
    expect(banner.get_by_label("Email", exact=True)).to_be_hidden()
    assert page.url.endswith(article.get_absolute_url())
    shot(page, screenshot_dir, "newsletter-3-banner-thanks.png")
    subscriber = Subscriber.objects.get(email="hannah@example.com")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.first_name == "Hannah"
    assert subscriber.consent_source == article.get_absolute_url()
    # The banner stays away on the next pages.
    page.goto("/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("aside.nl-banner")).to_have_count(0)

    # 3. The confirmation email's link shows a Confirm button; only pressing it confirms.
    emails = [m for m in mail.outbox if m.to == ["hannah@example.com"]]
    assert len(emails) == 1, [m.to for m in mail.outbox]
    reader = new_context(viewport=PHONE).new_page()
    reader.goto(link_in(emails[0].body, "confirm"))
    expect(reader.locator("h1")).to_have_text("Confirm your subscription")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING
    shot(reader, screenshot_dir, "newsletter-4-confirm-phone.png")
    reader.get_by_role("button", name="Confirm").click()
    expect(reader.locator("h1")).to_have_text("You're in!")
    shot(reader, screenshot_dir, "newsletter-5-confirmed-phone.png")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE

    # 4. The welcome email unsubscribes with one button press.
    welcome = [m for m in mail.outbox if m.to == ["hannah@example.com"]][1:]
    assert len(welcome) == 1
    assert welcome[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    reader.goto(link_in(welcome[0].body, "unsubscribe"))
    expect(reader.locator("h1")).to_have_text("Unsubscribe from the newsletter?")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.ACTIVE
    reader.get_by_role("button", name="Unsubscribe").click()
    expect(reader.locator("h1")).to_have_text("You're unsubscribed")
    expect(reader.get_by_role("link", name="Sign up again")).to_have_attribute(
        "href", "/newsletter/"
    )
    shot(reader, screenshot_dir, "newsletter-6-unsubscribed-phone.png")
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED


def test_join_with_javascript_off_ends_on_the_newsletter_page(new_context, screenshot_dir):
    SiteSettings.load()
    ArticleFactory(slug="taper")
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/articles/taper/")
    expect(page.locator("[data-newsletter-dismiss]")).to_be_hidden()
    # A mistake: the /newsletter/ page shows it, with everything typed still there.
    banner = page.locator("aside.nl-banner")
    banner.get_by_label("Email", exact=True).fill("marek@example")
    banner.get_by_label("First name (optional)").fill("Marek")
    page.wait_for_timeout(1100)
    banner.get_by_role("button", name="Join").click()
    # The cached page had no token for a browser without JavaScript: once more to confirm.
    expect(page.locator(".notice--warning")).to_contain_text("press Join once more to confirm")
    expect(page.get_by_label("Email", exact=True)).to_have_value("marek@example")
    shot(page, screenshot_dir, "newsletter-7-nojs-confirm.png", load_lazy=False)
    page.get_by_role("button", name="Join the newsletter").click()
    expect(page.locator("h1")).to_have_text("Run better with our newsletter")
    expect(page.locator("#id_email_error")).to_contain_text("valid email address")
    expect(page.get_by_label("Email", exact=True)).to_have_value("marek@example")
    expect(page.get_by_label("First name (optional)")).to_have_value("Marek")
    shot(page, screenshot_dir, "newsletter-7-nojs-error.png", load_lazy=False)
    # Corrected, it signs up and says so.
    page.get_by_label("Email", exact=True).fill("marek@example.com")
    page.get_by_label("Yes, email me").check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Join the newsletter").click()
    expect(page.locator(".message")).to_have_text(THANKS)
    assert page.url.endswith("/newsletter/")
    shot(page, screenshot_dir, "newsletter-8-nojs-thanks.png", load_lazy=False)
    subscriber = Subscriber.objects.get(email="marek@example.com")
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.consent_source == "/articles/taper/"
    assert [m.to for m in mail.outbox] == [["marek@example.com"]]


def test_the_banner_on_a_phone(new_context, screenshot_dir):
    SiteSettings.load()
    ArticleFactory(slug="hills", title="Hill repeats for beginners")
    page = new_context(viewport=PHONE).new_page()
    page.goto("/articles/hills/")
    banner = page.locator("aside.nl-banner")
    expect(banner).to_be_visible()
    box = banner.bounding_box()
    assert box["width"] <= PHONE["width"]
    # Compact: at most 15% of the first screen (see tests/e2e/test_phone.py).
    assert box["height"] <= 0.15 * PHONE["height"], box
    # Nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for control in (
        banner.get_by_label("Email", exact=True),
        banner.get_by_role("button", name="Join now"),
    ):
        field = control.first.bounding_box()
        assert field["height"] >= 44 and field["x"] >= 0
        assert field["x"] + field["width"] <= PHONE["width"]
    # The phone banner asks for the email only; the first name is asked on /newsletter/.
    expect(banner.get_by_label("First name (optional)")).to_be_hidden()
    shot(page, screenshot_dir, "newsletter-9-banner-phone.png")
    # The in-article box fits too.
    cta = page.locator("section.nl-banner--article")
    cta.scroll_into_view_if_needed()
    expect(cta).to_contain_text("Liked this?")
    assert cta.bounding_box()["width"] <= PHONE["width"]
    # Dismissing hides it now and on the next page.
    banner.get_by_role("button", name="Hide the newsletter banner").click()
    expect(banner).to_be_hidden()
    page.goto("/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("aside.nl-banner")).to_have_count(0)


def test_the_banner_does_not_shift_the_layout(new_context):
    SiteSettings.load()
    ArticleFactory(slug="hills")
    page = new_context().new_page()
    page.add_init_script(
        """window.__shift = 0;
        new PerformanceObserver(list => {
          for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) window.__shift += entry.value;
          }
        }).observe({type: "layout-shift", buffered: true});"""
    )
    page.goto("/articles/hills/")
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__shift") < 0.01
