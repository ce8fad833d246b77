"""Reading a thread: one query, whatever its size:

every visible comment of the questions on this page (a subquery picks them, in the reader's
order), each row carrying the number of questions for the pagination (a subquery too); past
the first page, window functions pick the page asked for or, past the end, the last one.
Rows come back as plain tuples (no model instances), and render_items() turns the whole
list into HTML in one flat loop: no template include, lookup or URL reversal per comment.
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Least, RowNumber

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
        "author_slug",  # the staff badge's link to the author page (STAFF_SLUG)
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
            self.author_slug,
        ) = values
        self.reply_to = ""


# A badge links to its writer's author page while they are staff (pages of former staff are
# only there while their articles are public: articles' concern, not the thread's).
STAFF_SLUG = Case(When(user__is_staff=True, then=F("user__slug")), default=Value(None))


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
        # A subquery, not an aggregate: no GROUP BY, so the page's window can number them.
        answers = Comment.objects.filter(
            root_id=OuterRef("pk"), is_staff_reply=True, state=Comment.State.PUBLISHED
        ).order_by("-created_at")
        return roots.annotate(answered_at=Subquery(answers.values("created_at")[:1])).order_by(
            F("answered_at").desc(nulls_last=True), "-created_at", "-id"
        )
    return roots.order_by("created_at", "id")


def _answered_at(rows: list) -> dict[int, object]:
    answered = {}
    for c in rows:
        if c.is_staff_reply and c.root_id and c.state == Comment.State.PUBLISHED:
            answered[c.root_id] = max(answered.get(c.root_id, c.created_at), c.created_at)
    return answered


def thread_scope(article_id: int) -> str:
    """The fragment scope of an article's comments (runnerhub/fragments.py)."""
    return f"thread:{article_id}"


def _page_number(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    # Below 1 or past the end: the last page (as Paginator.get_page).
    return number if 1 <= number <= 1_000_000 else 1_000_000


def _page_roots(roots, number: int):
    """The ids of page `number`'s questions in the reader's order, or the last page's when
    there are fewer pages. The first page is a slice; later ones may be past the end, so
    window functions number and count the questions (slower to build and run, but in the
    same query: finding the last page in a second one cost a query more)."""
    if number == 1:
        return roots.values("id")[:QUESTIONS_PER_PAGE]
    numbered = roots.annotate(
        rank=Window(RowNumber(), order_by=list(roots.query.order_by)),
        questions=Window(Count("id")),
    )
    last_start = (F("questions") - 1) / QUESTIONS_PER_PAGE * QUESTIONS_PER_PAGE
    first = Least(Value((number - 1) * QUESTIONS_PER_PAGE), last_start)
    return numbered.filter(rank__gt=first, rank__lte=first + QUESTIONS_PER_PAGE).values("id")


def _rows(article: Article, own_ids, page_roots) -> tuple[list[Row], int]:
    """The comments of the questions `page_roots` picks, and the number of questions (a
    subquery in the same query)."""
    count = (
        Comment.objects.visible_to(own_ids)
        .filter(article=article, parent__isnull=True)
        .order_by()
        .values("article")
        .annotate(n=Count("id"))
        .values("n")
    )
    found = list(
        Comment.objects.visible_to(own_ids)
        .filter(Q(pk__in=page_roots) | Q(root_id__in=page_roots), article=article)
        .annotate(total=Subquery(count), author_slug=STAFF_SLUG)
        .values_list(*Row.FIELDS, "total")
    )
    total = found[0][-1] if found else 0
    return [Row(*values[:-1]) for values in found], total


def build_thread(article: Article, *, own_ids=(), page_number=1, order=DEFAULT_ORDER) -> Thread:
    """One query, whatever the size or the page asked for: the page's threads, each row
    carrying the number of questions for the pagination."""
    order = order if order in ORDERS else DEFAULT_ORDER
    roots = _roots(article, own_ids, order)
    number = _page_number(page_number)
    rows, total = _rows(article, own_ids, _page_roots(roots, number))
    page = None
    if total > QUESTIONS_PER_PAGE:
        page = Paginator(range(total), QUESTIONS_PER_PAGE).get_page(page_number)
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
