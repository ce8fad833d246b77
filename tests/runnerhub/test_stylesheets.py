"""The stylesheet bundles (runnerhub/stylesheets.py, `make styles`): the committed files are
what their sources make now, they hold every rule of those sources, and every page links
exactly one stylesheet, its bundle."""

import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string

from runnerhub import stylesheets
from runnerhub.stylesheets import BUNDLES, build, bundle_file, minify, source_file

ROOT = Path(settings.BASE_DIR)
LINK = re.compile(r"<link\b[^>]*\brel=\"stylesheet\"[^>]*>")


def _one_link(html: str) -> str:
    """The one stylesheet a page links (in <head>), as a static path."""
    links = LINK.findall(html)
    assert len(links) == 1, links
    assert html.index(links[0]) < html.index("</head>")
    href = re.search(r'href="/static/([^"]+)"', links[0])
    assert href, links[0]
    return href[1]


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_the_committed_bundle_is_up_to_date(name):
    path = bundle_file(name)
    assert path.exists(), f"{path} is missing: run `make styles`"
    assert path.read_text(encoding="utf-8") == build(name), (
        f"{path.relative_to(ROOT)} differs from its sources: run `make styles` and commit it"
    )


def test_there_is_no_stray_bundle():
    folder = bundle_file("x").parent
    assert {p.stem for p in folder.glob("*.css")} == set(BUNDLES)


def test_the_check_fails_when_a_source_changes(tmp_path):
    """The up-to-date check compares with the sources as they are: an edit to any one of
    them, not followed by `make styles`, no longer matches the committed bundle."""
    for name, sources in BUNDLES.items():
        for static_path in sources:
            copy = source_file(static_path, tmp_path)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source_file(static_path), copy)
        assert build(name, tmp_path) == bundle_file(name).read_text(encoding="utf-8")
        edited = source_file(sources[-1], tmp_path)
        edited.write_text(edited.read_text() + "\n.new-rule { color: red; }\n")
        assert build(name, tmp_path) != bundle_file(name).read_text(encoding="utf-8"), name
        assert build(name, tmp_path).endswith(".new-rule{color: red;}\n")
        shutil.rmtree(tmp_path / sources[-1].split("/")[0])


def _significant(css: str) -> str:
    """CSS without comments and without any whitespace: what light minifying keeps."""
    return re.sub(r"\s+", "", re.sub(r"/\*.*?\*/", "", css, flags=re.S))


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_a_bundle_holds_its_sources_in_order_and_drops_only_comments_and_spaces(name):
    bundle = bundle_file(name).read_text(encoding="utf-8")
    header, *parts = bundle.split("\n")
    assert header.startswith("/* Built by `make styles`") and ", ".join(BUNDLES[name]) in header
    assert parts[-1] == ""
    parts = parts[:-1]
    assert len(parts) == len(BUNDLES[name])
    for static_path, part in zip(BUNDLES[name], parts, strict=True):
        source = source_file(static_path).read_text(encoding="utf-8")
        assert _significant(part) == _significant(source), static_path
        assert len(part) < len(source), static_path
        assert "/*" not in part, static_path


def test_a_bundle_keeps_the_url_of_each_font_working():
    """fonts.css names its fonts relative to runnerhub/css/; the bundles sit in
    runnerhub/bundles/, and every url() they hold must find its file from there."""
    for name in BUNDLES:
        bundle = bundle_file(name).read_text(encoding="utf-8")
        urls = re.findall(r'url\("?([^")]+)"?\)', bundle)
        relative = [url for url in urls if not url.startswith("data:")]
        assert relative, name
        for url in relative:
            path = (bundle_file(name).parent / url).resolve()
            assert path.is_file(), f"{name}: url({url}) finds nothing"


@pytest.mark.parametrize(
    "css,expected",
    [
        # Comments go, strings stay as they are, even with "/*" or ";" inside.
        ('a { content: "/* x */ ; {"; } /* gone */', 'a{content: "/* x */ ; {";}'),
        ("a { content: '\\'/*'; }", "a{content: '\\'/*';}"),
        # A quote inside a comment starts no string.
        ("/* don't */ a { color: red }", "a{color: red}"),
        # Spaces that carry meaning stay: descendant combinators, calc(), between values.
        (
            "a  :hover ,\n b > c { width: calc(1px  +  2%); margin: 0  auto }",
            "a :hover , b > c{width: calc(1px + 2%);margin: 0 auto}",
        ),
        ("a/**/b{}", "a b{}"),
        (
            "@media (min-width: 40em) {\n  a { color: red; }\n}",
            "@media (min-width: 40em){a{color: red;}}",
        ),
    ],
)
def test_minify_drops_comments_and_collapses_spaces_only(css, expected):
    assert minify(css, source="runnerhub/css/x.css", target="runnerhub/bundles/x.css") == expected


@pytest.mark.parametrize(
    "url,expected",
    [
        ('url("../fonts/a.woff2")', 'url("../fonts/a.woff2")'),
        ("url(img/dot.svg)", "url(../../articles/img/dot.svg)"),
        ("url( 'img/dot.svg?v=2#x' )", "url('../../articles/img/dot.svg?v=2#x')"),
        ('url("data:image/svg+xml,%3Csvg/%3E")', 'url("data:image/svg+xml,%3Csvg/%3E")'),
        ("url(https://example.com/a.png)", "url(https://example.com/a.png)"),
        ('url("/static/a.png")', 'url("/static/a.png")'),
        ('url("#clip")', 'url("#clip")'),
    ],
)
def test_relative_urls_are_rebased_for_the_bundle(url, expected):
    source = "articles/articles.css" if "img/" in url else "runnerhub/css/fonts.css"
    css = f"a {{ background: {url}; }}"
    assert minify(css, source=source, target="runnerhub/bundles/x.css") == (
        f"a{{background: {expected};}}"
    )


def test_a_url_outside_the_static_files_is_refused():
    with pytest.raises(ValueError, match="outside the static files"):
        minify(
            "a { background: url(../../x.png) }",
            source="shop/shop.css",
            target="runnerhub/bundles/x.css",
        )


def test_the_stylesheet_tag_links_one_bundle_and_refuses_an_unknown_name():
    html = Template('{% load runnerhub_tags %}{% stylesheet "article" %}').render(Context())
    assert html == '<link rel="stylesheet" href="/static/runnerhub/bundles/article.css">'
    with pytest.raises(TemplateSyntaxError, match="no stylesheet bundle 'nope'"):
        Template('{% load runnerhub_tags %}{% stylesheet "nope" %}').render(Context())


# The bundle each kind of page links (tests/runnerhub/conftest.py's pages).
EXPECTED = {
    "home": "list",
    "list": "list",
    "topic": "list",
    "search": "list",
    "article": "article",
    "author": "article",
    "reply": "article",
    "shop": "shop",
    "newsletter": "site",
    "404": "site",
}


def test_each_page_links_exactly_one_stylesheet_its_bundle(client, pages):
    assert set(EXPECTED) == set(pages)
    for name, url in pages.items():
        html = client.get(url).content.decode()
        linked = _one_link(html)
        assert linked == f"{stylesheets.OUT}/{EXPECTED[name]}.css", name
        assert finders.find(linked), linked


@pytest.mark.parametrize("template", ["500.html", "503.html"])
def test_the_plain_error_pages_link_one_stylesheet(template):
    assert _one_link(render_to_string(template)) == f"{stylesheets.OUT}/plain.css"
