"""What search engines and feed readers get: a canonical address on every public page, the
home page's sharing tags and WebSite search, topic and tag pages' structured data, and the
feeds of each topic and tag."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from tests.articles.factories import ArticleFactory, TagFactory, TopicFactory
from tests.hostile import HOSTILE, wire
from tests.runnerhub.factories import cold_fragments
from tests.shop.factories import ShopCategoryFactory

pytestmark = pytest.mark.django_db

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)">')
ATOM = "{http://www.w3.org/2005/Atom}"


def structured_data(html: str) -> dict:
    return {d["@type"]: d for d in (json.loads(b) for b in LD_JSON.findall(html))}


@pytest.fixture
def site():
    topic = TopicFactory(slug="injuries", name="Injuries")
    tag = TagFactory(slug="knees", name="knees")
    other = TopicFactory(slug="gear", name="Gear")
    for i in range(14):
        ArticleFactory(topic=topic, tags=[tag], title=f"Knee article {i}")
    ArticleFactory(topic=other, title="A shoe article")
    ShopCategoryFactory(slug="recovery", name="Recovery")
    return {"topic": topic, "tag": tag}


@pytest.mark.parametrize(
    "path, canonical",
    [
        ("/", "/"),
        ("/?utm_source=x", "/"),
        ("/newsletter/", "/newsletter/"),
        ("/shop/recovery/", "/shop/recovery/"),
        ("/articles/?page=2", "/articles/?page=2"),
        ("/topics/injuries/?page=2", "/topics/injuries/?page=2"),
        ("/tags/knees/?page=2", "/tags/knees/?page=2"),
    ],
)
def test_every_public_page_has_one_canonical_address(site, path, canonical):
    html = Client().get(path).content.decode()
    assert CANONICAL.findall(html) == [f"http://testserver{canonical}"]


def test_home_has_sharing_tags_and_a_website_search_action(site):
    html = Client().get("/").content.decode()
    for tag in ('property="og:title"', 'property="og:url" content="http://testserver/"',
                'property="og:type" content="website"', 'name="twitter:card"'):  # fmt: skip
        assert tag in html
    website = structured_data(html)["WebSite"]
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == "http://testserver/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


@pytest.mark.parametrize("kind", ["topic", "tag"])
def test_topic_and_tag_pages_are_collection_pages_with_breadcrumbs_and_feeds(site, kind):
    section = site[kind]
    html = Client().get(f"{section.get_absolute_url()}?page=2").content.decode()
    data = structured_data(html)
    assert data["CollectionPage"]["url"] == f"http://testserver{section.get_absolute_url()}?page=2"
    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert crumbs[0]["name"] == "Home" and crumbs[-1]["item"].endswith(section.get_absolute_url())
    for feed_type, suffix in (("rss+xml", "feed/"), ("atom+xml", "feed/atom/")):
        link = f'type="application/{feed_type}"'
        href = f'href="{section.get_absolute_url()}{suffix}"'
        assert re.search(rf'<link rel="alternate" {re.escape(link)} [^>]*{re.escape(href)}', html)


@pytest.mark.parametrize("kind", ["topic", "tag"])
def test_topic_and_tag_feeds_carry_only_their_articles(site, kind):
    section = site[kind]
    rss = Client().get(f"{section.get_absolute_url()}feed/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    # Our own feed, parsed to check it is well-formed XML: not untrusted input.
    titles = [t.text for t in ET.fromstring(rss.content).iter("title")]  # noqa: S314
    assert titles[0].startswith(section.name)
    assert "A shoe article" not in titles and "Knee article 13" in titles
    assert len(titles) == 1 + 14
    atom = Client().get(f"{section.get_absolute_url()}feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(atom.content).findall(f"{ATOM}entry")  # noqa: S314
    assert len(entries) == 14


@pytest.mark.parametrize("value", HOSTILE[::5])
def test_feed_addresses_never_500(site, value):
    for base in ("/topics/", "/tags/"):
        assert Client().get(f"{base}{wire(value)}/feed/").status_code == 404
        assert Client().get(f"{base}{wire(value)}/feed/atom/").status_code == 404


@pytest.mark.parametrize("path", ["/topics/injuries/feed/", "/tags/knees/feed/atom/"])
@pytest.mark.parametrize("n", [2, 30])
def test_section_feed_queries_are_pinned_whatever_the_size(django_assert_num_queries, path, n):
    topic = TopicFactory(slug="injuries", name="Injuries")
    tag = TagFactory(slug="knees", name="knees")
    for _ in range(n):
        ArticleFactory(topic=topic, tags=[tag])
    cold_fragments()
    with django_assert_num_queries(2):  # the topic or tag; its articles with their authors
        assert Client().get(path).status_code == 200


def test_the_site_feed_carries_the_lead_or_with_the_setting_the_whole_text(settings):
    ArticleFactory(
        lead="The lead of it.",
        body='<p>Whole text here.</p><p>[video]</p><p><img src="/media/x.jpg" alt="x"></p>',
    )
    plain = Client().get("/feed/").content.decode()
    assert "The lead of it." in plain and "Whole text here." not in plain
    settings.FEED_FULL_CONTENT = True
    cold_fragments()
    full = Client().get("/feed/").content.decode()
    assert "Whole text here." in full and "[video]" not in full
    assert "http://testserver/media/x.jpg" in full
