from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from runnerhub import dates
from runnerhub.badges import Tone, badge
from runnerhub.pagecache import ChangesPublicPagesAdmin

from . import services
from .inbox import InboxAdminMixin
from .models import Comment
from .thread import thread_scope

STATE_TONES = {
    Comment.State.PENDING: Tone.WAITING,
    Comment.State.PUBLISHED: Tone.GOOD,
    Comment.State.SPAM: Tone.BAD,
    Comment.State.REMOVED: Tone.QUIET,
}


class StaffFilter(admin.SimpleListFilter):
    title = _("written by")
    parameter_name = "by"

    def lookups(self, request, model_admin):
        return [("staff", _("Staff")), ("readers", _("Readers"))]

    def queryset(self, request, queryset):
        if self.value() in ("staff", "readers"):
            return queryset.filter(is_staff_reply=self.value() == "staff")
        return queryset


class AnsweredFilter(admin.SimpleListFilter):
    title = _("questions")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", _("Unanswered questions")), ("yes", _("Answered questions"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(
                parent__isnull=True, is_staff_reply=False, answered=self.value() == "yes"
            )
        return queryset


@admin.register(Comment)
class CommentAdmin(ChangesPublicPagesAdmin, InboxAdminMixin, admin.ModelAdmin):
    """The moderation queue; the inbox and Reply as staff come from comments/inbox.py."""

    def fragment_scopes(self, obj) -> tuple[str, ...]:
        return (thread_scope(obj.article_id),)

    list_display = (
        "excerpt",
        "author",
        "state_badge",
        "article_link",
        "answered_flag",
        "posted",
        "permalink_link",
    )
    list_filter = (
        "state",
        StaffFilter,
        AnsweredFilter,
        ("article", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "email", "text")
    actions = ["approve", "mark_spam", "remove", "accept_answer", "promote_to_faq"]
    list_per_page = 50
    fields = (
        "article_link",
        "parent_link",
        ("name", "email"),
        "text",
        ("state", "notify_on_reply"),
        ("is_staff_reply", "staff_title", "is_accepted"),
        ("posted", "ip_address"),
        "permalink_link",
    )
    readonly_fields = (
        "article_link",
        "parent_link",
        "name",
        "email",
        "is_staff_reply",
        "staff_title",
        "is_accepted",
        "posted",
        "ip_address",
        "permalink_link",
    )

    def has_add_permission(self, request):
        return False  # comments come from readers; staff answer with "Reply as staff"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("article")
            .with_answered()
            .with_thread_page()  # the permalink column's page, in the same query
        )

    def get_ordering(self, request):
        # The moderation queue: comments awaiting moderation first, then newest first.
        pending_first = Case(
            When(state=Comment.State.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-created_at"]

    @admin.display(description=_("comment"))
    def excerpt(self, obj: Comment) -> str:
        prefix = "↳ " if obj.parent_id else ""
        return prefix + Truncator(obj.text).chars(90)

    @admin.display(description=_("by"), ordering="name")
    def author(self, obj: Comment) -> str:
        if obj.is_staff_reply:
            return format_html("{} <strong>· {}</strong>", obj.name, _("Staff"))
        return obj.name

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj: Comment) -> str:
        return badge(STATE_TONES[obj.state], obj.get_state_display())

    @admin.display(description=_("article"), ordering="article__title")
    def article_link(self, obj: Comment) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[obj.article_id]),
            Truncator(obj.article.title).chars(50),
        )

    @admin.display(description=_("in reply to"))
    def parent_link(self, obj: Comment) -> str:
        if not obj.parent_id:
            return _("— (a new question)")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:comments_comment_change", args=[obj.parent_id]),
            Truncator(str(obj.parent)).chars(80),
        )

    @admin.display(description=_("answered"), boolean=True)
    def answered_flag(self, obj: Comment):
        if obj.parent_id or obj.is_staff_reply:
            return None
        return obj.answered

    @admin.display(description=_("posted"), ordering="created_at")
    def posted(self, obj: Comment) -> str:
        return dates.when(obj.created_at)

    @admin.display(description=_("on the site"))
    def permalink_link(self, obj: Comment) -> str:
        if obj.state != Comment.State.PUBLISHED:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{} ↗</a>',
            obj.get_absolute_url(),
            _("Permalink"),
        )

    def save_model(self, request, obj, form, change):
        becomes_public = "state" in form.changed_data and obj.state == Comment.State.PUBLISHED
        if becomes_public:
            obj.state = form.initial["state"]
        super().save_model(request, obj, form, change)
        if becomes_public:  # approving goes through the service, so replies notify
            services.comments_approve(queryset=Comment.objects.filter(pk=obj.pk))

    # Actions ----------------------------------------------------------------------------

    @admin.action(description=_("Approve (publish) selected comments"), permissions=["change"])
    def approve(self, request, queryset):
        count = services.comments_approve(queryset=queryset)
        self.message_user(
            request,
            ngettext("%d comment published.", "%d comments published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark selected comments as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        count = services.comments_set_state(queryset=queryset, state=Comment.State.SPAM)
        self.message_user(
            request,
            ngettext("%d comment marked as spam.", "%d comments marked as spam.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Remove selected comments"), permissions=["change"])
    def remove(self, request, queryset):
        count = services.comments_set_state(queryset=queryset, state=Comment.State.REMOVED)
        self.message_user(
            request,
            ngettext("%d comment removed.", "%d comments removed.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as the accepted answer"), permissions=["change"])
    def accept_answer(self, request, queryset):
        done = 0
        for reply in queryset:
            try:
                services.comment_accept(reply=reply)
                done += 1
            except ValueError:
                self.message_user(
                    request,
                    _("“%s” is not a published staff reply, so it cannot be the accepted answer.")
                    % Truncator(reply.text).chars(40),
                    messages.WARNING,
                )
        if done:
            self.message_user(request, _("Accepted answer marked."), messages.SUCCESS)

    @admin.action(description=_("Promote to FAQ of its article"), permissions=["promote"])
    def promote_to_faq(self, request, queryset):
        created = []
        for question in queryset.select_related("article"):
            item = services.comment_promote_to_faq(question=question)
            if item is None:
                self.message_user(
                    request,
                    _("“%s” is not a question with a staff answer: skipped.")
                    % Truncator(question.text).chars(40),
                    messages.WARNING,
                )
            else:
                created.append(item)
        for item in created:
            self.message_user(
                request,
                format_html(
                    'Added to the FAQs of “{}”. <a href="{}">Polish the wording</a>.',
                    item.article.title,
                    reverse("admin:articles_article_change", args=[item.article_id]),
                ),
                messages.SUCCESS,
            )

    def has_promote_permission(self, request) -> bool:
        return request.user.has_perm("articles.add_faqitem")
