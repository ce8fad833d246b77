"""The shop's body blocks, `[product slug]` (a product card) and `[shop slug]` (a button to a
shop category), and the card and links they share with the gear box and category page."""

from django.template.loader import render_to_string
from django.urls import reverse

from .models import Product, ShopCategory


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


def render_products(article, slugs) -> dict[str, str]:
    products = Product.objects.active().select_related("category").filter(slug__in=slugs)
    return {
        p.slug: f'<div class="product-block">{product_card(p, article)}</div>' for p in products
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
