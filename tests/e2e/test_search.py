"""A reader searches from the header: highlighted snippets, pages of results, and a clear
message for an empty, too long or hostile query."""

import re

import pytest
from playwright.sync_api import expect

from tests.articles.factories import ArticleFactory, TopicFactory
from tests.e2e.conftest import shot

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def tempo_articles():
    """Fourteen matches (two pages of 12), the title match first, and one that does not match."""
    training = TopicFactory(name="Training", slug="training")
    best = ArticleFactory(
        title="Tempo runs, explained",
        slug="tempo-runs",
        lead="Comfortably hard: the pace you could hold for about an hour.",
        body="<p>Start with two blocks of ten minutes at tempo pace.</p>",
        topic=training,
    )
    for n in range(13):
        ArticleFactory(
            title=f"Week {n + 1} of the 10K plan",
            lead="A week of easy miles with one quality session.",
            body=f"<p>Thursday: {n + 15} minutes at tempo effort, then jog home.</p>",
            topic=training,
        )
    ArticleFactory(title="Choosing trail shoes", body="<p>Grip matters more than cushioning.</p>")
    return best


def _header_search(page):
    return page.get_by_role("banner").get_by_role("search").get_by_role("searchbox")


def test_reader_searches_from_the_header_and_pages(page, tempo_articles, screenshot_dir):
    page.goto("/")
    box = _header_search(page)
    box.fill("tempo")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=tempo$"))
    expect(page.locator(".search-summary")).to_have_text("14 articles match “tempo”.")
    results = page.locator("li.result")
    expect(results).to_have_count(12)
    # Ranked: the title match first, its title and snippet highlighted.
    first = results.first
    expect(first.locator(".result__title")).to_have_text("Tempo runs, explained")
    expect(first.locator(".result__title mark")).to_have_text(re.compile("^tempo$", re.I))
    expect(first.locator(".result__snippet mark").first).to_have_text(re.compile("^tempo$", re.I))
    # Every snippet shows where its article matched.
    assert results.locator(".result__snippet").filter(has=page.locator("mark")).count() == 12
    expect(page.locator(".pagination__status")).to_have_text("Page 1 of 2")
    shot(page, screenshot_dir, "search-page-1.png")

    page.get_by_role("link", name="Older →").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=tempo&page=2$"))
    expect(page.locator(".search-summary")).to_have_text("14 articles match “tempo”.")
    expect(results).to_have_count(2)
    expect(page.locator(".pagination__status")).to_have_text("Page 2 of 2")
    expect(results.locator(".result__snippet mark")).to_have_count(2)
    shot(page, screenshot_dir, "search-page-2.png")

    page.get_by_role("link", name="← Newer").click()
    expect(results.first.locator(".result__title")).to_have_text("Tempo runs, explained")


def test_empty_and_hostile_queries_get_a_clear_message(page, tempo_articles, screenshot_dir):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/")
    _header_search(page).press("Enter")  # nothing typed
    expect(page.locator("h1")).to_have_text("Search")
    expect(page.locator(".empty")).to_have_text(
        "Type a few words: an injury, a race distance, a piece of kit."
    )
    expect(page.locator("li.result")).to_have_count(0)

    hostile = '<script>alert(1)</script> "tempo -'
    box = _header_search(page)
    box.fill(hostile)
    box.press("Enter")
    # Shown as typed (escaped), searched as words: the tags are not markup, the stray quote
    # and minus not a syntax error.
    expect(page.locator(".search-summary")).to_contain_text(f"“{hostile}”")
    expect(page.locator("script", has_text="alert(1)")).to_have_count(0)
    shot(page, screenshot_dir, "search-hostile.png")

    response = page.goto("/search/?q=" + "a" * 201)
    assert response.status == 200
    expect(page.get_by_role("alert")).to_have_text(
        "Search terms can be at most 200 characters long."
    )
    expect(page.locator("li.result")).to_have_count(0)

    response = page.goto("/search/?q=tempo&page=99")
    assert response.status == 404
    assert dialogs == []
