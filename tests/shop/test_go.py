import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from shop.models import ClickCount
from shop.services import click_record
from tests.articles.factories import ArticleFactory
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
    browser_client.get(f"/go/foam-roller/?a={article.pk}")
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
    barrier = threading.Barrier(50)
    errors = []

    def click():
        try:
            barrier.wait(timeout=30)
            response = Client(HTTP_USER_AGENT=BROWSER).get(f"/go/hot-item/?a={article.pk}")
            assert response.status_code == 302
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ClickCount.objects.get(product=product, article=article).count == 50
