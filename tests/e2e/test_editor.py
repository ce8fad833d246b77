"""An editor writes, schedules and publishes an article in the admin, with CKEditor 5 (our own
build, runnerhub/static/runnerhub/editor/): every tool of the toolbar, an image upload through
/editor/upload/, a body block line, and not one console error or outside request on the way."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.admin_paths import ADMIN
from tests.articles.factories import TagFactory, TopicFactory
from tests.e2e.conftest import (
    LOAD_IMAGE_JS,
    editor_user,
    is_local,
    jpeg_bytes,
    login,
    pick_autocomplete,
    shot,
    upload_into_editor,
)
from tests.runnerhub.test_editor_build import FIXED_IN, version_tuple

pytestmark = pytest.mark.usefixtures("transactional_db")

TITLE = "Hill repeats for beginners"
SLUG = "hill-repeats-for-beginners"
HEADING = "Find the right hill"
PARAGRAPH = "Pick a hill that takes about a minute to climb at a hard effort."
SECOND = "Jog back down slowly and repeat six times."
LINK_TEXT = "the hill finder"
LINK_URL = "https://example.com/hills"
ITEMS = ["Warm up for ten minutes", "Run up hard, jog down"]
QUOTE = "Hills are speed work in disguise."
CELLS = ["Week", "Repeats", "1", "6"]
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
IMAGE_ALT = "A runner halfway up a steep hill"
# The toolbar as editors know it (tooltips), in order.
TOOLBAR = [
    "Heading",
    "Bold (Ctrl+B)",
    "Italic (Ctrl+I)",
    "Link (Ctrl+K)",
    "Bulleted List",
    "Numbered List",
    "Block quote",
    "Insert table",
    "Upload image from computer",
    "Undo (Ctrl+Z)",
    "Redo (Ctrl+Y)",
]


def _watch(page, live_server_url: str) -> list[str]:
    """Console errors and warnings, uncaught exceptions and requests that leave the site."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and problems.append(f"{m.type}: {m.text}"),
    )
    page.on("pageerror", lambda error: problems.append(f"exception: {error}"))
    page.on(
        "request",
        lambda r: is_local(r.url, live_server_url) or problems.append(f"request: {r.url}"),
    )
    return problems


def test_editor_writes_schedules_and_publishes(page, new_context, live_server, screenshot_dir):
    editor = editor_user(username="erin", display_name="Erin Coach", public_title="Coach")
    TopicFactory(name="Injuries & recovery", slug="injuries")
    training = TopicFactory(name="Training", slug="training")
    TagFactory(name="hills", slug="hills")
    TagFactory(name="beginners", slug="beginners")
    problems = _watch(page, live_server.url)

    login(page, "erin")
    page.goto(f"{ADMIN}articles/article/")
    page.get_by_role("link", name="Add article").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(ADMIN)}articles/article/add/$"))
    # The editing area (table cells are editables of their own inside it).
    editable = page.locator(".ck-editor__main > .ck-editor__editable")
    expect(editable).to_be_visible()
    # The CKEditor that runs is a release with the XSS fixes (the build test reads the file).
    assert version_tuple(page.evaluate("window.CKEDITOR_VERSION")) >= FIXED_IN
    toolbar = page.locator(".ck-editor__top .ck-toolbar__items")
    tooltips = toolbar.locator(":scope > [data-cke-tooltip-text], :scope > .ck-dropdown > button")
    assert tooltips.evaluate_all("els => els.map(e => e.dataset.ckeTooltipText)") == TOOLBAR
    words = page.locator(".word-count .ck-word-count__words")
    expect(words).to_have_text("Words: 0")

    page.locator("#id_title").press_sequentially(TITLE)
    expect(page.locator("#id_slug")).to_have_value(SLUG)
    page.locator("#id_lead").fill("Short, steep efforts build strength without long sessions.")
    page.locator("#id_video_url").fill(VIDEO)

    # The body, typed into CKEditor like a person would: a heading, then two paragraphs.
    editable.click()
    page.locator(".ck-heading-dropdown .ck-dropdown__button").click()
    shot(page, screenshot_dir, "editor-heading-menu.png")
    page.locator(".ck-heading-dropdown .ck-list__item", has_text="Section heading").click()
    page.keyboard.type(HEADING)
    page.keyboard.press("Enter")
    page.keyboard.type(PARAGRAPH)
    page.keyboard.press("Enter")
    page.keyboard.type(SECOND)
    expect(editable.locator("h2")).to_have_text(HEADING)
    expect(editable.locator("p")).to_have_text([PARAGRAPH, SECOND])

    # A link, made with the link tool: the words to show and the address.
    page.keyboard.press("Enter")
    page.keyboard.type("Find one near you with ")
    toolbar.get_by_role("button", name="Link").click()
    page.get_by_role("textbox", name="Displayed text").fill(LINK_TEXT)
    page.get_by_role("textbox", name="Link URL").fill(LINK_URL)
    page.keyboard.press("Enter")
    expect(editable.locator("a")).to_have_attribute("href", LINK_URL)
    expect(editable.locator("a")).to_have_text(LINK_TEXT)

    # A bulleted list, then a quote, each left with Enter on an empty line.
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Bulleted List").click()
    for item in ITEMS:
        page.keyboard.type(item)
        page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Block quote").click()
    page.keyboard.type(QUOTE)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(editable.locator("ul li")).to_have_text(ITEMS)
    expect(editable.locator("blockquote")).to_have_text(QUOTE)

    # A body block line: typed as text on its own line, it places the video here.
    page.keyboard.type("[video]")
    page.keyboard.press("Enter")

    # An image uploaded into the body through CKEditor's own upload button.
    upload_into_editor(page, "hill.jpg", 1000, 600)
    body_image = editable.locator("img")
    expect(body_image).to_have_attribute(
        "src", re.compile(r"/media/editor/\d{4}/\d{2}/[0-9a-f]{16}-1000x600\.jpg$")
    )
    textarea = page.locator("textarea#id_body")
    expect(textarea).to_have_value(re.compile(r"/media/editor/.+\.jpg"))
    # The editor asks for the image's description (alt text) at once, and until it has one
    # says so under the editing area.
    alt_text = page.get_by_role("textbox", name="Text alternative")
    expect(alt_text).to_be_focused()
    missing_alt = page.locator(".image-alt-warning")
    expect(missing_alt).to_have_text(re.compile(r"^1 image has no description \(alt text\)\."))
    shot(page, screenshot_dir, "editor-asks-for-alt-text.png")
    alt_text.fill(IMAGE_ALT)
    page.keyboard.press("Enter")
    expect(body_image).to_have_attribute("alt", IMAGE_ALT)
    expect(missing_alt).to_be_hidden()

    # A table after the image (Enter on the selected image opens a line below it).
    page.keyboard.press("Enter")
    toolbar.get_by_role("button", name="Insert table").click()
    page.locator(".ck-insert-table-dropdown-grid-box").nth(11).click()  # 2 x 2
    for i, cell in enumerate(CELLS):
        if i:
            page.keyboard.press("Tab")
        page.keyboard.type(cell)
    expect(editable.locator("table td")).to_have_text(CELLS)

    # The textarea the form posts holds all of it, the body block line as a paragraph of its own.
    expect(textarea).to_have_value(re.compile(r"<p>\[video\]</p>"))
    expect(textarea).to_have_value(re.compile(rf'<a href="{re.escape(LINK_URL)}">'))
    expect(textarea).to_have_value(re.compile(r"<table>.*</table>"))
    typed = [HEADING, PARAGRAPH, SECOND, "Find one near you with", LINK_TEXT, *ITEMS, QUOTE]
    expected_words = len(" ".join([*typed, "[video]", *CELLS]).split())
    expect(words).to_have_text(f"Words: {expected_words}")

    page.locator("#id_hero_image").set_input_files(
        files=[{"name": "hero.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1400, 788)}]
    )
    page.locator("#id_hero_alt").fill("A runner climbing a steep grassy hill")

    page.locator("#id_status").select_option("published")
    when = timezone.localtime() + timedelta(days=3)
    page.locator("#id_publish_at_0").fill(when.strftime("%d/%m/%Y"))
    page.locator("#id_publish_at_1").fill("09:30:00")
    expect(page.locator("#id_author")).to_have_value(str(editor.pk))
    pick_autocomplete(page, "topic", "Train", "Training")
    expect(page.locator("#id_topic")).to_have_value(str(training.pk))
    pick_autocomplete(page, "tags", "hil", "hills")
    pick_autocomplete(page, "tags", "begin", "beginners")
    expect(page.locator("#id_tags + .select2 .select2-selection__choice")).to_have_count(2)
    shot(page, screenshot_dir, "editor-add-form.png")

    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    row = page.locator("#result_list tbody tr", has_text=TITLE)
    expect(row.locator(".field-state")).to_have_text("Scheduled")

    article = Article.objects.get(slug=SLUG)
    assert article.is_scheduled
    assert article.author == editor
    assert article.topic.slug == "training"
    assert sorted(article.tags.values_list("slug", flat=True)) == ["beginners", "hills"]
    assert timezone.localtime(article.publish_at).strftime("%d/%m/%Y %H:%M") == (
        when.strftime("%d/%m/%Y") + " 09:30"
    )
    assert article.hero_renditions and article.hero_alt

    reader = new_context().new_page()
    response = reader.goto(f"/articles/{SLUG}/")
    assert response is not None and response.status == 404
    reader.goto("/")
    expect(reader.get_by_text(TITLE)).to_have_count(0)

    # Staff see a scheduled article at its real address, marked as a preview.
    page.goto(f"/articles/{SLUG}/")
    expect(page.locator(".preview-bar")).to_contain_text("scheduled for")

    page.goto(f"{ADMIN}articles/article/")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Publish selected articles now")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist .success")).to_have_text("1 article is now live.")
    expect(row.locator(".field-state")).to_have_text("Live")
    row.get_by_role("link", name=TITLE).click()
    expect(page.locator(".field-hero_preview img")).to_be_visible()
    # The saved body opens in the editor again with nothing lost.
    expect(editable.locator("h2")).to_have_text(HEADING)
    expect(editable.locator("a")).to_have_attribute("href", LINK_URL)
    expect(editable.locator("ul li")).to_have_text(ITEMS)
    expect(editable.locator("blockquote")).to_have_text(QUOTE)
    expect(editable.locator("table td")).to_have_text(CELLS)
    expect(editable.locator("img")).to_have_count(1)
    expect(words).to_have_text(f"Words: {expected_words}")
    shot(page, screenshot_dir, "editor-change-form.png")
    # The editing area scrolls past 75% of the window: the end of the body, on its own.
    editable.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    page.locator(".ck-editor-container").screenshot(
        path=os.path.join(screenshot_dir, "editor-change-form-end-of-body.png")
    )
    assert problems == []

    reader.goto("/")
    reader.locator(".card__title a", has_text=TITLE).click()
    expect(reader).to_have_url(re.compile(rf"/articles/{SLUG}/$"))
    body = reader.locator(".article__body")
    expect(body.locator("h2")).to_have_text(HEADING)
    expect(body).to_contain_text(PARAGRAPH)
    expect(body).to_contain_text(SECOND)
    expect(body.get_by_role("link", name=LINK_TEXT)).to_have_attribute("href", LINK_URL)
    expect(body.locator("ul li")).to_have_text(ITEMS)
    expect(body.locator("blockquote")).to_have_text(QUOTE)
    expect(body.locator("table td")).to_have_text(CELLS)
    # The video stands where the body block line was, not after the body.
    expect(body.locator("blockquote + figure.video")).to_have_count(1)
    image = body.locator("img")
    expect(image).to_have_count(1)
    expect(image).to_have_attribute(
        "srcset",
        re.compile(r"/media/editor/\S+-480x288\.jpg 480w, \S+-800x480\.jpg 800w, \S+ 1000w$"),
    )
    expect(image).to_have_attribute("width", "1000")
    expect(image).to_have_attribute("alt", IMAGE_ALT)
    image.scroll_into_view_if_needed()
    assert image.evaluate(LOAD_IMAGE_JS) > 0
    expect(reader.locator("img.article__hero-img")).to_have_attribute(
        "alt", "A runner climbing a steep grassy hill"
    )
    expect(reader.locator(".tags")).to_contain_text("#hills")
    expect(reader.locator(".preview-bar")).to_have_count(0)
    shot(reader, screenshot_dir, "editor-published-article.png")
