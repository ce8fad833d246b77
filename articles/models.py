import functools
import math
import re
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from articles.body_blocks import BLOCK_LINE
from runnerhub.dates import AddMonths, add_months
from runnerhub.fields import HttpsURLField
from runnerhub.images import SafeImageField, enhance_images, make_renditions
from runnerhub.models import SiteSettings
from runnerhub.sanitize import html_to_text, sanitize_html

SEARCH_CONFIG = "english"
WORDS_PER_MINUTE = 220
MAX_REVIEW_INTERVAL_MONTHS = 120
# A review due within this many days is shown on the dashboard, before it is overdue.
REVIEW_SOON_DAYS = 30


# Health advice: an article with a reviewer, on the team or outside it.
NEEDS_REVIEW = models.Q(reviewer__isnull=False) | ~models.Q(reviewed_by="")


class ReviewState(models.TextChoices):
    """Where an article's medical review stands (ArticleQuerySet.review_state)."""

    OVERDUE = "overdue", _("Overdue (due now)")
    SOON = "soon", _("Due within 30 days")
    UP_TO_DATE = "ok", _("Up to date")
    NONE = "none", _("No reviewer (not health advice)")


def search_vector():
    """What Article.search_vector stores: title, lead and text, weighted in that order."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("lead", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body_text", weight="C", config=SEARCH_CONFIG)
    )


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=500)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first in the menu.")
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:tag", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    # The states of an article, each defined once here and once as an Article property
    # (is_public, is_scheduled, is_public_or_scheduled); a test keeps the two forms agreeing.

    def public_or_scheduled(self) -> "ArticleQuerySet":
        """Published, whatever its time: public now or when its publish_at comes."""
        return self.filter(status=Article.Status.PUBLISHED)

    def public(self, now: datetime | None = None) -> "ArticleQuerySet":
        """The one definition of "public": every view, feed, sitemap and tag goes through it.

        Scheduled articles are simply published ones whose time has not come, so they go live
        on time without any job running; the same way, an article whose unpublish_at has come
        is simply no longer public. `now`: the moment to judge at (default: this one)."""
        now = now or timezone.now()
        return self.public_or_scheduled().filter(
            models.Q(unpublish_at__isnull=True) | models.Q(unpublish_at__gt=now),
            publish_at__lte=now,
        )

    def gone(self) -> "ArticleQuerySet":
        """Articles that readers had and that are no longer public: taken down after going
        live (withdrawn_at), or past their unpublish_at after being live. They answer 410."""
        now = timezone.now()
        ended = models.Q(
            status=Article.Status.PUBLISHED,
            unpublish_at__lte=now,
            publish_at__lt=models.F("unpublish_at"),
        )
        return self.filter(ended | models.Q(withdrawn_at__isnull=False)).exclude(
            pk__in=self.public().values("pk")
        )

    def scheduled(self) -> "ArticleQuerySet":
        return self.public_or_scheduled().filter(publish_at__gt=timezone.now())

    def needs_review(self) -> "ArticleQuerySet":
        """Health advice: articles with a reviewer, on the team or outside it."""
        return self.filter(NEEDS_REVIEW)

    def with_review_due(self) -> "ArticleQuerySet":
        """Annotates `review_due_on`: last_reviewed plus the article's review interval (or
        the site's, Site settings), as Article.next_review_due(); NULL when never reviewed.
        The site's interval comes in the same query."""
        if "review_due_on" in self.query.annotations:
            return self
        site_default = SiteSettings._meta.get_field("review_interval_months").default
        interval = Coalesce(
            "review_interval_months",
            Subquery(SiteSettings.objects.filter(singleton=1).values("review_interval_months")),
            models.Value(site_default),
        )
        return self.annotate(review_due_on=AddMonths("last_reviewed", interval))

    def review_state(self, state: str, *, today: date | None = None) -> "ArticleQuerySet":
        """Articles whose review is in `state` (ReviewState) on `today` (the site's day):
        overdue when due on or before today, or never reviewed; soon when due within
        REVIEW_SOON_DAYS; up to date after that."""
        if state == ReviewState.NONE:
            return self.exclude(pk__in=self.needs_review().values("pk"))
        today = today or timezone.localdate()
        soon = today + timedelta(days=REVIEW_SOON_DAYS)
        due = self.needs_review().with_review_due()
        if state == ReviewState.OVERDUE:
            return due.filter(
                models.Q(review_due_on__isnull=True) | models.Q(review_due_on__lte=today)
            )
        if state == ReviewState.SOON:
            return due.filter(review_due_on__gt=today, review_due_on__lte=soon)
        if state == ReviewState.UP_TO_DATE:
            return due.filter(review_due_on__gt=soon)
        raise ValueError(f"Unknown review state {state!r}")

    def reviews_due(self, *, today: date | None = None) -> "ArticleQuerySet":
        """What the dashboard lists: articles readers see or will see (live or scheduled)
        whose review is overdue or due within REVIEW_SOON_DAYS, never reviewed first, then
        oldest due first."""
        today = today or timezone.localdate()
        soon = today + timedelta(days=REVIEW_SOON_DAYS)
        return (
            self.public_or_scheduled()
            .exclude(unpublish_at__lte=timezone.now())
            .needs_review()
            .with_review_due()
            .filter(models.Q(review_due_on__isnull=True) | models.Q(review_due_on__lte=soon))
            .order_by(models.F("review_due_on").asc(nulls_first=True), "pk")
        )

    def for_lists(self) -> "ArticleQuerySet":
        return self.select_related("topic", "author").defer("body", "body_html", "body_text")

    def related_to(self, article: "Article") -> "ArticleQuerySet":
        """Up to three other articles of `article`'s topic (its page's related cards)."""
        return self.filter(topic_id=article.topic_id).exclude(pk=article.pk)[:3]

    def for_page(self) -> "ArticleQuerySet":
        """With its topic, author, tags and FAQs, in one query: the tags and FAQs come as JSON
        arrays (see `attach_tags_and_faqs`), not as two more prefetch queries. Without what
        the page never shows: the editor's source (`body`; the page shows `body_html`), the
        plain text and the search vector (about three times the body's size again), and the
        people's password hashes, email addresses and sign-in times."""
        return (
            self.select_related("topic", "author", "reviewer")
            .defer(*_NOT_ON_THE_PAGE)
            .annotate(
                tags_json=_json_rows(Tag.objects.filter(articles=OuterRef("pk")), "articles"),
                faqs_json=_json_rows(FAQItem.objects.filter(article=OuterRef("pk")), "article"),
            )
        )


_NOT_ON_THE_PAGE = (
    "body",
    "body_text",
    "search_vector",
    # Nothing private of the people either: the row is kept in the cache (kept_data).
    *(
        f"{person}__{field}"
        for person in ("author", "reviewer")
        for field in ("password", "email", "last_login")
    ),
)


def article_scope(article_id: int) -> str:
    """The fragment scope of one article's own content (runnerhub/fragments.py)."""
    return f"article:{article_id}"


class JSONRows(models.Aggregate):
    """The rows of a group as one JSON array (PostgreSQL and SQLite)."""

    function = "JSON_GROUP_ARRAY"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _json_rows(queryset, group_by: str) -> Subquery:
    fields = [f.attname for f in queryset.model._meta.concrete_fields]
    return Subquery(
        queryset.order_by()
        .values(group_by)
        .annotate(rows=JSONRows(JSONObject(**{name: name for name in fields})))
        .values("rows"),
        output_field=models.JSONField(),
    )


def attach_tags_and_faqs(article: "Article") -> "Article":
    """Turn an article from `for_page()` into one whose `tags.all()` and `faqs.all()` need no
    query, in the models' own order. Each is made when first used: on a page whose fragments
    are kept, neither is (building them was a third of the article query's time)."""
    cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, model in (("tags", Tag), ("faqs", FAQItem)):
        cache[name] = SimpleLazyObject(functools.partial(_prefetched, article, name, model))
    return article


def _prefetched(article: "Article", name: str, model: type[models.Model]) -> models.QuerySet:
    rows = getattr(article, f"{name}_json", None) or []
    fields = model._meta.concrete_fields
    objects = [model(**{f.attname: f.to_python(row[f.attname]) for f in fields}) for row in rows]
    objects.sort(key=lambda o, order=model._meta.ordering: [getattr(o, f) for f in order])
    # The relation's own queryset, filled: the prefetch cache makes way for it meanwhile.
    lazy = article._prefetched_objects_cache.pop(name)
    try:
        queryset = getattr(article, name).all()
    finally:
        article._prefetched_objects_cache[name] = lazy
    queryset._result_cache = objects
    queryset._prefetch_done = True
    return queryset


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{5,12}\Z")  # ASCII digits: \d also matches "١٢٣٤٥"


def parse_video_url(url: str) -> tuple[str, str] | None:
    """(provider, id) for a YouTube or Vimeo page URL, or None."""
    if not url:
        return None
    parts = urlparse(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    if parts.scheme not in ("http", "https"):
        return None
    candidate = ""
    if host == "youtu.be":
        candidate = parts.path.strip("/")
        provider = "youtube"
    elif host in ("youtube.com", "youtube-nocookie.com"):
        provider = "youtube"
        if parts.path == "/watch":
            candidate = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/", "/live/")):
            candidate = parts.path.split("/")[2]
    elif host in ("vimeo.com", "player.vimeo.com"):
        provider = "vimeo"
        candidate = parts.path.rstrip("/").rsplit("/", 1)[-1]
    else:
        return None
    pattern = _YOUTUBE_ID if provider == "youtube" else _VIMEO_ID
    return (provider, candidate) if pattern.match(candidate) else None


def validate_video_url(url: str) -> None:
    if url and parse_video_url(url) is None:
        raise ValidationError(
            _("Enter the address of a YouTube or Vimeo video, e.g. https://youtu.be/abc123DEF45."),
            code="video_url",
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The last part of the article's address (/articles/this-part/). Filled from the title."
        ),
    )
    lead = models.TextField(
        _("lead"), max_length=600, help_text=_("One to three sentences under the title.")
    )
    # Rich text from the admin's editor (runnerhub.widgets.RichTextEditor), sanitized on save.
    body = models.TextField(
        _("body"),
        help_text=_(
            "To place a body block, put it alone on its own line: [video] for the video, "
            "[product foam-roller] for a product card, [shop muscle-recovery] for a button "
            "to a shop category (use the product's or category's slug)."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    hero_image = SafeImageField(
        _("hero image"),
        upload_to="heroes/%Y/%m/",
        blank=True,
        help_text=_("Wide photo at the top (at least 1200 px wide; up to 10 MB)."),
    )
    hero_alt = models.CharField(
        _("hero image description (alt text)"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    hero_renditions = models.JSONField(default=list, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("author"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="articles", verbose_name=_("topic")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_("A published article goes live at this time; a future time schedules it."),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish at"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: it stays up. A time: it leaves the site by itself then (an offer or an "
            "event), and its address says it is gone."
        ),
    )
    withdrawn_at = models.DateTimeField(
        _("taken down"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a live article went back to draft: its address answers 410 Gone."),
    )
    featured = models.BooleanField(_("featured on the home page"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Health advice: an article with a reviewer (either kind) is medically reviewed and
    # comes due for its next review (see ArticleQuerySet.with_review_due).
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # a published review claim must not vanish with an account
        null=True,
        blank=True,
        related_name="reviewed_articles",
        # Not limit_choices_to is_staff: a reviewer who leaves the staff stays on the articles
        # they reviewed. The admin form offers staff only for a new choice (articles/reviews.py).
        verbose_name=_("reviewed by (staff)"),
        help_text=_(
            "A member of the team who checks this advice; their name links to their author page."
        ),
    )
    reviewed_by = models.CharField(
        _("reviewed by (outside the team)"),
        max_length=120,
        blank=True,
        help_text=_(
            'Someone outside the team, e.g. "Sam Patel, physiotherapist". Either this or a '
            "staff reviewer, not both."
        ),
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review every (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REVIEW_INTERVAL_MONTHS)],
        help_text=_("Empty: the site default (Site settings)."),
    )
    show_disclaimer = models.BooleanField(
        _("show the medical disclaimer"),
        default=True,
        help_text=_("The text is set once for the site, in Site settings."),
    )
    seo_title = models.CharField(
        _("SEO title"),
        max_length=70,
        blank=True,
        help_text=_("For search results and sharing; the title is used when empty."),
    )
    seo_description = models.CharField(
        _("SEO description"),
        max_length=160,
        blank=True,
        help_text=_("For search results and sharing; the lead is used when empty."),
    )
    video_url = HttpsURLField(
        _("video"),
        blank=True,
        validators=[validate_video_url],
        help_text=_(
            "A YouTube or Vimeo address. It loads only when the reader clicks it. Put a "
            "paragraph containing just [video] in the body to place it; otherwise it follows "
            "the body."
        ),
    )
    comments_open_days = models.PositiveSmallIntegerField(
        _("comments open for (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Days after publishing that readers can comment. Empty: the site default "
            "(Site settings); 0: no comments."
        ),
    )
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        # Who may record a medical review (and be named as its reviewer): the "Medical
        # reviewers" group (migration 0009), not every editor.
        permissions = [("review_article", _("Can mark articles medically reviewed"))]
        indexes = [models.Index(fields=["status", "publish_at"], name="article_public_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(publish_at__isnull=False),
                name="article_published_has_date",
                violation_error_message=_("A published article needs a publish time."),
            ),
            models.CheckConstraint(
                condition=models.Q(hero_image="") | ~models.Q(hero_alt=""),
                name="article_hero_has_alt",
                violation_error_message=_("Describe the hero image (alt text)."),
            ),
            models.CheckConstraint(
                condition=models.Q(unpublish_at__isnull=True)
                | models.Q(publish_at__isnull=True)
                | models.Q(unpublish_at__gt=models.F("publish_at")),
                name="article_unpublish_after_publish",
                violation_error_message=_("Unpublish at must come after publish at."),
            ),
            models.CheckConstraint(
                condition=models.Q(reviewer__isnull=True) | models.Q(reviewed_by=""),
                name="article_one_reviewer",
                violation_error_message=_(
                    "Choose a staff reviewer or name one outside the team, not both."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(review_interval_months__isnull=True)
                | models.Q(
                    review_interval_months__gte=1,
                    review_interval_months__lte=MAX_REVIEW_INTERVAL_MONTHS,
                ),
                name="article_review_interval_range",
                violation_error_message=_("Review every 1 to 120 months."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Derived fields only: sanitized HTML, plain text, reading time, image renditions,
        # search vector.
        self.body = sanitize_html(self.body)
        self.body_html = enhance_images(self.body)
        # Body block lines ([video], [product ...]) are layout, not words: keep them out of search.
        self.body_text = html_to_text(BLOCK_LINE.sub("", self.body))
        words = len(self.body_text.split()) + len(self.lead.split())
        self.reading_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))
        self.set_default_publish_at()
        # pre_save() stores a new upload (as Model.save() would) so that it can be resized.
        hero = self._meta.get_field("hero_image").pre_save(self, self._state.adding)
        if not hero:
            self.hero_renditions = []
        elif not self.hero_renditions or self.hero_renditions[-1]["name"] != hero.name:
            self.hero_renditions = make_renditions(hero.storage, hero.name)
        update_fields = kwargs.get("update_fields")
        super().save(*args, **kwargs)
        if connection.vendor == "postgresql" and (
            update_fields is None or {"title", "lead", "body"} & set(update_fields)
        ):
            Article.objects.filter(pk=self.pk).update(search_vector=search_vector())

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def set_default_publish_at(self) -> None:
        """A published article saved without a time goes live now (the admin form shows the
        time it got; save() sets it for every other way in)."""
        if self.status == self.Status.PUBLISHED and not self.publish_at:
            self.publish_at = timezone.now()

    def clean(self):
        super().clean()
        self.set_default_publish_at()
        if self.unpublish_at and self.publish_at and self.unpublish_at <= self.publish_at:
            raise ValidationError(
                {"unpublish_at": _("Unpublish at must come after publish at.")},
                code="unpublish_before_publish",
            )
        if self.reviewer_id and self.reviewed_by.strip():
            raise ValidationError(
                {
                    "reviewed_by": _(
                        "This article has a staff reviewer: clear one of the two (a reviewer "
                        "is either on the team or outside it)."
                    )
                },
                code="two_reviewers",
            )
        if self.last_reviewed and self.last_reviewed > timezone.localdate():
            # Published in the byline and to search engines: a review that has not happened
            # yet is never claimed (and year 9999 would break every due date after it).
            raise ValidationError(
                {"last_reviewed": _("The last review cannot be later than today.")},
                code="review_in_future",
            )
        if self.hero_image and not self.hero_alt.strip():
            raise ValidationError(
                {"hero_alt": _("Describe the hero image for readers who cannot see it.")},
                code="hero_alt",
            )

    @property
    def is_public_or_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at is not None

    @property
    def is_public(self) -> bool:
        now = timezone.now()
        return (
            self.is_public_or_scheduled
            and self.publish_at <= now
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    @property
    def has_ended(self) -> bool:
        """Past its unpublish_at after being live (no longer public, by itself)."""
        return (
            self.is_public_or_scheduled
            and self.unpublish_at is not None
            and self.publish_at < self.unpublish_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return self.is_public_or_scheduled and self.publish_at > timezone.now()

    @property
    def needs_review(self) -> bool:
        """Health advice: it has a reviewer, on the team or outside it."""
        return self.reviewer_id is not None or bool(self.reviewed_by)

    def next_review_due(self, default_months: int) -> date | None:
        """The day its next medical review is due (ArticleQuerySet.with_review_due says the
        same in SQL); None when it was never reviewed (then it is due at once) or is not
        health advice."""
        if not self.needs_review or self.last_reviewed is None:
            return None
        return add_months(self.last_reviewed, self.review_interval_months or default_months)

    @property
    def meta_title(self) -> str:
        return self.seo_title or self.title

    @property
    def meta_description(self) -> str:
        return self.seo_description or self.lead

    @property
    def video(self) -> tuple[str, str] | None:
        return parse_video_url(self.video_url)


class FAQItem(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="faqs", verbose_name=_("article")
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), max_length=3000)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")

    def __str__(self) -> str:
        return self.question


class Redirect(models.Model):
    """A permanent redirect from an address that a slug change left behind (a 301, only
    looked up when a request would otherwise be a 404: articles/redirects.py)."""

    old_path = models.CharField(
        _("old address"), max_length=300, unique=True, help_text=_("e.g. /articles/old-slug/")
    )
    new_path = models.CharField(_("goes to"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    hits = models.PositiveIntegerField(_("hits"), default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(old_path=models.F("new_path")),
                name="redirect_not_to_itself",
            ),
            models.CheckConstraint(
                condition=models.Q(old_path__startswith="/", new_path__startswith="/")
                & ~models.Q(new_path__startswith="//"),
                name="redirect_local_paths",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"


def people_with_author_pages() -> models.QuerySet:
    """The accounts that have an author page (/authors/<slug>/): staff, and former staff
    whose articles or reviews are still public (their bylines link there); never a reader's
    account. The author view's 404 and the authors sitemap both go through this, so a page
    is listed exactly when it answers."""
    public = Article.objects.public()
    return (
        get_user_model()
        .objects.filter(
            models.Q(is_staff=True)
            | models.Q(pk__in=public.values("author_id"))
            | models.Q(pk__in=public.filter(reviewer__isnull=False).values("reviewer_id"))
        )
        .exclude(models.Q(slug__isnull=True) | models.Q(slug=""))
    )
