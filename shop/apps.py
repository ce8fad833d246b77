from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Shop links")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from articles import embeds

        from . import blocks

        embeds.register(
            "product",
            embeds.Embed(
                render=blocks.render_products,
                missing=blocks.missing_products,
                example="[product foam-roller]",
            ),
        )
        embeds.register(
            "shop",
            embeds.Embed(
                render=blocks.render_categories,
                missing=blocks.missing_categories,
                example="[shop muscle-recovery]",
            ),
        )
