from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Topic
from runnerhub import dashboard
from runnerhub.validators import validate_storable_text

from . import services
from .models import Comment
from .render import format_date

STATE_COLOURS = {
    Comment.State.PENDING: "#9a6700",
    Comment.State.PUBLISHED: "#1a7f37",
    Comment.State.SPAM: "#cf222e",
    Comment.State.REMOVED: "#57606a",
}


class StaffReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        validators=[validate_storable_text],
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


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
class CommentAdmin(admin.ModelAdmin):
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
        return super().get_queryset(request).select_related("article").with_answered()

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
        return format_html(
            '<span style="color:#fff;background:{};padding:2px 8px;border-radius:10px;'
            'font-size:11px;font-weight:600;white-space:nowrap">{}</span>',
            STATE_COLOURS[obj.state],
            obj.get_state_display(),
        )

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
        return format_date(obj.created_at)

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

    # Reply as staff and the unanswered-questions inbox ----------------------------------

    def get_urls(self):
        own = [
            path(
                "inbox/",
                self.admin_site.admin_view(self.inbox_view),
                name="comments_comment_inbox",
            ),
            path(
                "<id:pk>/reply/",
                self.admin_site.admin_view(self.reply_view),
                name="comments_comment_reply",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        draft = _pop_draft(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "staff_reply_form": StaffReplyForm(initial={"text": draft}),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def reply_view(self, request, pk: int):
        if not self.has_change_permission(request) or request.method != "POST":
            raise PermissionDenied
        parent = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
        form = StaffReplyForm(request.POST)
        back = request.POST.get("next") or reverse("admin:comments_comment_change", args=[pk])
        if not back.startswith("/admin/"):
            back = reverse("admin:comments_comment_change", args=[pk])
        if parent.state != Comment.State.PUBLISHED:
            _keep_draft(request, pk)
            self.message_user(
                request,
                _("Publish the comment before answering it. Your answer is kept below."),
                messages.ERROR,
            )
        elif not form.is_valid():
            _keep_draft(request, pk)
            self.message_user(
                request,
                _("Write an answer first (at most 5,000 characters). What you typed is kept."),
                messages.ERROR,
            )
        else:
            reply = services.comment_reply_as_staff(
                parent=parent, user=request.user, text=form.cleaned_data["text"]
            )
            self.message_user(
                request,
                format_html(
                    'Answer published. <a href="{}" target="_blank">See it on the page ↗</a>',
                    reply.get_absolute_url(),
                ),
                messages.SUCCESS,
            )
        return redirect(back)

    def inbox_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        questions = (
            Comment.objects.unanswered_questions()
            .select_related("article__topic")
            .order_by("created_at")
        )
        topics = Topic.objects.all()
        topic = request.GET.get("topic", "")
        if topic and topic not in {t.slug for t in topics}:
            topic = ""  # a hand-edited address: show every topic rather than fail
        if topic:
            questions = questions.filter(article__topic__slug=topic)
        now = timezone.now()
        rows = []
        for question in questions:
            hours = (now - question.created_at).total_seconds() / 3600
            rows.append(
                {
                    "comment": question,
                    "hours": int(hours),
                    "age": _age(hours),
                    "urgency": "late" if hours >= 48 else "due" if hours >= 24 else "fresh",
                    "draft": _pop_draft(request, question.pk),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Unanswered questions"),
            "rows": rows,
            "topics": topics,
            "topic": topic,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/comments/comment/inbox.html", context)


def _draft_key(pk) -> str:
    return f"comments.staff-draft.{pk}"


def _keep_draft(request, pk: int) -> None:
    """An answer that could not be published waits in the session for the next page."""
    text = request.POST.get("text", "")
    if text.strip():
        request.session[_draft_key(pk)] = text[:20_000]


def _pop_draft(request, pk) -> str:
    return request.session.pop(_draft_key(pk), "")


def _age(hours: float) -> str:
    if hours < 1:
        return _("under an hour")
    if hours < 48:
        return ngettext("%d hour", "%d hours", int(hours)) % int(hours)
    days = int(hours // 24)
    return ngettext("%d day", "%d days", days) % days


@dashboard.register
def comment_counts(request) -> list[dict]:
    if not request.user.has_perm("comments.change_comment"):
        return []
    changelist = reverse("admin:comments_comment_changelist")
    pending = Comment.objects.filter(state=Comment.State.PENDING).count()
    unanswered = Comment.objects.unanswered_questions().count()
    return [
        {
            "label": _("comments awaiting moderation"),
            "count": pending,
            "url": f"{changelist}?state__exact=pending",
            "urgent": pending > 0,
        },
        {
            "label": _("unanswered reader questions"),
            "count": unanswered,
            "url": reverse("admin:comments_comment_inbox"),
            "urgent": unanswered > 0,
        },
    ]
