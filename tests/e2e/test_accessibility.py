"""axe-core finds no serious or critical accessibility problem on the main public pages."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, rich_article, shot, stub_third_party

pytestmark = pytest.mark.usefixtures("transactional_db")

BLOCKING = ("serious", "critical")


def _blocking_violations(page) -> list[dict]:
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:8]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {node['target']}: {node['html'][:160]}  -- {summary[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", ["/", "/articles/runners-knee/"], ids=["home", "article"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_serious_accessibility_violations(
    new_context, live_server, path, viewport, screenshot_dir, request
):
    rich_article()
    page = new_context(viewport=viewport).new_page()
    stub_third_party(page, live_server.url)
    page.goto(path)
    expect(page.locator("h1")).to_be_visible()
    if path != "/":
        # The page really has the parts under test.
        expect(page.locator("figure.video .video__poster")).to_be_visible()
        expect(page.locator("section.faq details")).to_have_count(2)
        expect(page.locator("img.article__hero-img")).to_be_visible()
    violations = _blocking_violations(page)
    shot(page, screenshot_dir, f"axe-{request.node.callspec.id}.png")
    assert not violations, f"axe found on {path} at {viewport['width']} px:\n" + _describe(
        violations
    )


DEMO_PAGES = [
    "/articles/hamstring-strains-in-runners/",  # thread, staff badge, gear box, shop buttons
    "/shop/muscle-recovery/",
    "/newsletter/",
    "/articles/",
    "/search/?q=hamstring",
]


@pytest.mark.demo
def test_demo_pages_have_no_serious_accessibility_violations(
    new_context, live_server, settings, screenshot_dir
):
    """The demo's pages hold every part a page can have (reader thread, staff answer,
    accepted answer, gear box, calls to action in the body, newsletter box and banner)."""
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    problems = []
    for viewport in (DESKTOP, PHONE):
        page = new_context(viewport=viewport).new_page()
        stub_third_party(page, live_server.url)
        for path in DEMO_PAGES:
            page.goto(path)
            expect(page.locator("h1")).to_be_visible()
            if "hamstring-strains" in path:
                expect(page.locator(".comment--staff").first).to_be_visible()
                expect(page.locator(".gear-box")).to_be_visible()
            violations = _blocking_violations(page)
            if violations:
                problems.append(f"{path} at {viewport['width']} px:\n{_describe(violations)}")
        page.goto(DEMO_PAGES[0])
        shot(page, screenshot_dir, f"axe-demo-article-{viewport['width']}.png")
    assert not problems, "\n".join(problems)


def test_the_phone_banner_in_each_state_has_no_serious_violations(new_context, live_server):
    """A first page's compact banner (at rest and in use) and later pages' one-line banner,
    with the topic menu's scroll signs."""
    rich_article()
    page = new_context(viewport=PHONE).new_page()
    stub_third_party(page, live_server.url)
    problems = []
    page.goto("/")
    expect(page.locator("aside.nl-banner")).to_be_visible()
    problems += _blocking_violations(page)
    page.locator("aside.nl-banner").get_by_label("Email", exact=True).focus()
    problems += _blocking_violations(page)
    page.goto("/articles/runners-knee/")
    expect(page.locator("aside .nl-banner__open")).to_be_visible()
    problems += _blocking_violations(page)
    assert not problems, _describe(problems)
