"""A 375 px phone: the topic menu shows that it scrolls, and no page scrolls sideways."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from comments.models import Comment
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.comments.factories import CommentFactory
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.usefixtures("transactional_db")

SIGNS = """() => {
  const nav = document.querySelector('.site-nav');
  const list = nav.querySelector('.site-nav__list');
  const sign = side => {
    const style = getComputedStyle(nav, side);
    return style.content === 'none' ? 0 : Number(style.opacity) * parseFloat(style.width);
  };
  return {overflows: list.scrollWidth > list.clientWidth, scroll: list.scrollLeft,
          max: list.scrollWidth - list.clientWidth, left: sign('::before'), right: sign('::after')};
}"""


@pytest.fixture(autouse=True)
def _quick_forms(settings):
    settings.ANTISPAM_MIN_SECONDS = 1
    cache.clear()


@pytest.fixture
def site():
    """The demo's topics (too many for a phone's width), an article with every part, a shop
    category."""
    SiteSettings.load()
    topics = [
        TopicFactory(name=name, slug=slug)
        for name, slug in (
            ("Injuries & recovery", "injuries"),
            ("Training", "training"),
            ("Gear", "gear"),
            ("Nutrition", "nutrition"),
        )
    ]
    category = ShopCategoryFactory(slug="muscle-recovery", name="Muscle recovery")
    roller = ProductFactory(slug="roller", category=category, name="Foam roller")
    article = ArticleFactory(
        slug="hamstrings",
        title="Hamstring strains in runners",
        topic=topics[0],
        body="<p>Rolling helps.</p><p>[shop muscle-recovery]</p><p>[product roller]</p>",
    )
    ArticleProductFactory(article=article, product=roller)
    CommentFactory(article=article, name="Jo", text="Does this work for calves too?")
    return {"article": article, "category": category, "topics": topics}


def _signs(page):
    return page.evaluate(SIGNS)


def test_the_topic_menu_shows_that_it_scrolls(new_context, site, screenshot_dir):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    menu = page.locator(".site-nav__list")
    signs = _signs(page)
    assert signs["overflows"], "the demo's topics should not fit a 375 px phone"
    # More to the right: the sign on the right shows, none on the left.
    assert signs["right"] >= 40 and signs["left"] == 0, signs
    shot(page, screenshot_dir, "phone-topics-start.png")
    # Swiped halfway: both; at the end: only the left one.
    menu.evaluate("list => list.scrollTo({left: (list.scrollWidth - list.clientWidth) / 2})")
    page.wait_for_timeout(200)
    signs = _signs(page)
    assert signs["right"] > 0 and signs["left"] > 0, signs
    menu.evaluate("list => list.scrollTo({left: list.scrollWidth})")
    page.wait_for_timeout(200)
    signs = _signs(page)
    assert signs["scroll"] == signs["max"] and signs["right"] == 0 and signs["left"] > 0, signs
    # The last topic is clear of the sign at the end.
    last = menu.locator("a").last.bounding_box()
    assert last["x"] + last["width"] <= PHONE["width"] - 40, last


def test_every_topic_is_reachable_by_keyboard_and_never_covered(new_context, site):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    links = page.locator(".site-nav__list a")
    names = links.all_inner_texts()
    assert names[0] == "All articles"
    assert sorted(names[1:]) == ["Gear", "Injuries & recovery", "Nutrition", "Training"]
    page.locator("#site-search-q").focus()
    page.keyboard.press("Tab")  # the search button
    for name in names:
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == name
        box = links.filter(has_text=name).first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
        signs = _signs(page)
        assert signs["left"] == 0 and signs["right"] == 0, (name, signs)


def test_the_current_topic_is_in_view_on_its_page(new_context, site):
    page = new_context(viewport=PHONE).new_page()
    page.goto("/")
    last = page.locator(".site-nav__list a").last
    assert last.bounding_box()["x"] >= PHONE["width"], "the last topic starts off-screen"
    name, href = last.inner_text(), last.get_attribute("href")
    page.goto(href)
    current = page.locator('.site-nav__list a[aria-current="page"]')
    expect(current).to_have_text(name)
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 700, "height": 900}], ids=["wide", "fits"])
def test_no_sign_when_every_topic_fits(new_context, site, viewport):
    page = new_context(viewport=viewport).new_page()
    page.goto("/")
    signs = _signs(page)
    assert not signs["overflows"]
    assert signs["left"] == 0 and signs["right"] == 0, signs


def test_the_signs_work_with_reduced_motion(new_context, site):
    page = new_context(viewport=PHONE, reduced_motion="reduce").new_page()
    page.goto("/")
    signs = _signs(page)
    assert signs["right"] >= 40 and signs["left"] == 0, signs


def test_no_page_scrolls_sideways_on_a_phone(new_context, site, live_server):
    article = site["article"]
    question = Comment.objects.get()
    pages = [
        "/",
        article.get_absolute_url(),
        site["category"].get_absolute_url(),
        "/newsletter/",
        "/articles/",
        "/topics/injuries/",
        "/search/?q=rolling",
        f"/comments/reply/{question.pk}/",
    ]
    context = new_context(viewport=PHONE)
    page = context.new_page()
    for path in pages:
        for visit in ("first", "later"):
            if visit == "first":
                context.clear_cookies()
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{path} ({visit} page) is {width} px wide"

    # The CSRF restore page: a comment posted after the security cookie was lost.
    page.goto(article.get_absolute_url())
    form = page.locator("#comment-form")
    form.locator("[name=name]").fill("Jo Reader")
    form.locator("[name=email]").fill("jo@example.com")
    form.locator("[name=text]").fill("Does this work for calves too?")
    context.clear_cookies()
    page.wait_for_timeout(1100)
    form.get_by_role("button", name="Post").click()
    expect(page).to_have_url(re.compile(r"/comments/restore/[\w-]+/$"))
    expect(page.locator("textarea")).to_have_value("Does this work for calves too?")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
