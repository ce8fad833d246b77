from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from articles.body_blocks import BodyBlock, register


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop links")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import body_blocks  # here: it imports the shop's models, not ready before

        register(
            "product",
            BodyBlock(
                render=body_blocks.render_products,
                missing=body_blocks.missing_products,
                example="[product foam-roller]",
                scopes=("shop",),
            ),
        )
        register(
            "shop",
            BodyBlock(
                render=body_blocks.render_categories,
                missing=body_blocks.missing_categories,
                example="[shop muscle-recovery]",
                scopes=("shop",),
            ),
        )
