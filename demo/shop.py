"""Demo content for the shop: categories, products with generated pictures, the long hamstring
article's gear box and the calls to action in its body.

Running it again adds nothing twice: categories and products are found by slug, the gear box
is filled only while empty and the body blocks are placed only while it has no `[shop ...]`.
"""

import io
from decimal import Decimal

from django.core.files.base import ContentFile

from articles.models import Article
from runnerhub.images import clean_image
from shop.models import ArticleProduct, Product, ShopCategory

from .content.shop import BODY_BLOCKS, CATEGORIES, GEAR, LONG_ARTICLE, PRODUCTS
from .images import make_product_image


def load(stdout) -> None:
    categories = {}
    for data in CATEGORIES:
        fields = {k: v for k, v in data.items() if k != "slug"}
        category, created = ShopCategory.objects.get_or_create(slug=data["slug"], defaults=fields)
        categories[category.slug] = category
        stdout.write(f"  category {category.name}: {'added' if created else 'already there'}")
    total = len(PRODUCTS)
    for number, data in enumerate(PRODUCTS, start=1):
        label = f"  [{number}/{total}] {data['brand']} {data['name']}"
        if Product.objects.filter(slug=data["slug"]).exists():
            stdout.write(f"{label}: already there")
            continue
        _product(data, categories[data["category"]])
        stdout.write(f"{label}: added")

    article = Article.objects.filter(slug=LONG_ARTICLE).first()
    if article is None:
        stdout.write("  the hamstring article is missing: no gear box or calls to action")
        return
    _gear_box(article, stdout)
    _body_blocks(article, stdout)


def _product(data: dict, category: ShopCategory) -> Product:
    product = Product(
        name=data["name"],
        slug=data["slug"],
        brand=data["brand"],
        category=category,
        short_description=data["short_description"],
        price=Decimal(data["price"]),
        currency="GBP",
        url=f"{category.url}{data['slug']}/",
        is_sponsored=data.get("is_sponsored", False),
        image_alt=data["image_alt"],
    )
    image = clean_image(io.BytesIO(make_product_image(data["drawing"])))
    product.image.save(f"{data['slug']}.{image.extension}", ContentFile(image.content), save=False)
    product.save()
    return product


def _gear_box(article: Article, stdout) -> None:
    if ArticleProduct.objects.filter(article=article).exists():
        stdout.write(f"  gear box of “{article.title}”: already there")
        return
    products = Product.objects.in_bulk([slug for slug, _note in GEAR], field_name="slug")
    ArticleProduct.objects.bulk_create(
        ArticleProduct(article=article, product=products[slug], note=note, order=order)
        for order, (slug, note) in enumerate(GEAR)
        if slug in products
    )
    stdout.write(f"  gear box of “{article.title}”: {len(products)} products added")


def _body_blocks(article: Article, stdout) -> None:
    if "[shop " in article.body:
        stdout.write(f"  calls to action in “{article.title}”: already there")
        return
    body, placed = insert_blocks(article.body)
    if not placed:
        stdout.write(f"  calls to action in “{article.title}”: no product paragraphs found")
        return
    article.body = body
    article.save()
    stdout.write(f"  calls to action in “{article.title}”: {', '.join(placed)} added")


def insert_blocks(body: str) -> tuple[str, list[str]]:
    """Put each of BODY_BLOCKS after the paragraph that mentions its product."""
    placed = []
    for marker, block in BODY_BLOCKS:
        start = body.find(marker)
        end = body.find("</p>", start) if start != -1 else -1
        if end == -1:
            continue
        end += len("</p>")
        body = f"{body[:end]}\n{block}{body[end:]}"
        placed.append(block.removeprefix("<p>").removesuffix("</p>"))
    return body, placed
