"""Reading a thread: a constant number of queries, whatever its size.

1. the ids of the visible top-level questions, in the reader's order (one small query);
2. every visible comment of the questions on this page, in depth-first order (one query).
Rows come back as plain tuples (no model instances), and render_items() turns the whole
list into HTML in one flat loop: no template include, lookup or URL reversal per comment.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import F, Max, Q

from articles.models import Article

from .models import QUESTIONS_PER_PAGE, Comment

ORDERS = {"oldest": "Oldest first", "answered": "Recently answered first"}
DEFAULT_ORDER = "oldest"


class Row:
    """One comment as the thread needs it: cheaper than a model instance."""

    FIELDS = (
        "pk",
        "parent_id",
        "root_id",
        "path",
        "depth",
        "name",
        "text_html",
        "is_staff_reply",
        "staff_title",
        "is_accepted",
        "state",
        "created_at",
    )
    __slots__ = (*FIELDS, "reply_to")

    def __init__(self, *values):
        (
            self.pk,
            self.parent_id,
            self.root_id,
            self.path,
            self.depth,
            self.name,
            self.text_html,
            self.is_staff_reply,
            self.staff_title,
            self.is_accepted,
            self.state,
            self.created_at,
        ) = values
        self.reply_to = ""


@dataclass
class Thread:
    comments: list
    total: int
    order: str
    page: Page | None = None
    orders: dict = field(default_factory=lambda: ORDERS)


def _roots(article: Article, own_ids, order: str):
    roots = Comment.objects.visible_to(own_ids).filter(article=article, parent__isnull=True)
    if order == "answered":
        return roots.annotate(
            answered_at=Max(
                "thread__created_at",
                filter=Q(thread__is_staff_reply=True, thread__state=Comment.State.PUBLISHED),
            )
        ).order_by(F("answered_at").desc(nulls_last=True), "-created_at", "-id")
    return roots.order_by("created_at", "id")


def _answered_at(rows: list) -> dict[int, object]:
    answered = {}
    for c in rows:
        if c.is_staff_reply and c.root_id and c.state == Comment.State.PUBLISHED:
            answered[c.root_id] = max(answered.get(c.root_id, c.created_at), c.created_at)
    return answered


def build_thread(article: Article, *, own_ids=(), page_number=1, order=DEFAULT_ORDER) -> Thread:
    """Two queries, whatever the size: the number of questions, then the page's threads."""
    order = order if order in ORDERS else DEFAULT_ORDER
    roots = _roots(article, own_ids, order)
    total = roots.count()
    page = None
    window = slice(0, QUESTIONS_PER_PAGE)
    if total > QUESTIONS_PER_PAGE:
        page = Paginator(range(total), QUESTIONS_PER_PAGE).get_page(page_number)
        window = slice(page.start_index() - 1, page.end_index())
    page_roots = roots.values("id")[window]
    rows = [
        Row(*values)
        for values in Comment.objects.visible_to(own_ids)
        .filter(Q(pk__in=page_roots) | Q(root_id__in=page_roots), article=article)
        .values_list(*Row.FIELDS)
    ]
    # Put the questions in the reader's order, each followed by its replies depth-first.
    by_id = {c.pk: c for c in rows}
    if order == "answered":
        answered = _answered_at(rows)
        root_key = {
            c.pk: (
                -answered[c.pk].timestamp() if c.pk in answered else 0,
                -c.created_at.timestamp(),
                -c.pk,
            )
            for c in rows
            if c.parent_id is None
        }
    else:
        root_key = {c.pk: (c.created_at.timestamp(), c.pk) for c in rows if c.parent_id is None}
    rows = [c for c in rows if (c.root_id or c.pk) in root_key]
    rows.sort(key=lambda c: (root_key[c.root_id or c.pk], c.path))
    for comment in rows:
        # Past the deepest level a reply is drawn beside its parent: say whom it answers.
        parent = by_id.get(comment.parent_id)
        comment.reply_to = parent.name if parent and parent.depth == comment.depth else ""
    return Thread(comments=rows, total=total, order=order, page=page)


# The session keeps the ids of the reader's own comments awaiting moderation: only they see
# them in the thread until a moderator decides.
OWN_PENDING_KEY = "comments_own_pending"
MAX_OWN_PENDING = 50


def own_pending_ids(request) -> list[int]:
    return request.session.get(OWN_PENDING_KEY, []) if hasattr(request, "session") else []


def remember_own_pending(request, comment) -> None:
    own = [pk for pk in own_pending_ids(request) if pk != comment.pk]
    request.session[OWN_PENDING_KEY] = [*own, comment.pk][-MAX_OWN_PENDING:]
