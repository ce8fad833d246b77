"""The shop's body blocks, `[product slug]` (a product card) and `[shop slug]` (a button to a
shop category), and the card and links they share with the gear box and category page."""

from django.db.models import F, FilteredRelation, Q
from django.template.loader import render_to_string
from django.urls import reverse

from .models import ArticleProduct, Product, ShopCategory


def product_href(product: Product, article=None, medium: str = "") -> str:
    """Where a product's call to action goes: /go/ (counted), or its category when the
    product's own shop page is broken."""
    if product.link_broken:
        path = reverse("shop:go_category", kwargs={"slug": product.category.slug})
    else:
        path = product.go_path
    params = []
    if article is not None:
        params.append(f"a={article.pk}")
    if medium:
        params.append(f"m={medium}")
    return path + ("?" + "&".join(params) if params else "")


def category_href(category: ShopCategory, article=None) -> str:
    path = reverse("shop:go_category", kwargs={"slug": category.slug})
    return f"{path}?a={article.pk}" if article is not None else path


def product_card(product: Product, article=None, note: str = "") -> str:
    return render_to_string(
        "shop/includes/_product_card.html",
        {"product": product, "href": product_href(product, article), "note": note},
    )


def article_products(article, slugs=()) -> tuple[dict[str, Product], list[ArticleProduct]]:
    """The active products an article's body names (`slugs`) and those its gear box lists,
    in one query: ({slug: product} for the body, the gear box's items in the editor's
    order). The result is kept on the article, so the gear box after the body costs none."""
    known = article.__dict__.get("_shop_products")
    if known is not None and set(slugs) <= known[0].keys():
        return known
    products = (
        Product.objects.active()
        .select_related("category")
        .annotate(gear=FilteredRelation("in_articles", condition=Q(in_articles__article=article)))
        .filter(Q(slug__in=slugs) | Q(gear__isnull=False))
        .annotate(gear_id=F("gear__id"), gear_note=F("gear__note"), gear_order=F("gear__order"))
    )
    by_slug, gear = {}, []
    for product in products:
        by_slug[product.slug] = product
        if product.gear_id is not None:
            item = ArticleProduct(
                id=product.gear_id, article=article, product=product, note=product.gear_note
            )
            item.order = product.gear_order
            gear.append(item)
    gear.sort(key=lambda item: (item.order, item.id))
    article._shop_products = (by_slug, gear)
    return by_slug, gear


def render_products(article, slugs) -> dict[str, str]:
    products, _gear = article_products(article, slugs)
    return {
        slug: f'<div class="product-block">{product_card(p, article)}</div>'
        for slug, p in products.items()
        if slug in slugs
    }


def render_categories(article, slugs) -> dict[str, str]:
    categories = ShopCategory.objects.active().filter(slug__in=slugs)
    return {
        c.slug: render_to_string(
            "shop/includes/_cta.html", {"category": c, "href": category_href(c, article)}
        )
        for c in categories
    }


def missing_products(slugs) -> set[str]:
    return set(slugs) - set(Product.objects.filter(slug__in=slugs).values_list("slug", flat=True))


def missing_categories(slugs) -> set[str]:
    return set(slugs) - set(
        ShopCategory.objects.filter(slug__in=slugs).values_list("slug", flat=True)
    )
