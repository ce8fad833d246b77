import pytest
from django.core.management import call_command

from articles.models import Article
from demo.images import make_product_image
from demo.shop import insert_blocks
from shop.models import ArticleProduct, Product, ShopCategory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def _snapshot():
    return (
        list(ShopCategory.objects.order_by("slug").values_list("slug", "name", "url")),
        list(Product.objects.order_by("slug").values_list("slug", "image")),
        list(ArticleProduct.objects.values_list("article_id", "product__slug", "order")),
        Article.objects.get(slug="hamstring-strains-in-runners").body,
    )


def test_shop_demo_loads_once_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "Demo content: Shop links" in out and "category Muscle recovery: added" in out

    # The three shop categories of the page the site grew from, with their calls to action.
    categories = {c.slug: c for c in ShopCategory.objects.all()}
    assert set(categories) == {"muscle-recovery", "supports-and-tape", "massage-aids"}
    assert categories["muscle-recovery"].button_text == "Shop muscle recovery"
    assert categories["supports-and-tape"].button_text == "Shop supports & tape"
    assert categories["massage-aids"].button_text == "Shop massage aids"
    for category in categories.values():
        assert category.url.startswith("https://example.com/shop/")
        assert category.description and category.is_active

    # The six kinds of product the page names, and more, each with a picture.
    products = Product.objects.select_related("category")
    names = " ".join(p.name.lower() for p in products)
    for kind in (
        "foam roller",
        "massage stick",
        "massage ball",
        "kinesiology tape",
        "hot/cold",
        "recovery cream",
    ):
        assert kind in names, kind
    assert products.count() >= 7
    assert Product.objects.get(slug="foam-roller").category.slug == "muscle-recovery"
    assert products.filter(is_sponsored=True).count() == 1
    assert {p.category.slug for p in products} == set(categories)
    for product in products:
        assert product.brand and product.short_description and product.currency == "GBP"
        assert product.price and product.price > 0
        assert product.url.startswith("https://example.com/shop/")
        assert product.image and product.image_alt and product.image_renditions
        assert product.image_renditions[-1]["w"] == 800

    # The long article's gear box, in order, with notes.
    article = Article.objects.get(slug="hamstring-strains-in-runners")
    gear = list(ArticleProduct.objects.filter(article=article).select_related("product"))
    assert 3 <= len(gear) <= 4
    assert gear[0].product.slug == "foam-roller"
    assert [g.order for g in gear] == sorted(g.order for g in gear)
    assert all(g.note for g in gear)

    # The calls to action, each after the paragraph that names its products.
    body = article.body
    for block in (
        "<p>[shop muscle-recovery]</p>",
        "<p>[shop supports-and-tape]</p>",
        "<p>[shop massage-aids]</p>",
        "<p>[product foam-roller]</p>",
    ):
        assert body.count(block) == 1, block
    assert body.index("<strong>foam roller</strong>") < body.index("[product foam-roller]")
    assert body.index("<strong>massage ball</strong>") < body.index("[shop massage-aids]")
    assert body.index("<strong>Kinesiology tape</strong>") < body.index("[shop supports-and-tape]")
    assert body.index("<strong>recovery creams</strong>") < body.index("[shop muscle-recovery]")

    before = _snapshot()
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "added" not in out.split("Demo content: Shop links")[1].split("Demo logins")[0]
    assert _snapshot() == before


def test_article_page_shows_the_shop_blocks(settings, client):
    settings.DEBUG = True
    call_command("load_demo")
    response = client.get("/articles/hamstring-strains-in-runners/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Gear in this article" in html
    assert html.count('class="button button--shop"') == 3
    assert "Shop supports &amp; tape" in html
    assert '<div class="product-block">' in html
    assert "[shop " not in html and "[product " not in html


def test_insert_blocks_skips_missing_paragraphs():
    body, placed = insert_blocks("<p>A <strong>foam roller</strong> helps.</p><p>Other.</p>")
    assert placed == ["[product foam-roller]"]
    assert body == (
        "<p>A <strong>foam roller</strong> helps.</p>\n<p>[product foam-roller]</p><p>Other.</p>"
    )


def test_product_pictures_are_deterministic():
    assert make_product_image("massage_ball") == make_product_image("massage_ball")
