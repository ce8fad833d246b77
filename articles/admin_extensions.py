"""What other apps add to the article admin: inlines and read-only panels.

The one way an app extends the article's admin page, as body blocks are the one way it adds
to the article's body (articles/body_blocks.py): `articles` never imports the apps below it, and
every app can add its part without replacing `ArticleAdmin` (which only one app could do).
Apps register from their admin module, e.g. the shop:

    admin_extensions.register_inline(ArticleProductInline)
    admin_extensions.register_panel(
        "shop_clicks",
        admin_extensions.Panel(
            title=_("Shop clicks from this article"), label=_("clicks"), render=shop_clicks
        ),
    )

Inlines follow the article's own (the FAQs); each panel is a box of its own after the
article's fieldsets, in the order registered.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin


@dataclass(frozen=True)
class Panel:
    title: str  # the heading of the panel's box on the change form
    # render(article) -> HTML (format_html), called for saved articles only.
    render: Callable
    label: str = ""  # beside the content, like a field's label


_inlines: list[type[InlineModelAdmin]] = []
# name -> (title, the read-only field the change form shows)
_panels: dict[str, tuple[str, Callable]] = {}


def register_inline(inline: type[InlineModelAdmin]) -> None:
    if inline not in _inlines:  # an admin module imported twice adds it once
        _inlines.append(inline)


def register_panel(name: str, panel: Panel) -> None:
    # One function per panel, made once: the admin matches read-only fields to the
    # fieldsets' entries by identity.
    @admin.display(description=panel.label or name)
    def field(article) -> str:
        return panel.render(article) if article.pk else "—"

    field.__name__ = name  # the row's CSS class: field-<name>
    _panels[name] = (panel.title, field)


def inlines() -> list[type[InlineModelAdmin]]:
    return list(_inlines)


def panel_fields() -> list[Callable]:
    return [field for _title, field in _panels.values()]


def panel_fieldsets() -> list[tuple[str, dict]]:
    return [(title, {"fields": (field,)}) for title, field in _panels.values()]
