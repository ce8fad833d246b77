from django.db.models import CharField, Subquery, Value
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET

from articles.models import Article
from runnerhub.ids import parse_id
from runnerhub.ratelimit import client_ip

from . import sources
from .body_blocks import product_href
from .links import is_bot, with_utm
from .models import ClickCount, Product, ShopCategory, shop_url_is_ambiguous
from .services import click_is_first, click_record, reader_is_new_to_issue

MAX_SLUG = 120


def _slug_or_404(slug: str) -> str:
    if len(slug) > MAX_SLUG:
        raise Http404("No such product.")
    return slug


def _source(request: HttpRequest) -> tuple[int | None, str, int | None]:
    """The article id, medium and newsletter issue a click claims; anything malformed is
    simply ignored."""
    article_id = parse_id(request.GET.get("a", ""))
    newsletter = request.GET.get("m") == "newsletter"
    medium = ClickCount.Medium.NEWSLETTER if newsletter else ClickCount.Medium.ARTICLE
    return article_id, medium, parse_id(request.GET.get("i", "")) if newsletter else None


def _article_slug(article_id: int | None):
    if article_id is None:
        return Value(None, output_field=CharField())
    return Subquery(Article.objects.public().filter(pk=article_id).values("slug")[:1])


def _campaign(item, article_id: int | None, issue_id: int | None):
    """The known article and issue a click came from, and its UTM campaign: the issue's
    slug for a click in a newsletter, else the article's."""
    known_article = article_id if item.article_slug else None
    if item.issue_subject is not None:
        return known_article, issue_id, sources.issue_campaign(issue_id, item.issue_subject)
    return known_article, None, item.article_slug


def _outbound(
    request: HttpRequest,
    url: str,
    *,
    target: str,
    article_id: int | None,
    medium: str,
    campaign: str | None,
    count,
    issue_id: int | None = None,
) -> HttpResponse:
    if shop_url_is_ambiguous(url):  # stored before the forms refused such spellings
        raise Http404("This shop link cannot be followed.")
    agent = request.META.get("HTTP_USER_AGENT", "")
    address = client_ip(request)
    if not is_bot(agent) and click_is_first(
        address=address,
        agent=agent,
        target=target,
        article_id=article_id,
        medium=medium,
        issue_id=issue_id,
    ):
        count(
            issue_id is not None
            and reader_is_new_to_issue(address=address, agent=agent, issue_id=issue_id)
        )
    response = HttpResponseRedirect(with_utm(url, medium=medium, campaign=campaign))
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def go_product(request: HttpRequest, slug: str) -> HttpResponse:
    """Count a click and send the reader to the product's stored shop address.

    Two queries at most: the product with its category and the claimed article's slug and
    newsletter issue's subject in one, the atomic count upsert in the other (none when the
    same reader clicked it from the same article a moment ago: that is one cache
    round-trip). Only stored addresses are ever used."""
    article_id, medium, issue_id = _source(request)
    product = (
        Product.objects.with_active()
        .select_related("category")
        .filter(slug=_slug_or_404(slug))
        .annotate(
            article_slug=_article_slug(article_id), issue_subject=sources.issue_subject(issue_id)
        )
        .first()
    )
    if product is None:
        raise Http404("No such product.")
    category = product.category
    if not product.active or product.link_broken:
        if category.is_active:
            return redirect(category.get_absolute_url())
        raise Http404("This product is no longer available.")
    known_article, known_issue, campaign = _campaign(product, article_id, issue_id)
    return _outbound(
        request,
        product.url,
        target=f"p{product.pk}",
        article_id=known_article,
        medium=medium,
        campaign=campaign,
        issue_id=known_issue,
        count=lambda new_reader: click_record(
            product_id=product.pk,
            article_id=known_article,
            medium=medium,
            issue_id=known_issue,
            new_reader=new_reader,
        ),
    )


@require_GET
def go_category(request: HttpRequest, slug: str) -> HttpResponse:
    """A category call to action: count it and go to the shop's category page."""
    article_id, medium, issue_id = _source(request)
    category = (
        ShopCategory.objects.active()
        .filter(slug=_slug_or_404(slug))
        .annotate(
            article_slug=_article_slug(article_id), issue_subject=sources.issue_subject(issue_id)
        )
        .first()
    )
    if category is None:
        raise Http404("No such shop category.")
    if category.link_broken:
        return redirect(category.get_absolute_url())
    known_article, known_issue, campaign = _campaign(category, article_id, issue_id)
    return _outbound(
        request,
        category.url,
        target=f"c{category.pk}",
        article_id=known_article,
        medium=medium,
        campaign=campaign,
        issue_id=known_issue,
        count=lambda new_reader: click_record(
            category_id=category.pk,
            article_id=known_article,
            medium=medium,
            issue_id=known_issue,
            new_reader=new_reader,
        ),
    )


def category_page(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(ShopCategory.objects.active(), slug=_slug_or_404(slug))
    products = list(category.products.active().select_related("category").order_by("name"))
    for product in products:
        product.href = product_href(product)
    return render(request, "shop/category.html", {"category": category, "products": products})
