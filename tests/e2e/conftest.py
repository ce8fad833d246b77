"""Shared helpers for the browser tests: data with real images, logins, extra browser contexts.

The root conftest.py gives `browser`, `page` (1280x900, base_url = the live server) and
`screenshot_dir`. Every test here uses `transactional_db` (the live server runs in another
thread), so data made in a test is flushed afterwards, including the Editors group of the
data migration: tests create the users, groups and permissions they need themselves.
"""

import io
import os
from datetime import date
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from demo.images import make_hero_image
from runnerhub.images import clean_image
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory, FAQItemFactory, TagFactory, TopicFactory
from tests.runnerhub.factories import StaffFactory

PASSWORD = "pass-word-123"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
THIRD_PARTY_VIDEO_HOSTS = ("youtube", "ytimg", "vimeo", "googlevideo", "doubleclick")


def jpeg_bytes(width: int = 1000, height: int = 600, colour: str = "#1f4e79") -> bytes:
    """A small, valid JPEG with a shape on it (so a screenshot shows it really is an image)."""
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.3, height * 0.2, width * 0.7, height * 0.8), fill="#ff5a1f")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def hero_file(motif: str = "track", palette=("#1f4e79", "#f28c38")) -> ContentFile:
    """A demo illustration, validated and re-encoded the way an upload is."""
    cleaned = clean_image(io.BytesIO(make_hero_image(motif, palette, width=1300, height=731)))
    return ContentFile(cleaned.content, name=f"{motif}.{cleaned.extension}")


def article_with_hero(motif: str = "track", alt: str = "A runner on a track", **kwargs):
    """A published article whose hero image (and its renditions) is really stored."""
    return ArticleFactory(hero_image=hero_file(motif), hero_alt=alt, **kwargs)


YOUTUBE_URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def rich_article(video_url: str = YOUTUBE_URL, **kwargs):
    """A published article with everything a page can show: hero image, headings, a list, a
    click-to-load video placed with the [video] marker, FAQ, tags, review and a related
    article."""
    topic = TopicFactory(name="Injuries & recovery", slug="injuries")
    article = article_with_hero(
        "trail",
        alt="A trail runner on a rocky path",
        title="Runner's knee: a return-to-running plan",
        slug="runners-knee",
        lead="Pain around the kneecap is common and usually settles with the right load.",
        body=(
            "<h2>1. Calm it down</h2><p>Reduce hills and stairs for a week or two.</p>"
            "<p>[video]</p>"
            "<h2>2. Build it back</h2><ul><li>Squats to a chair</li><li>Step-downs</li></ul>"
            "<p>Then return to <a href='https://example.com/plan'>an easy plan</a>.</p>"
        ),
        topic=topic,
        video_url=video_url,
        tags=[TagFactory(name="knees", slug="knees")],
        reviewed_by="Sam Patel, physiotherapist",
        last_reviewed=date(2026, 10, 1),
        featured=True,
        **kwargs,
    )
    FAQItemFactory(article=article, question="Should I wear a knee brace?", answer="Rarely.")
    FAQItemFactory(article=article, question="Can I cycle?", answer="Yes, if it is painless.")
    article_with_hero(
        "shoe", alt="A running shoe", title="Choosing shoes after an injury", topic=topic
    )
    return article


def editor_user(**kwargs):
    """A staff user in an "Editors" group with the article permissions of the data migration
    (the migration's own group is flushed away between transactional tests): not the
    Medical reviewers' right to mark an article reviewed (medical_reviewer_user)."""
    group, _created = Group.objects.get_or_create(name="Editors")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles",
            content_type__model__in=("article", "faqitem", "topic", "tag"),
        ).exclude(codename="review_article")
    )
    user = StaffFactory(**kwargs)
    user.groups.add(group)
    return user


def medical_reviewer_user(**kwargs):
    """An editor_user who is also in the "Medical reviewers" group (migration 0009)."""
    user = editor_user(**kwargs)
    group, _created = Group.objects.get_or_create(name="Medical reviewers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles", codename__in=("view_article", "review_article")
        )
    )
    user.groups.add(group)
    return user


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real admin login form."""
    from playwright.sync_api import expect

    page.goto(f"{ADMIN}login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text("Welcome")


def watch_dialogs(page) -> list[str]:
    """Every alert, confirm or prompt the page opens from now on ("alert: 1"), dismissed."""
    dialogs: list[str] = []

    def handle(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", handle)
    return dialogs


def post_around_the_editor(page, html: str) -> None:
    """Make the article form post `html` as its body, as a crafted request would: CKEditor
    copies its data into the textarea on submit, and this listener runs after it."""
    page.locator("#article_form").evaluate(
        """(form, html) => form.addEventListener("submit", () => {
            form.querySelector("textarea#id_body").value = html;
        })""",
        html,
    )


def replace_body(page, text: str) -> None:
    """Type `text` into the article form's CKEditor body in place of what it holds."""
    from playwright.sync_api import expect

    editable = page.locator(".ck-editor__main > .ck-editor__editable")
    expect(editable).to_be_visible()
    editable.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    expect(editable).to_contain_text(text)


def pick_autocomplete(page, field: str, search: str, option: str) -> None:
    """Choose `option` in a Django admin autocomplete (select2) field by typing `search`."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    # Single selects search in the open dropdown, multiple selects inline; only one is visible.
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()


def upload_into_editor(page, name: str, width: int, height: int) -> None:
    """An image uploaded into the body through CKEditor's own upload button (to
    /editor/upload/), which must take it."""
    with page.expect_response("**/editor/upload/") as upload:
        page.locator(".ck-file-dialog-button input[type=file]").set_input_files(
            files=[{"name": name, "mimeType": "image/jpeg", "buffer": jpeg_bytes(width, height)}]
        )
    assert upload.value.status == 200, upload.value.text()


def is_local(url: str, live_server_url: str) -> bool:
    parts = urlparse(url)
    return parts.scheme in ("data", "blob", "about") or (
        parts.netloc == urlparse(live_server_url).netloc
    )


STUB_EMBED = (
    "<!doctype html><title>Stub player</title>"
    '<body style="background:#fff;font:20px sans-serif"><p>Stub third-party player</p>'
)


# Loads an <img> now (even a lazy one) and gives its naturalWidth: 0 if it cannot be decoded,
# -1 if it has not loaded after 5 s (page.evaluate itself has no timeout).
LOAD_IMAGE_JS = """img => {
    img.loading = "eager";
    const timeout = new Promise(resolve => setTimeout(() => resolve(-1), 5000));
    return Promise.race([img.decode().then(() => img.naturalWidth, () => 0), timeout]);
}"""


def stub_third_party(target, live_server_url: str) -> None:
    """Route a page's or context's requests: the live server's go through; anything else gets
    a stub page, so a test never waits on (or leaks to) the internet."""

    def handle(route):
        if is_local(route.request.url, live_server_url):
            route.continue_()
        else:
            route.fulfill(status=200, content_type="text/html", body=STUB_EMBED)

    target.route("**/*", handle)


def shot(page, screenshot_dir: str, name: str, load_lazy: bool = True) -> str:
    """A full-page screenshot, with lazy images below the fold loaded first (needs JS on)."""
    if load_lazy:
        page.evaluate(f"() => Promise.all([...document.images].map({LOAD_IMAGE_JS}))")
    path = os.path.join(screenshot_dir, name)
    page.screenshot(path=path, full_page=True)
    return path


@pytest.fixture
def new_context(browser, live_server):
    """Make extra browser contexts (anonymous readers, phones, JS off); all closed afterwards."""
    contexts = []

    def make(viewport=DESKTOP, **kwargs):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, **kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def ask(page, name: str, email: str, text: str) -> None:
    form = page.locator("#comment-form")
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_label("Email", exact=True).fill(email)
    form.get_by_label("Your question or comment").fill(text)
    page.wait_for_timeout(1100)  # a person takes longer than the bot threshold
    form.get_by_role("button", name="Post").click()
