import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import FAQItem
from comments.models import Comment
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory, TopicFactory
from tests.comments.factories import CommentFactory
from tests.runnerhub.factories import StaffFactory, signed_in

pytestmark = pytest.mark.django_db
LIST = f"{ADMIN}comments/comment/"
INBOX = f"{ADMIN}comments/comment/inbox/"


@pytest.fixture
def moderator(client):
    return signed_in(client, "Moderators", display_name="Mo Derator", public_title="Coach")


def test_queue_shows_pending_first(client, moderator, article):
    old_pending = CommentFactory(
        article=article,
        state=Comment.State.PENDING,
        text="Pending one",
        created_at=timezone.now() - timedelta(days=3),
    )
    CommentFactory(article=article, text="Published one")
    html = client.get(LIST).content.decode()
    assert html.index("Pending one") < html.index("Published one")
    assert f'href="{ADMIN}articles/article/{article.pk}/change/"' in html
    assert old_pending.get_absolute_url() not in html  # not public yet: no permalink


def test_bulk_approve_spam_remove(client, moderator, article, on_commit):
    a, b, c = (CommentFactory(article=article, state=Comment.State.PENDING) for _ in range(3))
    with on_commit(execute=True):
        response = client.post(
            LIST, {"action": "approve", "_selected_action": [a.pk, b.pk]}, follow=True
        )
    assert "2 comments published." in response.content.decode()
    client.post(LIST, {"action": "mark_spam", "_selected_action": [c.pk]})
    client.post(LIST, {"action": "remove", "_selected_action": [a.pk]})
    states = dict(Comment.objects.values_list("pk", "state"))
    assert states == {a.pk: "removed", b.pk: "published", c.pk: "spam"}


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"state__exact": "pending"}, "Waiting text", "Live text"),
        ({"by": "staff"}, "Staff text", "Live text"),
        ({"by": "readers"}, "Live text", "Staff text"),
        ({"answered": "no"}, "Live text", "Answered text"),
        ({"answered": "yes"}, "Answered text", "Live text"),
        ({"q": "waiting"}, "Waiting text", "Live text"),
    ],
)
def test_filters_and_search(client, moderator, article, query, shown, hidden):
    CommentFactory(article=article, text="Live text")
    CommentFactory(article=article, text="Waiting text", state=Comment.State.PENDING)
    answered = CommentFactory(article=article, text="Answered text")
    staff = Comment(
        article=article,
        parent=answered,
        name="S",
        email="s@x.io",
        text="Staff text",
        is_staff_reply=True,
        state=Comment.State.PUBLISHED,
    )
    staff.save()
    html = client.get(LIST, query).content.decode()
    assert shown in html and hidden not in html


def test_admin_index_shows_counts(client, moderator, article):
    CommentFactory(article=article, state=Comment.State.PENDING)
    CommentFactory(article=article, state=Comment.State.PENDING)
    CommentFactory(article=article)
    html = client.get(ADMIN).content.decode()
    counts = {
        label.strip(): int(n)
        for n, label in re.findall(
            r'rh-dashboard__count">(\d+)</span>\s*<span class="rh-dashboard__label">([^<]+)', html
        )
    }
    # Plural forms by the count: "1 unanswered reader question", "2 comments …".
    assert counts == {"comments awaiting moderation": 2, "unanswered reader question": 1}
    CommentFactory(article=article)
    Comment.objects.filter(state=Comment.State.PENDING).first().delete()
    html = client.get(ADMIN).content.decode()
    assert re.search(r'count">1</span>\s*<span class="rh-dashboard__label">comment awaiting', html)
    assert re.search(
        r'count">2</span>\s*<span class="rh-dashboard__label">unanswered reader questions<', html
    )


def test_inbox_lists_unanswered_oldest_first_with_age(client, moderator):
    injuries = TopicFactory(name="Injuries", slug="injuries")
    gear = TopicFactory(name="Gear", slug="gear")
    now = timezone.now()
    on_injury = ArticleFactory(topic=injuries, title="Calf article")
    on_gear = ArticleFactory(topic=gear, title="Shoe article")
    late = CommentFactory(
        article=on_injury, text="Late question", created_at=now - timedelta(hours=50)
    )
    due = CommentFactory(article=on_gear, text="Due question", created_at=now - timedelta(hours=30))
    fresh = CommentFactory(
        article=on_injury, text="Fresh question", created_at=now - timedelta(hours=2)
    )
    CommentFactory(article=on_injury, text="Pending question", state=Comment.State.PENDING)
    answered = CommentFactory(article=on_injury, text="Answered question")
    reader_reply = CommentFactory(article=on_injury, parent=answered, text="me too")
    staff_reply = Comment(
        article=on_injury,
        parent=reader_reply,  # deep in the thread still counts as answered
        name="Staff",
        email="s@x.io",
        text="Answer",
        is_staff_reply=True,
        state=Comment.State.PUBLISHED,
    )
    staff_reply.save()

    html = client.get(INBOX).content.decode()
    assert html.index("Late question") < html.index("Due question") < html.index("Fresh question")
    assert "Pending question" not in html and "Answered question" not in html
    assert f'inbox__item--late" id="question-{late.pk}"' in html
    assert f'inbox__item--due" id="question-{due.pk}"' in html
    assert f'inbox__item--fresh" id="question-{fresh.pk}"' in html
    assert "2 days waiting" in html and "30 hours waiting" in html
    assert "Calf article" in html and "Injuries" in html
    assert "3 questions without a staff answer, oldest first." in html

    filtered = client.get(INBOX, {"topic": "gear"}).content.decode()
    assert "1 question without a staff answer." in filtered

    filtered = client.get(INBOX, {"topic": "gear"}).content.decode()
    assert "Due question" in filtered and "Late question" not in filtered


def test_answering_from_the_inbox_removes_the_question(client, moderator, article, on_commit):
    question = CommentFactory(article=article, text="Do I need insoles?", email="q@x.io")
    with on_commit(execute=True):
        response = client.post(
            f"{ADMIN}comments/comment/{question.pk}/reply/",
            {"text": "Usually not: come in for a gait check.", "next": INBOX},
            follow=True,
        )
    html = response.content.decode()
    assert "Answer published." in html
    assert "Do I need insoles?" not in html
    reply = Comment.objects.get(parent=question)
    assert reply.is_staff_reply and reply.user == moderator
    assert reply.name == "Mo Derator" and reply.staff_title == "Coach"
    assert [m.to for m in mail.outbox] == [["q@x.io"]]


def test_reply_as_staff_from_the_change_page(client, moderator, article):
    question = CommentFactory(article=article)
    page = client.get(f"{ADMIN}comments/comment/{question.pk}/change/").content.decode()
    assert "Reply as staff" in page
    response = client.post(
        f"{ADMIN}comments/comment/{question.pk}/reply/", {"text": "Ice it."}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{ADMIN}comments/comment/{question.pk}/change/"
    assert Comment.objects.filter(parent=question, is_staff_reply=True).exists()
    empty = client.post(f"{ADMIN}comments/comment/{question.pk}/reply/", {"text": ""}, follow=True)
    assert "Write an answer first" in empty.content.decode()
    evil = client.post(
        f"{ADMIN}comments/comment/{question.pk}/reply/",
        {"text": "x", "next": "https://evil.example/"},
    )
    assert evil["Location"].startswith(ADMIN)


def test_approving_in_the_change_form_notifies(client, moderator, article, on_commit):
    question = CommentFactory(article=article, email="q@x.io")
    reply = CommentFactory(article=article, parent=question, state=Comment.State.PENDING)
    with on_commit(execute=True):
        client.post(
            f"{ADMIN}comments/comment/{reply.pk}/change/",
            {"text": reply.text, "state": "published", "notify_on_reply": "on"},
        )
    reply.refresh_from_db()
    assert reply.state == Comment.State.PUBLISHED
    assert [m.to for m in mail.outbox] == [["q@x.io"]]


def test_accept_answer_and_promote_to_faq(client, article):
    signed_in(client, "Editors")
    question = CommentFactory(article=article, text="Can I run with a calf strain?")
    first = Comment(
        article=article,
        parent=question,
        name="A",
        email="a@x.io",
        text="First answer",
        is_staff_reply=True,
        state=Comment.State.PUBLISHED,
    )
    first.save()
    best = Comment(
        article=article,
        parent=question,
        name="B",
        email="b@x.io",
        text="Best answer",
        is_staff_reply=True,
        state=Comment.State.PUBLISHED,
    )
    best.save()
    reader_reply = CommentFactory(article=article, parent=question)
    response = client.post(
        LIST,
        {"action": "accept_answer", "_selected_action": [best.pk, reader_reply.pk]},
        follow=True,
    )
    assert "not a published staff reply" in response.content.decode()
    best.refresh_from_db()
    assert best.is_accepted
    client.post(LIST, {"action": "accept_answer", "_selected_action": [first.pk]})
    assert list(Comment.objects.filter(is_accepted=True)) == [first]
    client.post(LIST, {"action": "accept_answer", "_selected_action": [best.pk]})

    unanswered = CommentFactory(article=article, text="No answer yet")
    response = client.post(
        LIST,
        {"action": "promote_to_faq", "_selected_action": [question.pk, unanswered.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert "Added to the FAQs" in html and "skipped" in html
    faq = FAQItem.objects.get()
    assert (faq.question, faq.answer) == ("Can I run with a calf strain?", "Best answer")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Can I run with a calf strain?" in page and '"FAQPage"' in page


def test_moderators_cannot_promote_to_faq(client, moderator, article):
    CommentFactory(article=article)
    html = client.get(LIST).content.decode()
    assert "promote_to_faq" not in html
    assert 'value="approve"' in html


def test_staff_without_permission_cannot_use_the_inbox(client, article):
    client.force_login(StaffFactory())
    assert client.get(INBOX).status_code == 403
    question = CommentFactory(article=article)
    assert (
        client.post(f"{ADMIN}comments/comment/{question.pk}/reply/", {"text": "x"}).status_code
        == 403
    )


def test_an_answer_that_cannot_be_published_is_kept(client, moderator, article):
    question = CommentFactory(article=article)
    long_answer = "Rest, then build back slowly. " * 200  # over 5,000 characters
    page = client.post(
        f"{ADMIN}comments/comment/{question.pk}/reply/", {"text": long_answer}, follow=True
    ).content.decode()
    assert "What you typed is kept" in page
    assert long_answer.strip()[:200] in page
    assert not Comment.objects.filter(parent=question).exists()
    # Shown once: the next visit starts empty again.
    again = client.get(f"{ADMIN}comments/comment/{question.pk}/change/").content.decode()
    assert long_answer.strip()[:200] not in again
    # From the inbox, the text comes back in that question's box.
    client.post(
        f"{ADMIN}comments/comment/{question.pk}/reply/",
        {"text": "   ", "next": f"{ADMIN}comments/comment/inbox/"},
    )
    client.post(
        f"{ADMIN}comments/comment/{question.pk}/reply/",
        {"text": long_answer, "next": f"{ADMIN}comments/comment/inbox/"},
    )
    inbox = client.get(f"{ADMIN}comments/comment/inbox/").content.decode()
    assert long_answer.strip()[:200] in inbox


@pytest.mark.parametrize(
    "query", ["topic=no-such-topic", "topic=" + "x" * 10_000, "topic=%ED%A0%80"]
)
def test_inbox_ignores_a_nonsense_topic(client, moderator, article, query):
    CommentFactory(article=article, text="Which shoes for a half marathon?")
    response = client.get(f"{ADMIN}comments/comment/inbox/", QUERY_STRING=query)
    assert response.status_code == 200
    assert "Which shoes for a half marathon?" in response.content.decode()
