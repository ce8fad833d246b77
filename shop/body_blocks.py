"""The shop's body blocks, `[product slug]` (a product card) and `[shop slug]` (a button to a
shop category), and the card and links they share with the gear box and category page."""

from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import JSONRows, Redirect

from .models import ArticleProduct, Product, ShopCategory

# Where a renamed product's or category's old slug still leads: the 301 its rename left
# from the address that body blocks link to (SlugRedirectsAdmin.redirect_paths in admin.py).
PRODUCT_URL = "shop:go"
CATEGORY_URL = "shop:category"


def _prefix(url_name: str) -> str:
    placeholder = "slug-placeholder"
    return reverse(url_name, kwargs={"slug": placeholder}).split(placeholder)[0]


def _renames(url_name: str, slugs) -> QuerySet:
    """The redirects from the addresses of `slugs` to the address of the outer row's slug:
    a subquery, so that current and old slugs are found in the same query."""
    prefix = _prefix(url_name)
    return Redirect.objects.filter(
        old_path__in=[f"{prefix}{slug}/" for slug in slugs],
        new_path=Concat(Value(prefix), OuterRef("slug"), Value("/")),
    )


def by_slug_or_old_slug(queryset, url_name: str, slugs, also: Q | None = None) -> QuerySet:
    """`queryset` filtered to the rows named by `slugs`, by their slug or by a slug they
    had before a rename (or matching `also`), each annotated with `old_paths`: the
    addresses of `slugs` that redirect to it. One query."""
    slugs = sorted(set(slugs))
    if not slugs:
        return queryset.filter(also) if also is not None else queryset.none()
    renames = _renames(url_name, slugs)
    wanted = Q(slug__in=slugs) | Exists(renames)
    # Grouped by new_path, which the subquery fixes to one value: one list per outer row.
    old_paths = renames.order_by().values("new_path").annotate(paths=JSONRows("old_path"))
    return queryset.annotate(old_paths=Subquery(old_paths.values("paths"))).filter(
        wanted | also if also is not None else wanted
    )


def _keyed(rows, url_name: str) -> dict:
    """{slug or old slug: row} of rows from by_slug_or_old_slug."""
    cut = len(_prefix(url_name))
    found = {}
    for row in rows:
        found[row.slug] = row
        for old_path in getattr(row, "old_paths", None) or ():
            found.setdefault(old_path[cut:-1], row)
    return found


def _known(model, url_name: str, slugs) -> dict:
    """{slug or old slug: row} of every row of `model` that `slugs` name (active or not)."""
    return _keyed(by_slug_or_old_slug(model.objects.only("slug"), url_name, slugs), url_name)


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
    products = by_slug_or_old_slug(
        Product.objects.active()
        .select_related("category")
        .annotate(gear=FilteredRelation("in_articles", condition=Q(in_articles__article=article))),
        PRODUCT_URL,
        slugs,
        also=Q(gear__isnull=False),
    ).annotate(gear_id=F("gear__id"), gear_note=F("gear__note"), gear_order=F("gear__order"))
    products = list(products)
    # A body's old slug of a renamed product shows the product (the gear box lists by row).
    by_slug, gear = _keyed(products, PRODUCT_URL), []
    for product in products:
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
    categories = by_slug_or_old_slug(ShopCategory.objects.active(), CATEGORY_URL, slugs)
    return {
        slug: render_to_string(
            "shop/includes/_cta.html", {"category": c, "href": category_href(c, article)}
        )
        for slug, c in _keyed(categories, CATEGORY_URL).items()
        if slug in slugs
    }


def missing_products(slugs) -> set[str]:
    # An old slug of a renamed product is not missing: the block follows the rename.
    return set(slugs) - _known(Product, PRODUCT_URL, slugs).keys()


def missing_categories(slugs) -> set[str]:
    return set(slugs) - _known(ShopCategory, CATEGORY_URL, slugs).keys()


def _renamed(model, url_name: str, slugs) -> dict[str, str]:
    known = _known(model, url_name, slugs)
    return {old: row.slug for old, row in known.items() if old != row.slug}


def renamed_products(slugs) -> dict[str, str]:
    """{old slug: current slug} for those of `slugs` that a product's rename left behind."""
    return _renamed(Product, PRODUCT_URL, slugs)


def renamed_categories(slugs) -> dict[str, str]:
    return _renamed(ShopCategory, CATEGORY_URL, slugs)
