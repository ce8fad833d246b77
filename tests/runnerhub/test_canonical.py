"""One address per public page (runnerhub/canonical.py): made-up spellings of a page's
query parameters are redirected, never kept (Redis runs with noeviction)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from comments.models import QUESTIONS_PER_PAGE, Comment
from comments.thread import thread_scope
from runnerhub.models import SiteSettings
from runnerhub.pagecache import pages_changed
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.runnerhub.factories import cold_fragments

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/calf-pain/"


@pytest.fixture
def site():
    SiteSettings.load()
    topic = TopicFactory(slug="injuries", name="Injuries")
    article = ArticleFactory(slug="calf-pain", title="Calf pain", topic=topic)
    for _ in range(13):  # two pages of the lists
        ArticleFactory(topic=topic)
    return article


def questions(article, n: int) -> list[Comment]:
    start = timezone.now() - timedelta(days=3)
    made = []
    for i in range(n):
        comment = Comment(
            article=article,
            name=f"Reader {i}",
            email=f"r{i}@example.com",
            text=f"Question {i}?",
            state=Comment.State.PUBLISHED,
            created_at=start + timedelta(minutes=i),
        )
        comment.save()
        made.append(comment)
    return made


def threads() -> list[str]:
    return [k for k in cache._cache if ":fragment:thread:" in k]


def pages() -> list[str]:
    return [k for k in cache._cache if "pagecache:page:" in k]


def assert_public_redirect(response, location: str, status: int = 301) -> None:
    assert response.status_code == status, response.status_code
    assert response["Location"] == location
    assert not response.cookies
    if status == 301:  # the address alone decides it: one answer for every reader
        assert "Cookie" not in response.get("Vary", "")


# The article's thread: ?cpage= and ?corder= -------------------------------------------------


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("?cpage=1", ARTICLE),
        ("?cpage=01", ARTICLE),
        ("?cpage=+1", ARTICLE),
        ("?cpage=%201", ARTICLE),
        ("?cpage=02", f"{ARTICLE}?cpage=2"),
        ("?cpage=1_0", f"{ARTICLE}?cpage=10"),
        ("?cpage=x1", ARTICLE),
        ("?cpage=zzz", ARTICLE),
        ("?cpage=0", ARTICLE),
        ("?cpage=-3", ARTICLE),
        ("?cpage=", ARTICLE),
        ("?cpage=%00", ARTICLE),
        ("?cpage=2&cpage=2", f"{ARTICLE}?cpage=2"),
        ("?corder=oldest", ARTICLE),
        ("?corder=newest", ARTICLE),
        ("?corder=Answered", ARTICLE),
        ("?cpage=zzz&corder=answered", f"{ARTICLE}?corder=answered"),
        ("?corder=answered&cpage=01&utm_source=x", f"{ARTICLE}?corder=answered"),
    ],
)
def test_made_up_thread_spellings_redirect_to_the_canonical_address(site, query, location):
    response = Client().get(ARTICLE + query)
    assert_public_redirect(response, location)
    control = response["Cache-Control"]
    assert "public" in control and "private" not in control and "s-maxage=" in control
    assert pages() == [] and threads() == []  # a redirect is never kept
    assert Client().get(location, follow=True).status_code == 200


@pytest.mark.parametrize("query", ["", "?cpage=2", "?corder=answered", "?cpage=2&corder=answered"])
def test_canonical_thread_addresses_are_pages(site, query):
    questions(site, QUESTIONS_PER_PAGE + 1)
    response = Client().get(ARTICLE + query)
    assert response.status_code == 200
    assert Client().get(ARTICLE + query)["X-Page-Cache"] == "hit"


def test_made_up_comment_page_numbers_do_not_each_keep_a_thread(site):
    """The reviewer's flood (tests/review issue 10), following the redirects: 20 made-up
    ?cpage= values keep one page and one thread, as the plain address does."""
    Client().get(ARTICLE)
    before = len(cache._cache)
    for i in range(20):
        response = Client().get(f"{ARTICLE}?cpage=x{i}", follow=True)
        assert response.status_code == 200
        assert response.redirect_chain == [(ARTICLE, 301)]
    assert len(threads()) <= 2
    assert len(cache._cache) == before


def test_a_page_past_the_end_redirects_to_the_last_page_and_keeps_nothing(site):
    questions(site, QUESTIONS_PER_PAGE + 1)  # two pages
    cold_fragments()
    for number in ("3", "9", "1000000", "99999999999999999999"):
        response = Client().get(f"{ARTICLE}?cpage={number}&corder=answered")
        assert_public_redirect(response, f"{ARTICLE}?cpage=2&corder=answered", status=302)
    assert threads() == [] and pages() == []  # neither a page nor a thread fragment
    assert Client().get(f"{ARTICLE}?cpage=2&corder=answered").status_code == 200


def test_a_one_page_thread_past_the_end_goes_to_the_article(site):
    questions(site, 3)
    response = Client().get(f"{ARTICLE}?cpage=2")
    assert_public_redirect(response, ARTICLE, status=302)
    assert threads() == [] and pages() == []


def test_a_thread_that_shrank_sends_old_links_to_its_last_page(
    site, django_capture_on_commit_callbacks
):
    made = questions(site, QUESTIONS_PER_PAGE + 1)
    last = made[-1]
    link = last.get_absolute_url()  # comments/models.py: ?cpage=2#comment-N
    assert "?cpage=2#" in link
    assert Client().get(link).status_code == 200  # an old permalink still works
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.filter(pk__in=[c.pk for c in made[:5]]).delete()
        pages_changed(thread_scope(site.pk))
    assert Client().get(link.split("#")[0])["Location"] == ARTICLE


# Lists, the newsletter archive and the sitemap ------------------------------------------------


LISTS = ["/articles/", "/topics/injuries/", "/newsletter/archive/", "/sitemap-articles.xml"]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("value", "canonical"),
    [("1", ""), ("01", ""), ("+1", ""), ("%201", ""), ("", ""), ("02", "2"), ("1_0", "10")],
)
def test_numbers_spelled_otherwise_redirect(site, url, value, canonical):
    name = "p" if "sitemap" in url else "page"
    response = Client().get(f"{url}?{name}={value}&utm_source=x")
    assert_public_redirect(response, f"{url}?{name}={canonical}" if canonical else url)
    assert pages() == []


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value", ["zzz", "x1", "0", "-1", "99"])
def test_what_is_no_page_of_a_list_stays_a_404(site, url, value):
    name = "p" if "sitemap" in url else "page"
    assert Client().get(f"{url}?{name}={value}").status_code == 404
    assert pages() == []


@pytest.mark.parametrize("url", ["/articles/", "/articles/?page=2", "/topics/injuries/?page=2"])
def test_canonical_list_pages_are_kept(site, url):
    assert Client().get(url).status_code == 200
    assert Client().get(url)["X-Page-Cache"] == "hit"


def test_two_values_of_a_page_go_to_the_one_the_view_reads(site):
    response = Client().get("/articles/?page=zzz&page=2")
    assert_public_redirect(response, "/articles/?page=2")


# /newsletter/?from= -----------------------------------------------------------------------


def test_a_sign_up_page_from_a_path_is_rendered_but_not_kept(site):
    SiteSettings.load()
    for i in range(5):
        response = Client().get(f"/newsletter/?from=/made-up-{i}/")
        assert response.status_code == 200
        assert f'value="/made-up-{i}/"' in response.content.decode()
        assert "public" in response["Cache-Control"]
    assert pages() == []
    Client().get("/newsletter/")
    assert Client().get("/newsletter/")["X-Page-Cache"] == "hit"  # the plain page is kept
