"""Body blocks that name a product or shop category by the slug it had before a rename
([product old-slug], [shop old-slug]) follow the slug redirect the rename left
(shop/body_blocks.py), in the one query the blocks of a page take; editors are told."""

from html import escape

import pytest
from django.core.cache import cache

from articles import body_blocks
from articles.admin import ArticleAdminForm
from articles.models import Article
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.articles.test_admin import form_data
from tests.articles.test_redirects import admin_save
from tests.hostile import HOSTILE
from tests.runnerhub.factories import signed_in, warm_page_cache
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "make, block, new_slug, href, shown",
    [
        (
            lambda: ProductFactory(slug="roller", name="Foam roller"),
            "[product roller]",
            "foam-roller",
            "/go/foam-roller/",
            "Foam roller",
        ),
        (
            lambda: ShopCategoryFactory(slug="roller", name="Muscle recovery"),
            "[shop roller]",
            "muscle-recovery",
            "/go/shop/muscle-recovery/",
            "Shop muscle recovery",
        ),
    ],
    ids=["product", "shop category"],
)
def test_a_block_with_an_old_slug_shows_what_was_renamed(
    client, make, block, new_slug, href, shown
):
    renamed = make()
    article = ArticleFactory(body=f"<p>Roll.</p><p>{block}</p>")
    admin_save(renamed, slug=new_slug)
    html = page(client, article)
    assert f'href="{href}?a={article.pk}"' in html
    assert shown in html
    assert "[product" not in html and "[shop" not in html


def test_every_old_slug_of_a_chain_of_renames_shows_the_product_once_per_block(client):
    roller = ProductFactory(slug="roller", name="Foam roller")
    article = ArticleFactory(body="<p>[product roller]</p><p>[product foam-roller]</p>")
    admin_save(roller, slug="foam-roller")
    admin_save(roller, slug="grid-roller")
    html = page(client, article)
    assert html.count(f'href="/go/grid-roller/?a={article.pk}"') == 2


def test_an_old_slug_taken_by_a_new_product_shows_the_new_one(client):
    roller = ProductFactory(slug="roller", name="Foam roller")
    admin_save(roller, slug="foam-roller")
    newcomer = admin_save(
        ProductFactory.build(slug="roller", name="Vibrating roller", category=roller.category)
    )
    article = ArticleFactory(body="<p>[product roller]</p>")
    html = page(client, article)
    assert "Vibrating roller" in html and newcomer.slug == "roller"
    assert "/go/foam-roller/" not in html


def test_a_renamed_product_that_is_no_longer_active_shows_nothing(client):
    roller = ProductFactory(slug="roller", name="Foam roller")
    admin_save(roller, slug="foam-roller", is_active=False)
    html = page(client, ArticleFactory(body="<p>[product roller]</p>"))
    assert "Foam roller" not in html and "/go/foam-roller/" not in html


def test_the_gear_box_is_not_doubled_by_an_old_slug_in_the_body(client):
    roller = ProductFactory(slug="roller", name="Foam roller")
    article = ArticleFactory(body="<p>[product roller]</p>")
    ArticleProductFactory(article=article, product=roller, note="For calves")
    admin_save(roller, slug="foam-roller")
    html = page(client, article)
    box = html[html.index("Gear in this article") :]
    assert box.count("product-card__name") == 1 and "For calves" in box


@pytest.mark.parametrize("renamed", [False, True], ids=["current slugs", "old slugs"])
def test_blocks_by_old_slugs_take_no_more_queries_at_any_number(
    client, django_assert_num_queries, renamed
):
    from runnerhub.models import SiteSettings

    SiteSettings.load()
    category = ShopCategoryFactory(slug="recovery")
    products = [ProductFactory(slug=f"roller-{i}", category=category) for i in range(6)]
    one = ArticleFactory(body="<p>[product roller-0]</p><p>[shop recovery]</p>")
    many = ArticleFactory(
        body="".join(f"<p>[product {p.slug}]</p>" for p in products) + "<p>[shop recovery]</p>"
    )
    if renamed:
        for p in products:
            admin_save(p, slug=f"new-{p.slug}")
        admin_save(category, slug="new-recovery")
    # As tests/shop/test_links_and_admin.py pins the article page with blocks: article,
    # menu, products (body and gear box), categories, thread, related; nothing kept (the
    # two pages would share the kept menu).
    cache.clear()
    warm_page_cache()
    with django_assert_num_queries(6):
        few = page(client, one)
    cache.clear()
    warm_page_cache()
    with django_assert_num_queries(6):
        lots = page(client, many)
    prefix = "new-" if renamed else ""
    assert f'href="/go/{prefix}roller-0/?a={one.pk}"' in few
    assert all(f'href="/go/{prefix}roller-{i}/?a={many.pk}"' in lots for i in range(6))
    assert f'href="/go/shop/{prefix}recovery/?a={many.pk}"' in lots


def test_the_save_check_accepts_an_old_slug_and_still_refuses_an_unknown_one():
    admin_save(ProductFactory(slug="roller"), slug="foam-roller")
    admin_save(ShopCategoryFactory(slug="recovery"), slug="muscle-recovery")
    article = ArticleFactory(body="<p>Hi</p>")
    body = "<p>[product roller]</p><p>[shop recovery]</p><p>[product never-was]</p>"
    form = ArticleAdminForm(instance=article, data={"body": body})
    form.is_valid()
    errors = form.errors["body"]
    assert errors == ["[product never-was]: nothing is called “never-was”."]


def test_an_editor_saving_an_old_slug_is_told_the_new_one(client):
    editor = signed_in(client, "Editors", username="eddie")
    admin_save(ProductFactory(slug="roller"), slug="foam-roller")
    admin_save(ShopCategoryFactory(slug="recovery"), slug="muscle-recovery")
    body = "<p>Roll.</p><p>[product roller]</p><p>[shop recovery]</p>"
    add = f"{ADMIN}articles/article/add/"
    response = client.post(add, form_data(TopicFactory(), editor, body=body), follow=True)
    html = response.content.decode()
    assert "was added successfully" in html
    for hint in (
        "[product roller]: “roller” was renamed “foam-roller”. The block shows it all the "
        "same; writing [product foam-roller] makes that plain.",
        "[shop recovery]: “recovery” was renamed “muscle-recovery”.",
    ):
        assert escape(hint) in html
    assert Article.objects.get().body == body


def test_current_slugs_give_no_hint():
    ProductFactory(slug="roller")
    assert body_blocks.hints("<p>[product roller]</p><p>[product nothing]</p>") == []


def test_hostile_text_in_and_beside_blocks_never_breaks_the_lookup():
    admin_save(ProductFactory(slug="roller"), slug="foam-roller")
    article = ArticleFactory()
    for value in HOSTILE:
        value = value.encode("utf-8", "replace").decode("utf-8")  # as a browser posts it
        html = f"<p>[product {escape(value)}]</p><p>{escape(value)}</p><p>[product roller]</p>"
        assert body_blocks.render_blocks(article, html).count("/go/foam-roller/") == 1, value
        assert body_blocks.hints(html), value
        form = ArticleAdminForm(instance=article, data={"body": html})
        form.is_valid()  # refused or not, never an exception
