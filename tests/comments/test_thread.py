from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import QUESTIONS_PER_PAGE, Comment
from comments.thread import build_thread
from runnerhub.models import SiteSettings
from tests.comments.factories import CommentFactory
from tests.runnerhub.factories import StaffFactory, UserFactory, cold_fragments

pytestmark = pytest.mark.django_db


def make_thread(article, n: int, *, registered: bool) -> None:
    """n comments: questions with replies up to four levels, some by staff."""
    users = [UserFactory() for _ in range(3)] + [StaffFactory() for _ in range(2)]
    start = timezone.now() - timedelta(days=10)
    made: list[Comment] = []
    for i in range(n):
        parent = made[i // 2] if i % 3 and made else None
        user = users[i % len(users)] if registered else None
        comment = Comment(
            article=article,
            parent=parent,
            name=f"Reader {i}",
            email=f"r{i}@example.com",
            text=f"Comment {i}",
            state=Comment.State.PUBLISHED,
            user=user,
            is_staff_reply=bool(user and user.is_staff),
            created_at=start + timedelta(minutes=i),
        )
        comment.save()
        made.append(comment)


ARTICLE_PAGE_QUERIES = 5  # the article page (tests/runnerhub/test_query_counts.py)


@pytest.mark.parametrize("registered", [False, True], ids=["anonymous", "registered"])
def test_article_page_queries_do_not_grow_with_the_thread(
    article, django_assert_num_queries, registered
):
    SiteSettings.load()
    for n in (0, 10, 500):
        Comment.objects.all().delete()
        make_thread(article, n, registered=registered)
        expected_shown = len(build_thread(article).comments)
        cold_fragments()  # the comments were changed behind the services' back
        with django_assert_num_queries(ARTICLE_PAGE_QUERIES):
            response = Client().get(article.get_absolute_url())
        assert response.status_code == 200
        shown = response.content.decode().count('class="comment comment--')
        assert shown == expected_shown
        if n == 10:
            assert shown == 10
        if n == 500:
            assert 100 < shown < 500  # paginated by question: 50 questions and their replies


def test_thread_is_depth_first_in_one_flat_list(article):
    q1 = CommentFactory(article=article, created_at=timezone.now() - timedelta(hours=5))
    q2 = CommentFactory(article=article, created_at=timezone.now() - timedelta(hours=4))
    a1 = CommentFactory(article=article, parent=q1, created_at=timezone.now() - timedelta(hours=3))
    a2 = CommentFactory(article=article, parent=a1, created_at=timezone.now() - timedelta(hours=2))
    b1 = CommentFactory(article=article, parent=q1, created_at=timezone.now() - timedelta(hours=1))
    thread = build_thread(article)
    assert [c.pk for c in thread.comments] == [q1.pk, a1.pk, a2.pk, b1.pk, q2.pk]
    assert [c.depth for c in thread.comments] == [0, 1, 2, 1, 0]
    assert thread.total == 2


def test_removed_spam_and_others_pending_are_hidden(article):
    visible = CommentFactory(article=article)
    CommentFactory(article=article, state=Comment.State.SPAM)
    CommentFactory(article=article, state=Comment.State.REMOVED)
    mine = CommentFactory(article=article, state=Comment.State.PENDING)
    CommentFactory(article=article, state=Comment.State.PENDING)
    assert [c.pk for c in build_thread(article).comments] == [visible.pk]
    assert [c.pk for c in build_thread(article, own_ids=[mine.pk]).comments] == [
        visible.pk,
        mine.pk,
    ]


def test_pagination_by_question_and_reader_order(article, client):
    staff = StaffFactory()
    start = timezone.now() - timedelta(days=30)
    questions = [
        CommentFactory(article=article, created_at=start + timedelta(hours=i))
        for i in range(QUESTIONS_PER_PAGE + 5)
    ]
    reply = Comment(
        article=article,
        parent=questions[-1],
        name="Staff",
        email="s@x.io",
        text="Answered late",
        user=staff,
        is_staff_reply=True,
        state=Comment.State.PUBLISHED,
    )
    reply.save()
    first = build_thread(article)
    assert first.page.paginator.num_pages == 2
    assert first.comments[0].pk == questions[0].pk
    assert len([c for c in first.comments if c.parent_id is None]) == QUESTIONS_PER_PAGE
    second = build_thread(article, page_number=2)
    assert [c.pk for c in second.comments][-2:] == [questions[-1].pk, reply.pk]
    answered = build_thread(article, order="answered")
    assert [c.pk for c in answered.comments[:2]] == [questions[-1].pk, reply.pk]
    # Permalinks lead to the right page.
    assert reply.get_absolute_url() == f"{article.get_absolute_url()}?cpage=2#comment-{reply.pk}"
    assert (
        questions[0].get_absolute_url() == f"{article.get_absolute_url()}#comment-{questions[0].pk}"
    )
    html = client.get(f"{article.get_absolute_url()}?cpage=2").content.decode()
    assert f'id="comment-{reply.pk}"' in html
    assert "Questions page 2 of 2" in html
    # Anything else goes to a page of the thread (runnerhub/canonical.py): never an error.
    for bad in ("0", "-3", "abc", "999", "%00"):
        response = client.get(f"{article.get_absolute_url()}?cpage={bad}", follow=True)
        assert response.status_code == 200
    assert client.get(f"{article.get_absolute_url()}?corder=%00", follow=True).status_code == 200


def test_the_staff_badge_is_the_same_in_the_thread_the_reply_page_and_the_staff_form(
    article, client
):
    staff = StaffFactory(public_title="Physio & coach")
    question = CommentFactory(article=article)
    answer = CommentFactory(
        article=article, parent=question, is_staff_reply=True, staff_title="Physio & coach"
    )
    badge = '<span class="badge badge--staff">Staff · Physio &amp; coach</span>'
    assert badge in client.get(article.get_absolute_url()).content.decode()  # the thread
    assert badge in client.get(f"/comments/reply/{answer.pk}/").content.decode()  # replying
    client.force_login(staff)
    own_form = client.get(article.get_absolute_url()).content.decode()
    # Their own badge links to their author page.
    url = staff.get_absolute_url()
    linked = f'<a class="badge badge--staff" href="{url}">Staff · Physio &amp; coach</a>'
    assert f"Posting as <strong>{staff.public_name}</strong> {linked}" in own_form


@pytest.mark.parametrize("order", ["oldest", "answered"])
def test_pages_of_questions_in_one_query_and_past_the_end_the_last(
    article, django_assert_num_queries, order
):
    start = timezone.now() - timedelta(days=1)
    for i in range(2 * QUESTIONS_PER_PAGE + 10):
        CommentFactory(
            article=article, text=f"Question {i}", created_at=start + timedelta(seconds=i)
        )
    pages = []
    for number in (1, "2", 3):
        with django_assert_num_queries(1):
            pages.append(build_thread(article, page_number=number, order=order))
    assert [len(page.comments) for page in pages] == [QUESTIONS_PER_PAGE, QUESTIONS_PER_PAGE, 10]
    assert {page.total for page in pages} == {2 * QUESTIONS_PER_PAGE + 10}
    assert [page.page.number for page in pages] == [1, 2, 3]
    shown = [c.pk for page in pages for c in page.comments]
    assert len(set(shown)) == len(shown)  # each question on one page only
    # Past the end (or below 1), the last page: in the same one query.
    for past in ("4", "99", "0", "-1"):
        with django_assert_num_queries(1):
            last = build_thread(article, page_number=past, order=order)
        assert [c.pk for c in last.comments] == [c.pk for c in pages[-1].comments]
        assert last.page.number == 3
    assert build_thread(article, page_number="abc", order=order).page.number == 1


@pytest.mark.parametrize("past", ["2", "0", "9"])
def test_a_page_past_the_end_of_a_one_page_thread_is_the_thread_in_one_query(
    article, django_assert_num_queries, past
):
    question = CommentFactory(article=article, text="Calves?")
    reply = CommentFactory(article=article, parent=question, text="Rest them.")
    with django_assert_num_queries(1):
        thread = build_thread(article, page_number=past)
    assert [c.pk for c in thread.comments] == [question.pk, reply.pk]
    assert (thread.total, thread.page) == (1, None)
