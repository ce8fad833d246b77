"""An active product is switched on and in an active category (Product.active_q): a product
whose category is switched off is hidden in every place a product shows, its own switch on
or not."""

import pytest
from django.test import Client

from shop import services
from shop.models import ArticleProduct, ClickCount, Product, ShopCategory
from tests.articles.factories import ArticleFactory
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden() -> Product:
    category = ShopCategoryFactory(slug="retired", name="Retired", is_active=False)
    return ProductFactory(slug="still-on", name="Still-on roller", category=category)


@pytest.fixture
def shown() -> Product:
    return ProductFactory(slug="roller", name="Shown roller")


def test_the_queries_leave_out_a_product_of_an_inactive_category(hidden, shown):
    switched_off = ProductFactory(is_active=False, category=shown.category)
    assert list(Product.objects.active()) == [shown]
    assert list(ShopCategory.objects.active()) == [shown.category]
    article = ArticleFactory()
    for product in (hidden, shown, switched_off):
        ArticleProductFactory(article=article, product=product)
    in_article = ArticleProduct.objects.filter(Product.active_q("product__"))
    assert [item.product for item in in_article] == [shown]
    active = dict(Product.objects.with_active().values_list("slug", "active"))
    assert active == {hidden.slug: False, shown.slug: True, switched_off.slug: False}


def test_the_article_page_shows_it_nowhere(client, hidden, shown):
    article = ArticleFactory(
        body="<p>Rolling helps.</p><p>[product still-on]</p><p>[shop retired]</p>"
        "<p>[product roller]</p>"
    )
    ArticleProductFactory(article=article, product=hidden)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Still-on roller" not in html and "Shop retired" not in html
    assert "/go/still-on/" not in html and "/go/shop/retired/" not in html
    assert "Gear in this article" not in html  # its only product is hidden
    assert "Shown roller" in html


def test_its_links_and_category_page_are_not_found(hidden):
    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0")
    assert browser.get("/go/still-on/").status_code == 404
    assert browser.get("/go/shop/retired/").status_code == 404
    assert browser.get("/shop/retired/").status_code == 404
    assert not ClickCount.objects.exists()


def test_the_link_check_skips_it(hidden, shown, monkeypatch):
    checked = []
    monkeypatch.setattr(
        services, "check_url", lambda url, timeout: checked.append(url) or (False, "HTTP 200")
    )
    assert services.links_check() == {"checked": 2, "broken": 0}
    assert sorted(checked) == sorted([shown.url, shown.category.url])
