"""The moderation rules, in one place."""

from collections.abc import Sequence

from django.db.models import Q

from .models import Comment

MAX_LINKS = 2


def link_count(text_html: str) -> int:
    return text_html.count("<a ")


def is_returning_commenter(*, email: str, user=None, own_comment_ids: Sequence[int] = ()) -> bool:
    """Proof that a stranger cannot have: a comment a moderator approved, posted under this
    address from this browser (`own_comment_ids` come from a signed cookie the browser got
    when it posted), or by this signed-in account. Knowing an address is never enough."""
    proof = Q(pk__in=list(own_comment_ids), email__iexact=email) if own_comment_ids else Q()
    if user is not None and user.is_authenticated:
        proof |= Q(user=user)
    if not proof:
        return False
    return Comment.objects.filter(proof, state=Comment.State.PUBLISHED).exists()


def initial_state(
    *,
    is_staff: bool,
    email: str,
    text_html: str,
    looks_like_bot: bool,
    user=None,
    own_comment_ids: Sequence[int] = (),
) -> str:
    """The state a new comment starts in.

    Staff publish at once; bots are spam (kept for review, never shown); more than two links
    wait; a returning commenter (see is_returning_commenter) publishes at once; any other
    comment waits.
    """
    if is_staff:
        return Comment.State.PUBLISHED
    if looks_like_bot:
        return Comment.State.SPAM
    if link_count(text_html) > MAX_LINKS:
        return Comment.State.PENDING
    if is_returning_commenter(email=email, user=user, own_comment_ids=own_comment_ids):
        return Comment.State.PUBLISHED
    return Comment.State.PENDING
