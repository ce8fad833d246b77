"""The newsletter in admin, made for editors: compose (with a draft of the week), preview,
test, schedule or send, follow the progress; subscribers with counts, CSV export and a
CSV import that shows what it will do before it does it."""

import base64
import secrets
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Count, DateTimeField, IntegerField, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from runnerhub import dashboard
from runnerhub.validators import validate_deliverable_email, validate_rich_text
from runnerhub.widgets import RichTextEditor

from . import compose, csv_io
from .emails import issue_preview_html
from .models import Delivery, Issue, IssueBlock, Subscriber
from .sending import (
    issue_retry_failed,
    issue_schedule,
    issue_send_now,
    issue_send_test,
    lease,
    progress_of,
)

ISSUE_COLOURS = {
    Issue.Status.DRAFT: "#57606a",
    Issue.Status.SCHEDULED: "#1f4e79",
    Issue.Status.SENDING: "#9a6700",
    Issue.Status.SENT: "#1a7f37",
}
SUBSCRIBER_COLOURS = {
    Subscriber.Status.PENDING: "#9a6700",
    Subscriber.Status.ACTIVE: "#1a7f37",
    Subscriber.Status.UNSUBSCRIBED: "#57606a",
}
LOCKED = (Issue.Status.SENDING, Issue.Status.SENT)
IMPORT_SESSION_KEY = "newsletter_csv_import"
RETRIED_SESSION_KEY = "newsletter_retried"  # issue pk -> when this editor pressed Retry
WORKER_COMMAND = "python manage.py db_worker --queue-name '*'"
SHOWN_ERRORS = 200
CSS = {"all": ("newsletter/admin.css",)}


def badge(colour: str, label: str) -> str:
    return format_html('<span class="nl-badge" style="background:{}">{}</span>', colour, label)


def progress_bar(*, total: int, sent: int, failed: int) -> str:
    if not total:
        return "—"
    return format_html(
        '<div class="nl-progress" title="{} of {} sent, {} failed">'
        '<div class="nl-progress__bar" role="progressbar" aria-valuemin="0" aria-valuemax="{}" '
        'aria-valuenow="{}"><span class="nl-progress__sent" style="width:{}%"></span>'
        '<span class="nl-progress__failed" style="width:{}%"></span></div>'
        '<span class="nl-progress__text">{} / {} sent{}</span></div>',
        sent,
        total,
        failed,
        total,
        sent,
        f"{100 * sent / total:.1f}",
        f"{100 * failed / total:.1f}",
        f"{sent:,}",
        f"{total:,}",
        format_html(' · <strong class="nl-failed">{} failed</strong>', f"{failed:,}")
        if failed
        else "",
    )


def _delivery_count(state: str | None = None, condition: Q | None = None):
    deliveries = Delivery.objects.filter(issue=OuterRef("pk"))
    if state:
        deliveries = deliveries.filter(state=state)
    if condition is not None:
        deliveries = deliveries.filter(condition)
    counted = deliveries.order_by().values("issue").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _last_sent():
    deliveries = Delivery.objects.filter(issue=OuterRef("pk"), sent_at__isnull=False)
    latest = deliveries.order_by().values("issue").annotate(t=Max("sent_at")).values("t")
    return Subquery(latest, output_field=DateTimeField())


# Is a send moving? -------------------------------------------------------------------------


def quiet_limit() -> timedelta:
    """How long a send may go without a message before it looks stuck: two leases, so a
    worker killed mid-batch (its rows come back after one lease) does not raise it."""
    return 2 * lease()


def _overdue(now: datetime) -> Q:
    # Pending rows some worker should have taken by now: not waiting for a retry still to
    # come (or one that came due only just now).
    return Q(state=Delivery.State.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now - quiet_limit())
    )


@dataclass(frozen=True)
class SendHealth:
    now: datetime
    last_sent: datetime | None
    quiet_since: datetime | None
    next_retry: datetime | None
    overdue: int
    failed: int = 0

    @property
    def stalled(self) -> bool:
        return bool(
            self.overdue
            and self.quiet_since is not None
            and self.now - self.quiet_since > quiet_limit()
        )


def _latest(*moments):
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else None


def send_health(issue: Issue, *, retried_at: datetime | None = None) -> SendHealth:
    """One query: the last message, the next retry, rows that should have gone."""
    now = timezone.now()
    pending = Q(state=Delivery.State.PENDING)
    found = Delivery.objects.filter(issue=issue).aggregate(
        last_sent=Max("sent_at"),
        next_retry=Min("next_attempt_at", filter=pending & Q(next_attempt_at__gt=now)),
        overdue=Count("pk", filter=_overdue(now)),
        failed=Count("pk", filter=Q(state=Delivery.State.FAILED)),
    )
    return SendHealth(
        now=now,
        last_sent=found["last_sent"],
        quiet_since=_latest(found["last_sent"], issue.started_at, retried_at),
        next_retry=found["next_retry"],
        overdue=found["overdue"],
        failed=found["failed"],
    )


def _ago(moment: datetime, now: datetime) -> str:
    if now - moment < timedelta(minutes=1):
        return _("less than a minute")
    return timesince(moment, now, depth=1)


def _clock(moment: datetime) -> str:
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return local.strftime("%-d %b %Y, %H:%M")


def send_health_html(issue: Issue, health: SendHealth) -> str:
    """The lines under "This issue is being sent": is it moving, and if not, what to do."""
    now = health.now
    if health.last_sent:
        last = format_html(
            _("Last message {ago} ago ({time})."),
            ago=_ago(health.last_sent, now),
            time=_clock(health.last_sent),
        )
    else:
        last = _("No message has gone out yet.")
    lines = [format_html('<p class="nl-health__line" id="nl-last-sent">{}</p>', last)]
    if health.next_retry:
        lines.append(
            format_html(
                '<p class="nl-health__line" id="nl-next-retry">{}</p>',
                format_html(
                    _("Next retry due in {until} ({time})."),
                    until=timeuntil(health.next_retry, now, depth=1),
                    time=_clock(health.next_retry),
                ),
            )
        )
    if health.stalled:
        failures = ""
        if health.failed:
            failures = format_html(
                _(' and see the <a href="{url}">failed deliveries</a>'),
                url=reverse("admin:newsletter_issue_failures", args=[issue.pk]),
            )
        lines.append(
            format_html(
                '<p class="nl-health__warning" id="nl-stalled" role="alert">{}</p>',
                format_html(
                    _(
                        "No message has gone out for {quiet}. Check that a worker is "
                        "running (<code>{command}</code>){failures}."
                    ),
                    quiet=timesince(health.quiet_since, now, depth=1),
                    command=WORKER_COMMAND,
                    failures=failures,
                ),
            )
        )
    return format_html('<div class="nl-health">{}</div>', mark_safe("".join(lines)))


# Issues -----------------------------------------------------------------------------------


class IssueAdminForm(forms.ModelForm):
    class Meta:
        model = Issue
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields
        widgets = {"body": RichTextEditor}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "send_at" in self.fields:
            self.fields["send_at"].help_text = _(
                "When “Save and schedule” should send it (site time). Not needed to send now."
            )
        if "body" in self.fields and "_fill_week" in self.data:
            self.fields["body"].required = False  # the draft of the week fills it

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        validate_rich_text(body)
        return body

    def moves_schedule(self) -> bool:
        """A scheduled issue saved with another "send at": its jobs must be booked again
        (unless the same save takes it back to draft or schedules it anyway)."""
        return (
            self.instance.pk is not None
            and self.instance.status == Issue.Status.SCHEDULED
            and "send_at" in self.fields
            and "send_at" in self.changed_data
            and not {"_unschedule", "_schedule"} & set(self.data)
        )

    def clean(self):
        cleaned = super().clean()
        if "send_at" not in self.fields:
            return cleaned
        send_at = cleaned.get("send_at")
        if "_schedule" in self.data:
            if not send_at:
                self.add_error("send_at", _("Choose when to send it, then schedule."))
            elif send_at <= timezone.now():
                self.add_error("send_at", self._past_error())
        elif self.moves_schedule() and "_send_now" not in self.data and "send_at" in cleaned:
            if not send_at:
                self.add_error(
                    "send_at",
                    forms.ValidationError(
                        _(
                            "This issue is scheduled, so it needs a time: choose a new one, "
                            "or take it back to draft first."
                        ),
                        code="required",
                    ),
                )
            elif send_at <= timezone.now():
                self.add_error("send_at", self._past_error())
        return cleaned

    @staticmethod
    def _past_error() -> forms.ValidationError:
        return forms.ValidationError(
            _("This time has passed: choose a time in the future, or send it now."),
            code="past",
        )


class IssueChangedMeanwhile(Exception):
    """The issue started sending after the editor opened it: their save is refused."""


class IssueBlockInline(admin.StackedInline):
    model = IssueBlock
    extra = 0
    fields = (("kind", "position"), "title", "text", ("when", "url", "button"))
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})},
        models.URLField: {"assume_scheme": "https"},
    }
    verbose_name_plural = _("Offers and events (boxes shown after the text, lowest position first)")

    def _locked(self, obj) -> bool:
        return obj is not None and obj.status in LOCKED

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    form = IssueAdminForm
    inlines = [IssueBlockInline]
    list_display = ("subject", "status_badge", "when", "progress")
    list_filter = ("status",)
    search_fields = ("subject", "preheader")
    readonly_fields = ("status_badge", "progress_detail", "sent_times", "body_html")
    list_per_page = 50
    show_full_result_count = False

    class Media:
        css = CSS

    def get_queryset(self, request):
        # The progress column: three counts per issue, as subqueries of the one list query.
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_total=_delivery_count(),
                n_sent=_delivery_count(Delivery.State.SENT),
                n_failed=_delivery_count(Delivery.State.FAILED),
                # For the "last message" note under a sending issue's progress.
                last_sent=_last_sent(),
                n_overdue=_delivery_count(condition=_overdue(timezone.now())),
            )
        )

    def get_inline_instances(self, request, obj=None):
        if obj is not None and obj.status in LOCKED and not obj.blocks.exists():
            return []  # read-only and empty: no heading with nothing under it
        return super().get_inline_instances(request, obj)

    def get_fieldsets(self, request, obj=None):
        body = "body_html" if obj is not None and obj.status in LOCKED else "body"
        sending = ["send_at"]
        if obj is not None:
            sending = ["status_badge", "send_at", "sent_times", "progress_detail"]
        return [
            (None, {"fields": ("subject", "preheader", body)}),
            (_("Sending"), {"fields": sending}),
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status in LOCKED:
            return False  # what was sent is the record of what was sent
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == Issue.Status.SENDING:
            return False
        return super().has_delete_permission(request, obj)

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("newsletter.send_issue")

    # Columns and read-only fields -----------------------------------------------------

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Issue) -> str:
        return badge(ISSUE_COLOURS[obj.status], obj.get_status_display())

    @admin.display(description=_("sent / scheduled"), ordering="send_at")
    def when(self, obj: Issue) -> str:
        moment = obj.finished_at or obj.started_at or obj.send_at
        if moment is None:
            return "—"
        return timezone.localtime(moment).strftime("%-d %b %Y, %H:%M")

    @admin.display(description=_("progress"))
    def progress(self, obj: Issue) -> str:
        bar = progress_bar(total=obj.n_total, sent=obj.n_sent, failed=obj.n_failed)
        if obj.status != Issue.Status.SENDING:
            return bar
        health = SendHealth(
            now=timezone.now(),
            last_sent=obj.last_sent,
            quiet_since=_latest(obj.last_sent, obj.started_at),
            next_retry=None,
            overdue=obj.n_overdue,
        )
        if health.last_sent:
            note = _("last message %s ago") % _ago(health.last_sent, health.now)
        else:
            note = _("nothing sent yet")
        stalled = ""
        if health.stalled:
            stalled = format_html(
                ' · <strong class="nl-failed">{}</strong>', _("stuck? see the issue")
            )
        return format_html('{}<span class="nl-list-note">{}{}</span>', bar, note, stalled)

    @admin.display(description=_("progress"))
    def progress_detail(self, obj: Issue) -> str:
        counts = progress_of(obj.pk)
        if not counts["total"]:
            return _("Not sent yet.")
        parts = [
            ngettext("%d waiting", "%d waiting", counts["pending"]) % counts["pending"],
            ngettext(
                "%d skipped (unsubscribed meanwhile)",
                "%d skipped (unsubscribed meanwhile)",
                counts["skipped"],
            )
            % counts["skipped"],
        ]
        failures = ""
        if counts["failed"]:
            failures = format_html(
                ' · <a href="{}">{}</a>',
                reverse("admin:newsletter_issue_failures", args=[obj.pk]),
                _("see the failed deliveries"),
            )
        return format_html(
            '{}<p class="nl-muted">{}{}</p>',
            progress_bar(total=counts["total"], sent=counts["sent"], failed=counts["failed"]),
            " · ".join(parts),
            failures,
        )

    @admin.display(description=_("sending times"))
    def sent_times(self, obj: Issue) -> str:
        def stamp(moment):
            return timezone.localtime(moment).strftime("%-d %b %Y, %H:%M:%S")

        if obj.started_at and obj.finished_at:
            return _("Started %(start)s, finished %(end)s.") % {
                "start": stamp(obj.started_at),
                "end": stamp(obj.finished_at),
            }
        if obj.started_at:
            return _("Started %s; still sending.") % stamp(obj.started_at)
        return "—"

    @admin.display(description=_("body"))
    def body_html(self, obj: Issue) -> str:
        # Issue.save() stores only the sanitizer's allowlist.
        return mark_safe(f'<div class="nl-sent-body">{obj.body}</div>')

    # Saving with one of the "Preview and send" buttons --------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        sending = {"_schedule", "_send_now", "_unschedule"} & set(request.POST)
        if request.method == "POST" and sending and not self.has_send_permission(request):
            raise PermissionDenied
        extra_context = {
            **(extra_context or {}),
            "can_send": self.has_send_permission(request),
            "confirmed_count": Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count(),
        }
        editing = (
            request.method == "POST"
            and object_id is not None
            and super().has_change_permission(request)
        )
        if editing:
            current = self.get_object(request, unquote(object_id))
            if current is not None and current.status in LOCKED:
                return self._refuse_changed(request, current, form_url, extra_context)
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IssueChangedMeanwhile:  # found by save_model, under the row lock
            current = self.get_object(request, unquote(object_id))
            if current is None:
                self.message_user(
                    request,
                    _("This issue was deleted meanwhile: nothing was saved."),
                    messages.ERROR,
                )
                return redirect("admin:newsletter_issue_changelist")
            return self._refuse_changed(request, current, form_url, extra_context)

    def _refuse_changed(self, request, issue: Issue, form_url: str, extra_context: dict):
        """The editor opened it as a draft, the send started meanwhile: nothing they typed
        is saved, and the (now read-only) page shows it back to them to copy."""
        started = issue.started_at
        when = timezone.localtime(started).strftime("%-d %b %Y, %H:%M") if started else "—"
        self.message_user(
            request,
            _(
                "This issue started sending at %(when)s while you were editing; it can no "
                "longer change. Your changes were not saved."
            )
            % {"when": when},
            messages.ERROR,
        )
        unsaved = {name: request.POST.get(name, "") for name in ("subject", "preheader", "body")}
        request.method = "GET"  # render the page as it is now (CSRF was checked on the way in)
        response = super().changeform_view(
            request, str(issue.pk), form_url, {**extra_context, "unsaved": unsaved}
        )
        response.status_code = 409
        return response

    def save_model(self, request, obj, form, change):
        obj.moved_schedule = False
        if change:
            # Under a lock of the row: a send that starts now waits for this save, and a
            # send that started after the page was opened refuses it.
            current = Issue.objects.select_for_update().filter(pk=obj.pk).values("status").first()
            if current is None or current["status"] in LOCKED:
                raise IssueChangedMeanwhile
            obj.moved_schedule = (
                current["status"] == Issue.Status.SCHEDULED and form.moves_schedule()
            )
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status in LOCKED:
            retried = (request.session.get(RETRIED_SESSION_KEY) or {}).get(str(obj.pk))
            health = send_health(
                obj, retried_at=datetime.fromisoformat(retried) if retried else None
            )
            context["failed_count"] = health.failed
            if obj.status == Issue.Status.SENDING:
                context["send_health"] = send_health_html(obj, health)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        if getattr(obj, "moved_schedule", False) and obj.send_at and obj.send_at > timezone.now():
            issue_schedule(obj)  # jobs at the new time; the ones booked before exit by themselves
            self.message_user(
                request,
                _("“%(subject)s” is now scheduled for %(when)s.")
                % {
                    "subject": obj.subject,
                    "when": timezone.localtime(obj.send_at).strftime("%-d %b %Y at %H:%M"),
                },
                messages.SUCCESS,
            )
        return self._after_save(request, obj) or super().response_change(request, obj)

    def _after_save(self, request, obj: Issue):
        change_url = reverse("admin:newsletter_issue_change", args=[obj.pk])
        if "_fill_week" in request.POST:
            return self._fill(request, obj, compose.FILL)
        if "_preview" in request.POST:
            return redirect("admin:newsletter_issue_preview", obj.pk)
        if "_send_test" in request.POST:
            self._send_test(request, obj)
            return redirect(change_url)
        if "_schedule" in request.POST:
            issue_schedule(obj)
            self.message_user(
                request,
                _("“%(subject)s” is scheduled for %(when)s. You can still edit it until then.")
                % {
                    "subject": obj.subject,
                    "when": timezone.localtime(obj.send_at).strftime("%-d %b %Y at %H:%M"),
                },
                messages.SUCCESS,
            )
            return redirect(change_url)
        if "_unschedule" in request.POST:
            Issue.objects.filter(pk=obj.pk, status=Issue.Status.SCHEDULED).update(
                status=Issue.Status.DRAFT
            )
            self.message_user(
                request, _("Taken back to draft: it will not be sent."), messages.SUCCESS
            )
            return redirect(change_url)
        if "_send_now" in request.POST:
            return redirect("admin:newsletter_issue_send", obj.pk)
        return None

    def _fill(self, request, issue: Issue, mode: str):
        change_url = reverse("admin:newsletter_issue_change", args=[issue.pk])
        since = compose.week_start()
        try:
            changed = compose.issue_fill_from_week(issue=issue, mode=mode, since=since)
        except compose.BodyNotEmpty:
            return redirect("admin:newsletter_issue_fill", issue.pk)
        when = timezone.localtime(since).strftime("%-d %b %Y, %H:%M")
        if changed:
            self.message_user(
                request,
                _(
                    "Drafted from what was published and answered since %s. "
                    "Read it through and make it yours."
                )
                % when,
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("Nothing was published or answered since %s: nothing to add.") % when,
                messages.WARNING,
            )
        return redirect(change_url)

    def _send_test(self, request, issue: Issue) -> None:
        email = request.user.email
        if not email:
            self.message_user(
                request,
                _(
                    "Your account has no email address, so there is nowhere to send a test. "
                    "Ask an administrator to add one to your user."
                ),
                messages.ERROR,
            )
            return
        issue_send_test(issue, email=email, first_name=request.user.first_name)
        self.message_user(
            request,
            _("A test of “%(subject)s” is on its way to %(email)s (subject starts with [Test]).")
            % {"subject": issue.subject, "email": email},
            messages.SUCCESS,
        )

    # Own views ------------------------------------------------------------------------

    def get_urls(self):
        def view(func, name, route):
            return path(route, self.admin_site.admin_view(func), name=f"newsletter_issue_{name}")

        own = [
            view(self.preview_view, "preview", "<id:pk>/preview/"),
            view(self.preview_email_view, "preview_email", "<id:pk>/preview/email/"),
            view(self.fill_view, "fill", "<id:pk>/fill/"),
            view(self.send_test_view, "send_test", "<id:pk>/send-test/"),
            view(self.send_view, "send", "<id:pk>/send/"),
            view(self.failures_view, "failures", "<id:pk>/failures/"),
            view(self.retry_failed_view, "retry_failed", "<id:pk>/retry-failed/"),
        ]
        return own + super().get_urls()

    def _context(self, request, issue: Issue, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "issue": issue,
            "opts": self.model._meta,
            "original": issue,
            **extra,
        }

    def _issue(self, request, pk: int, *, change: bool = False) -> Issue:
        issue = get_object_or_404(Issue, pk=pk)
        allowed = (
            self.has_change_permission(request, issue)
            if change
            else self.has_view_permission(request, issue)
        )
        if not allowed:
            raise PermissionDenied
        return issue

    def preview_view(self, request, pk: int):
        issue = self._issue(request, pk)
        html = issue_preview_html(issue, first_name=request.user.first_name or "Alex")
        context = self._context(
            request,
            issue,
            _("Preview: %s") % issue.subject,
            html=html,
            can_change=self.has_change_permission(request, issue),
        )
        response = TemplateResponse(request, "admin/newsletter/issue/preview.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def preview_email_view(self, request, pk: int):
        issue = self._issue(request, pk)
        response = HttpResponse(
            issue_preview_html(issue, first_name=request.user.first_name or "Alex")
        )
        # The email itself, on its own page: nothing in it may run.
        response["Content-Security-Policy"] = "script-src 'none'; object-src 'none'"
        response["Cache-Control"] = "no-store"
        return response

    def fill_view(self, request, pk: int):
        issue = self._issue(request, pk, change=True)
        if request.method == "POST":
            mode = request.POST.get("mode")
            if mode not in (compose.APPEND, compose.REPLACE):
                return redirect("admin:newsletter_issue_change", issue.pk)
            return self._fill(request, issue, mode)
        since = compose.week_start()
        context = self._context(
            request,
            issue,
            _("Fill from the week"),
            draft=mark_safe(compose.draft_from_week(since=since)),
            since=since,
        )
        return TemplateResponse(request, "admin/newsletter/issue/fill_confirm.html", context)

    def send_test_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._issue(request, pk)
        self._send_test(request, issue)
        back = request.POST.get("next", "")
        if not back.startswith("/admin/"):
            back = reverse("admin:newsletter_issue_preview", args=[issue.pk])
        return redirect(back)

    def send_view(self, request, pk: int):
        if not self.has_send_permission(request):
            raise PermissionDenied
        issue = get_object_or_404(Issue, pk=pk)
        change_url = reverse("admin:newsletter_issue_change", args=[issue.pk])
        active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).count()
        if request.method == "POST":
            with transaction.atomic():
                issue = Issue.objects.select_for_update().get(pk=pk)
                if issue.status in LOCKED:
                    self.message_user(request, self._locked_message(issue), messages.ERROR)
                    return redirect(change_url)
                if not active:
                    self.message_user(
                        request, _("There are no confirmed subscribers yet."), messages.ERROR
                    )
                    return redirect(change_url)
                added = issue_send_now(issue)
            self.message_user(
                request,
                ngettext(
                    "Sending started: %d email is queued.",
                    "Sending started: %d emails are queued.",
                    added,
                )
                % added,
                messages.SUCCESS,
            )
            return redirect(change_url)
        counts = Subscriber.objects.aggregate(
            pending=Count("pk", filter=Q(status=Subscriber.Status.PENDING)),
            unsubscribed=Count("pk", filter=Q(status=Subscriber.Status.UNSUBSCRIBED)),
        )
        context = self._context(
            request,
            issue,
            _("Send “%s” now?") % issue.subject,
            active=active,
            locked_message=self._locked_message(issue) if issue.status in LOCKED else "",
            **counts,
        )
        return TemplateResponse(request, "admin/newsletter/issue/send_confirm.html", context)

    @staticmethod
    def _locked_message(issue: Issue) -> str:
        if issue.status == Issue.Status.SENDING:
            return _("This issue is being sent right now: it cannot be sent again.")
        when = issue.finished_at or issue.started_at
        stamp = timezone.localtime(when).strftime("%-d %b %Y at %H:%M") if when else ""
        return _("This issue was already sent (%s): it cannot be sent again.") % stamp

    def failures_view(self, request, pk: int):
        issue = self._issue(request, pk)
        failed = (
            Delivery.objects.filter(issue=issue, state=Delivery.State.FAILED)
            .select_related("subscriber")
            .order_by("pk")
        )
        page = Paginator(failed, 100).get_page(request.GET.get("p"))
        context = self._context(
            request,
            issue,
            _("Failed deliveries: %s") % issue.subject,
            page=page,
            can_retry=self.has_send_permission(request) and issue.status in LOCKED,
        )
        return TemplateResponse(request, "admin/newsletter/issue/failures.html", context)

    def retry_failed_view(self, request, pk: int):
        if not self.has_send_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = get_object_or_404(Issue, pk=pk)
        change_url = reverse("admin:newsletter_issue_change", args=[issue.pk])
        if issue.status not in LOCKED:
            self.message_user(
                request,
                _("This issue has not been sent: there is nothing to retry."),
                messages.ERROR,
            )
            return redirect(change_url)
        count = issue_retry_failed(issue)
        if not count:
            self.message_user(
                request, _("There are no failed deliveries to retry."), messages.WARNING
            )
            return redirect(change_url)
        retried = request.session.get(RETRIED_SESSION_KEY) or {}
        request.session[RETRIED_SESSION_KEY] = {
            **retried,
            str(issue.pk): timezone.now().isoformat(),
        }
        self.message_user(
            request,
            ngettext(
                "%d failed delivery will be tried again; the issue is sending until it is done.",
                "%d failed deliveries will be tried again; the issue is sending until they "
                "are done.",
                count,
            )
            % count,
            messages.SUCCESS,
        )
        return redirect(change_url)


# Subscribers ------------------------------------------------------------------------------


class SubscriberAdminForm(forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose the fields

    def clean_email(self):
        email = self.cleaned_data["email"]
        validate_deliverable_email(email)
        return email


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, at most 5 MB, first line a header with at least an “email” column."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > csv_io.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large: the limit is 5 MB. Split it into smaller files."),
                code="too_large",
            )
        data = upload.read()
        try:
            self.parsed = csv_io.parse(data)
        except csv_io.CSVFileError as error:
            raise forms.ValidationError(str(error), code="bad_file") from None
        self.data_bytes = data
        return upload


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    form = SubscriberAdminForm
    list_display = ("email", "first_name", "status_badge", "created_at")
    list_filter = ("status",)
    search_fields = ("email", "first_name")
    actions = ["export_selected", "unsubscribe_selected"]
    list_per_page = 100
    show_full_result_count = False  # no second COUNT(*) over a big list
    readonly_fields = (
        "status_badge",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "consent_text",
        "consent_at",
        "consent_source",
    )

    class Media:
        css = CSS

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": ("email", "first_name"),
                        "description": _(
                            "Added here, a person waits for confirmation: they get no newsletter "
                            "until they sign up on the site and confirm by email themselves."
                        ),
                    },
                )
            ]
        return [
            (None, {"fields": ("email", "first_name", "status_badge")}),
            (_("Dates"), {"fields": ("created_at", "confirmed_at", "unsubscribed_at")}),
            (
                _("Consent record (what they agreed to, when and where)"),
                {"fields": ("consent_text", "consent_at", "consent_source")},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a confirmed consent belongs to that address
            return ("email", *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Subscriber) -> str:
        return badge(SUBSCRIBER_COLOURS[obj.status], obj.get_status_display())

    def changelist_view(self, request, extra_context=None):
        counts = status_counts()
        base = reverse("admin:newsletter_subscriber_changelist")
        tiles = [
            {
                "label": label,
                "count": counts[value],
                "url": f"{base}?status__exact={value}",
                "current": request.GET.get("status__exact") == value,
                "status": value,
            }
            for value, label in Subscriber.Status.choices
        ]
        extra_context = {
            **(extra_context or {}),
            "status_tiles": tiles,
            "export_query": request.GET.urlencode(),
        }
        return super().changelist_view(request, extra_context)

    # CSV export -----------------------------------------------------------------------

    def _csv_response(self, queryset) -> StreamingHttpResponse:
        values = queryset.values_list(*csv_io.EXPORT_FIELDS).iterator(chunk_size=2000)
        response = StreamingHttpResponse(
            csv_io.export_lines(values), content_type="text/csv; charset=utf-8"
        )
        name = f"subscribers-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Export selected subscribers to CSV"), permissions=["view"])
    def export_selected(self, request, queryset):
        return self._csv_response(queryset.order_by("pk"))

    @admin.action(
        description=_("Unsubscribe selected (they get no more newsletters)"),
        permissions=["change"],
    )
    def unsubscribe_selected(self, request, queryset):
        count = queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED).update(
            status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext("%d subscriber unsubscribed.", "%d subscribers unsubscribed.", count) % count,
            messages.SUCCESS,
        )

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The same filters and search as the list the editor was looking at.
        changelist = self.get_changelist_instance(request)
        return self._csv_response(changelist.get_queryset(request).order_by("pk"))

    # CSV import -----------------------------------------------------------------------

    def get_urls(self):
        own = [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="newsletter_subscriber_export",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="newsletter_subscriber_import",
            ),
            path(
                "import/confirm/",
                self.admin_site.admin_view(self.import_confirm_view),
                name="newsletter_subscriber_import_confirm",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import subscribers from CSV"),
            "form": form,
            "max_mb": csv_io.MAX_BYTES // 1024 // 1024,
        }
        if request.method == "POST" and form.is_valid():
            # Kept in the (database) session between the two steps, compressed, so any app
            # server can apply it; the confirm step checks the file again against the list.
            token = secrets.token_urlsafe(16)
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "name": form.cleaned_data["file"].name[:100],
                "data": base64.b64encode(zlib.compress(form.data_bytes)).decode("ascii"),
            }
            parsed = form.parsed
            plan = csv_io.plan_import(parsed)
            context.update(
                {
                    "title": _("Check the import"),
                    "token": token,
                    "file_name": form.cleaned_data["file"].name,
                    "parsed": parsed,
                    "plan": plan,
                    "add_active": plan.count(Subscriber.Status.ACTIVE),
                    "add_pending": plan.count(Subscriber.Status.PENDING),
                    "add_unsubscribed": plan.count(Subscriber.Status.UNSUBSCRIBED),
                    "errors": parsed.errors[:SHOWN_ERRORS],
                    "more_errors": max(0, len(parsed.errors) - SHOWN_ERRORS),
                    "sample": plan.new[:10],
                }
            )
            return TemplateResponse(
                request, "admin/newsletter/subscriber/import_summary.html", context
            )
        return TemplateResponse(request, "admin/newsletter/subscriber/import.html", context)

    def import_confirm_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:newsletter_subscriber_import")
        stored = request.session.get(IMPORT_SESSION_KEY) or {}
        token = request.POST.get("token", "")
        expected = str(stored.get("token", "")).encode()
        if not token or not secrets.compare_digest(expected, token.encode()):  # bytes: any text
            self.message_user(
                request,
                _("This import is no longer waiting (it was applied or replaced). Upload again."),
                messages.ERROR,
            )
            return redirect("admin:newsletter_subscriber_import")
        data = zlib.decompress(base64.b64decode(stored["data"]))
        parsed = csv_io.parse(data)  # checked once already; parsed again, not trusted
        source = f"CSV import “{stored['name']}” by {request.user.get_username()}"
        plan = csv_io.plan_import(parsed)
        added = csv_io.subscribers_import(parsed=parsed, source=source)
        del request.session[IMPORT_SESSION_KEY]
        self.message_user(
            request,
            _(
                "Imported %(added)d subscribers (%(active)d confirmed, %(pending)d waiting for "
                "confirmation, %(unsub)d unsubscribed); %(existing)d already in the list were "
                "left unchanged; %(errors)d rows with errors were skipped."
            )
            % {
                "added": added,
                "active": plan.count(Subscriber.Status.ACTIVE),
                "pending": plan.count(Subscriber.Status.PENDING),
                "unsub": plan.count(Subscriber.Status.UNSUBSCRIBED),
                "existing": len(plan.existing),
                "errors": len(parsed.errors),
            },
            messages.SUCCESS,
        )
        return redirect("admin:newsletter_subscriber_changelist")


def status_counts() -> dict[str, int]:
    counts = Subscriber.objects.aggregate(
        **{value: Count("pk", filter=Q(status=value)) for value in Subscriber.Status.values}
    )
    return counts


@dashboard.register
def newsletter_counts(request) -> list[dict]:
    if not request.user.has_perm("newsletter.view_subscriber"):
        return []
    counts = status_counts()
    changelist = reverse("admin:newsletter_subscriber_changelist")
    return [
        {
            "label": _("newsletter subscribers"),
            "count": counts[Subscriber.Status.ACTIVE],
            "url": f"{changelist}?status__exact=active",
            "urgent": False,
        },
        {
            "label": _("sign-ups awaiting confirmation"),
            "count": counts[Subscriber.Status.PENDING],
            "url": f"{changelist}?status__exact=pending",
            "urgent": False,
        },
    ]
