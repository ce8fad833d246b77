import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.forms.models import construct_instance
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from runnerhub.badges import Tone, badge
from runnerhub.images import missing_alt_warning, thumbnail_html
from runnerhub.pagecache import ChangesPublicPagesAdmin
from runnerhub.revisions import RevisionAdmin
from runnerhub.sanitize import sanitize_html
from runnerhub.validators import validate_rich_text
from runnerhub.widgets import RichTextEditor

from . import admin_extensions, body_blocks, services
from .models import Article, FAQItem, Redirect, Tag, Topic, article_scope
from .redirects import SlugRedirectsAdmin
from .reviews import MedicalReviewAdminMixin, ReviewDueFilter


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields
        widgets = {"body": RichTextEditor}

    def clean_body(self):
        body = self.cleaned_data["body"]
        validate_rich_text(body)
        return body

    def clean(self):
        cleaned_data = super().clean()
        if "body" in cleaned_data:
            # Body blocks are checked against the article as this form will save it: [video]
            # needs the video address typed in the same form.
            article = construct_instance(self, copy.copy(self.instance))
            found = body_blocks.problems(sanitize_html(cleaned_data["body"]), article=article)
            if found:
                self.add_error("body", forms.ValidationError(found, code="body_block"))
        return cleaned_data


class FAQInline(admin.StackedInline):
    model = FAQItem
    extra = 0
    fields = (("question", "order"), "answer")
    verbose_name = _("FAQ item")
    verbose_name_plural = _(
        "Frequently asked questions (shown at the end of the article and to search engines)"
    )


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("live", _("Live")),
            ("scheduled", _("Scheduled")),
            ("gone", _("Taken down (410)")),
            ("draft", _("Draft")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "live":
            return queryset.public()
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() == "gone":
            return queryset.gone()
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        return queryset


class AuthorFilter(admin.RelatedFieldListFilter):
    """Authors by their public name, as on the site, not by username."""

    def field_choices(self, field, request, model_admin):
        users = field.related_model._default_manager.all()
        return sorted(((u.pk, u.public_name) for u in users), key=lambda c: c[1].casefold())


AUTHOR_PUBLIC_NAME = get_user_model().public_name_sql("author__")  # for sorting by it


@admin.register(Article)
class ArticleAdmin(
    MedicalReviewAdminMixin,
    SlugRedirectsAdmin,
    RevisionAdmin,
    ChangesPublicPagesAdmin,
    admin.ModelAdmin,
):
    form = ArticleAdminForm

    def fragment_scopes(self, obj) -> tuple[str, ...]:
        return (article_scope(obj.pk), "articles")  # its own page, and others' related lists

    # What a revision's diff shows and a restore brings back (FAQs and gear are shown too).
    revision_fields = ("title", "lead", "body", "video_url", "seo_title", "seo_description")
    list_display = (
        "thumbnail",
        "title",
        "state",
        "topic",
        "author_name",
        "publish_at",
        "updated_at",
        "review_due",
        "preview_link",
    )
    list_display_links = ("thumbnail", "title")
    list_filter = (
        StateFilter,
        "status",
        "topic",
        ("author", AuthorFilter),
        ReviewDueFilter,
        "featured",
        "publish_at",
    )
    list_select_related = ("topic", "author")
    date_hierarchy = "publish_at"
    search_fields = ("title", "lead", "body_text", "slug")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("topic", "tags")
    readonly_fields = (
        "hero_preview",
        "preview_link",
        "created_at",
        "updated_at",
        "review_due_on_form",
    )
    inlines = [FAQInline]
    actions = ["publish_now", "unpublish", "mark_reviewed"]
    save_on_top = True
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("title", "slug", "lead", "body", "video_url")}),
        (_("Hero image"), {"fields": ("hero_image", "hero_preview", "hero_alt")}),
        (
            _("Publishing"),
            {
                "fields": (
                    ("status", "publish_at"),
                    "unpublish_at",
                    "featured",
                    "author",
                    ("topic", "tags"),
                    "preview_link",
                    ("created_at", "updated_at"),
                ),
                "description": _(
                    "Set the status to Published with a future time to schedule an article: "
                    "it goes live by itself at that time. An unpublish time takes it down by "
                    "itself. Changing the slug of a live article keeps its old address "
                    "working (Redirects)."
                ),
            },
        ),
        (
            _("Health advice"),
            {
                "fields": (
                    ("reviewer", "reviewed_by"),
                    ("last_reviewed", "review_interval_months"),
                    "review_due_on_form",
                    "show_disclaimer",
                ),
                "description": _(
                    "An article with a reviewer (on the team or outside it) is medical "
                    "advice: it comes due for review its interval after the last review, and "
                    "is listed on the admin's home page when due. “Mark reviewed” (medical "
                    "reviewers only) records today's review (by you, unless someone outside the "
                    "team is named). The reviewer and the last review change only when you "
                    "change them here: a review recorded while you edit is kept when you save."
                ),
            },
        ),
        (_("Reader questions"), {"fields": ("comments_open_days",)}),
        (
            _("Search engines and sharing"),
            {"fields": ("seo_title", "seo_description"), "classes": ("collapse",)},
        ),
    )

    # Other apps' inlines and panels come from the registry (articles/admin_extensions.py).
    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *admin_extensions.inlines()]

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *admin_extensions.panel_fields())

    def get_fieldsets(self, request, obj=None):
        return (*super().get_fieldsets(request, obj), *admin_extensions.panel_fieldsets())

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "author":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda user: user.public_name
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("author"), ordering=AUTHOR_PUBLIC_NAME)
    def author_name(self, obj: Article) -> str:
        return obj.author.public_name

    @admin.display(description=_("image"))
    def thumbnail(self, obj: Article) -> str:
        return thumbnail_html(obj.hero_image, obj.hero_renditions, 72)

    @admin.display(description=_("current image"))
    def hero_preview(self, obj: Article) -> str:
        return thumbnail_html(obj.hero_image, obj.hero_renditions, 320)

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj: Article) -> str:
        if obj.is_public:
            return badge(Tone.GOOD, _("Live"))
        if obj.is_scheduled:
            return badge(Tone.INFO, _("Scheduled"))
        if obj.has_ended or obj.withdrawn_at:
            return badge(Tone.QUIET, _("Taken down"))
        return badge(Tone.QUIET, _("Draft"))

    @admin.display(description=_("on the site"))
    def preview_link(self, obj: Article) -> str:
        if not obj.pk:
            return "—"
        label = _("View") if obj.is_public else _("Preview")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{} ↗</a>', obj.get_absolute_url(), label
        )

    def had_readers(self, obj: Article) -> bool:
        # A draft's or a scheduled article's address was never out: no redirect for it.
        return obj.is_public or obj.has_ended or obj.withdrawn_at is not None

    def before_save(self, obj: Article, before: Article | None) -> None:
        services.article_mark_withdrawn(
            article=obj, was_public=before is not None and before.is_public
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Hero images must be described (a database check); body images are asked for in the
        # editor, and an article saved without them is saved, with a warning.
        if warning := missing_alt_warning(obj.body):
            self.message_user(request, warning, messages.WARNING)
        for hint in body_blocks.hints(obj.body_html):
            self.message_user(request, hint, messages.WARNING)

    @admin.action(description=_("Publish selected articles now"), permissions=["change"])
    def publish_now(self, request, queryset):
        count = services.articles_publish_now(queryset=queryset)
        self.message_user(
            request,
            ngettext("%d article is now live.", "%d articles are now live.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unpublish selected articles (back to draft)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = services.articles_unpublish(queryset=queryset)
        self.message_user(
            request,
            ngettext("%d article is back to draft.", "%d articles are back to draft.", count)
            % count,
            messages.SUCCESS,
        )


@admin.register(Topic)
class TopicAdmin(SlugRedirectsAdmin, ChangesPublicPagesAdmin, admin.ModelAdmin):
    page_scopes = ("topics",)
    feed_urls = ("articles:topic_feed", "articles:topic_feed_atom")
    list_display = ("name", "slug", "order", "article_count")
    ordering = ("order", "name")
    list_editable = ("order",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj: Topic) -> int:
        return obj.article_count


@admin.register(Tag)
class TagAdmin(SlugRedirectsAdmin, ChangesPublicPagesAdmin, admin.ModelAdmin):
    page_scopes = ("topics",)
    feed_urls = ("articles:tag_feed", "articles:tag_feed_atom")
    list_display = ("name", "slug", "article_count")
    ordering = ("name",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj: Tag) -> int:
        return obj.article_count


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    """Made by slug changes (articles/redirects.py); editors see them and remove one that
    should end (the old address is then a 404, or the page that takes it)."""

    list_display = ("old_path", "target", "hits", "created_at")
    search_fields = ("old_path", "new_path")
    readonly_fields = ("old_path", "new_path", "hits", "created_at")
    date_hierarchy = "created_at"
    list_per_page = 100

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("goes to"), ordering="new_path")
    def target(self, obj: Redirect) -> str:
        return format_html('<a href="{0}" target="_blank" rel="noopener">{0} ↗</a>', obj.new_path)
