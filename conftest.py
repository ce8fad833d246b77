"""Shared pytest fixtures: a Chromium browser for tests/e2e, and common data."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls in the same
# thread are safe here (pytest-django's live server runs in its own thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: rate limits, counted clicks and kept forms of
    one test never leak into the next (nor the page cache's memory of a cache that was away)."""
    from django.core.cache import cache

    from runnerhub import pagecache

    cache.clear()
    pagecache._state.update(cache_down_until=0.0, bump_missed=False)


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    """Rate limits count in fixed windows of wall-clock time (runnerhub/ratelimit.py): a test
    whose posts straddled a window's edge would see its count start again and fail now and
    then, more often on a loaded machine. Within a test, every request falls in one window."""
    import time
    import types

    from runnerhub import ratelimit

    started = time.time()
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: started))


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", "chromium"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def _no_browser(reason: str):
    # In CI the browser tests are part of the contract: a run without them must fail.
    if os.environ.get("CI"):
        pytest.fail(f"{reason} CI must run the browser tests.", pytrace=False)
    pytest.skip(f"{reason} Browser tests skipped (install Debian's chromium to run them).")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("Playwright is not installed.")
    path = _chromium_path()
    if path is None:
        _no_browser("No Chromium found at /usr/bin/chromium, $CHROMIUM_PATH or on PATH.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot_dir() -> str:
    path = os.path.join(os.path.dirname(__file__), "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
