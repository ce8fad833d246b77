"""Fixtures for the tests of the site's shared parts."""

import pytest

from comments.models import Comment
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory


@pytest.fixture
def pages(db):
    """A page of every kind, with every part a page can show."""
    category = ShopCategoryFactory(slug="muscle-recovery", name="Muscle recovery")
    roller = ProductFactory(slug="roller", category=category)
    article = ArticleFactory(
        slug="hamstrings",
        body="<p>Rolling helps.</p><p>[shop muscle-recovery]</p><p>[product roller]</p>",
    )
    ArticleProductFactory(article=article, product=roller)
    question = CommentFactory(article=article)
    assert question.state == Comment.State.PUBLISHED
    return {
        "home": "/",
        "list": "/articles/",
        "topic": article.topic.get_absolute_url(),
        "search": "/search/?q=rolling",
        "article": article.get_absolute_url(),
        "author": article.author.get_absolute_url(),
        "reply": f"/comments/reply/{question.pk}/",
        "shop": category.get_absolute_url(),
        "newsletter": "/newsletter/",
        "404": "/nowhere/",
    }
