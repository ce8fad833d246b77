"""The sitemap index (/sitemap.xml) and its paged section sitemaps (articles/sitemaps.py)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from articles import sitemaps
from articles.models import Article, people_with_author_pages
from newsletter.sitemaps import NewsletterIssueSitemap
from runnerhub.urls import sitemaps as SITEMAPS
from tests.articles.factories import ArticleFactory, TagFactory, TopicFactory
from tests.newsletter.test_web import sent_issue
from tests.runnerhub.factories import StaffFactory, UserFactory, warm_page_cache

pytestmark = pytest.mark.django_db


def locations(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r"<loc>(.*?)</loc>", response.content.decode())


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def every_url(client) -> list[str]:
    """Every URL listed, following the index to each section page."""
    return [
        url
        for sitemap in locations(client.get("/sitemap.xml"))
        for url in locations(client.get(path_of(sitemap)))
    ]


def test_sitemap_xml_is_an_index_of_section_sitemaps(client):
    ArticleFactory()
    response = client.get("/sitemap.xml")
    assert "<sitemapindex" in response.content.decode()
    assert locations(response) == [
        f"http://testserver/sitemap-{section}.xml"
        for section in ("pages", "articles", "topics", "tags", "authors", "newsletter")
    ]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_sections_list_public_pages_only(client):
    tag = TagFactory(slug="calves")
    public = ArticleFactory(slug="calf-pain", topic=TopicFactory(slug="injuries"), tags=[tag])
    draft = ArticleFactory(
        status=Article.Status.DRAFT, publish_at=None, topic=TopicFactory(slug="hidden")
    )
    urls = every_url(client)
    assert "http://testserver/" in urls
    assert "http://testserver/articles/calf-pain/" in urls
    assert "http://testserver/topics/injuries/" in urls
    assert "http://testserver/tags/calves/" in urls
    assert f"http://testserver{draft.get_absolute_url()}" not in urls
    assert "http://testserver/topics/hidden/" not in urls
    assert public.get_absolute_url() != draft.get_absolute_url()


def test_article_sitemap_is_paged_by_the_limit(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    made = ArticleFactory.create_batch(5)
    index = [path_of(url) for url in locations(client.get("/sitemap.xml"))]
    assert [url for url in index if "articles" in url] == [
        "/sitemap-articles.xml",
        "/sitemap-articles.xml?p=2",
        "/sitemap-articles.xml?p=3",
    ]
    pages = [locations(client.get(url)) for url in index if "articles" in url]
    assert [len(page) for page in pages] == [2, 2, 1]
    listed = [url for page in pages for url in page]
    assert sorted(listed) == sorted(f"http://testserver{a.get_absolute_url()}" for a in made)


def test_article_sitemap_gives_lastmod(client):
    article = ArticleFactory()
    body = client.get("/sitemap-articles.xml").content.decode()
    assert f"<lastmod>{article.updated_at.date().isoformat()}" in body


def test_the_authors_sitemap_lists_exactly_the_author_pages_that_answer(client):
    staff_writer = ArticleFactory(author=StaffFactory(display_name="Ana Runner")).author
    staff_new = StaffFactory(display_name="Ben New")  # no article yet: a page all the same
    former = ArticleFactory(author=StaffFactory(display_name="Cleo Gone")).author
    former.is_staff = False
    former.save()
    former_drafts_only = StaffFactory(display_name="Dan Drafts")
    ArticleFactory(author=former_drafts_only, status=Article.Status.DRAFT, publish_at=None)
    former_drafts_only.is_staff = False
    former_drafts_only.save()
    reader = UserFactory(slug="a-reader")
    listed = locations(client.get("/sitemap-authors.xml"))
    expected = [staff_writer, staff_new, former]
    assert sorted(listed) == sorted(f"http://testserver{u.get_absolute_url()}" for u in expected)
    for user in (*expected, former_drafts_only, reader):
        url = f"http://testserver{user.get_absolute_url()}"
        answers = client.get(user.get_absolute_url()).status_code
        assert (url in listed) == (answers == 200), (user, answers)
    assert set(people_with_author_pages()) == set(expected)


def test_the_authors_sitemap_gives_their_newest_public_article_as_lastmod(client):
    author = StaffFactory()
    old = ArticleFactory(author=author)
    Article.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=50))
    newest = ArticleFactory(author=author)
    Article.objects.filter(pk=newest.pk).update(updated_at=timezone.now() - timedelta(days=9))
    draft = ArticleFactory(author=author, status=Article.Status.DRAFT, publish_at=None)
    assert draft.updated_at.date() > (timezone.now() - timedelta(days=9)).date()
    new_staff = StaffFactory()
    body = client.get("/sitemap-authors.xml").content.decode()
    newest.refresh_from_db()
    entry = re.search(rf"<url><loc>[^<]*{author.get_absolute_url()}</loc>(.*?)</url>", body)
    assert entry[1].startswith(f"<lastmod>{newest.updated_at.date().isoformat()}</lastmod>")
    empty = re.search(rf"<url><loc>[^<]*{new_staff.get_absolute_url()}</loc>(.*?)</url>", body)
    assert "<lastmod>" not in empty[1]
    index = client.get("/sitemap.xml").content.decode()
    assert re.search(
        r"sitemap-authors\.xml</loc><lastmod>"
        + re.escape(newest.updated_at.isoformat(timespec="seconds")[:19]),
        index,
    )


@pytest.mark.parametrize("value", ["0", "-1", "abc", "99999", "%00", "1e3"])
def test_bad_sitemap_pages_are_404(client, value):
    ArticleFactory()
    assert client.get(f"/sitemap-articles.xml?p={value}").status_code == 404


def test_unknown_section_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404


@pytest.mark.parametrize("url", ["/sitemap.xml", "/sitemap-articles.xml"])
def test_sitemaps_are_cacheable_public_pages(client, url):
    ArticleFactory()
    response = client.get(url)
    assert "public" in response["Cache-Control"]
    assert "s-maxage" in response["Cache-Control"]
    assert not response.cookies
    assert client.get(url).get("X-Page-Cache") == "hit"


# (url, queries) on a page cache miss, the same at any size: the index counts each section
# and takes the articles' latest change; a section page counts and fetches its page.
QUERIES = {
    # A count per section; the newest change of articles, authors' articles and issues.
    "/sitemap.xml": 8,
    "/sitemap-articles.xml": 2,
    "/sitemap-topics.xml": 2,
    "/sitemap-tags.xml": 2,
    "/sitemap-authors.xml": 2,
    "/sitemap-pages.xml": 0,
    "/sitemap-newsletter.xml": 1,
}


@pytest.mark.parametrize("url", QUERIES)
@pytest.mark.parametrize("count", [2, 30])
def test_sitemap_query_counts_do_not_grow_with_the_site(
    client, django_assert_num_queries, url, count
):
    topics = [TopicFactory() for _ in range(3)]
    tags = [TagFactory() for _ in range(4)]
    for i in range(count):
        ArticleFactory(topic=topics[i % 3], tags=tags[: 1 + i % 4])
    warm_page_cache()
    with django_assert_num_queries(QUERIES[url]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("section", list(SITEMAPS))
@pytest.mark.parametrize("page", ["1", "2"])
def test_section_pages_are_what_djangos_sitemap_view_writes(rf, monkeypatch, section, page):
    """section_page writes the XML itself, for speed; this keeps it byte for byte what
    django.contrib.sitemaps.views.sitemap renders from its template, headers included."""
    from django.contrib.sitemaps.views import sitemap as reference

    for cls in (
        sitemaps.ArticleSitemap,
        sitemaps.TopicSitemap,
        sitemaps.TagSitemap,
        sitemaps.AuthorSitemap,
        NewsletterIssueSitemap,
    ):
        monkeypatch.setattr(cls, "limit", 3)
    monkeypatch.setattr(sitemaps.PagesSitemap, "limit", 2)
    for week in range(5):
        sent_issue(started_at=timezone.now() - timedelta(days=7 * week))
    tags = [TagFactory(slug=f"t-{i}") for i in range(5)]
    for i in range(5):
        ArticleFactory(slug=f"a-{i}&b", topic=TopicFactory(slug=f"topic-{i}"), tags=tags[i:])
    request = rf.get(f"/sitemap-{section}.xml", {"p": page})
    expected = reference(request, sitemaps=SITEMAPS, section=section).render()
    got = sitemaps.section_page(request, sitemaps=SITEMAPS, section=section)
    assert got.content.decode() == expected.content.decode()
    assert got.get("Last-Modified") == expected.get("Last-Modified")
    assert got["X-Robots-Tag"] == expected["X-Robots-Tag"]
    assert got["Content-Type"] == expected["Content-Type"]
