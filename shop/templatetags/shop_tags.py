from django import template

from ..body_blocks import product_href
from ..models import ArticleProduct, Product

register = template.Library()


@register.inclusion_tag("shop/includes/_gear_box.html")
def gear_box(article):
    """The products an article recommends, in the editor's order (one query)."""
    items = list(
        ArticleProduct.objects.filter(
            Product.active_q("product__"), article=article
        ).select_related("product__category")
    )
    for item in items:
        item.href = product_href(item.product, article)
    return {"items": items, "article": article}


@register.inclusion_tag("shop/includes/_product_card.html")
def product_card(product, href, note=""):
    return {"product": product, "href": href, "note": note}
