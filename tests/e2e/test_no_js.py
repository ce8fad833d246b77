"""With JavaScript off the site still works: articles read, FAQ opens, search finds."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, YOUTUBE_URL, rich_article, shot, stub_third_party

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_reading_and_searching_without_javascript(new_context, live_server, screenshot_dir):
    rich_article()
    context = new_context(viewport=PHONE, java_script_enabled=False)
    stub_third_party(context, live_server.url)
    page = context.new_page()

    page.goto("/")
    page.locator(".card__title a", has_text="Runner's knee").first.click()
    expect(page).to_have_url(re.compile(r"/articles/runners-knee/$"))
    expect(page.locator("h1")).to_have_text("Runner's knee: a return-to-running plan")
    body = page.locator(".article__body")
    expect(body.locator("h2")).to_have_text(["1. Calm it down", "2. Build it back"])
    expect(body.locator("li")).to_have_text(["Squats to a chair", "Step-downs"])
    expect(page.locator("img.article__hero-img")).to_be_visible()
    # The FAQ is plain <details>: it opens without script.
    second = page.locator("section.faq details").nth(1)
    expect(second.locator(".faq__answer")).to_be_hidden()
    second.locator("summary").click()
    expect(second.locator(".faq__answer")).to_have_text("Yes, if it is painless.")
    # The video poster is an ordinary link to the video page.
    poster = page.locator(".video__poster")
    expect(poster).to_have_attribute("href", YOUTUBE_URL)
    expect(page.locator("iframe")).to_have_count(0)
    shot(page, screenshot_dir, "nojs-article-phone.png", load_lazy=False)
    # Without articles/video.js, pressing play opens the video's own page in a new tab (stubbed
    # here) instead of embedding it: proof that script really is off.
    with context.expect_page() as popup:
        poster.click()
    expect(popup.value).to_have_url(YOUTUBE_URL)
    expect(page.locator("iframe")).to_have_count(0)
    popup.value.close()

    search = page.locator("#site-search-q")
    search.fill("stairs")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=stairs$"))
    result = page.locator("li.result")
    expect(result).to_have_count(1)
    expect(result.locator(".result__title")).to_have_text("Runner's knee: a return-to-running plan")
    expect(result.locator("mark").first).to_have_text(re.compile("^stairs$", re.I))
    shot(page, screenshot_dir, "nojs-search-phone.png", load_lazy=False)
