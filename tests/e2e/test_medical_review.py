"""A medical reviewer finds an overdue medical review on the admin's home page, marks the
article reviewed in one click, and readers see "Medically reviewed by <name>, <date>" at
once. An editor who is not a medical reviewer sees the review due, but no button."""

import os
import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from runnerhub import dates
from runnerhub.models import SiteSettings
from tests.admin_paths import ADMIN
from tests.articles.factories import TopicFactory
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    article_with_hero,
    editor_user,
    login,
    medical_reviewer_user,
)
from tests.runnerhub.factories import StaffFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


def _overdue_article():
    topic = TopicFactory(name="Injuries & recovery", slug="injuries")
    return article_with_hero(
        "trail",
        alt="A trail runner on a rocky path",
        title="Shin splints: what actually helps",
        slug="shin-splints",
        topic=topic,
        reviewer=StaffFactory(display_name="Marcus Bell", username="marcus"),
        last_reviewed=timezone.localdate() - timedelta(days=400),
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_medical_reviewer_marks_an_overdue_article_reviewed(
    new_context, live_server, screenshot_dir, viewport
):
    SiteSettings.load()
    article = _overdue_article()
    medical_reviewer_user(username="eddie", display_name="Eddie Fox", public_title="Physio")
    name = "desktop" if viewport == DESKTOP else "phone"
    page = new_context(viewport=viewport).new_page()
    login(page, "eddie")

    page.goto(ADMIN)
    panel = page.locator("#medical-reviews-due")
    expect(panel).to_contain_text("Medical reviews due")
    expect(panel.locator("h3")).to_have_text(["Injuries & recovery"])
    expect(panel.locator("li")).to_contain_text(["Shin splints: what actually helps"])
    expect(panel).to_contain_text("Overdue since")
    panel.screenshot(path=os.path.join(screenshot_dir, f"medical-review-panel-{name}.png"))

    panel.get_by_role("link", name="Shin splints: what actually helps").click()
    expect(page).to_have_url(re.compile(rf"/articles/article/{article.pk}/change/$"))
    page.locator("#mark-reviewed").click()
    expect(page.locator(".messagelist .success")).to_contain_text(
        "is marked medically reviewed today"
    )
    page.locator("fieldset", has=page.locator("#mark-reviewed")).screenshot(
        path=os.path.join(screenshot_dir, f"medical-review-marked-{name}.png")
    )
    next_due = dates.day(dates.add_months(timezone.localdate(), 12))  # the site's 12 months
    expect(page.locator(".fieldBox.field-review_due_on_form")).to_contain_text(next_due)

    reader = new_context(viewport=viewport).new_page()
    reader.goto(article.get_absolute_url())
    today = timezone.localdate()
    byline = reader.locator(".byline__reviewed")
    expect(byline).to_have_text(f"✓ Medically reviewed by Eddie Fox, {dates.day(today)}")
    expect(byline.locator("a")).to_have_attribute("href", "/authors/eddie-fox/")
    expect(byline.locator("time")).to_have_attribute("datetime", today.isoformat())
    reader.locator(".byline").screenshot(
        path=os.path.join(screenshot_dir, f"medical-review-byline-{name}.png")
    )
    results = Axe().run(reader)
    blocking = [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert blocking == []


def test_an_editor_who_is_not_a_medical_reviewer_has_no_button(new_context, live_server):
    SiteSettings.load()
    article = _overdue_article()
    editor_user(username="erin", display_name="Erin Hale")
    page = new_context(viewport=DESKTOP).new_page()
    login(page, "erin")
    page.goto(ADMIN)
    expect(page.locator("#medical-reviews-due")).to_contain_text("Shin splints")
    page.goto(f"{ADMIN}articles/article/{article.pk}/change/")
    expect(page.locator(".field-review_due_on_form").first).to_contain_text("Overdue since")
    expect(page.locator("#mark-reviewed")).to_have_count(0)


def test_the_review_due_badge_fits_the_article_list_at_1280_px(
    new_context, live_server, screenshot_dir
):
    SiteSettings.load()
    article = _overdue_article()
    article.title = "Shin splints: what actually helps, and what to leave alone this season"
    article.save()
    editor_user(username="erin", display_name="Erin Hale")
    page = new_context(viewport=DESKTOP).new_page()
    login(page, "erin")
    page.goto(f"{ADMIN}articles/article/")
    badge = page.locator("td.field-review_due .rh-badge")
    expect(badge).to_contain_text("Overdue since")
    box = badge.bounding_box()
    results = page.locator("#changelist .results").bounding_box()
    # Wholly inside the list (which scrolls sideways and clips what overflows it).
    assert box["x"] + box["width"] <= results["x"] + results["width"], (box, results)
    assert page.locator("#changelist .results").evaluate("e => e.scrollWidth <= e.clientWidth")
    page.screenshot(path=os.path.join(screenshot_dir, "medical-review-list-1280.png"))
