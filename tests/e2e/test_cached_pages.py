"""Forms on a page served from the page cache work in a real browser, with and without
JavaScript, and the page really came from the cache (no cookie, no token in its HTML)."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from newsletter.models import Subscriber
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory
from tests.e2e.conftest import ask, shot

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture(autouse=True)
def _quick_forms(settings):
    settings.ANTISPAM_MIN_SECONDS = 1  # a person in a test types faster than a real one


@pytest.fixture
def article():
    SiteSettings.load()
    return ArticleFactory(title="Calf pain after hills", slug="calf-pain")


def cached_page(new_context, url: str, **context_options):
    """A first reader fills the cache; a second, new browser gets the cached copy."""
    first = new_context().new_page()
    first.goto(url)
    page = new_context(**context_options).new_page()
    response = page.goto(url)
    assert response.headers.get("x-page-cache") == "hit"
    assert "set-cookie" not in response.headers
    assert "public" in response.headers["cache-control"]
    return page


def test_with_javascript_a_cached_page_asks_and_signs_up(new_context, article, screenshot_dir):
    page = cached_page(new_context, article.get_absolute_url())
    # No cookie from the server; newsletter.js notes that the banner was seen.
    assert [c["name"] for c in page.context.cookies()] == ["newsletter_banner"]
    form = page.locator("#comment-form")
    form.get_by_label("Name", exact=True).fill("Zoë Runner")
    form.get_by_label("Email", exact=True).fill("zoe@example.com")
    form.get_by_label("Your question or comment").fill("Do calf raises help on hills?")
    token = form.locator('input[name="csrfmiddlewaretoken"]')
    expect(token).not_to_have_value("")  # fetched on first focus
    expect(form.locator('input[name="submission_key"]')).not_to_have_value("")
    assert any(c["name"] == "csrftoken" for c in page.context.cookies())
    page.wait_for_timeout(1100)
    form.get_by_role("button", name="Post").click()
    expect(page.locator(".message")).to_contain_text("awaiting moderation")
    expect(page.locator(".comment--pending")).to_contain_text("Do calf raises help on hills?")
    shot(page, screenshot_dir, "cached-1-js-comment.png", load_lazy=False)
    comment = Comment.objects.get()
    assert comment.state == Comment.State.PENDING and comment.submission_key

    # The banner signs up in place from another cached page, in a fresh browser.
    page = cached_page(new_context, "/")
    banner = page.locator("aside.nl-banner")
    banner.get_by_label("Email", exact=True).fill("zoe@example.com")
    banner.get_by_label("Yes, email me").check()
    page.wait_for_timeout(1100)
    banner.get_by_role("button", name="Join").click()
    expect(banner.locator("[data-newsletter-status]")).to_contain_text("Check your inbox")
    shot(page, screenshot_dir, "cached-2-js-newsletter.png", load_lazy=False)
    assert Subscriber.objects.filter(email="zoe@example.com").exists()


def test_a_form_sent_before_the_token_arrives_waits_for_it(new_context, article):
    page = cached_page(new_context, article.get_absolute_url())
    page.route("**/forms/token/", lambda route: (page.wait_for_timeout(800), route.continue_()))
    form = page.locator("#comment-form")
    # Filled without focus events reaching forms.js first: the submit itself asks.
    page.evaluate(
        """() => {
        const f = document.getElementById('comment-form');
        f.elements.name.value = 'Quick Reader';
        f.elements.email.value = 'quick@example.com';
        f.elements.text.value = 'Sent before the token came back.';
    }"""
    )
    page.wait_for_timeout(1100)
    form.get_by_role("button", name="Post").click()
    expect(page.locator(".message")).to_contain_text("awaiting moderation")
    assert Comment.objects.get().text == "Sent before the token came back."


def test_without_javascript_a_cached_form_is_confirmed_once_more(
    new_context, article, screenshot_dir
):
    page = cached_page(new_context, article.get_absolute_url(), java_script_enabled=False)
    ask(page, "Marek NoScript", "marek@example.com", "Is foam rolling worth it?")
    expect(page.locator(".notice--warning")).to_contain_text("press Post once more to confirm")
    shot(page, screenshot_dir, "cached-3-nojs-confirm.png", load_lazy=False)
    assert not Comment.objects.exists()
    # The time trap counts from this page (the cached one carried no time): a fresh one.
    expect(page.locator('#comment-form input[name="rendered"]')).not_to_have_value("")
    expect(page.get_by_label("Your question or comment")).to_have_value("Is foam rolling worth it?")
    page.wait_for_timeout(1100)  # reading the note takes a person longer than the trap
    page.locator("#comment-form").get_by_role("button", name="Post").click()
    expect(page.locator(".message")).to_contain_text("awaiting moderation")
    shot(page, screenshot_dir, "cached-4-nojs-posted.png", load_lazy=False)
    assert Comment.objects.get().state == Comment.State.PENDING


def test_a_quick_reader_on_a_cached_page_is_not_taken_for_a_bot(
    new_context, article, settings, screenshot_dir
):
    """The time trap counts from the token fetch (the first focus), at its real threshold:
    a reader who types and posts sooner is held back by forms.js until it has passed,
    never flagged as spam."""
    settings.ANTISPAM_MIN_SECONDS = 3
    page = cached_page(new_context, article.get_absolute_url())
    form = page.locator("#comment-form")
    rendered = form.locator('input[name="rendered"]')
    expect(rendered).to_have_value("")  # the cached copy carries no render time
    form.get_by_label("Name", exact=True).fill("Ada Quick")
    expect(rendered).not_to_have_value("")  # fetched with the token, on the first focus
    form.get_by_label("Email", exact=True).fill("ada@example.com")
    form.get_by_label("Your question or comment").fill("Are hill repeats good for calves?")
    form.get_by_role("button", name="Post").click()  # well inside the 3 seconds
    expect(page.locator(".message")).to_contain_text("awaiting moderation", timeout=8000)
    shot(page, screenshot_dir, "cached-5-quick-reader.png", load_lazy=False)
    comment = Comment.objects.get()
    assert comment.state == Comment.State.PENDING and comment.name == "Ada Quick"


def test_a_failed_token_fetch_is_explained_not_flagged(new_context, article, screenshot_dir):
    """No token (the fetch fails): the form goes as it is and comes back on the restore
    page, with what was typed and a note; nothing is silently taken for spam."""
    page = cached_page(new_context, article.get_absolute_url())
    page.route("**/forms/token/", lambda route: route.abort())
    ask(page, "Noor Offline", "noor@example.com", "Does the token fetch matter?")
    expect(page.locator(".notice--warning")).to_contain_text("press Post once more to confirm")
    expect(page.get_by_label("Your question or comment")).to_have_value(
        "Does the token fetch matter?"
    )
    shot(page, screenshot_dir, "cached-6-token-failed.png", load_lazy=False)
    assert not Comment.objects.exists()
    page.wait_for_timeout(1100)
    page.locator("#comment-form").get_by_role("button", name="Post").click()
    expect(page.locator(".message")).to_contain_text("awaiting moderation")
    assert Comment.objects.get().state == Comment.State.PENDING
