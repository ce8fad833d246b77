"""A sent issue on the web: the archive and the web version in Chromium, on a desktop and a
phone, with nothing of any subscriber on them; a draft is not there."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from newsletter import sending
from newsletter.models import Issue
from runnerhub.models import SiteSettings
from tests.admin_paths import ADMIN
from tests.e2e.conftest import PHONE, shot
from tests.newsletter.factories import CalloutFactory, IssueFactory, SubscriberFactory

pytestmark = pytest.mark.usefixtures("transactional_db")

BODY = (
    "<h2>This week on RunnerHub</h2>"
    '<h3><a href="/articles/calf-raises/">Calf raises for stronger runs</a></h3>'
    "<p>Three sets of fifteen, twice a week: our physio's plan for calves that last.</p>"
    "<ul><li>Start with both feet</li><li>Then one foot at a time</li></ul>"
)


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page."""
    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v["impact"] in ("serious", "critical")]


def test_the_archive_and_the_web_version_show_the_issue_and_nothing_personal(
    page, new_context, screenshot_dir
):
    SiteSettings.load()
    reader = SubscriberFactory(first_name="Zebedee", email="zebedee.private@example.com")
    older = IssueFactory(subject="Long runs without the wall", preheader="Fuel, pace, sleep")
    Issue.objects.filter(pk=older.pk).update(
        status=Issue.Status.SENT, started_at=timezone.now() - timedelta(days=7)
    )
    issue = IssueFactory(
        subject="Calf raises and 20% off foam rollers",
        preheader="New advice from our physios, and an offer",
        body=BODY,
    )
    CalloutFactory(issue=issue, title="20% off foam rollers this week")
    CalloutFactory(issue=issue, kind="event", title="Free physio drop-in", when="Saturday 9am")
    IssueFactory(subject="Next week's draft")
    sending.issue_start(issue)
    sending.run_sender(issue.pk)

    page.goto("/newsletter/archive/")
    titles = page.locator(".nl-archive__title")
    expect(titles).to_have_count(2)
    expect(titles.first).to_have_text("Calf raises and 20% off foam rollers")
    expect(titles.nth(1)).to_have_text("Long runs without the wall")
    expect(page.locator("body")).not_to_contain_text("Next week's draft")
    shot(page, screenshot_dir, "newsletter-archive-desktop.png")
    assert serious_violations(page) == []

    titles.first.get_by_role("link").click()
    expect(page).to_have_url(f"{page.url.split('/newsletter/')[0]}/newsletter/{issue.pk}/")
    expect(page.locator("h1")).to_have_text("Calf raises and 20% off foam rollers")
    expect(page.locator(".prose")).to_contain_text("Three sets of fifteen")
    expect(page.locator(".nl-callout")).to_have_count(2)
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical.endswith(f"/newsletter/{issue.pk}/")
    og_title = page.locator('meta[property="og:title"]').get_attribute("content")
    assert og_title == "Calf raises and 20% off foam rollers"
    html = page.content()
    for personal in ("Zebedee", "zebedee.private@example.com", "/newsletter/unsubscribe/"):
        assert personal not in html
    shot(page, screenshot_dir, "newsletter-issue-desktop.png")
    assert serious_violations(page) == []

    phone = new_context(viewport=PHONE).new_page()
    phone.goto(f"/newsletter/{issue.pk}/")
    expect(phone.locator("h1")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone
    shot(phone, screenshot_dir, "newsletter-issue-phone.png")
    assert serious_violations(phone) == []

    draft = Issue.objects.get(subject="Next week's draft")
    assert page.goto(f"/newsletter/{draft.pk}/").status == 404
    assert reader.pk  # the subscriber was there all along, and is on no page


def test_admin_shows_an_issues_clicks(page, screenshot_dir):
    from django.test import Client

    from tests.e2e.conftest import login
    from tests.runnerhub.factories import StaffFactory
    from tests.shop.factories import ProductFactory

    SiteSettings.load()
    StaffFactory(username="chief", is_superuser=True)
    ProductFactory(slug="foam-roller", name="Foam roller")
    issue = IssueFactory(subject="Rollers week")
    sent = timezone.now() - timedelta(hours=2)
    # A send that finished (the admin says "Started ..., finished ...", not "still sending").
    Issue.objects.filter(pk=issue.pk).update(
        status=Issue.Status.SENT, started_at=sent, finished_at=sent + timedelta(minutes=4)
    )
    agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36"
    for n in range(3):
        Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=f"203.0.113.{n}").get(
            f"/go/foam-roller/?m=newsletter&i={issue.pk}"
        )
    Client(HTTP_USER_AGENT=agent).get(f"/newsletter/{issue.pk}/go/?next=/articles/")
    login(page, "chief")
    page.goto(f"{ADMIN}newsletter/issue/{issue.pk}/change/")
    expect(page.locator(".field-click_report")).to_contain_text("4 clicks, by 4 readers")
    expect(page.locator(".field-click_report")).to_contain_text("Foam roller")
    expect(page.locator(".field-sent_times")).to_contain_text("finished")
    shot(page, screenshot_dir, "newsletter-issue-clicks-admin.png", load_lazy=False)
