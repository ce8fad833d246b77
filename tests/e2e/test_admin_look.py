"""What every admin shares, seen in a browser: state badges coloured from one stylesheet,
and dates and times in the site's one format."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.e2e.conftest import login, shot
from tests.runnerhub.factories import UserFactory

pytestmark = pytest.mark.usefixtures("transactional_db")

POSTED = datetime(2026, 6, 10, 12, 4, tzinfo=UTC)  # 1:04pm in London


def background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_badges_and_dates_look_the_same_in_every_admin(page, screenshot_dir):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    ArticleFactory(title="Live one")
    ArticleFactory(title="Later one", publish_at=timezone.now() + timedelta(days=3))
    ArticleFactory(title="Draft one", status=Article.Status.DRAFT, publish_at=None)
    for state in Comment.State.values:
        CommentFactory(state=state, name=f"Reader {state}", created_at=POSTED)
    login(page, "boss")

    page.goto(f"{ADMIN}articles/article/")
    live = page.locator(".rh-badge", has_text="Live").first
    expect(live).to_be_visible()
    assert background(live) == "rgb(26, 127, 55)"
    assert background(page.locator(".rh-badge", has_text="Scheduled").first) == "rgb(31, 78, 121)"
    assert background(page.locator(".rh-badge", has_text="Draft").first) == "rgb(87, 96, 106)"
    shot(page, screenshot_dir, "admin-article-badges.png", load_lazy=False)

    page.goto(f"{ADMIN}comments/comment/")
    for label, colour in [
        ("Published", "rgb(26, 127, 55)"),
        ("Awaiting moderation", "rgb(154, 103, 0)"),
    ]:
        assert background(page.locator(".rh-badge", has_text=label).first) == colour
    expect(
        page.locator("#result_list").get_by_text("June 10, 2026 at 1:04pm").first
    ).to_be_visible()
    shot(page, screenshot_dir, "admin-comment-badges.png", load_lazy=False)
