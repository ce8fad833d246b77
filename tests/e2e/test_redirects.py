"""An editor changes a live article's slug in admin; a reader's old permalink to a comment
still lands on that comment, at the new address (a 301; the browser keeps #comment-N)."""

import os

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.e2e.conftest import editor_user, login, shot

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_an_old_comment_permalink_follows_the_slug_change(
    page, new_context, live_server, screenshot_dir
):
    editor = editor_user()
    editor.groups.first().permissions.add(
        *Permission.objects.filter(content_type__model="redirect")
    )
    article = ArticleFactory(slug="calf-strain", title="Calf strain: what to do")
    comments = [
        CommentFactory(article=article, text=f"Question number {n} about calves") for n in range(12)
    ]
    last = comments[-1]

    login(page, editor.username)
    page.goto(f"{ADMIN}articles/article/{article.pk}/change/")
    page.locator("#id_slug").fill("calf-strain-in-runners")
    page.locator("input[name=_continue]").first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.goto(f"{ADMIN}articles/redirect/")
    expect(page.locator("#result_list")).to_contain_text("/articles/calf-strain/")
    shot(page, screenshot_dir, "redirects-admin-list.png", load_lazy=False)

    reader = new_context().new_page()
    reader.goto(f"/articles/calf-strain/?corder=answered#comment-{last.pk}")
    assert reader.url == (
        f"{live_server.url}/articles/calf-strain-in-runners/?corder=answered#comment-{last.pk}"
    )
    expect(reader.locator("h1")).to_contain_text("Calf strain")
    target = reader.locator(f"#comment-{last.pk}")
    expect(target).to_be_in_viewport()
    # What the reader sees: the viewport, scrolled to the comment.
    reader.screenshot(path=os.path.join(screenshot_dir, "redirects-comment-permalink.png"))
