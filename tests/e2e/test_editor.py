"""An editor writes, schedules and publishes an article in the admin, with CKEditor 5."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.articles.factories import TagFactory, TopicFactory
from tests.e2e.conftest import (
    LOAD_IMAGE_JS,
    editor_user,
    jpeg_bytes,
    login,
    pick_autocomplete,
    shot,
)

pytestmark = pytest.mark.usefixtures("transactional_db")

TITLE = "Hill repeats for beginners"
SLUG = "hill-repeats-for-beginners"
HEADING = "Find the right hill"
PARAGRAPH = "Pick a hill that takes about a minute to climb at a hard effort."
SECOND = "Jog back down slowly and repeat six times."


def test_editor_writes_schedules_and_publishes(page, new_context, screenshot_dir):
    editor = editor_user(username="erin", display_name="Erin Coach", public_title="Coach")
    TopicFactory(name="Injuries & recovery", slug="injuries")
    training = TopicFactory(name="Training", slug="training")
    TagFactory(name="hills", slug="hills")
    TagFactory(name="beginners", slug="beginners")

    login(page, "erin")
    page.goto("/admin/articles/article/")
    page.get_by_role("link", name="Add article").click()
    expect(page).to_have_url(re.compile(r"/admin/articles/article/add/$"))
    editable = page.locator(".ck-editor__editable")
    expect(editable).to_be_visible()

    page.locator("#id_title").press_sequentially(TITLE)
    expect(page.locator("#id_slug")).to_have_value(SLUG)
    page.locator("#id_lead").fill("Short, steep efforts build strength without long sessions.")

    # The body, typed into CKEditor like a person would: a heading, then two paragraphs.
    editable.click()
    page.locator(".ck-heading-dropdown .ck-dropdown__button").click()
    page.locator(".ck-heading-dropdown .ck-list__item", has_text="Section heading").click()
    page.keyboard.type(HEADING)
    page.keyboard.press("Enter")
    page.keyboard.type(PARAGRAPH)
    page.keyboard.press("Enter")
    page.keyboard.type(SECOND)
    expect(editable.locator("h2")).to_have_text(HEADING)
    expect(editable.locator("p")).to_have_text([PARAGRAPH, SECOND])

    # An image uploaded into the body through CKEditor's own upload button.
    with page.expect_response("**/editor/upload/") as upload:
        page.locator(".ck-file-dialog-button input[type=file]").set_input_files(
            files=[{"name": "hill.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1000, 600)}]
        )
    assert upload.value.status == 200, upload.value.text()
    body_image = editable.locator("img")
    expect(body_image).to_have_attribute(
        "src", re.compile(r"/media/editor/\d{4}/\d{2}/[0-9a-f]{16}-1000x600\.jpg$")
    )
    expect(page.locator("textarea#id_body")).to_have_value(re.compile(r"/media/editor/.+\.jpg"))

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

    page.goto("/admin/articles/article/")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Publish selected articles now")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist .success")).to_have_text("1 article is now live.")
    expect(row.locator(".field-state")).to_have_text("Live")
    row.get_by_role("link", name=TITLE).click()
    expect(page.locator(".field-hero_preview img")).to_be_visible()
    shot(page, screenshot_dir, "editor-change-form.png")

    reader.goto("/")
    reader.locator(".card__title a", has_text=TITLE).click()
    expect(reader).to_have_url(re.compile(rf"/articles/{SLUG}/$"))
    body = reader.locator(".article__body")
    expect(body.locator("h2")).to_have_text(HEADING)
    expect(body).to_contain_text(PARAGRAPH)
    expect(body).to_contain_text(SECOND)
    image = body.locator("img")
    expect(image).to_have_count(1)
    expect(image).to_have_attribute(
        "srcset",
        re.compile(r"/media/editor/\S+-480x288\.jpg 480w, \S+-800x480\.jpg 800w, \S+ 1000w$"),
    )
    expect(image).to_have_attribute("width", "1000")
    image.scroll_into_view_if_needed()
    assert image.evaluate(LOAD_IMAGE_JS) > 0
    expect(reader.locator("img.article__hero-img")).to_have_attribute(
        "alt", "A runner climbing a steep grassy hill"
    )
    expect(reader.locator(".tags")).to_contain_text("#hills")
    expect(reader.locator(".preview-bar")).to_have_count(0)
    shot(reader, screenshot_dir, "editor-published-article.png")
