from django import template
from django.template.loader import render_to_string

from articles.models import article_scope
from runnerhub.fragments import fragment

from ..body_blocks import article_products, product_href

register = template.Library()


@register.simple_tag(takes_context=True)
def gear_box(context, article):
    """The products an article recommends, in the editor's order (no query when the body's
    product blocks already fetched them, else one). A fragment: it changes with the article
    (its list) and with the shop (the products)."""

    def render() -> str:
        _products, items = article_products(article)
        for item in items:
            item.href = product_href(item.product, article)
        return render_to_string(
            "shop/includes/_gear_box.html", {"items": items, "article": article}
        )

    return fragment(
        context.get("request"),
        "gear-box",
        scopes=(article_scope(article.pk), "shop"),
        vary=(article.pk, article.updated_at.isoformat()),
        render=render,
    )


@register.inclusion_tag("shop/includes/_product_card.html")
def product_card(product, href, note=""):
    return {"product": product, "href": href, "note": note}
