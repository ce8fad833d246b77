from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from articles.body_blocks import BodyBlock, register


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop links")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from articles.models import Article
        from runnerhub import revisions

        from . import body_blocks  # here: it imports the shop's models, not ready before
        from .links import forget_shop_hosts
        from .models import ArticleProduct, Product, ShopCategory

        for model in (Product, ShopCategory):  # the hosts a newsletter's ?to= may lead to
            post_save.connect(
                forget_shop_hosts, sender=model, dispatch_uid=f"hosts-{model.__name__}"
            )
            post_delete.connect(
                forget_shop_hosts, sender=model, dispatch_uid=f"hosts-del-{model.__name__}"
            )

        revisions.register(Product, exclude=("image_renditions",))
        # An article's revisions keep its gear list too.
        revisions.follow(
            Article,
            revisions.Related(
                "shop_products",
                _("Gear in this article"),
                lambda row: f"{row.product.name}: {row.note}" if row.note else row.product.name,
                restore=("product", "note", "order"),
            ),
            ArticleProduct,
        )

        register(
            "product",
            BodyBlock(
                render=body_blocks.render_products,
                missing=body_blocks.missing_products,
                renamed=body_blocks.renamed_products,
                example="[product foam-roller]",
                scopes=("shop",),
            ),
        )
        register(
            "shop",
            BodyBlock(
                render=body_blocks.render_categories,
                missing=body_blocks.missing_categories,
                renamed=body_blocks.renamed_categories,
                example="[shop muscle-recovery]",
                scopes=("shop",),
            ),
        )
