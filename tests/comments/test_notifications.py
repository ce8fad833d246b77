import re
import smtplib
from email import message_from_string
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client

from comments.models import Comment
from comments.notifications import comment_from_token, unsubscribe_token
from comments.services import comment_create, comment_reply_as_staff, comments_approve
from runnerhub.models import SiteSettings
from tests.admin_paths import ADMIN
from tests.comments.factories import CommentFactory
from tests.runnerhub.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()


@pytest.fixture
def staff():
    return StaffFactory(display_name="Dipika Smith", public_title="Physio")


def test_reply_notifies_the_reader_after_commit(article, staff, on_commit):
    question = CommentFactory(article=article, name="Jo", email="jo@example.com")
    with on_commit(execute=True) as callbacks:
        reply = comment_reply_as_staff(parent=question, user=staff, text="Try heel drops.\nDaily.")
        assert mail.outbox == []  # nothing is sent before the commit
    assert len(callbacks) == 2  # the email, and a new page cache generation (it is shown)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jo@example.com"]
    assert "Dipika Smith replied to you" in message.subject
    assert "Dipika Smith · Staff · Physio" in message.body
    assert "Try heel drops." in message.body
    permalink = f"http://testserver/articles/{article.slug}/#comment-{reply.pk}"
    assert permalink in message.body
    html = message.alternatives[0][0]
    assert permalink in html and "Staff · Physio" in html
    # The token is signed with a timestamp (in seconds): read it back rather than remake it.
    header = message.extra_headers["List-Unsubscribe"]
    token = re.fullmatch(r"<http://testserver/comments/unsubscribe/([^/]+)/>", header).group(1)
    assert comment_from_token(token) == question
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Only the reader's own address: never anyone else's.
    raw = message.message().as_string()
    assert staff.email not in raw.split("\n\n", 1)[0]


def test_no_email_when_not_asked_or_replying_to_oneself(article, staff, on_commit):
    quiet = CommentFactory(article=article, notify_on_reply=False)
    loud = CommentFactory(article=article, email="me@example.com")
    with on_commit(execute=True):
        comment_reply_as_staff(parent=quiet, user=staff, text="Hi")
        comment_create(
            article=article, parent=loud, text="Me again", name="Me", email="ME@example.com"
        )
    assert mail.outbox == []


def test_pending_reply_notifies_when_approved(article, on_commit):
    question = CommentFactory(article=article, email="jo@example.com")
    with on_commit(execute=True):
        reply = comment_create(
            article=article, parent=question, text="Same here!", name="Kim", email="kim@example.com"
        )
    assert reply.state == Comment.State.PENDING and mail.outbox == []
    with on_commit(execute=True):
        comments_approve(queryset=Comment.objects.filter(pk=reply.pk))
    assert [m.to for m in mail.outbox] == [["jo@example.com"]]


def test_new_question_notifies_the_staff_address(article, on_commit):
    SiteSettings.objects.update_or_create(
        singleton=1, defaults={"staff_notification_email": "answers@shop.example"}
    )
    with on_commit(execute=True):
        comment_create(article=article, parent=None, text="Calves?", name="Jo", email="j@x.io")
    assert [m.to for m in mail.outbox] == [["answers@shop.example"]]
    assert "New reader question" in mail.outbox[0].subject
    body = mail.outbox[0].body
    assert f"{ADMIN}comments/comment/inbox/" in body
    # A first comment waits for moderation: staff are sent to admin, not to a page where
    # it is not shown yet.
    assert "(awaiting moderation)" in body and "Approve it in admin first" in body
    assert "Answer it on the page" not in body


def test_header_injection_is_impossible(article, staff, on_commit):
    article.title = "Evil\r\nBcc: victim@example.com"
    article.save()
    question = CommentFactory(article=article)
    with on_commit(execute=True):
        comment_reply_as_staff(parent=question, user=staff, text="x")
    headers = mail.outbox[0].message().as_string().split("\n\n", 1)[0]
    assert "\nBcc:" not in headers
    parsed = message_from_string(mail.outbox[0].message().as_string())
    assert parsed["Bcc"] is None


def test_failed_send_is_retried(article, staff, on_commit):
    question = CommentFactory(article=article)
    real_send = mail.EmailMultiAlternatives.send
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPServerDisconnected("try later")
        return real_send(self, *args, **kwargs)

    with (
        mock.patch.object(mail.EmailMultiAlternatives, "send", flaky),
        on_commit(execute=True),
    ):
        comment_reply_as_staff(parent=question, user=staff, text="x")
    assert calls["n"] == 2
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_without_login_or_csrf(article, staff, on_commit):
    question = CommentFactory(article=article, email="jo@example.com")
    follow_up = CommentFactory(article=article, email="jo@example.com", parent=question)
    other_thread = CommentFactory(article=article, email="jo@example.com")
    token = unsubscribe_token(question)
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/comments/unsubscribe/{token}/")
    assert page.status_code == 200 and "Stop these emails" in page.content.decode()
    response = client.post(f"/comments/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    for comment, expected in ((question, False), (follow_up, False), (other_thread, True)):
        comment.refresh_from_db()
        assert comment.notify_on_reply is expected
    with on_commit(execute=True):
        comment_reply_as_staff(parent=question, user=staff, text="Any news?")
    assert mail.outbox == []


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "MQ:1abc:tampered",
        "%00",
        "a" * 5000,
        "²:é",
        signing.dumps(True, salt="comments.unsubscribe", compress=True),  # not comment 1
        signing.dumps("1", salt="comments.unsubscribe", compress=True),
        signing.dumps(2**70, salt="comments.unsubscribe", compress=True),
    ],
    ids=["garbage", "tampered", "nul", "5000", "unicode", "bool", "str-pk", "huge-pk"],
)
def test_bad_unsubscribe_tokens_are_404(client, token):
    CommentFactory()
    assert client.get(f"/comments/unsubscribe/{token}/").status_code == 404
    assert client.post(f"/comments/unsubscribe/{token}/").status_code == 404
