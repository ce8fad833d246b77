from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from shop.models import ClickCount
from shop.services import click_record
from tests.articles.factories import ArticleFactory
from tests.concurrency import get_at_once
from tests.shop.factories import ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


@pytest.fixture
def browser_client():
    return Client(HTTP_USER_AGENT=BROWSER)


@pytest.fixture
def product():
    return ProductFactory(
        slug="foam-roller", url="https://shop.example.com/p/roller?ref=x&utm_source=old"
    )


def query(location: str) -> dict:
    return parse_qs(urlsplit(location).query)


def test_redirects_with_utm_and_counts(browser_client, product, django_assert_max_num_queries):
    article = ArticleFactory(slug="hamstrings")
    with django_assert_max_num_queries(2):
        response = browser_client.get(f"/go/foam-roller/?a={article.pk}")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://shop.example.com/p/roller?")
    assert query(location) == {
        "ref": ["x"],
        "utm_source": ["runnerhub"],
        "utm_medium": ["article"],
        "utm_campaign": ["hamstrings"],
    }
    assert "no-cache" in response["Cache-Control"]
    click = ClickCount.objects.get()
    assert (click.product, click.article, click.medium, click.count) == (
        product,
        article,
        "article",
        1,
    )
    assert click.day == timezone.localdate()
    # The same reader again is not counted again (and costs one query less); another is.
    with django_assert_max_num_queries(1):
        browser_client.get(f"/go/foam-roller/?a={article.pk}")
    browser_client.get(f"/go/foam-roller/?a={article.pk}", REMOTE_ADDR="198.51.100.20")
    click.refresh_from_db()
    assert click.count == 2


def test_newsletter_medium_and_no_article(browser_client, product):
    response = browser_client.get("/go/foam-roller/?m=newsletter")
    assert query(response["Location"])["utm_medium"] == ["newsletter"]
    assert "utm_campaign" not in query(response["Location"])
    click = ClickCount.objects.get()
    assert click.article is None and click.medium == "newsletter"


def test_category_call_to_action(browser_client):
    category = ShopCategoryFactory(
        slug="muscle-recovery", url="https://shop.example.com/c/recovery"
    )
    article = ArticleFactory(slug="calves")
    response = browser_client.get(f"/go/shop/muscle-recovery/?a={article.pk}")
    assert response["Location"] == (
        "https://shop.example.com/c/recovery?utm_source=runnerhub&utm_medium=article"
        "&utm_campaign=calves"
    )
    assert ClickCount.objects.get().category == category


@pytest.mark.parametrize(
    "agent",
    ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5", "", "facebookexternalhit/1.1"],
)
def test_bots_are_redirected_but_not_counted(product, agent):
    response = Client(HTTP_USER_AGENT=agent).get("/go/foam-roller/")
    assert response.status_code == 302
    assert not ClickCount.objects.exists()


@pytest.mark.parametrize(
    "suffix",
    [
        "?next=https://evil.example",
        "?url=//evil.example",
        "?a=99999999999999999999999",
        "?a=-1",
        "?a=%00",
        "?a=1%00",
        "?m=%0d%0aLocation:%20https://evil.example",
        "?a=abc&m=javascript:alert(1)",
        "?" + "x=" + "y" * 5000,
        "?a=%ED%A0%80",
    ],
)
def test_query_strings_never_change_the_destination(browser_client, product, suffix):
    response = browser_client.get(f"/go/foam-roller/{suffix}")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).netloc == "shop.example.com"
    assert "evil" not in response["Location"]


def test_unpublished_article_is_not_credited(browser_client, product):
    draft = ArticleFactory(status="draft", publish_at=None)
    response = browser_client.get(f"/go/foam-roller/?a={draft.pk}")
    assert "utm_campaign" not in query(response["Location"])
    assert ClickCount.objects.get().article is None


@pytest.mark.parametrize(
    "slug", ["nope", "%00", "abc%00", "a" * 10_000, "%ED%A0%80", "..%2F..%2Fetc", "%3Cscript%3E"]
)
def test_unknown_and_hostile_slugs_are_a_friendly_404(browser_client, product, slug):
    response = browser_client.get(f"/go/{slug}/")
    assert response.status_code == 404
    assert browser_client.get(f"/go/shop/{slug}/").status_code == 404


def test_inactive_or_broken_product_leads_to_its_category(browser_client):
    category = ShopCategoryFactory(slug="massage-aids")
    gone = ProductFactory(slug="old-stick", category=category, is_active=False)
    broken = ProductFactory(slug="broken-ball", category=category, link_broken=True)
    for product in (gone, broken):
        response = browser_client.get(f"/go/{product.slug}/")
        assert response.status_code == 302
        assert response["Location"] == "/shop/massage-aids/"
    category.is_active = False
    category.save()
    assert browser_client.get("/go/old-stick/").status_code == 404
    assert not ClickCount.objects.exists()


def test_category_page_lists_active_products(client):
    category = ShopCategoryFactory(slug="supports", name="Supports & tape")
    ProductFactory(name="Kinesiology tape", slug="tape", category=category)
    ProductFactory(name="Retired brace", slug="brace", category=category, is_active=False)
    html = client.get("/shop/supports/").content.decode()
    assert "Kinesiology tape" in html and "Retired brace" not in html
    assert 'href="/go/tape/"' in html
    assert 'rel="nofollow noopener"' in html
    assert client.get("/shop/nope/").status_code == 404


def test_sponsored_products_say_so(client):
    category = ShopCategoryFactory(slug="recovery")
    ProductFactory(slug="paid", category=category, is_sponsored=True)
    html = client.get("/shop/recovery/").content.decode()
    assert 'rel="sponsored nofollow noopener"' in html
    assert "Sponsored" in html


def test_upsert_keeps_separate_rows_per_article_day_and_medium(product):
    article = ArticleFactory()
    today = timezone.localdate()
    for _ in range(3):
        click_record(product_id=product.pk, article_id=article.pk, medium="article")
    click_record(product_id=product.pk, article_id=None, medium="article")
    click_record(product_id=product.pk, article_id=article.pk, medium="newsletter")
    click_record(
        product_id=product.pk, article_id=article.pk, medium="article", day=today - timedelta(1)
    )
    counts = set(ClickCount.objects.values_list("article_id", "medium", "day", "count"))
    assert counts == {
        (article.pk, "article", today, 3),
        (None, "article", today, 1),
        (article.pk, "newsletter", today, 1),
        (article.pk, "article", today - timedelta(1), 1),
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need a server database"
)
def test_fifty_concurrent_clicks_are_all_counted():
    product = ProductFactory(slug="hot-item")
    article = ArticleFactory()
    assert get_at_once(f"/go/hot-item/?a={article.pk}", 50, agent=BROWSER) == []
    assert ClickCount.objects.get(product=product, article=article).count == 50


def test_a_reader_is_counted_once_per_target_and_article(product, django_assert_num_queries):
    """/go/ click inflation: one reader's repeated clicks count once in the window."""
    article, other_article = ArticleFactory(), ArticleFactory()
    category = ShopCategoryFactory(slug="recovery")
    reader = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    with django_assert_num_queries(2):
        reader.get(f"/go/foam-roller/?a={article.pk}")
    for _ in range(99):
        with django_assert_num_queries(1):  # the product lookup only: no count query
            assert reader.get(f"/go/foam-roller/?a={article.pk}").status_code == 302
    assert ClickCount.objects.get(article=article).count == 1
    # Another reader, another article, another target, the newsletter: each counts once.
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.8").get(
        f"/go/foam-roller/?a={article.pk}"
    )
    for _ in range(3):
        reader.get(f"/go/foam-roller/?a={other_article.pk}")
        reader.get(f"/go/shop/recovery/?a={article.pk}")
        reader.get("/go/foam-roller/?m=newsletter")
    counts = {
        (c.product_id, c.category_id, c.article_id, c.medium): c.count
        for c in ClickCount.objects.all()
    }
    assert counts == {
        (product.pk, None, article.pk, "article"): 2,
        (product.pk, None, other_article.pk, "article"): 1,
        (None, category.pk, article.pk, "article"): 1,
        (product.pk, None, None, "newsletter"): 1,
    }


def test_the_same_address_with_another_browser_is_another_reader(product):
    article = ArticleFactory()
    for agent in (BROWSER, BROWSER.replace("Linux x86_64", "Windows NT 10.0")):
        for _ in range(3):
            Client(HTTP_USER_AGENT=agent).get(f"/go/foam-roller/?a={article.pk}")
    assert ClickCount.objects.get().count == 2


def test_readers_behind_a_trusted_proxy_are_told_apart(product, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    article = ArticleFactory()
    for reader in ("203.0.113.7", "203.0.113.8", "203.0.113.7"):
        Client(HTTP_USER_AGENT=BROWSER, HTTP_X_FORWARDED_FOR=reader).get(
            f"/go/foam-roller/?a={article.pk}"
        )
    assert ClickCount.objects.get().count == 2


def test_the_cache_never_holds_a_readers_address(product):
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.77").get("/go/foam-roller/")
    keys = list(cache._cache)  # LocMemCache's store: the test settings' cache
    assert len(keys) == 2  # the reader's browser, and the readers of that address
    for key in keys:
        assert "203.0.113.77" not in key and "Mozilla" not in key
        assert key.startswith(":1:shop:click:")


def test_one_address_changing_its_user_agent_counts_a_few_readers_at_most(product):
    from shop.services import CLICKS_PER_ADDRESS

    article = ArticleFactory()
    for n in range(100):
        Client(HTTP_USER_AGENT=f"{BROWSER} build/{n}", REMOTE_ADDR="198.51.100.9").get(
            f"/go/foam-roller/?a={article.pk}"
        )
    assert ClickCount.objects.get().count == CLICKS_PER_ADDRESS
    Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.10").get(
        f"/go/foam-roller/?a={article.pk}"
    )
    assert ClickCount.objects.get().count == CLICKS_PER_ADDRESS + 1  # another address


@pytest.mark.parametrize(
    "stored",
    [
        "https://evil.example\\@shop.example.com/x",
        "https://u@shop.example.com/",
        "https://shop.example.com/a b",
    ],
)
def test_a_stored_address_a_browser_would_read_otherwise_is_never_followed(product, stored):
    """Saved before the forms refused such spellings: /go/ is a 404, not an open redirect."""
    type(product).objects.filter(pk=product.pk).update(url=stored)
    response = Client(HTTP_USER_AGENT=BROWSER).get("/go/foam-roller/")
    assert response.status_code == 404
    assert not ClickCount.objects.exists()


def test_a_cache_outage_still_redirects_and_counts(product, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache unavailable")

    monkeypatch.setattr(cache, "add", down)
    response = Client(HTTP_USER_AGENT=BROWSER).get("/go/foam-roller/")
    assert response.status_code == 302
    assert ClickCount.objects.get().count == 1
