"""Each app serves its own styles and scripts, and the pages that show an app's parts load
them in <head> (so nothing shows unstyled or jumps), styles through their page's bundle
(runnerhub/stylesheets.py; tests/runnerhub/test_stylesheets.py checks each page links one).
These tests keep the split of the old single site.css from silently growing back together."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders

from newsletter.models import Issue, Subscriber
from runnerhub.stylesheets import BUNDLES
from tests.admin_paths import ADMIN

BASE_DIR = Path(settings.BASE_DIR)

# Static file -> the app whose static/ folder must hold it.
OWNED = {
    "runnerhub/css/fonts.css": "runnerhub",
    "runnerhub/css/site.css": "runnerhub",
    "runnerhub/css/admin.css": "runnerhub",
    "runnerhub/css/admin-site.css": "runnerhub",
    "runnerhub/css/signin.css": "runnerhub",
    "runnerhub/js/signin.js": "runnerhub",
    "articles/articles.css": "articles",
    "articles/video.js": "articles",
    "comments/comments.css": "comments",
    "comments/comments.js": "comments",
    "comments/admin.css": "comments",
    "shop/shop.css": "shop",
    "newsletter/newsletter.css": "newsletter",
    "newsletter/newsletter.js": "newsletter",
    "runnerhub/js/forms.js": "runnerhub",
    "newsletter/admin.css": "newsletter",
}

# Markup that only an app's own templates write -> that app's stylesheet.
PARTS = {
    "articles/articles.css": r'class="(card|article__|prose|hero-band|result)',
    "comments/comments.css": r'class="(comments|comment-|comment |comment__)',
    "shop/shop.css": r'class="(product-card|gear-box|shop-cta|product-block|product-grid)',
    "newsletter/newsletter.css": r'class="nl-',
}
SITE_CSS = ("runnerhub/css/fonts.css", "runnerhub/css/site.css")


def _css_selectors(path: str) -> str:
    """The selectors of a stylesheet, without comments and declarations."""
    text = re.sub(r"/\*.*?\*/", "", Path(finders.find(path)).read_text(), flags=re.S)
    return "\n".join(re.findall(r"([^{};]+)\{", text))


def _head_and_body(html: str) -> tuple[str, str]:
    head, _, body = html.partition("</head>")
    assert body, "no </head>"
    return head, body


def _stylesheets(head: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="/static/([^"]+)">', head)


def _sources(links: list[str]) -> list[str]:
    """The source stylesheets of the bundles `links` name, in the order they apply."""
    sources = []
    for link in links:
        name = re.fullmatch(r"runnerhub/bundles/(\w+)\.css", link)
        assert name, f"{link} is not a bundle"
        sources += BUNDLES[name[1]]
    return sources


def _scripts(html: str) -> list[str]:
    return re.findall(r'<script src="/static/([^"]+)"', html)


@pytest.mark.parametrize("path,app", sorted(OWNED.items()))
def test_each_static_file_lives_in_its_own_app(path, app):
    found = finders.find(path)
    assert found, f"{path} is missing"
    assert Path(found).is_relative_to(BASE_DIR / app / "static"), found


def test_the_old_site_script_is_gone():
    assert finders.find("runnerhub/js/site.js") is None


def test_the_site_base_css_holds_no_app_styles():
    selectors = _css_selectors("runnerhub/css/site.css")
    for app_selector in (
        r"\.comment",
        r"\.badge",
        r"\.gear",
        r"\.product",
        r"\.shop",
        r"\.button--shop",
        r"\.nl-",
        r"\.card",
        r"\.prose",
        r"\.video",
        r"\.faq",
        r"\.hero-band",
        r"\.article",
    ):
        assert not re.search(app_selector + r"[\w-]*", selectors), app_selector


def test_each_app_css_styles_its_own_parts():
    assert re.search(r"\.comment\b", _css_selectors("comments/comments.css"))
    assert re.search(r"\.gear-box\b", _css_selectors("shop/shop.css"))
    assert re.search(r"\.nl-banner\b", _css_selectors("newsletter/newsletter.css"))
    assert re.search(r"\.prose\b", _css_selectors("articles/articles.css"))
    admin_css = _css_selectors("runnerhub/css/admin.css")
    assert ".nl-" not in admin_css and "#issue_form" not in admin_css
    assert re.search(r"\.nl-progress\b", _css_selectors("newsletter/admin.css"))


def test_fonts_are_declared_once():
    sheets = sorted(
        p
        for app in ("runnerhub", "articles", "comments", "shop", "newsletter")
        for p in (BASE_DIR / app / "static").rglob("*.css")
        if "bundles" not in p.parts  # built from fonts.css and the rest (make styles)
    )
    assert len(sheets) >= 8
    declaring = [p.name for p in sheets if "@font-face" in p.read_text()]
    assert declaring == ["fonts.css"]
    # The editor's preview in admin takes the same declarations.
    editor_css = BASE_DIR / "runnerhub/static/runnerhub/css/admin.css"
    assert '@import url("fonts.css")' in editor_css.read_text()


def test_pages_load_the_styles_of_the_parts_they_show_in_head(client, pages):
    seen = set()
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        head, body = _head_and_body(response.content.decode())
        sheets = _sources(_stylesheets(head))
        assert sheets[:2] == list(SITE_CSS), name
        assert not _stylesheets(body), f"{name}: a stylesheet after <head> would flash unstyled"
        for sheet in sheets:
            assert finders.find(sheet), f"{name} loads {sheet}, which does not exist"
        for sheet, markup in PARTS.items():
            if re.search(markup, body):
                seen.add(sheet)
                assert sheet in sheets, f"{name} shows parts of {sheet} but does not load it"
        assert len(sheets) == len(set(sheets)), f"{name} loads a stylesheet twice"
    assert seen == set(PARTS), "the pages above no longer show every app's parts"


def test_the_article_page_has_every_part_and_its_assets(client, pages):
    head, body = _head_and_body(client.get(pages["article"]).content.decode())
    assert _stylesheets(head) == ["runnerhub/bundles/article.css"]
    assert _sources(_stylesheets(head)) == [
        "runnerhub/css/fonts.css",
        "runnerhub/css/site.css",
        "newsletter/newsletter.css",
        "articles/articles.css",
        "comments/comments.css",
        "shop/shop.css",
    ]
    for part in ('class="comment ', 'class="gear-box', 'class="product-card', "nl-banner--article"):
        assert part in body, part
    assert _scripts(body) == [
        "comments/comments.js",
        "runnerhub/js/forms.js",
        "newsletter/newsletter.js",
        "articles/video.js",
    ]


def test_every_page_loads_the_newsletter_script_once(client, pages):
    for name, url in pages.items():
        scripts = _scripts(client.get(url).content.decode())
        assert scripts.count("newsletter/newsletter.js") == 1, name
        assert len(scripts) == len(set(scripts)), name


def test_the_500_and_503_pages_stand_alone_on_the_site_css():
    html = (BASE_DIR / "runnerhub/templates/plain_error.html").read_text()
    assert re.findall(r'\{% stylesheet "(\w+)" %\}', html) == ["plain"]
    assert BUNDLES["plain"] == SITE_CSS
    for page in ("500.html", "503.html"):
        text = (BASE_DIR / "runnerhub/templates" / page).read_text()
        assert text.startswith('{% extends "plain_error.html" %}'), page


@pytest.mark.django_db
def test_the_newsletter_admin_serves_its_own_css(admin_client):
    for model in (Issue, Subscriber):
        media = str(admin.site._registry[model].media)
        assert "/static/newsletter/admin.css" in media
        assert "runnerhub/css/admin.css" not in media
    issue = Issue.objects.create(subject="Hills", preheader="Up and down")
    for url in (
        f"{ADMIN}newsletter/issue/{issue.pk}/change/",
        f"{ADMIN}newsletter/issue/{issue.pk}/preview/",
        f"{ADMIN}newsletter/subscriber/",
        f"{ADMIN}newsletter/subscriber/import/",
    ):
        html = admin_client.get(url).content.decode()
        assert html.count("/static/newsletter/admin.css") == 1, url


def test_no_admin_template_of_ours_styles_in_the_page():
    """Admin pages of every app take their looks from their app's stylesheet: no <style>
    block and no style attribute in our admin templates (CKEditor and Django's own aside),
    but for a width computed from the data (the newsletter's progress bar)."""
    found = []
    for template in BASE_DIR.glob("*/templates/admin/**/*.html"):
        text = re.sub(r' style="width:\{\{ \w+ \}\}%"', "", template.read_text())
        if "<style" in text or re.search(r"\sstyle=", text):
            found.append(str(template.relative_to(BASE_DIR)))
    assert found == []
