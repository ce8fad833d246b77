"""A reader's journey through the public site, on a desktop and on a phone."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.articles.factories import ArticleFactory, FAQItemFactory, TopicFactory
from tests.e2e.conftest import LOAD_IMAGE_JS, PHONE, article_with_hero, shot

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def site_content():
    injuries = TopicFactory(name="Injuries & recovery", slug="injuries", order=1)
    training = TopicFactory(name="Training", slug="training", order=2)
    hamstring = article_with_hero(
        "hills",
        alt="Green hills under an evening sky",
        title="Hamstring strains in runners",
        slug="hamstring-strains",
        lead="Why hamstrings tear when you sprint, and how to come back without a setback.",
        body=(
            "<h2>1. Why it happens</h2><p>Overstriding loads the hamstring as the leg swings"
            " forward.</p><h2>2. Coming back</h2><p>Walk, then jog, then build speed.</p>"
        ),
        topic=injuries,
        featured=True,
        reviewed_by="Sam Patel, physiotherapist",
        last_reviewed=date(2026, 10, 1),
    )
    FAQItemFactory(
        article=hamstring, question="Can I run with a sore hamstring?", answer="Gently, if easy."
    )
    FAQItemFactory(article=hamstring, question="Ice or heat?", answer="Ice in the first two days.")
    article_with_hero(
        "road",
        alt="A road winding towards the horizon",
        title="Shin splints: what actually helps",
        slug="shin-splints",
        topic=injuries,
        body="<p>Reduce the load for a while and strengthen your calves.</p>",
    )
    article_with_hero(
        "track",
        alt="An empty running track at sunrise",
        title="Your first marathon taper",
        slug="marathon-taper",
        topic=training,
        body="<p>Cut your volume by a third in the last two weeks.</p>",
    )
    ArticleFactory(title="A draft nobody sees", slug="secret-draft", status="draft", topic=training)
    return hamstring


def _images_loaded(page, selector: str) -> list[int]:
    page.locator(selector).first.wait_for()
    return page.eval_on_selector_all(selector, f"imgs => Promise.all(imgs.map({LOAD_IMAGE_JS}))")


def test_reader_goes_from_home_to_article_topic_and_search(page, site_content, screenshot_dir):
    page.goto("/")
    expect(page).to_have_title(re.compile("RunnerHub"))
    cards = page.locator("article.card")
    expect(cards).to_have_count(3)
    expect(page.get_by_text("A draft nobody sees")).to_have_count(0)
    # The topic chips count published articles only.
    expect(page.locator(".chips .chip", has_text="Injuries & recovery")).to_contain_text("2")
    expect(page.locator(".chips .chip", has_text="Training")).to_contain_text("1")
    assert all(width > 0 for width in _images_loaded(page, "img.card__img"))
    shot(page, screenshot_dir, "reader-home-desktop.png")

    page.locator(".card__title a", has_text="Hamstring strains in runners").click()
    expect(page).to_have_url(re.compile(r"/articles/hamstring-strains/$"))
    expect(page.locator("h1")).to_have_text("Hamstring strains in runners")
    expect(page.locator(".article__lead")).to_contain_text("Why hamstrings tear")
    crumbs = page.get_by_role("navigation", name="Breadcrumb").locator("li")
    expect(crumbs).to_have_text(["Home", "Injuries & recovery", "Hamstring strains in runners"])
    expect(crumbs.last).to_have_attribute("aria-current", "page")
    hero = page.locator("img.article__hero-img")
    expect(hero).to_have_attribute("alt", "Green hills under an evening sky")
    expect(hero).to_have_attribute("srcset", re.compile(r"480w.*800w.*1200w.*1300w"))
    assert _images_loaded(page, "img.article__hero-img")[0] > 0
    # 1040 CSS px wide at 1x: the browser picks the 1200 px rendition.
    assert hero.evaluate("img => img.currentSrc").endswith("-1200w.webp")
    expect(page.locator(".article__body h2").first).to_have_text("1. Why it happens")
    expect(page.locator(".byline")).to_contain_text(
        "Medically reviewed by Sam Patel, physiotherapist"
    )

    faq = page.locator("section.faq")
    expect(faq.get_by_role("heading", name="Frequently asked questions")).to_be_visible()
    first, second = faq.locator("details").nth(0), faq.locator("details").nth(1)
    expect(first).to_have_attribute("open", "")
    expect(first.locator(".faq__answer")).to_be_visible()
    expect(second.locator(".faq__answer")).to_be_hidden()
    second.locator("summary").click()
    expect(second.locator(".faq__answer")).to_have_text("Ice in the first two days.")
    # The other article in the same topic is offered at the end.
    expect(page.locator(".related")).to_contain_text("Shin splints: what actually helps")
    shot(page, screenshot_dir, "reader-article-desktop.png")

    crumbs.nth(1).get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/topics/injuries/$"))
    expect(page.locator("h1")).to_have_text("Injuries & recovery")
    titles = page.locator(".card__title")
    expect(titles).to_have_count(2)
    expect(titles).to_contain_text(["Shin splints", "Hamstring strains in runners"])
    expect(page.get_by_text("Your first marathon taper")).to_have_count(0)
    shot(page, screenshot_dir, "reader-topic-desktop.png")

    search = page.get_by_role("search").get_by_role("searchbox", name="Search articles")
    search.fill("hamstring")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=hamstring$"))
    expect(page.locator(".search-summary")).to_have_text("1 article matches “hamstring”.")
    results = page.locator("li.result")
    expect(results).to_have_count(1)
    expect(results.locator(".result__title")).to_have_text("Hamstring strains in runners")
    marks = results.locator("mark")
    expect(marks.first).to_have_text(re.compile("^hamstring$", re.I))
    # The header search box keeps the query.
    expect(page.locator("#site-search-q")).to_have_value("hamstring")
    shot(page, screenshot_dir, "reader-search-desktop.png")


def test_reader_on_a_phone(new_context, site_content, screenshot_dir):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto("/")
    expect(page.locator("article.card")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the home page scrolls sideways on a 375 px phone"
    )
    _images_loaded(page, "img.card__img")
    shot(page, screenshot_dir, "reader-home-phone.png")

    page.locator(".card__title a", has_text="Hamstring strains in runners").tap()
    expect(page.locator("h1")).to_have_text("Hamstring strains in runners")
    expect(page.locator("section.faq details")).to_have_count(2)
    hero = page.locator("img.article__hero-img")
    expect(hero).to_be_visible()
    box = hero.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    # On a phone the browser picks a small rendition from the srcset.
    assert re.search(r"-(480|800)w\.webp$", hero.evaluate("img => img.currentSrc")), hero.evaluate(
        "img => img.currentSrc"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (
        "the article page scrolls sideways on a 375 px phone"
    )
    shot(page, screenshot_dir, "reader-article-phone.png")
