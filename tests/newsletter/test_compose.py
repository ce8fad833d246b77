from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from newsletter import compose
from newsletter.models import Issue
from tests.articles.factories import ArticleFactory
from tests.comments.factories import CommentFactory
from tests.newsletter.factories import IssueFactory

pytestmark = pytest.mark.django_db


def staff_answer(question: Comment, **kwargs) -> Comment:
    reply = Comment(
        article=question.article,
        parent=question,
        name="Sam Physio",
        email="sam@runnerhub.test",
        text="Try eccentric calf raises.",
        is_staff_reply=True,
        state=Comment.State.PUBLISHED,
        **kwargs,
    )
    reply.save()
    return reply


def sent_issue(days_ago: float) -> Issue:
    moment = timezone.now() - timedelta(days=days_ago)
    return IssueFactory(status=Issue.Status.SENT, started_at=moment, finished_at=moment)


def test_week_start_is_the_last_sent_issue_or_a_week_ago():
    assert abs(compose.week_start() - (timezone.now() - timedelta(days=7))) < timedelta(seconds=5)
    sent_issue(days_ago=10)
    last = sent_issue(days_ago=3)
    IssueFactory(status=Issue.Status.DRAFT)
    assert compose.week_start() == last.started_at


def test_draft_has_articles_published_since_the_last_issue_only():
    sent_issue(days_ago=3)
    now = timezone.now()
    new = ArticleFactory(title="Calf strains & you", slug="calf-strains", lead="Why calves <tear>.")
    ArticleFactory(title="Old article", publish_at=now - timedelta(days=5))
    ArticleFactory(title="Draft article", status=Article.Status.DRAFT, publish_at=None)
    ArticleFactory(title="Future article", publish_at=now + timedelta(days=1))

    html = compose.draft_from_week()

    assert "<h2>This week on RunnerHub</h2>" in html
    assert (
        f'<h3><a href="http://testserver{new.get_absolute_url()}" rel="noopener">'
        "Calf strains &amp; you</a></h3><p>Why calves &lt;tear&gt;.</p>"
    ) in html
    for hidden in ("Old article", "Draft article", "Future article"):
        assert hidden not in html


def test_draft_has_answered_questions_only_linking_to_the_comment():
    article = ArticleFactory(title="Hamstrings", slug="hamstrings")
    answered = CommentFactory(
        article=article,
        text="Why do my calves cramp on long runs? I drink plenty. Any ideas?",
    )
    staff_answer(answered)
    CommentFactory(article=article, text="Unanswered question here.")
    waiting = CommentFactory(article=article, text="Reader reply only.")
    CommentFactory(article=article, parent=waiting, text="Me too!")
    pending = CommentFactory(article=article, text="Pending question.", state="pending")
    staff_answer(pending)
    old = CommentFactory(article=article, text="Answered long ago.")
    staff_answer(old, created_at=timezone.now() - timedelta(days=30))

    html = compose.draft_from_week(since=timezone.now() - timedelta(days=7))

    assert "<h2>Your questions, answered</h2>" in html
    assert (
        f'<a href="http://testserver/articles/hamstrings/#comment-{answered.pk}" '
        'rel="noopener">“Why do my calves cramp on long runs?”</a> – on Hamstrings'
    ) in html
    assert "I drink plenty" not in html  # the first sentence only
    for hidden in ("Unanswered question", "Reader reply only", "Pending question", "long ago"):
        assert hidden not in html


def test_question_excerpt_shortens_a_long_first_sentence():
    assert compose.question_excerpt("Is it ok?  Thanks!") == "Is it ok?"
    long = "word " * 80
    assert len(compose.question_excerpt(long)) <= 140


def test_nothing_new_gives_an_empty_draft():
    ArticleFactory(publish_at=timezone.now() - timedelta(days=20))
    assert compose.draft_from_week() == ""


def test_fill_never_overwrites_the_editors_text_without_being_asked():
    ArticleFactory(title="New this week")
    empty = IssueFactory(body="")
    assert compose.issue_fill_from_week(issue=empty) is True
    empty.refresh_from_db()
    assert "New this week" in empty.body

    written = IssueFactory(body="<p>My own intro.</p>")
    with pytest.raises(compose.BodyNotEmpty):
        compose.issue_fill_from_week(issue=written)
    written.refresh_from_db()
    assert written.body == "<p>My own intro.</p>"

    compose.issue_fill_from_week(issue=written, mode=compose.APPEND)
    written.refresh_from_db()
    assert written.body.startswith("<p>My own intro.</p>")
    assert "New this week" in written.body

    compose.issue_fill_from_week(issue=written, mode=compose.REPLACE)
    written.refresh_from_db()
    assert "My own intro" not in written.body


def test_fill_refuses_a_sent_issue():
    ArticleFactory()
    issue = sent_issue(days_ago=30)
    with pytest.raises(ValueError, match="sent"):
        compose.issue_fill_from_week(issue=issue, mode=compose.REPLACE)
