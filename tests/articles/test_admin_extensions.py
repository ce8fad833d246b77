"""Other apps add to the article admin through articles/admin_extensions.py, never by
replacing ArticleAdmin: the shop's parts and any other app's stand side by side."""

import pytest
from django.contrib import admin
from django.utils.html import format_html

from articles import admin_extensions
from articles.admin import ArticleAdmin, FAQInline
from articles.models import Article, FAQItem
from shop.admin import ArticleProductInline
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.runnerhub.factories import signed_in

pytestmark = pytest.mark.django_db


class ExtraFAQInline(admin.TabularInline):
    """Another app's inline (any model with a key to Article will do for the test)."""

    model = FAQItem
    extra = 0
    fields = ("question",)
    verbose_name_plural = "Another app's rows"


@pytest.fixture
def another_app(monkeypatch):
    """Registers like a second app would, and leaves the registry as it was afterwards."""
    monkeypatch.setattr(admin_extensions, "_inlines", list(admin_extensions._inlines))
    monkeypatch.setattr(admin_extensions, "_panels", dict(admin_extensions._panels))
    admin_extensions.register_inline(ExtraFAQInline)
    admin_extensions.register_inline(ExtraFAQInline)  # twice counts once
    admin_extensions.register_panel(
        "reading_panel",
        admin_extensions.Panel(
            title="Another app's panel",
            label="reading",
            render=lambda article: format_html("<b>{} min</b>", article.reading_minutes),
        ),
    )


@pytest.fixture
def editor(client):
    return signed_in(client, "Editors")


def test_the_article_admin_is_the_articles_own():
    # Nobody unregisters and replaces it: the shop registers its parts instead.
    assert type(admin.site._registry[Article]) is ArticleAdmin
    assert ArticleProductInline in admin_extensions.inlines()
    assert [f.__name__ for f in admin_extensions.panel_fields()] == ["shop_clicks"]


def test_two_apps_add_inlines_and_panels_side_by_side(client, editor, another_app):
    article = ArticleFactory()
    model_admin = admin.site._registry[Article]
    inlines = model_admin.get_inlines(None, article)
    assert inlines == [FAQInline, ArticleProductInline, ExtraFAQInline]

    html = client.get(f"{ADMIN}articles/article/{article.pk}/change/").content.decode()
    assert html.index("Gear in this article") < html.index("Another app&#x27;s rows")
    assert html.index("Shop clicks from this article") < html.index("Another app&#x27;s panel")
    assert 'class="form-row field-shop_clicks"' in html
    assert 'class="form-row field-reading_panel"' in html
    assert f"<b>{article.reading_minutes} min</b>" in html
    assert "<label>Reading:</label>" in html

    # The add form has the boxes, with nothing to show yet.
    add = client.get(f"{ADMIN}articles/article/add/").content.decode()
    assert "Another app&#x27;s panel" in add and "min</b>" not in add
