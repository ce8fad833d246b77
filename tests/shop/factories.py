import factory

from shop.models import ArticleProduct, Product, ShopCategory


class ShopCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopCategory
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Muscle recovery {n}")
    slug = factory.Sequence(lambda n: f"muscle-recovery-{n}")
    url = factory.LazyAttribute(lambda o: f"https://shop.example.com/c/{o.slug}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Foam roller {n}")
    slug = factory.Sequence(lambda n: f"foam-roller-{n}")
    brand = "Stridewell"
    category = factory.SubFactory(ShopCategoryFactory)
    short_description = "Firm, textured, 33 cm."
    price = "24.99"
    url = factory.LazyAttribute(lambda o: f"https://shop.example.com/p/{o.slug}?ref=catalogue")


class ArticleProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleProduct

    product = factory.SubFactory(ProductFactory)
    order = factory.Sequence(int)
