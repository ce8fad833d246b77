"""A reader follows an article's byline to its author's page: photo, title, bio, articles and
the questions answered; axe finds nothing serious there."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from comments.models import Comment
from tests.comments.factories import CommentFactory
from tests.e2e.conftest import DESKTOP, PHONE, hero_file, rich_article, shot, stub_third_party

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_byline_leads_to_the_author_page(new_context, live_server, screenshot_dir, viewport):
    article = rich_article()
    author = article.author
    author.display_name = "Maya Okafor"
    author.public_title = "Physiotherapist"
    author.bio = "Maya treats runners' knees and ankles at the shop's Saturday drop-in."
    author.slug = "maya-okafor"
    author.photo = hero_file("shoe")
    author.save()
    question = CommentFactory(article=article, text="Can I keep running through knee pain?")
    Comment(
        article=article,
        parent=question,
        name=author.public_name,
        email=author.email,
        text="Only if it stays under 3 out of 10.",
        state=Comment.State.PUBLISHED,
        user=author,
        is_staff_reply=True,
        staff_title=author.public_title,
    ).save()

    page = new_context(viewport=viewport).new_page()
    stub_third_party(page, live_server.url)
    page.goto(article.get_absolute_url())
    page.locator(".byline__author").get_by_role("link", name="Maya Okafor").click()
    expect(page).to_have_url(f"{live_server.url}/authors/maya-okafor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Okafor")
    expect(page.locator(".author__title")).to_have_text("Physiotherapist")
    expect(page.locator("img.author__photo")).to_be_visible()
    expect(page.get_by_role("link", name=article.title).first).to_be_visible()
    answers = page.locator(".staff-answers")
    expect(answers).to_contain_text("Can I keep running through knee pain?")
    shot(page, screenshot_dir, f"author-page-{viewport['width']}.png")

    serious = [
        v for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not serious, [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in serious]

    # The staff badge under the article leads to the same page.
    page.goto(article.get_absolute_url())
    page.locator(".comment--staff .badge--staff").click()
    expect(page).to_have_url(f"{live_server.url}/authors/maya-okafor/")
