"""Emails about comments, queued to background workers after the transaction commits."""

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from runnerhub.models import SiteSettings
from runnerhub.tasks import queue_email

from .models import Comment

UNSUBSCRIBE_SALT = "comments.unsubscribe"


def unsubscribe_token(comment: Comment) -> str:
    return signing.dumps(comment.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def comment_from_token(token: str) -> Comment | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if type(pk) is not int:  # not a bool either
        return None
    return Comment.objects.filter(pk=pk).first()


def absolute_permalink(comment: Comment) -> str:
    return settings.SITE_URL + comment.get_absolute_url()


def notify_reply(*, parent: Comment, reply: Comment) -> None:
    """Tell the author of `parent` that `reply` answers them, with a one-click unsubscribe."""
    unsubscribe_url = settings.SITE_URL + reverse(
        "comments:unsubscribe", args=[unsubscribe_token(parent)]
    )
    context = {
        "parent": parent,
        "reply": reply,
        "article": parent.article,
        "permalink": absolute_permalink(reply),
        "unsubscribe_url": unsubscribe_url,
        "SITE_NAME": settings.SITE_NAME,
    }
    queue_email(
        to=[parent.email],
        subject=f"{reply.name} replied to you on “{parent.article.title}”",
        text=render_to_string("comments/email/reply.txt", context),
        html=render_to_string("comments/email/reply.html", context),
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def notify_staff_of_question(comment: Comment) -> None:
    address = SiteSettings.load().staff_notification_email
    if not address:
        return
    context = {
        "comment": comment,
        "article": comment.article,
        "permalink": absolute_permalink(comment),
        "admin_url": settings.SITE_URL
        + reverse("admin:comments_comment_change", args=[comment.pk]),
        "inbox_url": settings.SITE_URL + reverse("admin:comments_comment_inbox"),
        "SITE_NAME": settings.SITE_NAME,
    }
    queue_email(
        to=[address],
        subject=f"New reader question on “{comment.article.title}”",
        text=render_to_string("comments/email/staff_question.txt", context),
    )
