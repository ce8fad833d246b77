from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import linebreaks, urlize
from django.utils.translation import gettext_lazy as _

from articles.models import Article

MAX_DEPTH = 3  # 0-based: replies nest visually up to four levels
QUESTIONS_PER_PAGE = 50  # a thread page shows this many questions, each with its replies


def render_plain_text(text: str) -> str:
    """Reader text as safe HTML: escaped, paragraphs kept, bare URLs made into links."""
    html = linebreaks(
        urlize(text, trim_url_limit=60, nofollow=True, autoescape=True), autoescape=False
    )
    return html.replace(' rel="nofollow"', ' rel="nofollow ugc noopener"')


class CommentQuerySet(models.QuerySet):
    def published(self) -> "CommentQuerySet":
        return self.filter(state=Comment.State.PUBLISHED)

    def visible_to(self, own_ids) -> "CommentQuerySet":
        """Published comments, plus the viewer's own comments still awaiting moderation."""
        return self.filter(
            Q(state=Comment.State.PUBLISHED) | Q(state=Comment.State.PENDING, pk__in=own_ids)
        )

    def in_thread_order(self) -> "CommentQuerySet":
        """Depth-first order within each thread: the whole tree comes out of one query."""
        return self.order_by(Coalesce("root_id", "id"), "path")

    def with_answered(self) -> "CommentQuerySet":
        staff_reply = Comment.objects.filter(
            root_id=OuterRef("pk"), is_staff_reply=True, state=Comment.State.PUBLISHED
        )
        return self.annotate(answered=Exists(staff_reply))

    def with_thread_page(self) -> "CommentQuerySet":
        """Annotate `questions_before`: the published questions of the article that come
        before each comment's own question (or itself) in the thread's order, so that
        get_absolute_url() knows the page without a query per comment."""
        root_created = Coalesce(OuterRef("root__created_at"), OuterRef("created_at"))
        root_id = Coalesce(OuterRef("root_id"), OuterRef("pk"))
        earlier = (
            Comment.objects.published()
            .filter(article_id=OuterRef("article_id"), parent__isnull=True)
            .filter(Q(created_at__lt=root_created) | Q(created_at=root_created, id__lt=root_id))
            .order_by()
            .values("article_id")
            .annotate(n=Count("id"))
            .values("n")
        )
        return self.annotate(questions_before=Coalesce(Subquery(earlier), 0))

    def unanswered_questions(self) -> "CommentQuerySet":
        """Published top-level reader comments whose thread has no published staff reply."""
        return (
            self.published()
            .filter(parent__isnull=True, is_staff_reply=False)
            .with_answered()
            .filter(answered=False)
        )


class Comment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        SPAM = "spam", _("Spam")
        REMOVED = "removed", _("Removed")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments", verbose_name=_("article")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    root = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="thread",
        editable=False,
        help_text=_("The top-level question of this thread (empty for the question itself)."),
    )
    # Sort key within a thread: the parent's path plus this comment's creation time, so that
    # ordering by (thread, path) lists the tree depth-first.
    path = models.CharField(max_length=100, blank=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        editable=False,
    )
    name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(_("email"), max_length=254)
    text = models.TextField(_("text"), max_length=5000)
    text_html = models.TextField(editable=False)
    is_staff_reply = models.BooleanField(_("staff"), default=False, editable=False)
    staff_title = models.CharField(max_length=60, blank=True, editable=False)
    is_accepted = models.BooleanField(_("accepted answer"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    notify_on_reply = models.BooleanField(_("email me replies"), default=True)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article", "state"], name="comment_article_state_idx"),
            models.Index(fields=["root", "path"], name="comment_thread_idx"),
            models.Index(fields=["email", "state"], name="comment_email_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(depth__lte=MAX_DEPTH), name="comment_depth_max"),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(root__isnull=True) & Q(depth=0))
                | (Q(parent__isnull=False) & Q(root__isnull=False) & Q(depth__gte=1)),
                name="comment_tree_consistent",
            ),
            models.CheckConstraint(
                condition=Q(is_accepted=False) | Q(is_staff_reply=True),
                name="comment_accepted_is_staff",
            ),
            models.UniqueConstraint(
                fields=["root"],
                condition=Q(is_accepted=True),
                name="comment_one_accepted_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        # Derived fields only: rendered text and the position in the tree.
        self.text_html = render_plain_text(self.text)
        if self.parent_id and not self.path:
            parent = self.parent
            self.root_id = parent.root_id or parent.pk
            self.depth = min(parent.depth + 1, MAX_DEPTH)
            # Past the deepest level a reply is shown (and sorted) after its parent, at the
            # same level, so the path never grows beyond MAX_DEPTH steps.
            base = parent.path.rsplit("/", 1)[0] if parent.depth == MAX_DEPTH else parent.path
            self.path = f"{base}/{self.created_at.timestamp():017.6f}"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The comment's address, the one definition for admin, emails and redirects:
        /articles/<slug>/#comment-<id>, with ?cpage=N when its question is past the first
        page of the thread (the order readers get by default, oldest question first).

        The page comes from with_thread_page() when the queryset had it; otherwise it costs
        one query."""
        before = getattr(self, "questions_before", None)
        if before is None:
            before = (
                Comment.objects.filter(pk=self.pk)
                .with_thread_page()
                .values_list("questions_before", flat=True)
                .get()
            )
        page = before // QUESTIONS_PER_PAGE + 1
        query = f"?cpage={page}" if page > 1 else ""
        return f"{self.article.get_absolute_url()}{query}#comment-{self.pk}"

    @property
    def thread_root_id(self) -> int:
        return self.root_id or self.pk


def comments_close_at(article: Article, default_days: int):
    """When comments close on this article (None: closed from the start)."""
    days = article.comments_open_days if article.comments_open_days is not None else default_days
    if days == 0 or not article.publish_at:
        return None
    return article.publish_at + timedelta(days=days)


def comments_open(article: Article, default_days: int) -> bool:
    closes = comments_close_at(article, default_days)
    return closes is not None and timezone.now() < closes


def answered_by(user) -> CommentQuerySet:
    """A staff member's published answers to published questions on public articles, newest
    first, each with its question, article and thread page (one query)."""
    return (
        Comment.objects.published()
        .filter(user=user, is_staff_reply=True, root__state=Comment.State.PUBLISHED)
        .filter(article__in=Article.objects.public())
        .select_related("article", "root")
        .defer("article__body", "article__body_html", "article__body_text")
        .with_thread_page()
        .order_by("-created_at", "-id")
    )
