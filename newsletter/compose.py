"""Drafting an issue from what happened on the site since the last one was sent.

The draft is only a starting point for the editor: a heading, the articles published since
then (linked title and lead) and the reader questions that got a staff answer (first
sentence, linked to the comment). Links are absolute: an email has no base URL.
"""

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from articles.models import Article
from comments.models import Comment
from runnerhub.sanitize import html_to_text, sanitize_html

from .models import Issue
from .services import issue_lock_unsent

MAX_ARTICLES = 12
MAX_QUESTIONS = 8
DEFAULT_DAYS = 7
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


class BodyNotEmpty(Exception):
    """The issue already has text: the editor must say whether to add to it or replace it."""


def week_start() -> datetime:
    """When the last sent issue went out (started sending), or a week ago if none has."""
    last = (
        Issue.objects.filter(status=Issue.Status.SENT)
        .annotate(went_out=Coalesce("started_at", "finished_at"))
        .filter(went_out__isnull=False)
        .order_by(F("went_out").desc())
        .values_list("went_out", flat=True)
        .first()
    )
    return last or timezone.now() - timedelta(days=DEFAULT_DAYS)


def week_articles(since: datetime):
    return (
        Article.objects.public()
        .filter(publish_at__gt=since)
        .only("title", "slug", "lead", "publish_at")
        .order_by("publish_at")[:MAX_ARTICLES]
    )


def week_answered_questions(since: datetime) -> list[Comment]:
    """Published top-level reader questions on public articles that got a published staff
    answer (anywhere in their thread) since `since`, in the order they were answered."""
    answer = Comment.objects.filter(
        root_id=OuterRef("pk"),
        is_staff_reply=True,
        state=Comment.State.PUBLISHED,
        created_at__gt=since,
    )
    return list(
        Comment.objects.published()
        .filter(parent__isnull=True, is_staff_reply=False)
        .filter(article__in=Article.objects.public())
        .filter(Exists(answer))
        .select_related("article")
        .with_thread_page()
        .order_by("created_at")[:MAX_QUESTIONS]
    )


def question_excerpt(text: str, length: int = 140) -> str:
    """The first sentence of a reader's question, shortened if it is long."""
    text = " ".join(text.split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0]
    return Truncator(first).chars(length)


def draft_from_week(*, since: datetime | None = None) -> str:
    """Sanitized HTML for an issue body; empty when nothing new was published or answered."""
    since = since or week_start()
    articles = list(week_articles(since))
    questions = week_answered_questions(since)
    if not articles and not questions:
        return ""
    site = settings.SITE_URL
    parts = [format_html("<h2>{}</h2>", "This week on RunnerHub")]
    if articles:
        parts.append(
            format_html_join(
                "",
                '<h3><a href="{}">{}</a></h3><p>{}</p>',
                ((site + a.get_absolute_url(), a.title, a.lead) for a in articles),
            )
        )
    if questions:
        parts.append(format_html("<h2>{}</h2>", "Your questions, answered"))
        items = format_html_join(
            "",
            '<li><a href="{}">“{}”</a> – on {}</li>',
            (
                (site + q.get_absolute_url(), question_excerpt(q.text), q.article.title)
                for q in questions
            ),
        )
        parts.append(format_html("<ul>{}</ul>", items))
    return sanitize_html("".join(parts))


def body_is_empty(html: str) -> bool:
    return not html_to_text(html).strip() and "<img" not in (html or "")


FILL = "fill"  # only into an empty body
APPEND = "append"
REPLACE = "replace"


@transaction.atomic
def issue_fill_from_week(*, issue: Issue, mode: str = FILL, since: datetime | None = None) -> bool:
    """Put the week's draft into the issue. Returns False when there was nothing to add.
    With FILL, an editor's text is never touched: BodyNotEmpty is raised instead."""
    if mode not in (FILL, APPEND, REPLACE):
        raise ValueError(mode)
    if issue.status in Issue.LOCKED:
        raise ValueError("A sent issue cannot change.")
    issue_lock_unsent(issue_id=issue.pk)  # nor one that started sending since it was read
    draft = draft_from_week(since=since)
    if not draft:
        return False
    if body_is_empty(issue.body) or mode == REPLACE:
        issue.body = draft
    elif mode == APPEND:
        issue.body = f"{issue.body}\n{draft}"
    else:
        raise BodyNotEmpty
    issue.save(update_fields=["body", "updated_at"])
    return True
