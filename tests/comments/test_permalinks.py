"""A comment's address is one definition (Comment.get_absolute_url), with the thread page:
admin's Permalink column, View on site, the inbox, emails and redirects after posting all
lead to the page that shows the comment. Reproduction from issue 13: question 52 of 53 was
linked to page 1."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import QUESTIONS_PER_PAGE, Comment
from newsletter.compose import draft_from_week
from runnerhub.models import SiteSettings
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.runnerhub.factories import UserFactory, signed_in

pytestmark = pytest.mark.django_db
LIST = f"{ADMIN}comments/comment/"
INBOX = f"{ADMIN}comments/comment/inbox/"


@pytest.fixture
def moderator(client):
    return signed_in(client, "Moderators", display_name="Mo Derator")


def ask(article, count: int, start=None) -> list[Comment]:
    start = start or timezone.now() - timedelta(days=5)
    return [
        CommentFactory(
            article=article, text=f"Question {i}?", created_at=start + timedelta(minutes=i)
        )
        for i in range(1, count + 1)
    ]


@pytest.fixture
def fifty_three(article):
    return ask(article, 53)


def page_two(comment) -> str:
    return f"/articles/{comment.article.slug}/?cpage=2#comment-{comment.pk}"


def test_the_address_names_the_thread_page(article, fifty_three):
    q1, q50, q51, q52 = (fifty_three[i] for i in (0, 49, 50, 51))
    assert q1.get_absolute_url() == f"/articles/{article.slug}/#comment-{q1.pk}"
    assert q50.get_absolute_url() == f"/articles/{article.slug}/#comment-{q50.pk}"
    assert q51.get_absolute_url() == page_two(q51)
    assert q52.get_absolute_url() == page_two(q52)
    # A reply is on its question's page, however late it came.
    reply = CommentFactory(article=article, parent=q52, text="Me too")
    assert reply.get_absolute_url() == page_two(reply)
    early = CommentFactory(article=article, parent=q1, text="And me")
    assert early.get_absolute_url() == f"/articles/{article.slug}/#comment-{early.pk}"
    # The annotated queryset gives the same addresses without a query per comment.
    annotated = Comment.objects.select_related("article").with_thread_page()
    with CaptureQueriesContext(connection) as queries:
        urls = {c.pk: c.get_absolute_url() for c in annotated}
    assert len(queries) == 1
    assert urls == {c.pk: c.get_absolute_url() for c in Comment.objects.select_related("article")}
    # Other articles' questions and unpublished questions do not count.
    ask(ArticleFactory(), 60)
    CommentFactory(
        article=article,
        state=Comment.State.PENDING,
        created_at=timezone.now() - timedelta(days=9),
    )
    assert q50.get_absolute_url() == f"/articles/{article.slug}/#comment-{q50.pk}"


def test_the_page_shows_the_comment(client, article, fifty_three):
    q52 = fifty_three[51]
    path, anchor = q52.get_absolute_url().split("#")
    assert f'id="{anchor}"' in client.get(path).content.decode()
    assert f'id="{anchor}"' not in client.get(article.get_absolute_url()).content.decode()


def test_admin_permalink_column_and_view_on_site(client, moderator, fifty_three):
    q52 = fifty_three[51]
    html = client.get(LIST, {"q": "Question 52?"}).content.decode()
    assert f'href="{page_two(q52)}"' in html
    # Django's "View on site" button goes through /admin/r/, which asks the model.
    change = client.get(f"{LIST}{q52.pk}/change/").content.decode()
    view_on_site = re.search(rf'href="({re.escape(ADMIN)}r/\d+/\d+/)" class="viewsitelink"', change)
    assert view_on_site
    assert client.get(view_on_site.group(1))["Location"].endswith(page_two(q52))


def test_inbox_links_to_the_page(client, moderator, fifty_three):
    q52 = fifty_three[51]
    html = client.get(INBOX).content.decode()
    assert f'href="{page_two(q52)}"' in html


def test_emails_link_to_the_page(client, moderator, article, fifty_three, on_commit):
    q52 = fifty_three[51]
    q52.email = "q52@example.com"
    q52.save()
    with on_commit(execute=True):
        client.post(f"{LIST}{q52.pk}/reply/", {"text": "Rest two days."})
    reply = Comment.objects.get(parent=q52)
    (message,) = mail.outbox
    assert message.to == ["q52@example.com"]
    assert f"http://testserver{page_two(reply)}" in message.body
    # The newsletter's "your questions, answered" links there too.
    assert f'href="http://testserver{page_two(q52)}"' in draft_from_week(
        since=timezone.now() - timedelta(days=7)
    )


def test_staff_alert_and_redirect_after_posting(client, article, fifty_three, post_data, on_commit):
    settings_row = SiteSettings.load()
    settings_row.staff_notification_email = "desk@example.com"
    settings_row.save()
    # A signed-in reader with an approved comment publishes at once: question 54, page 2.
    reader = UserFactory()
    CommentFactory(article=article, parent=fifty_three[0], user=reader, text="Thanks!")
    client.force_login(reader)
    with on_commit(execute=True):
        response = client.post("/comments/post/", post_data(text="Question 54: gels or bars?"))
    question = Comment.objects.get(text="Question 54: gels or bars?")
    assert question.state == Comment.State.PUBLISHED
    assert response.status_code == 302
    assert response["Location"] == page_two(question)
    (alert,) = mail.outbox
    assert alert.to == ["desk@example.com"]
    assert f"http://testserver{page_two(question)}" in alert.body


@pytest.mark.parametrize("url", [LIST, INBOX])
def test_admin_lists_make_no_query_per_comment(
    client, moderator, article, url, django_assert_num_queries
):
    ask(article, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    ask(article, QUESTIONS_PER_PAGE + 3, start=timezone.now() - timedelta(days=4))
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert html.count("?cpage=2#comment-") >= 3
