"""Admin's lists cost the same number of queries with 20 rows a page as with 100: comments,
the staff inbox, articles, subscribers and an issue's failed deliveries."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments.models import Comment
from newsletter.models import Delivery, Issue, Subscriber
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory, FAQItemFactory, TagFactory
from tests.comments.factories import CommentFactory
from tests.newsletter.factories import IssueFactory, SubscriberFactory
from tests.runnerhub.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _articles(n):
    tags = [TagFactory(), TagFactory()]
    for _ in range(n):
        FAQItemFactory(article=ArticleFactory(tags=tags, author=StaffFactory()))


def _comments(n):
    article = ArticleFactory()
    users = [UserFactory(), StaffFactory()]
    for i in range(n):
        question = CommentFactory(article=article, user=users[0] if i % 2 else None)
        if i % 3 == 0:
            CommentFactory(article=article, parent=question, user=users[1], is_staff_reply=True)


def _questions(n):
    articles = [ArticleFactory(), ArticleFactory()]
    for i in range(n):
        CommentFactory(article=articles[i % 2], user=UserFactory() if i % 2 else None)


def _subscribers(n):
    SubscriberFactory.create_batch(n)


def _deliveries(n):
    issue = Issue.objects.first() or IssueFactory(status=Issue.Status.SENT)
    for subscriber in SubscriberFactory.create_batch(n):
        Delivery.objects.create(
            issue=issue, subscriber=subscriber, state=Delivery.State.FAILED, attempts=3
        )


def _failures_url():
    return f"{ADMIN}newsletter/issue/{Issue.objects.get().pk}/failures/"


LISTS = {
    "articles": (Article, _articles, lambda: f"{ADMIN}articles/article/"),
    "comments": (Comment, _comments, lambda: f"{ADMIN}comments/comment/"),
    "inbox": (None, _questions, lambda: f"{ADMIN}comments/comment/inbox/"),
    "subscribers": (Subscriber, _subscribers, lambda: f"{ADMIN}newsletter/subscriber/"),
    "failed deliveries": (None, _deliveries, _failures_url),
}


def _rows_shown(response) -> int:
    context = response.context
    if "cl" in context:
        return len(context["cl"].result_list)
    if "rows" in context:
        return len(context["rows"])
    return len(context["page"].object_list)


@pytest.mark.parametrize("name", LISTS)
def test_admin_lists_cost_the_same_at_20_and_100_rows(client, monkeypatch, name):
    model, make, url = LISTS[name]
    client.force_login(StaffFactory(is_superuser=True))
    counts = []
    for rows, add in ((20, 20), (100, 80)):
        make(add)
        if model is not None:
            monkeypatch.setattr(admin.site._registry[model], "list_per_page", rows)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url())
        assert response.status_code == 200
        assert _rows_shown(response) == rows
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
