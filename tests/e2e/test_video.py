"""Click-to-load video: nothing is requested from the video site until the reader presses play."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    THIRD_PARTY_VIDEO_HOSTS,
    YOUTUBE_URL,
    is_local,
    rich_article,
    shot,
    stub_third_party,
)

pytestmark = pytest.mark.usefixtures("transactional_db")

CASES = {
    "youtube": (YOUTUBE_URL, r"^https://www\.youtube-nocookie\.com/embed/dQw4w9WgXcQ\?autoplay=1$"),
    "vimeo": (
        "https://vimeo.com/76979871",
        r"^https://player\.vimeo\.com/video/76979871\?autoplay=1&dnt=1$",
    ),
}


@pytest.mark.parametrize("provider", CASES)
def test_video_loads_only_after_a_click(new_context, live_server, provider, screenshot_dir):
    video_url, embed_src = CASES[provider]
    rich_article(video_url=video_url)
    context = new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    stub_third_party(context, live_server.url)
    page = context.new_page()

    page.goto("/articles/runners-knee/", wait_until="networkidle")
    figure = page.locator(".article__body figure.video")
    poster = figure.locator(".video__poster")
    expect(poster).to_be_visible()
    # The [video] marker put it between the two sections.
    assert page.locator(".article__body > *").evaluate_all(
        "els => els.map(e => e.tagName + (e.className ? '.' + e.className : ''))"
    )[:4] == ["H2", "P", "FIGURE.video", "H2"]
    expect(poster).to_have_attribute("href", video_url)
    expect(poster).to_contain_text("Play the video")
    expect(page.locator("iframe")).to_have_count(0)
    assert requested, "no requests were recorded"
    video_requests = [u for u in requested if any(h in u for h in THIRD_PARTY_VIDEO_HOSTS)]
    assert video_requests == [], f"requested before the click: {video_requests}"
    third_party = [u for u in requested if not is_local(u, live_server.url)]
    assert third_party == [], f"third-party requests on an article page: {third_party}"

    with page.expect_request(re.compile(embed_src)):
        poster.click()
    frame = figure.locator("iframe.video__frame")
    expect(frame).to_have_attribute("src", re.compile(embed_src))
    expect(frame).to_have_attribute("title", "Video: Runner's knee: a return-to-running plan")
    expect(poster).to_have_count(0)
    # The (stubbed) player really loaded in the frame, and keyboard focus moved to it.
    expect(page.frame_locator("iframe.video__frame").locator("body")).to_have_text(
        "Stub third-party player"
    )
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    # Still nothing from the other video site, and no tracking-mode YouTube.
    assert not [u for u in requested if re.match(r"https?://(www\.)?youtube\.com/", u)]
    if provider == "youtube":
        assert not [u for u in requested if "vimeo" in u]
        shot(page, screenshot_dir, "video-after-click.png")
