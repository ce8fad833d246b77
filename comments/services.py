"""Writes with side effects on comments: creation, moderation, staff answers, unsubscribes."""

import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from articles.models import Article, FAQItem, article_scope
from runnerhub.outages import cache_failed
from runnerhub.pagecache import pages_changed

from . import notifications
from .models import Comment, render_plain_text
from .moderation import initial_state
from .thread import thread_scope


@transaction.atomic
def comment_create(
    *,
    article: Article,
    parent: Comment | None,
    text: str,
    name: str = "",
    email: str = "",
    notify: bool = True,
    user=None,
    ip_address: str | None = None,
    submission_key: uuid.UUID | None = None,
    looks_like_bot: bool = False,
    own_comment_ids: Sequence[int] = (),
) -> Comment:
    """Create a comment in the state the moderation rules give it, and queue its emails.

    A comment is a staff reply only because a logged-in staff user wrote it.
    `own_comment_ids`: the comments this browser posted before (from its signed cookie),
    which moderation may take as proof of a returning commenter."""
    is_staff = bool(user is not None and user.is_authenticated and user.is_staff)
    if is_staff:
        name, email = user.public_name, user.email
    comment = Comment(
        article=article,
        parent=parent,
        name=name,
        email=email,
        text=text,
        notify_on_reply=notify,
        user=user if user is not None and user.is_authenticated else None,
        is_staff_reply=is_staff,
        staff_title=user.public_title if is_staff else "",
        ip_address=ip_address,
        submission_key=submission_key,
        state=initial_state(
            is_staff=is_staff,
            email=email,
            text_html=render_plain_text(text),
            looks_like_bot=looks_like_bot and not is_staff,
            user=user,
            own_comment_ids=own_comment_ids,
        ),
    )
    comment.save()
    if comment.state == Comment.State.PUBLISHED:
        _published(comment)
        pages_changed(thread_scope(article.pk))
    if comment.state != Comment.State.SPAM and parent is None and not is_staff:
        notifications.notify_staff_of_question(comment)
    if ip_address:
        transaction.on_commit(_queue_ip_purge)
    return comment


IP_PURGE_MARKER = "comments:ip-purge-queued"


def _queue_ip_purge() -> None:
    # New addresses arrive with new comments: that is when old ones are cleared, at most
    # once a day (the marker is in the shared cache, so across all processes).
    from .tasks import purge_comment_ips  # here: tasks.py imports this module

    try:
        due = cache.add(IP_PURGE_MARKER, True, timeout=24 * 60 * 60)
    except Exception:  # the cache is away: a later comment queues it
        cache_failed("the daily comment IP purge marker")
        return
    if due:
        purge_comment_ips.enqueue()


def comment_ips_to_purge(*, days: int) -> QuerySet:
    """Comments older than `days` days that still have an IP address."""
    cutoff = timezone.now() - timedelta(days=days)
    return Comment.objects.filter(created_at__lt=cutoff, ip_address__isnull=False)


def comment_ips_purge(
    *, days: int, batch_size: int = 1000, progress: Callable[[int], None] | None = None
) -> int:
    """Forget the IP address of comments older than `days` days; return how many.

    An address is kept only for abuse control (spotting a spammer's other comments), which
    needs days, not years. Cleared in batches, each its own short transaction, so a first
    run over years of comments never holds a long lock; `progress` hears the running total."""
    total = 0
    while True:
        with transaction.atomic():
            batch = comment_ips_to_purge(days=days).order_by("pk").values("pk")[:batch_size]
            cleared = Comment.objects.filter(pk__in=batch).update(ip_address=None)
        if not cleared:
            return total
        total += cleared
        if progress is not None:
            progress(total)


def comment_reply_as_staff(*, parent: Comment, user, text: str) -> Comment:
    return comment_create(article=parent.article, parent=parent, text=text, user=user)


@transaction.atomic
def comments_approve(*, queryset: QuerySet) -> int:
    approved = list(queryset.exclude(state=Comment.State.PUBLISHED).select_related("parent"))
    Comment.objects.filter(pk__in=[c.pk for c in approved]).update(state=Comment.State.PUBLISHED)
    for comment in approved:
        comment.state = Comment.State.PUBLISHED
        _published(comment)
    if approved:
        pages_changed(*{thread_scope(c.article_id) for c in approved})
    return len(approved)


@transaction.atomic
def comments_set_state(*, queryset: QuerySet, state: str) -> int:
    """Mark comments as spam or removed: they disappear from the site at once."""
    changed = queryset.exclude(state=state)
    articles = set(changed.values_list("article_id", flat=True))
    # An accepted answer that is taken down is no longer the accepted answer.
    count = changed.update(state=state, is_accepted=False)
    if count:
        pages_changed(*(thread_scope(pk) for pk in articles))
    return count


@transaction.atomic
def comment_accept(*, reply: Comment) -> None:
    """Mark a published staff reply as the accepted answer of its thread (one per thread)."""
    if not reply.is_staff_reply or reply.state != Comment.State.PUBLISHED or not reply.root_id:
        raise ValueError("Only a published staff reply can be the accepted answer.")
    Comment.objects.filter(root_id=reply.root_id, is_accepted=True).update(is_accepted=False)
    Comment.objects.filter(pk=reply.pk).update(is_accepted=True)
    reply.is_accepted = True
    pages_changed(thread_scope(reply.article_id))


@transaction.atomic
def comment_promote_to_faq(*, question: Comment) -> FAQItem | None:
    """Copy a staff-answered question and its answer into the article's FAQs for polishing.

    Uses the accepted answer when there is one, else the first staff reply. Returns None when
    the question has no published staff answer."""
    answers = Comment.objects.filter(
        root_id=question.pk, is_staff_reply=True, state=Comment.State.PUBLISHED
    ).order_by("-is_accepted", "created_at")
    answer = answers.first()
    if question.parent_id or answer is None:
        return None
    last = FAQItem.objects.filter(article_id=question.article_id).aggregate(Max("order"))
    pages_changed(article_scope(question.article_id))  # the article shows its FAQs
    return FAQItem.objects.create(
        article_id=question.article_id,
        question=question.text[:300],
        answer=answer.text,
        order=(last["order__max"] or 0) + 1,
    )


def comment_unsubscribe(*, comment: Comment) -> int:
    """Stop reply emails to this person anywhere in this comment's thread."""
    root_id = comment.thread_root_id
    return Comment.objects.filter(
        Q(pk=root_id) | Q(root_id=root_id),
        email__iexact=comment.email,
        notify_on_reply=True,
    ).update(notify_on_reply=False)


def _published(comment: Comment) -> None:
    parent = comment.parent
    if (
        parent is not None
        and parent.notify_on_reply
        and parent.state == Comment.State.PUBLISHED
        and parent.email.lower() != comment.email.lower()
    ):
        notifications.notify_reply(parent=parent, reply=comment)
