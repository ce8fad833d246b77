"""The moderation rules, in one place."""

from .models import Comment

MAX_LINKS = 2


def link_count(text_html: str) -> int:
    return text_html.count("<a ")


def initial_state(*, is_staff: bool, email: str, text_html: str, looks_like_bot: bool) -> str:
    """The state a new comment starts in.

    Staff publish at once; bots are spam (kept for review, never shown); more than two links
    wait; an address that already has a published comment is trusted; a first comment waits.
    """
    if is_staff:
        return Comment.State.PUBLISHED
    if looks_like_bot:
        return Comment.State.SPAM
    if link_count(text_html) > MAX_LINKS:
        return Comment.State.PENDING
    if Comment.objects.filter(email__iexact=email, state=Comment.State.PUBLISHED).exists():
        return Comment.State.PUBLISHED
    return Comment.State.PENDING
