"""The subset fonts in a real browser: Inter and Barlow Condensed load from their core
files on every page, the Latin-1 extension only where a page shows one of its letters,
and names beyond it (Łukasz) still render, from the fallback font."""

import pytest

from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.e2e.conftest import shot

pytestmark = pytest.mark.django_db(transaction=True)

FONT_FILES_JS = """() => performance.getEntriesByType('resource')
    .map(e => e.name.split('/').pop()).filter(n => n.endsWith('.woff2'))
    .map(n => n.replace(/\\.[0-9a-f]{12}\\.woff2$|\\.woff2$/, ''))"""
LOADED_FACES_JS = """() => document.fonts.ready.then(() => [...document.fonts]
    .filter(f => f.status === 'loaded').map(f => f.family.replaceAll('"', '') + ' ' + f.weight))"""


def test_accented_names_render_and_only_needed_files_load(page, new_context, screenshot_dir):
    article = ArticleFactory(slug="calf-pain", title="Calf pain after hills")
    CommentFactory(article=article, name="Zoë Ó Briain", text="Crème brûlée for recovery?")
    CommentFactory(article=article, name="Łukasz Wójcik", text="Dziękuję: my calves thank you.")
    page.goto("/articles/calf-pain/")
    page.locator("#comments").scroll_into_view_if_needed()
    faces = page.evaluate(LOADED_FACES_JS)
    assert "Inter 400 800" in faces and "Barlow Condensed 700" in faces
    files = sorted(set(page.evaluate(FONT_FILES_JS)))
    # ë, Ó, è, û, ó: the extension of Inter is fetched for this page.
    assert files == ["barlow-condensed-700-core", "inter-wght-core", "inter-wght-ext"], files
    for name in ("Zoë Ó Briain", "Łukasz Wójcik"):
        box = page.get_by_text(name, exact=True).bounding_box()
        assert box and box["width"] > 60  # drawn (from Inter, or the fallback for Ł)
    shot(page, screenshot_dir, "fonts-accented-names.png")

    page = new_context().new_page()  # a first visit, with nothing in the memory cache
    page.goto("/")  # no letter beyond the core: the extension is never fetched
    files = sorted(set(page.evaluate(FONT_FILES_JS)))
    assert "inter-wght-ext" not in files and "inter-wght-core" in files, files
    shot(page, screenshot_dir, "fonts-home.png")
