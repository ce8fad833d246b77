"""Links never break: a slug change keeps every old address as a 301 (articles/redirects.py),
and an article readers had answers 410 Gone."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from articles import services
from articles.models import Article, Redirect
from runnerhub.models import SiteSettings
from runnerhub.permissions import EDITORS
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory, TagFactory, TopicFactory
from tests.hostile import HOSTILE, HOSTILE_BYTES, wire
from tests.runnerhub.factories import StaffFactory, warm_page_cache
from tests.shop.factories import ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db


class _Form:
    changed_data = ("slug",)
    initial: dict = {}


def admin_save(obj, **changes):
    """Change `obj` and save it as its admin page does (ModelAdmin.save_model)."""
    for name, value in changes.items():
        setattr(obj, name, value)
    request = RequestFactory().post(ADMIN)
    request.user = StaffFactory(is_superuser=True)
    request.session = {}
    request._messages = FallbackStorage(request)
    admin.site._registry[type(obj)].save_model(request, obj, _Form(), obj.pk is not None)
    return obj


def location(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 301, (url, response.status_code)
    return response["Location"]


def test_an_article_slug_change_answers_the_old_address_with_a_301(client):
    article = ArticleFactory(slug="calf-pain")
    admin_save(article, slug="calf-pain-explained")
    assert location(client, "/articles/calf-pain/") == "/articles/calf-pain-explained/"
    assert client.get("/articles/calf-pain-explained/").status_code == 200
    assert Redirect.objects.get().hits == 1


def test_chains_collapse_to_one_hop(client):
    article = ArticleFactory(slug="a")
    admin_save(article, slug="b")
    admin_save(article, slug="c")
    assert location(client, "/articles/a/") == "/articles/c/"
    assert location(client, "/articles/b/") == "/articles/c/"
    assert sorted(Redirect.objects.values_list("old_path", "new_path")) == [
        ("/articles/a/", "/articles/c/"),
        ("/articles/b/", "/articles/c/"),
    ]


def test_a_slug_changed_back_makes_no_loop(client):
    article = ArticleFactory(slug="a")
    admin_save(article, slug="b")
    admin_save(article, slug="a")
    assert client.get("/articles/a/").status_code == 200
    assert location(client, "/articles/b/") == "/articles/a/"
    assert Redirect.objects.count() == 1


def test_the_query_string_goes_along(client):
    article = ArticleFactory(slug="old")
    admin_save(article, slug="new")
    assert location(client, "/articles/old/?cpage=2&corder=answered") == (
        "/articles/new/?cpage=2&corder=answered"
    )


def test_a_draft_or_scheduled_article_leaves_no_redirect(client):
    draft = ArticleFactory(slug="draft", status=Article.Status.DRAFT, publish_at=None)
    admin_save(draft, slug="draft-2")
    assert not Redirect.objects.exists()
    assert client.get("/articles/draft/").status_code == 404


def test_a_new_article_that_takes_an_old_slug_wins(client):
    first = ArticleFactory(slug="tempo-runs", title="First")
    admin_save(first, slug="tempo-runs-2026")
    second = ArticleFactory(slug="tempo-runs", title="Second")
    # Live at the address: it wins even before anything removes the redirect ...
    response = client.get("/articles/tempo-runs/")
    assert response.status_code == 200
    assert "Second" in response.content.decode()
    # ... and saving it in admin removes it, so it can never come back.
    admin_save(second)
    assert not Redirect.objects.filter(old_path="/articles/tempo-runs/").exists()
    assert client.get("/articles/tempo-runs-2026/").status_code == 200


@pytest.mark.parametrize(
    "make, old, new",
    [
        (
            lambda: TopicFactory(slug="old"),
            ["/topics/old/", "/topics/old/feed/", "/topics/old/feed/atom/"],
            ["/topics/new/", "/topics/new/feed/", "/topics/new/feed/atom/"],
        ),
        (
            lambda: TagFactory(slug="old"),
            ["/tags/old/", "/tags/old/feed/", "/tags/old/feed/atom/"],
            ["/tags/new/", "/tags/new/feed/", "/tags/new/feed/atom/"],
        ),
        (
            lambda: ShopCategoryFactory(slug="old"),
            ["/shop/old/", "/go/shop/old/"],
            ["/shop/new/", "/go/shop/new/"],
        ),
        (lambda: ProductFactory(slug="old"), ["/go/old/"], ["/go/new/"]),
    ],
    ids=["topic", "tag", "shop category", "product"],
)
def test_topics_tags_categories_and_products_keep_their_old_addresses(client, make, old, new):
    obj = make()
    admin_save(obj, slug="new")
    for old_path, new_path in zip(old, new, strict=True):
        assert location(client, old_path) == new_path


@pytest.mark.parametrize("kind", ["topic", "tag"])
def test_a_feed_reader_follows_a_renamed_topic_or_tag_to_its_feed(client, kind):
    obj = (TopicFactory if kind == "topic" else TagFactory)(slug="old-name")
    article = ArticleFactory(title="Hill repeats")
    if kind == "topic":
        article.topic = obj
        article.save()
    else:
        article.tags.add(obj)
    admin_save(obj, slug="new-name")
    for feed, content_type in (
        ("feed/", "application/rss+xml"),
        ("feed/atom/", "application/atom+xml"),
    ):
        response = client.get(f"/{kind}s/old-name/{feed}", follow=True)
        assert response.redirect_chain == [(f"/{kind}s/new-name/{feed}", 301)]
        assert response.status_code == 200 and response["Content-Type"].startswith(content_type)
        assert "Hill repeats" in response.content.decode()


def test_a_topic_renamed_through_the_admin_form(admin_client, client):
    topic = TopicFactory(slug="injury", name="Injury")
    response = admin_client.post(
        f"{ADMIN}articles/topic/{topic.pk}/change/",
        {"name": "Injuries", "slug": "injuries", "order": 0, "description": ""},
    )
    assert response.status_code == 302
    assert location(client, "/topics/injury/?page=2") == "/topics/injuries/?page=2"


def test_editors_see_and_remove_redirects_but_never_make_one(client):
    article = ArticleFactory(slug="old")
    admin_save(article, slug="new")
    editor = StaffFactory()
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    listing = client.get(f"{ADMIN}articles/redirect/")
    assert listing.status_code == 200
    assert "/articles/old/" in listing.content.decode()
    assert client.get(f"{ADMIN}articles/redirect/add/").status_code == 403
    redirect = Redirect.objects.get()
    response = client.post(
        f"{ADMIN}articles/redirect/{redirect.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not Redirect.objects.exists()
    client.logout()
    assert client.get("/articles/old/").status_code == 404


# 410 Gone ------------------------------------------------------------------------------------


def test_an_article_taken_down_after_going_live_is_410_with_its_topic(client):
    article = ArticleFactory(slug="spring-offer", topic=TopicFactory(slug="gear", name="Gear"))
    services.articles_unpublish(queryset=Article.objects.filter(pk=article.pk))
    response = client.get("/articles/spring-offer/")
    assert response.status_code == 410
    html = response.content.decode()
    assert 'href="/topics/gear/"' in html
    assert "no longer available" in html
    assert "public" not in response.get("Cache-Control", "")


def test_an_article_set_to_draft_in_admin_is_410(client):
    article = ArticleFactory(slug="event")
    admin_save(article, status=Article.Status.DRAFT)
    assert client.get("/articles/event/").status_code == 410


def test_admin_lists_what_is_taken_down(admin_client):
    ArticleFactory(slug="event", title="Parkrun takeover")
    ArticleFactory(slug="still-live", title="Still live")
    services.articles_unpublish(queryset=Article.objects.filter(slug="event"))
    html = admin_client.get(f"{ADMIN}articles/article/?state=gone").content.decode()
    assert "Parkrun takeover" in html and "Still live" not in html
    assert "Taken down" in html


def test_a_never_published_draft_stays_404(client):
    ArticleFactory(slug="draft", status=Article.Status.DRAFT, publish_at=None)
    scheduled = ArticleFactory(slug="later")
    scheduled.publish_at = scheduled.publish_at.replace(year=scheduled.publish_at.year + 1)
    scheduled.save()
    services.articles_unpublish(queryset=Article.objects.filter(pk=scheduled.pk))
    assert client.get("/articles/draft/").status_code == 404
    assert client.get("/articles/later/").status_code == 404


def test_a_redirect_wins_over_410(client):
    article = ArticleFactory(slug="old")
    services.articles_unpublish(queryset=Article.objects.filter(pk=article.pk))
    Redirect.objects.create(old_path="/articles/old/", new_path="/articles/")
    assert location(client, "/articles/old/") == "/articles/"


# Cost: nothing on a page that exists, one query on a 404 -------------------------------------


def test_redirects_cost_no_query_on_pages_that_exist(client, django_assert_num_queries):
    article = ArticleFactory(slug="live")
    for n in range(20):
        Redirect.objects.create(old_path=f"/articles/gone-{n}/", new_path="/articles/live/")
    SiteSettings.load()
    warm_page_cache()
    with django_assert_num_queries(5):  # as tests/articles/test_views.py pins the article page
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "url, queries",
    [
        # Found: the object, the redirect; no 404 page is rendered.
        ("/articles/old/", 2),
        ("/topics/old-topic/", 2),
        # Not found: the redirect (and, for an article, a gone one), then the 404 page's
        # topic menu.
        ("/no/such/page/", 2),
        ("/articles/nothing-here/", 4),
        # Gone: the article, the redirect, the gone article with its topic, the menu.
        ("/articles/taken-down/", 4),
    ],
)
def test_a_404_costs_at_most_one_query_for_its_redirect(
    client, django_assert_num_queries, url, queries
):
    article = ArticleFactory(slug="old")
    admin_save(article, slug="new")
    admin_save(article.topic, slug="new-topic")
    admin_save(TopicFactory(slug="old-topic"), slug="other-topic")
    admin_save(ArticleFactory(slug="taken-down"), status=Article.Status.DRAFT)
    warm_page_cache()
    with django_assert_num_queries(queries):
        client.get(url)


# Hostile addresses through the lookup: never a 500 -------------------------------------------


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_old_paths_never_fail(client, value):
    article = ArticleFactory(slug="old")
    admin_save(article, slug="new")
    for url in (
        f"/articles/{wire(value)}/",
        f"/{wire(value)}",
        f"/topics/{wire(value)}/",
        f"/go/{wire(value)}/",
        f"/articles/old/?cpage={wire(value)}",
    ):
        response = client.get(url)
        assert response.status_code in (200, 301, 404), (url, response.status_code)


@pytest.mark.parametrize("raw", HOSTILE_BYTES)
def test_broken_bytes_in_paths_never_fail(client, raw):
    ArticleFactory(slug="old")
    response = client.get(f"/articles/{raw.decode()}/")
    assert response.status_code == 404
    response = client.get(f"/articles/old/?cpage={raw.decode()}", follow=True)
    assert response.status_code == 200  # by way of the redirect to the page without it
