"""The query count of every public page is pinned, and the same with 2 or 30 of everything a
page shows (comments by anonymous and registered readers and staff, tags, FAQs, products,
related articles, body blocks, articles in lists), measured on a page cache miss with cold
fragments (the real miss) and, for the article, with warm ones. The sitemap is pinned in
tests/articles/test_views.py."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.notifications import unsubscribe_token as comment_unsubscribe_token
from newsletter.tokens import confirm_token, unsubscribe_token
from runnerhub import fragments, pagecache
from runnerhub.models import SiteSettings
from tests.articles.factories import ArticleFactory, FAQItemFactory, TagFactory, TopicFactory
from tests.newsletter.factories import PendingSubscriberFactory, SubscriberFactory
from tests.runnerhub.factories import StaffFactory, UserFactory, cold_fragments, warm_page_cache
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db


def make_site(n: int) -> dict:
    SiteSettings.load()
    topic = TopicFactory(slug="injuries", name="Injuries")
    for i in range(n):
        TopicFactory(slug=f"extra-{i}", name=f"Extra {i}")
    tags = [TagFactory() for _ in range(n)]
    category = ShopCategoryFactory(slug="recovery", name="Recovery")
    products = [ProductFactory(category=category) for _ in range(n)]
    body = "<p>Rolling helps.</p>" + "".join(f"<p>[product {p.slug}]</p>" for p in products)
    article = ArticleFactory(
        slug="calf-pain", topic=topic, tags=tags, body=body + "<p>[shop recovery]</p>"
    )
    for p in products:
        ArticleProductFactory(article=article, product=p, note="Good")
    FAQItemFactory.create_batch(n, article=article)
    for _ in range(n):  # related articles, and articles in every list
        ArticleFactory(topic=topic, tags=tags[:2])
    readers = [UserFactory(), UserFactory()]
    staff = StaffFactory()
    start = timezone.now() - timedelta(days=3)
    made: list[Comment] = []
    for i in range(n):
        parent = made[i // 2] if i % 2 and made else None
        user = [None, readers[0], staff, readers[1]][i % 4]
        comment = Comment(
            article=article,
            parent=parent,
            name=f"Reader {i}",
            email=f"r{i}@example.com",
            text=f"Question {i} about calves?",
            state=Comment.State.PUBLISHED,
            user=user,
            is_staff_reply=user is staff,
            created_at=start + timedelta(minutes=i),
        )
        comment.save()
        made.append(comment)
    SubscriberFactory.create_batch(n)
    pending = PendingSubscriberFactory()
    active = SubscriberFactory()
    return {
        "article": article,
        "comment": made[0],
        "confirm": confirm_token(pending),
        "unsubscribe": unsubscribe_token(active),
        "comment_unsubscribe": comment_unsubscribe_token(made[0]),
        "tag": tags[0].slug,
    }


# url -> queries on a page cache miss with cold fragments. The article: 1 the article with
# its topic, author, tags, FAQs and the site settings (JSON); 2 the topic menu; 3 the
# products of its body blocks and gear box; 4 the shop categories of its [shop] blocks;
# 5 the thread (with its number of questions); 6 the related articles.
PAGES = {
    "home": ("/", 4),
    "list": ("/articles/", 3),
    "article": ("/articles/calf-pain/", 6),
    "article, answered first": ("/articles/calf-pain/?corder=answered", 6),
    "topic": ("/topics/injuries/", 4),
    "tag": ("/tags/{tag}/", 4),
    "search": ("/search/?q=run", 2),
    "rss": ("/feed/", 1),
    "atom": ("/feed/atom/", 1),
    "shop category": ("/shop/recovery/", 3),
    "newsletter": ("/newsletter/", 1),
    "reply page": ("/comments/reply/{comment}/", 3),
    "confirm": ("/newsletter/confirm/{confirm}/", 2),
    "unsubscribe": ("/newsletter/unsubscribe/{unsubscribe}/", 2),
    "comment notifications unsubscribe": ("/comments/unsubscribe/{comment_unsubscribe}/", 3),
    "robots": ("/robots.txt", 0),
    "healthz": ("/healthz", 1),
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("n", [2, 30])
def test_public_page_queries_are_pinned_whatever_the_size(django_assert_num_queries, name, n):
    site = make_site(n)
    url, expected = PAGES[name]
    url = url.format(
        tag=site["tag"],
        comment=site["comment"].pk,
        confirm=site["confirm"],
        unsubscribe=site["unsubscribe"],
        comment_unsubscribe=site["comment_unsubscribe"],
    )
    cold_fragments()
    with django_assert_num_queries(expected):
        response = Client().get(url)
    assert response.status_code == 200, response.content[:300]


def test_a_generations_first_miss_costs_no_query_more(django_assert_num_queries):
    """The writer that starts a generation finds its next scheduled change: the first miss
    after a write costs what any miss does."""
    make_site(2)
    cold_fragments()
    pagecache._new_generation()  # as after every write's commit
    with django_assert_num_queries(PAGES["article"][1]):
        assert Client().get(PAGES["article"][0]).status_code == 200


def test_a_scheduled_moment_passing_costs_a_reader_no_query_more(django_assert_num_queries):
    """The writer kept the next moments, not only the first: a reader's miss after one of
    them passed (an article went live, no write since) takes the next from the list."""
    make_site(2)
    now = timezone.now()
    soon, later = now + timedelta(hours=1), now + timedelta(hours=2)
    ArticleFactory(publish_at=soon)
    ArticleFactory(publish_at=now - timedelta(days=1), unpublish_at=later)
    cold_fragments()  # (a new generation too, whose write found the moments)
    generation = pagecache._generation()
    kept = cache.get(pagecache.NEXT_CHANGE_KEY)
    found_after = pytest.approx(now.timestamp(), abs=60)  # when the writer looked
    assert kept == (
        generation,
        found_after,
        pytest.approx((soon.timestamp(), later.timestamp())),
        True,
    )
    # As when the first has passed: the next comes from the list.
    before = now.timestamp() - 10
    pagecache._keep_change(generation, (before, (now.timestamp() - 1, later.timestamp()), True))
    with django_assert_num_queries(PAGES["article"][1]):
        assert Client().get(PAGES["article"][0]).status_code == 200
    assert pagecache._kept_change(generation, None) == pytest.approx(later.timestamp())
    # Every one passed, and they were all there were: nothing to find, no query.
    pagecache._keep_change(generation, (before, (now.timestamp() - 2, now.timestamp() - 1), True))
    with django_assert_num_queries(0):
        assert pagecache._next_change(generation) is None


def test_only_when_every_kept_moment_passed_does_a_reader_find_more(
    django_assert_num_queries, monkeypatch
):
    """UPCOMING_CHANGES moments are kept; the ones after them are found by the reader whose
    miss comes after all of those passed, with one query more, and kept for the others."""
    monkeypatch.setattr(pagecache, "UPCOMING_CHANGES", 2)
    make_site(2)
    now = timezone.now()
    times = [now + timedelta(hours=hours) for hours in (1, 2, 3)]
    for moment in times:
        ArticleFactory(publish_at=moment)
    cold_fragments()
    generation = pagecache._generation()
    kept = cache.get(pagecache.NEXT_CHANGE_KEY)
    found_after = pytest.approx(now.timestamp(), abs=60)  # when the writer looked
    assert kept == (
        generation,
        found_after,
        pytest.approx([t.timestamp() for t in times[:2]]),
        False,
    )
    # The first two went live (no write since): the list is spent, and more may follow.
    Article.objects.filter(publish_at__in=times[:2]).update(publish_at=now - timedelta(days=1))
    before = now.timestamp() - 10
    pagecache._keep_change(generation, (before, (now.timestamp() - 2, now.timestamp() - 1), False))
    assert pagecache._kept_change(generation, None) is False
    with django_assert_num_queries(PAGES["article"][1] + 1):
        assert Client().get(PAGES["article"][0]).status_code == 200
    assert cache.get(pagecache.NEXT_CHANGE_KEY) == (
        generation,
        found_after,
        pytest.approx([times[2].timestamp()]),
        True,
    )


def test_moments_are_whole_up_to_the_shortest_list_that_is_not(monkeypatch):
    """A source that listed only its first moments answers for none after its last: another
    source's later moments are left for the list found once those have passed."""
    base = timezone.now()
    at = lambda hours: base + timedelta(hours=hours)  # noqa: E731
    monkeypatch.setattr(
        pagecache,
        "change_times",
        [
            lambda limit, since: ([at(1), at(2)], False),
            lambda limit, since: ([at(1.5), at(3)], True),
        ],
    )
    since, moments, whole = pagecache._find_changes(123.0)
    assert since == 123.0 and not whole
    assert moments == pytest.approx([at(h).timestamp() for h in (1, 1.5, 2)])


def test_an_unpublish_time_past_the_listed_rows_is_not_taken_for_the_next(monkeypatch):
    """An article live until 5h is listed (its unpublish time) beside scheduled ones at 2h and
    3h; with room for two rows, 3h is not listed, so 5h must not be either: after 2h the
    next is 3h, found again."""
    monkeypatch.setattr(pagecache, "UPCOMING_CHANGES", 2)
    now = timezone.now()
    at = lambda hours: now + timedelta(hours=hours)  # noqa: E731
    ArticleFactory(publish_at=at(1), unpublish_at=at(5))
    ArticleFactory(publish_at=at(2))
    ArticleFactory(publish_at=at(3))
    _, moments, whole = pagecache._find_changes()
    assert not whole
    assert moments == pytest.approx([at(1).timestamp(), at(2).timestamp()])


def test_the_next_change_is_judged_from_when_the_request_began():
    """A moment that passed since the request began is its next change (so its page is not
    kept), found by the query, and not taken from a list found after the request began."""
    now = timezone.now()
    went_live = now - timedelta(seconds=5)
    ArticleFactory(publish_at=went_live)
    began = (now - timedelta(seconds=10)).timestamp()
    assert pagecache._next_change(None, since=began) == pytest.approx(went_live.timestamp())
    assert pagecache._next_change(None) is None  # from now: nothing to come
    generation = pagecache._generation()
    pagecache._keep_change(generation, (now.timestamp(), (), True))  # found after it began
    assert pagecache._kept_change(generation, None, since=began) is False
    assert pagecache._next_change(generation, since=began) == pytest.approx(went_live.timestamp())


def test_a_request_in_flight_at_a_write_takes_the_writers_list(django_assert_num_queries):
    """The writer finds the moments from a minute before its commit, so a request that began
    before it needs no list of its own."""
    began = timezone.now().timestamp() - 5
    pagecache._new_generation()
    with django_assert_num_queries(0):
        pagecache.next_change(began)


def test_a_request_of_an_older_generation_keeps_no_list_in_place_of_the_new_ones():
    old = pagecache._generation()
    pagecache._new_generation()
    kept = cache.get(pagecache.NEXT_CHANGE_KEY)
    assert kept[0] == pagecache._generation() != old
    # In flight at the write, with a list that ran out: it finds its own, and keeps it not.
    assert pagecache._next_change(old, since=timezone.now().timestamp()) is None
    assert cache.get(pagecache.NEXT_CHANGE_KEY) == kept


@pytest.mark.parametrize("first", ["goes live", "leaves", "none"])
def test_the_next_scheduled_change_is_one_query(django_assert_num_queries, first):
    now = timezone.now()
    hours = {"goes live": (1, 2), "leaves": (2, 1), "none": (None, None)}[first]
    if hours[0] is not None:
        ArticleFactory(publish_at=now + timedelta(hours=hours[0]))
        ArticleFactory(unpublish_at=now + timedelta(hours=hours[1]))
    # None of these changes a public page: a draft, and an article gone already.
    ArticleFactory(status=Article.Status.DRAFT, publish_at=now + timedelta(minutes=5))
    ArticleFactory(status=Article.Status.DRAFT, unpublish_at=now + timedelta(minutes=5))
    ArticleFactory(unpublish_at=now - timedelta(minutes=5))
    with django_assert_num_queries(1):
        moment = pagecache._next_change(None)
    if first == "none":
        assert moment is None
    else:
        assert moment == pytest.approx((now + timedelta(hours=1)).timestamp(), abs=1)


@pytest.mark.parametrize("n", [2, 30])
def test_a_comment_page_past_the_end_is_pinned_too(django_assert_num_queries, n):
    """It redirects to the last page (runnerhub/canonical.py), once the thread is built: the
    thread's one query finds the last page, so no query more than the article page."""
    make_site(n)
    cold_fragments()
    with django_assert_num_queries(6):
        response = Client().get("/articles/calf-pain/?cpage=9")
    assert response.status_code == 302
    assert response["Location"] == "/articles/calf-pain/"


def _without_render_times(html: str) -> str:
    # The forms' time-trap tokens (signed render times) differ from one render to the next.
    return re.sub(r'value="[^"]*:[^"]*"', "", html)


@pytest.mark.parametrize("n", [2, 30])
def test_the_article_page_with_warm_fragments_needs_no_query(django_assert_num_queries, n):
    site = make_site(n)
    url = site["article"].get_absolute_url()
    cold_fragments()
    fragments._remembered.clear()  # a process's first render of the page
    cold = Client().get(url).content.decode()
    warm_page_cache()  # a page cache miss again, the fragments kept
    with django_assert_num_queries(1):  # the article's row: kept from the second render on
        Client().get(url)
    warm_page_cache()
    with django_assert_num_queries(0):
        warm = Client().get(url).content.decode()
    assert _without_render_times(warm) == _without_render_times(cold)
    assert warm.count('class="comment comment--') == n
    assert warm.count('<summary class="faq__question">') == n


@pytest.mark.parametrize("registered", [False, True])
@pytest.mark.parametrize("target", ["product", "category"])
def test_go_is_at_most_two_queries(django_assert_max_num_queries, registered, target):
    site = make_site(2)
    product = site["article"].shop_products.first().product
    path = f"/go/{product.slug}/" if target == "product" else "/go/shop/recovery/"
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 Chrome/156.0")
    if registered:
        client.force_login(UserFactory())
    with django_assert_max_num_queries(2):
        response = client.get(f"{path}?a={site['article'].pk}")
    assert response.status_code == 302
