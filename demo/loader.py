"""The demo content of each app, loaded in this order.

An explicit list rather than modules found by name: each step builds on the ones before it
(the comments, the shop's gear box and the newsletter need the articles and their staff
authors), and the order is read here, not inferred from INSTALLED_APPS.
"""

from collections.abc import Callable

from django.apps import apps
from django.core.management.color import Style
from django.db import transaction

from . import articles, comments, newsletter, shop

# (label of the app whose content it is, its loader); each loader adds nothing twice.
LOADERS: list[tuple[str, Callable[..., None]]] = [
    ("articles", articles.load),
    ("comments", comments.load),
    ("shop", shop.load),
    ("newsletter", newsletter.load),
]


def load_all(*, stdout, style: Style) -> None:
    for app_label, load in LOADERS:
        verbose_name = apps.get_app_config(app_label).verbose_name
        stdout.write(style.MIGRATE_HEADING(f"Demo content: {verbose_name}"))
        with transaction.atomic():
            load(stdout=stdout)
