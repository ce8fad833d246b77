"""Two editors change the same article at once, in two browsers (runnerhub/revisions.py):
the first saves; the second is told it changed meanwhile, with a link to the diff that opens
in a new tab, and keeps their own text in the form; the diff reads as words, changes grouped;
saving again, after looking, is a deliberate overwrite."""

import pytest
import reversion
from playwright.sync_api import expect

from articles.models import Article
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.e2e.conftest import editor_user, login, replace_body, shot

pytestmark = pytest.mark.usefixtures("transactional_db")

ORIGINAL = "Stretch for five minutes after every run."
FIRST = "Roll your calves gently after every run."
SECOND = "Walk for ten minutes after every run, then stretch."


def _watch(page, problems: list[str]) -> None:
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and problems.append(f"{m.type}: {m.text}"),
    )
    page.on("pageerror", lambda error: problems.append(f"exception: {error}"))


def test_the_second_editor_is_told_keeps_their_text_and_sees_the_diff(
    new_context, live_server, screenshot_dir
):
    nadia = editor_user(username="nadia", display_name="Nadia Quinn")
    omar = editor_user(username="omar", display_name="Omar Reyes")
    with reversion.create_revision():  # the article as both open it: its first revision
        article = ArticleFactory(author=nadia, title="After the run", body=f"<p>{ORIGINAL}</p>")
        reversion.set_user(nadia)
    change = f"{ADMIN}articles/article/{article.pk}/change/"

    first = new_context().new_page()
    second_context = new_context()
    second = second_context.new_page()
    problems: list[str] = []
    _watch(first, problems)
    _watch(second, problems)
    for page, user in ((first, nadia), (second, omar)):
        login(page, user.username)
        page.goto(change)
        expect(page.locator(".ck-editor__main > .ck-editor__editable")).to_contain_text(ORIGINAL)

    replace_body(first, FIRST)
    first.locator("input[name=_continue]").first.click()
    expect(first.locator(".messagelist .success")).to_be_visible()

    replace_body(second, SECOND)
    second.locator("#id_title").fill("After the run, walk")
    second.locator("input[name=_continue]").first.click()
    note = second.locator("ul.errorlist.nonfield")
    expect(note).to_contain_text("Someone else saved this meanwhile")
    expect(note).to_contain_text("Your text is still in the form below")
    # Their text, not the first editor's, is what the form shows.
    expect(second.locator(".ck-editor__main > .ck-editor__editable")).to_contain_text(SECOND)
    expect(second.locator("#id_title")).to_have_value("After the run, walk")
    article.refresh_from_db()
    assert FIRST in article.body and SECOND not in article.body
    shot(second, screenshot_dir, "conflict-told.png", load_lazy=False)

    link = note.get_by_role("link", name="See what changed")
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    second_context.on("page", lambda tab: _watch(tab, problems))  # from its first request
    with second_context.expect_page() as opened:
        link.click()
    diff = opened.value
    diff.wait_for_load_state()
    body = diff.locator(".rh-diff__field--changed", has_text="Body").locator(".rh-diff__text")
    # Words, not markup; the rewritten words as one deletion and one insertion, not taking
    # turns word by word.
    assert body.locator("del").all_inner_texts() == ["Stretch for five minutes"]
    assert body.locator("ins").all_inner_texts() == ["Roll your calves gently"]
    assert "<p>" not in body.inner_text() and "&lt;" not in body.inner_html()
    assert "after every run." in body.inner_text()
    shot(diff, screenshot_dir, "conflict-diff.png", load_lazy=False)

    # Looking did not lose anything: the form is still there with their text, and saving
    # again is meant.
    expect(second).to_have_url(f"{live_server.url}{change}")
    expect(second.locator(".ck-editor__main > .ck-editor__editable")).to_contain_text(SECOND)
    second.locator("input[name=_continue]").first.click()
    expect(second.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert SECOND in article.body and article.title == "After the run, walk"
    assert Article.objects.count() == 1
    assert problems == []
