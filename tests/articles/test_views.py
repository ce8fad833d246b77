import json
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory, FAQItemFactory, TagFactory, TopicFactory
from tests.runnerhub.factories import StaffFactory, signed_in, warm_page_cache

pytestmark = pytest.mark.django_db


def ld_blocks(html: str) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in found]


@pytest.fixture
def article():
    topic = TopicFactory(name="Injuries & recovery", slug="injuries")
    article = ArticleFactory(
        title="Hamstring strains in runners",
        slug="hamstring-strains",
        lead="Why hamstrings tear and how to come back.",
        body="<h2>1. Overstriding</h2><p>" + "stride " * 500 + "</p>",
        topic=topic,
        tags=[TagFactory(name="hamstrings", slug="hamstrings")],
        reviewed_by="Sam Patel, physiotherapist",
        last_reviewed=date(2026, 10, 1),
        seo_description="How to treat a hamstring strain.",
    )
    FAQItemFactory(article=article, question="Can I run?", answer="Gently, <b>if</b> painless.")
    FAQItemFactory(article=article, question="Ice or heat?", answer="Ice first.")
    return article


def test_home_lists_featured_and_latest(client):
    featured = ArticleFactory(featured=True, title="The featured one")
    latest = ArticleFactory(title="A newer one")
    ArticleFactory(status=Article.Status.DRAFT, title="Secret draft")
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert featured.title in html and latest.title in html
    assert "Secret draft" not in html
    assert response.context["lists"].featured == [featured]


def test_home_topics_follow_the_editors_order(client):
    second = TopicFactory(name="Aardvark training", slug="aardvark", order=2)
    first = TopicFactory(name="Zebra injuries", slug="zebra", order=1)
    ArticleFactory(topic=second)
    ArticleFactory(topic=first)
    assert client.get("/").context["lists"].topics == [first, second]


def test_article_list_is_paginated_newest_first(client):
    now = timezone.now()
    for day in range(14):
        ArticleFactory(title=f"Day {day}", publish_at=now - timedelta(days=day))
    response = client.get("/articles/")
    titles = [a.title for a in response.context["articles"]]
    assert titles == [f"Day {d}" for d in range(12)]
    second = client.get("/articles/?page=2")
    assert [a.title for a in second.context["articles"]] == ["Day 12", "Day 13"]
    assert client.get("/articles/?page=3").status_code == 404
    assert 'rel="next"' in response.content.decode()


def test_article_page_has_its_anatomy(client, article):
    SiteSettings.objects.update_or_create(
        singleton=1, defaults={"medical_disclaimer": "See a physio if it hurts."}
    )
    response = client.get("/articles/hamstring-strains/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Hamstring strains in runners" in html
    assert '<link rel="canonical" href="http://testserver/articles/hamstring-strains/">' in html
    assert '<meta name="description" content="How to treat a hamstring strain.">' in html
    assert '<meta property="og:title" content="Hamstring strains in runners">' in html
    assert (
        '<meta property="og:url" content="http://testserver/articles/hamstring-strains/">' in html
    )
    assert '<meta name="twitter:card"' in html
    assert "3 min read" in html
    assert (
        'Medically reviewed by Sam Patel, physiotherapist, <time datetime="2026-10-01">'
        "October 1, 2026</time>" in html
    )
    assert "See a physio if it hurts." in html
    assert 'href="/topics/injuries/"' in html  # breadcrumb to the topic
    assert "Can I run?" in html
    assert "Gently, &lt;b&gt;if&lt;/b&gt; painless." in html  # FAQ answers are plain text
    assert 'href="/tags/hamstrings/"' in html


def test_article_structured_data(client, article):
    blocks = ld_blocks(client.get(article.get_absolute_url()).content.decode())
    types = [block["@type"] for block in blocks]
    assert types == ["Article", "BreadcrumbList", "FAQPage"]
    data = blocks[0]
    assert data["headline"] == "Hamstring strains in runners"
    page = data["mainEntityOfPage"]
    assert page["@type"] == "MedicalWebPage" and page["@id"].endswith(article.get_absolute_url())
    assert page["reviewedBy"] == {"@type": "Person", "name": "Sam Patel, physiotherapist"}
    assert page["lastReviewed"] == "2026-10-01"
    assert "reviewedBy" not in data
    assert data["author"]["name"] == article.author.public_name
    faq = blocks[2]["mainEntity"]
    assert faq[0]["name"] == "Can I run?"
    assert faq[0]["acceptedAnswer"]["text"] == "Gently, <b>if</b> painless."
    assert blocks[1]["itemListElement"][1]["name"] == "Injuries & recovery"


def test_structured_data_cannot_break_out_of_its_script(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert ld_blocks(html)[0]["headline"] == "</script><script>alert(1)</script>"


def test_no_faq_page_without_faqs_and_no_reviewed_by_when_unset(client):
    article = ArticleFactory()
    blocks = ld_blocks(client.get(article.get_absolute_url()).content.decode())
    assert [b["@type"] for b in blocks] == ["Article", "BreadcrumbList"]
    assert blocks[0]["mainEntityOfPage"]["@type"] == "WebPage"
    assert "reviewedBy" not in blocks[0]["mainEntityOfPage"] and "reviewedBy" not in blocks[0]


def test_disclaimer_can_be_switched_off(client):
    SiteSettings.objects.update_or_create(
        singleton=1, defaults={"medical_disclaimer": "DISCLAIMER-TEXT"}
    )
    on = ArticleFactory()
    off = ArticleFactory(show_disclaimer=False)
    assert "DISCLAIMER-TEXT" in client.get(on.get_absolute_url()).content.decode()
    assert "DISCLAIMER-TEXT" not in client.get(off.get_absolute_url()).content.decode()


def test_video_is_click_to_load_with_no_third_party_request(client):
    article = ArticleFactory(
        body="<h2>Exercises</h2><p>[video]</p><p>After.</p>",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'data-video-id="dQw4w9WgXcQ"' in html
    assert "[video]" not in html
    assert "<iframe" not in html
    # Nothing on the page loads from YouTube before a click: only a plain link to the video.
    assert not re.search(r'(src|srcset)="[^"]*(youtube|ytimg)', html)
    assert html.index("data-video-id") < html.index("After.")


def test_video_without_marker_follows_the_body(client):
    article = ArticleFactory(body="<p>Body text.</p>", video_url="https://vimeo.com/76979871")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index("Body text.") < html.index('data-video-id="76979871"')


def _byline(html: str) -> str:
    """The date line under an article's title."""
    start = html.index('<span class="meta">', html.index('class="byline__text"'))
    return html[start + len('<span class="meta">') : html.index("</span>", start)].strip()


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.DRAFT, "publish_at": None},
        {"status": Article.Status.PUBLISHED, "publish_at": "future"},
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_articles_are_404_to_the_public_and_previewable_by_staff(client, state):
    if state["publish_at"] == "future":
        state = {**state, "publish_at": timezone.now() + timedelta(days=2)}
    article = ArticleFactory(**state)
    assert client.get(article.get_absolute_url()).status_code == 404
    reader = StaffFactory(is_staff=False)
    client.force_login(reader)
    assert client.get(article.get_absolute_url()).status_code == 404

    signed_in(client, "Editors")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview:" in response.content.decode()
    byline = re.sub(r"\s+", " ", _byline(response.content.decode()))
    if article.publish_at is None:  # a draft: when it was last edited, with no stray "·"
        assert re.match(r"^Updated <time datetime=\"[^\"]+\">\w+ \d+, \d{4}</time> · ", byline)
    else:
        assert re.match(r"^<time datetime=\"[^\"]+\">\w+ \d+, \d{4}</time> · ", byline)
    assert 'datetime=""' not in byline
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    for url in (
        "/",
        "/articles/",
        "/feed/",
        "/sitemap-articles.xml",
        f"/topics/{article.topic.slug}/",
    ):
        assert article.get_absolute_url() not in client.get(url).content.decode()


def test_the_article_pages_kept_query_holds_no_moment_nor_rows(client, article):
    import time

    from articles import views

    assert client.get(article.get_absolute_url()).status_code == 200  # the query is kept
    soon = timezone.now() + timedelta(seconds=1.5)
    scheduled = ArticleFactory(slug="taper-week", publish_at=soon)
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05)
    assert client.get(scheduled.get_absolute_url()).status_code == 200  # live on time
    assert views._page_queryset()._result_cache is None


def test_topic_and_tag_pages(client):
    topic = TopicFactory(name="Gear", slug="gear")
    tag = TagFactory(name="shoes", slug="shoes")
    in_both = ArticleFactory(topic=topic, tags=[tag], title="Choosing shoes")
    elsewhere = ArticleFactory(title="Marathon taper")
    topic_page = client.get("/topics/gear/")
    assert list(topic_page.context["articles"]) == [in_both]
    assert "Marathon taper" not in topic_page.content.decode()
    tag_page = client.get("/tags/shoes/")
    assert list(tag_page.context["articles"]) == [in_both]
    assert elsewhere.title not in tag_page.content.decode()
    assert client.get("/topics/nope/").status_code == 404
    assert client.get("/tags/nope/").status_code == 404


class TestSearch:
    @pytest.fixture
    def corpus(self):
        return {
            "body": ArticleFactory(
                title="Easy running", lead="Go slow.", body="<p>Your hamstring will thank you.</p>"
            ),
            "title": ArticleFactory(
                title="Hamstring strains", lead="A guide.", body="<p>Rest first.</p>"
            ),
            "lead": ArticleFactory(
                title="Tight legs", lead="Hamstring tips.", body="<p>Stretch daily.</p>"
            ),
            "draft": ArticleFactory(
                title="Hamstring draft", status=Article.Status.DRAFT, publish_at=None
            ),
        }

    def test_ranked_title_then_lead_then_body(self, client, corpus):
        response = client.get("/search/", {"q": "hamstring"})
        results = list(response.context["results"])
        assert results == [corpus["title"], corpus["lead"], corpus["body"]]

    def test_snippets_are_highlighted_and_escaped(self, client):
        ArticleFactory(title="Shoes", body="<p>&lt;b&gt;Carbon&lt;/b&gt; plates help racers.</p>")
        html = client.get("/search/", {"q": "carbon"}).content.decode()
        assert "<mark>Carbon</mark>" in html or "<mark>carbon</mark>" in html.lower()
        # PostgreSQL's ts_headline drops tag-like text, SQLite's snippet escapes it: either way
        # no markup from the article text reaches the page.
        assert "<b>" not in html

    def test_no_results_and_empty_query(self, client, corpus):
        response = client.get("/search/", {"q": "zzqxy"})
        assert response.status_code == 200
        assert "No articles match" in response.content.decode()
        assert client.get("/search/").status_code == 200

    def test_the_count_of_matches_in_plural_forms(self, client, corpus):
        one = client.get("/search/", {"q": "daily"}).content.decode()
        assert "1 article matches “daily”." in one
        three = client.get("/search/", {"q": "hamstring"}).content.decode()
        assert "3 articles match “hamstring”." in three

    def test_multiple_words_must_all_match(self, client, corpus):
        results = list(client.get("/search/", {"q": "hamstring rest"}).context["results"])
        assert results == [corpus["title"]]


def test_rss_and_atom_feeds(client, article):
    ArticleFactory(status=Article.Status.DRAFT, publish_at=None, title="Hidden draft")
    rss = client.get("/feed/")
    assert rss.status_code == 200
    assert rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert "<title>Hamstring strains in runners</title>" in body
    assert "Hidden draft" not in body
    assert "http://testserver/articles/hamstring-strains/" in body
    atom = client.get("/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "<entry>" in atom.content.decode()


def test_sitemap_lists_public_pages_only(client, article):
    hidden = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    body = "".join(
        client.get(f"/sitemap-{section}.xml").content.decode()
        for section in ("articles", "topics", "tags")
    )
    assert "http://testserver/articles/hamstring-strains/" in body
    assert "http://testserver/topics/injuries/" in body
    assert "http://testserver/tags/hamstrings/" in body
    assert hidden.get_absolute_url() not in body


# Bad input: never a 500 ---------------------------------------------------------------------

HOSTILE = [
    "%00",
    "abc%00def",
    "%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "%F0%28%8C%28",  # invalid UTF-8
    "a" * 10_000,
    "-_-",
    "%27%3B%20DROP%20TABLE%20articles_article%3B--",
    "..%2F..%2Fetc%2Fpasswd",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("prefix", ["/articles/", "/topics/", "/tags/"])
def test_hostile_slugs_are_404(client, article, prefix, value):
    assert client.get(f"{prefix}{value}/").status_code == 404


@pytest.mark.parametrize("value", [*HOSTILE, "%22%27%5C", "hamstring%00", "%D8%00%DC"])
def test_hostile_search_queries_never_fail(client, article, value):
    response = client.get(f"/search/?q={value}")
    assert response.status_code == 200


def test_surrogates_and_nul_inside_search_are_dropped(client, article):
    from articles.search import clean_query

    assert clean_query("ham\x00string\ud800") == ("ham string", "")
    assert clean_query("a" * 10_000)[1].startswith("Search terms can be at most")
    response = client.get("/search/?q=" + "a" * 10_000)
    assert "at most 200 characters" in response.content.decode()


@pytest.mark.parametrize("value", [*HOSTILE, "0", "-1", "99999999999999999999", "1e3", "last"])
@pytest.mark.parametrize("url", ["/articles/", "/topics/injuries/", "/search/?q=stride&"])
def test_hostile_page_numbers_are_404_or_a_page(client, article, url, value):
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}page={value}")
    assert response.status_code in (200, 404)


# Query counts: pinned, and independent of how much is shown ---------------------------------


def _make_many(n: int):
    topics = [TopicFactory() for _ in range(3)]
    tags = [TagFactory() for _ in range(4)]
    articles = []
    for i in range(n):
        article = ArticleFactory(topic=topics[i % 3], tags=tags, featured=i < 3)
        FAQItemFactory.create_batch(3, article=article)
        articles.append(article)
    return articles


# (url, queries): e.g. the list is count + page of articles + menu topics; the article is
# itself (with tags, FAQs, settings), the menu, its gear box, its thread and related articles
# (tests/runnerhub/test_query_counts.py has the whole list, with comments and products).
PAGES = {
    "home": ("/", 4),
    "list": ("/articles/", 3),
    "topic": ("/topics/{topic}/", 4),
    "tag": ("/tags/{tag}/", 4),
    "article": ("/articles/{article}/", 5),
    "search": ("/search/?q=run", 2),
    "feed": ("/feed/", 1),
    "atom": ("/feed/atom/", 1),
    "sitemap": ("/sitemap.xml", 8),  # per section a count; newest of articles, authors, issues
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("count", [1, 15])
def test_public_page_query_counts_are_pinned(client, django_assert_num_queries, name, count):
    articles = _make_many(count)
    first = articles[0]
    url, expected = PAGES[name]
    url = url.format(topic=first.topic.slug, tag=first.tags.first().slug, article=first.slug)
    SiteSettings.load()
    warm_page_cache()
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("extras", [0, 12])
def test_article_page_queries_do_not_grow_with_tags_faqs_or_related(
    client, django_assert_num_queries, extras
):
    """The same 5 queries whether the article has no tags and FAQs or a dozen of each (with
    a dozen related articles in its topic)."""
    topic = TopicFactory()
    article = ArticleFactory(topic=topic, tags=[TagFactory() for _ in range(extras)])
    FAQItemFactory.create_batch(extras, article=article)
    ArticleFactory.create_batch(extras, topic=topic)
    SiteSettings.load()
    warm_page_cache()
    with django_assert_num_queries(PAGES["article"][1]):
        response = client.get(f"/articles/{article.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<summary class="faq__question">') == extras
