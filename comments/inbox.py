"""The moderators' desk in admin: the unanswered-questions inbox, answering as staff (from
the inbox or from a comment's change page) and the counts on the admin index.

CommentAdmin (comments/admin.py) takes the pages from InboxAdminMixin; what is unanswered is
the model's question (Comment.objects.unanswered_questions()), and answering goes through
services.comment_reply_as_staff."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import Topic
from runnerhub import dashboard
from runnerhub.redirects import next_url
from runnerhub.validators import validate_storable_text

from . import services
from .models import Comment


class StaffReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        validators=[validate_storable_text],
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


class InboxAdminMixin:
    """The inbox page and "Reply as staff", for CommentAdmin."""

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
        back = next_url(
            request,
            default=reverse("admin:comments_comment_change", args=[pk]),
            within=reverse("admin:index"),
        )
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
            .with_thread_page()
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
            "label": ngettext(
                "comment awaiting moderation", "comments awaiting moderation", pending
            ),
            "count": pending,
            "url": f"{changelist}?state__exact=pending",
            "urgent": pending > 0,
        },
        {
            "label": ngettext(
                "unanswered reader question", "unanswered reader questions", unanswered
            ),
            "count": unanswered,
            "url": reverse("admin:comments_comment_inbox"),
            "urgent": unanswered > 0,
        },
    ]
