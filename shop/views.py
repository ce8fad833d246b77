from django.db.models import CharField, Subquery, Value
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from articles.models import Article
from runnerhub.ids import parse_id
from runnerhub.ratelimit import client_ip

from .body_blocks import product_href
from .links import is_bot, with_utm
from .models import ClickCount, Product, ShopCategory, shop_url_is_ambiguous
from .services import click_is_first, click_record

MAX_SLUG = 120


def _slug_or_404(slug: str) -> str:
    if len(slug) > MAX_SLUG:
        raise Http404("No such product.")
    return slug


def _source(request: HttpRequest) -> tuple[int | None, str]:
    """The article id and medium a click claims; anything malformed is simply ignored."""
    article_id = parse_id(request.GET.get("a", ""))
    medium = (
        ClickCount.Medium.NEWSLETTER
        if request.GET.get("m") == "newsletter"
        else ClickCount.Medium.ARTICLE
    )
    return article_id, medium


def _article_slug(article_id: int | None):
    if article_id is None:
        return Value(None, output_field=CharField())
    return Subquery(Article.objects.public().filter(pk=article_id).values("slug")[:1])


def _outbound(
    request: HttpRequest,
    url: str,
    *,
    target: str,
    article_id: int | None,
    medium: str,
    campaign: str | None,
    count,
) -> HttpResponse:
    if shop_url_is_ambiguous(url):  # stored before the forms refused such spellings
        raise Http404("This shop link cannot be followed.")
    agent = request.META.get("HTTP_USER_AGENT", "")
    if not is_bot(agent) and click_is_first(
        address=client_ip(request), agent=agent, target=target, article_id=article_id, medium=medium
    ):
        count()
    response = HttpResponseRedirect(with_utm(url, medium=medium, campaign=campaign))
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def go_product(request: HttpRequest, slug: str) -> HttpResponse:
    """Count a click and send the reader to the product's stored shop address.

    Two queries at most: the product with its category and the claimed article's slug in
    one, the atomic count upsert in the other (none when the same reader clicked it from
    the same article a moment ago: that is one cache round-trip). Only stored addresses
    are ever used."""
    article_id, medium = _source(request)
    product = (
        Product.objects.with_active()
        .select_related("category")
        .filter(slug=_slug_or_404(slug))
        .annotate(article_slug=_article_slug(article_id))
        .first()
    )
    if product is None:
        raise Http404("No such product.")
    category = product.category
    if not product.active or product.link_broken:
        if category.is_active:
            return redirect(category.get_absolute_url())
        raise Http404("This product is no longer available.")
    known_article = article_id if product.article_slug else None
    return _outbound(
        request,
        product.url,
        target=f"p{product.pk}",
        article_id=known_article,
        medium=medium,
        campaign=product.article_slug,
        count=lambda: click_record(product_id=product.pk, article_id=known_article, medium=medium),
    )


@require_GET
def go_category(request: HttpRequest, slug: str) -> HttpResponse:
    """A category call to action: count it and go to the shop's category page."""
    article_id, medium = _source(request)
    category = (
        ShopCategory.objects.active()
        .filter(slug=_slug_or_404(slug))
        .annotate(article_slug=_article_slug(article_id))
        .first()
    )
    if category is None:
        raise Http404("No such shop category.")
    if category.link_broken:
        return redirect(category.get_absolute_url())
    known_article = article_id if category.article_slug else None
    return _outbound(
        request,
        category.url,
        target=f"c{category.pk}",
        article_id=known_article,
        medium=medium,
        campaign=category.article_slug,
        count=lambda: click_record(
            category_id=category.pk, article_id=known_article, medium=medium
        ),
    )


def category_page(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(ShopCategory.objects.active(), slug=_slug_or_404(slug))
    products = list(category.products.active().select_related("category").order_by("name"))
    for product in products:
        product.href = product_href(product)
    return render(request, "shop/category.html", {"category": category, "products": products})
