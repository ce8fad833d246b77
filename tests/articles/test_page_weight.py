"""Size budgets, in bytes over the wire (never time): an article page's HTML, CSS, JavaScript
and the fonts it makes the browser load, compressed as the site sends them, stays under
60 KB (images apart); the HTML of an article with 1,000 comments on one thread page
(50 questions, 950 replies, the shape of bench/comment_thread.py) under 150 KB.

HTML is measured as the page cache sends it to a browser that accepts brotli; CSS and JS
as WhiteNoise sends them (brotli, made at collectstatic); fonts are woff2 (compressed
already). A font face counts when the page preloads it or when the page's text holds a
character of its unicode-range (runnerhub/css/fonts.css).
"""

import gzip
import html
import re
from pathlib import Path

import brotli
import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from fontTools import subset

from comments.models import Comment
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory
from tests.comments.threads import add_thread

BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}
KB = 1024


def _static_path(url: str) -> Path:
    return Path(finders.find(url.removeprefix("/static/").split("?")[0]))


def _faces() -> list[tuple[str, set[int]]]:
    text = re.sub(
        r"/\*.*?\*/", "", Path(finders.find("runnerhub/css/fonts.css")).read_text(), flags=re.S
    )
    faces = []
    for body in re.findall(r"@font-face\s*\{(.*?)\}", text, flags=re.S):
        url = re.search(r'url\("\.\./fonts/([^"]+)"\)', body)
        ranges = re.search(r"unicode-range:\s*([^;]+);", body)
        if url:
            codepoints = (
                set(subset.parse_unicodes(ranges.group(1).replace(" ", ""))) if ranges else None
            )
            faces.append((f"runnerhub/fonts/{url.group(1)}", codepoints))
    return faces


def page_weight(url: str) -> dict[str, int]:
    """The bytes a first visit to `url` downloads (images apart), by kind, brotli where
    the site sends brotli; and the same with gzip, for browsers without brotli."""
    client = Client()
    client.get(url, **BROWSER)  # a miss; the next is what readers get
    response = client.get(url, **BROWSER)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    page = brotli.decompress(response.content)
    text = page.decode()
    weight = {
        "html": len(response.content),
        "html gzip": len(gzip.compress(page, 9)),
        "html raw": len(page),
    }
    for kind, pattern in (
        ("css", r'<link rel="stylesheet" href="([^"]+)"'),
        ("js", r'<script src="([^"]+)"'),
    ):
        files = [_static_path(href).read_bytes() for href in re.findall(pattern, text)]
        # WhiteNoise compresses at collectstatic with brotli's best setting.
        weight[kind] = sum(len(brotli.compress(data, quality=11)) for data in files)
        weight[f"{kind} gzip"] = sum(len(gzip.compress(data, 9)) for data in files)
    preloaded = {
        href.removeprefix("/static/").split("?")[0]
        for href in re.findall(r'<link rel="preload" href="([^"]+)" as="font"', text)
    }
    shown = {ord(c) for c in html.unescape(re.sub(r"<[^>]*>", " ", text))}
    fonts = [
        name
        for name, codepoints in _faces()
        if name in preloaded or (codepoints and codepoints & shown)
    ]
    weight["fonts"] = weight["fonts gzip"] = sum(
        Path(finders.find(name)).stat().st_size for name in fonts
    )
    weight["total"] = weight["html"] + weight["css"] + weight["js"] + weight["fonts"]
    weight["total gzip"] = sum(weight[f"{kind} gzip"] for kind in ("html", "css", "js", "fonts"))
    return weight


def _comments(article, count: int) -> None:
    add_thread(article, count)  # the shape of bench/comment_thread.py


@pytest.mark.demo
@pytest.mark.django_db
def test_the_long_demo_article_with_its_thread_weighs_under_60_kb(settings):
    """The demo's long article (sections, FAQs, product cards, gear box, related articles,
    its thread), with seven more reader comments: ten in all."""
    from django.core.management import call_command

    settings.DEBUG = True  # load_demo refuses to run without it
    call_command("load_demo", verbosity=0)
    settings.DEBUG = False
    from articles.models import Article

    article = Article.objects.get(slug="hamstring-strains-in-runners")
    existing = Comment.objects.filter(article=article).count()
    _comments(article, max(0, 10 - existing))
    weight = page_weight(article.get_absolute_url())
    print(weight)
    # Browsers send "br" (Chromium on plain http to 127.0.0.1 too); a client with gzip alone
    # gets it under the budget as well (54.4 KB against 51.6 KB with brotli, on 2026-12-07).
    assert weight["total"] < 60 * KB, weight
    assert weight["total gzip"] < 60 * KB, weight


@pytest.mark.django_db
def test_an_article_with_1000_comments_on_one_page_has_html_under_150_kb():
    SiteSettings.load()
    article = ArticleFactory(slug="busy-thread", title="A busy thread")
    _comments(article, 1000)
    weight = page_weight(article.get_absolute_url())
    print(weight)
    assert weight["html"] < 150 * KB, weight
    assert weight["html gzip"] < 150 * KB, weight
