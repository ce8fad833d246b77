"""Newsletter issues in admin, made for editors: compose (with a draft of the week),
preview, test, schedule or send, follow the progress, retry what failed. Every write goes
through newsletter.services and newsletter.sending; what a send looks like comes from
newsletter.health."""

from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from runnerhub import dates
from runnerhub.images import missing_alt_warning
from runnerhub.pagecache import pages_changed
from runnerhub.redirects import next_url
from runnerhub.revisions import RevisionAdmin
from runnerhub.sanitize import sanitize_html

from .. import compose
from ..clicks import issue_click_report, with_clicks
from ..emails import issue_preview_html
from ..health import SendHealth, listed_health, send_health, with_progress
from ..models import Callout, Delivery, Issue, Subscriber
from ..sending import issue_retry_failed, issue_schedule, issue_send_test, progress_of
from ..services import (
    IssueLocked,
    NoConfirmedSubscribers,
    issue_lock_unsent,
    issue_start_sending,
    issue_unschedule,
)
from .display import CSS, badge_for
from .forms import IssueAdminForm

RETRIED_SESSION_KEY = "newsletter_retried"  # issue pk -> when this editor pressed Retry
WORKER_COMMAND = "python manage.py db_worker --queue-name '*'"


# What a send looks like ----------------------------------------------------------------


def progress_html(*, total: int, sent: int, failed: int, **parts) -> SafeString:
    """The progress bar (admin/newsletter/includes/_progress.html), with the list's `note`
    and `stalled` or the issue page's `detail` and `failures_url` under it."""
    context = {"total": total, "sent": sent, "failed": failed, **parts}
    if total:
        context.update(
            sent_width=f"{100 * sent / total:.1f}",
            failed_width=f"{100 * failed / total:.1f}",
            sent_text=f"{sent:,}",
            total_text=f"{total:,}",
            failed_text=f"{failed:,}",
        )
    return render_to_string("admin/newsletter/includes/_progress.html", context)


def _ago(moment: datetime, now: datetime) -> str:
    if now - moment < timedelta(minutes=1):
        return _("less than a minute")
    return timesince(moment, now, depth=1)


def send_health_html(issue: Issue, health: SendHealth) -> SafeString:
    """The lines under "This issue is being sent" (admin/newsletter/includes/_send_health.html)."""
    now = health.now
    context = {"health": health, "command": WORKER_COMMAND}
    if health.last_sent:
        context.update(
            last_ago=_ago(health.last_sent, now), last_time=dates.clock(health.last_sent)
        )
    if health.next_retry:
        context.update(
            retry_in=timeuntil(health.next_retry, now, depth=1),
            retry_time=dates.clock(health.next_retry),
        )
    if health.stalled:
        context.update(
            quiet=timesince(health.quiet_since, now, depth=1),
            failures_url=reverse("admin:newsletter_issue_failures", args=[issue.pk]),
        )
    return render_to_string("admin/newsletter/includes/_send_health.html", context)


def _locked_message(issue: Issue) -> str:
    if issue.status == Issue.Status.SENDING:
        return _("This issue is being sent right now: it cannot be sent again.")
    when = issue.finished_at or issue.started_at
    return _("This issue was already sent (%s): it cannot be sent again.") % (
        dates.when(when) if when else ""
    )


class IssueChangedMeanwhile(Exception):
    """The issue started sending after the editor opened it: their save is refused."""


# The admin ------------------------------------------------------------------------------


class CalloutInline(admin.StackedInline):
    model = Callout
    extra = 0
    fields = (("kind", "position"), "title", "text", ("when", "url", "button"))
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})},
        models.URLField: {"assume_scheme": "https"},
    }
    verbose_name_plural = _("Offers and events (boxes shown after the text, lowest position first)")

    def _locked(self, obj) -> bool:
        return obj is not None and obj.status in Issue.LOCKED

    def has_add_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


@admin.register(Issue)
class IssueAdmin(RevisionAdmin, admin.ModelAdmin):
    revision_fields = ("subject", "preheader", "body")  # runnerhub/revisions.py
    form = IssueAdminForm
    inlines = [CalloutInline]
    list_display = ("subject", "status_badge", "when", "progress", "clicks")
    list_filter = ("status",)
    search_fields = ("subject", "preheader")
    readonly_fields = ("status_badge", "progress_detail", "sent_times", "body_html", "click_report")
    list_per_page = 50
    show_full_result_count = False

    class Media:
        css = CSS

    def get_queryset(self, request):
        # The progress and clicks columns: their counts as subqueries of the one list query.
        return with_clicks(with_progress(super().get_queryset(request)))

    def view_on_site(self, obj: Issue) -> str | None:
        # Only an issue that went out has a public page ("View on site"); a draft has none.
        return obj.get_absolute_url() if obj.is_public else None

    def get_inline_instances(self, request, obj=None):
        if obj is not None and obj.status in Issue.LOCKED and not obj.callouts.exists():
            return []  # read-only and empty: no heading with nothing under it
        return super().get_inline_instances(request, obj)

    def get_fieldsets(self, request, obj=None):
        body = "body_html" if obj is not None and obj.status in Issue.LOCKED else "body"
        sending = ["send_at"]
        if obj is not None:
            sending = ["status_badge", "send_at", "sent_times", "progress_detail"]
        fieldsets = [
            (None, {"fields": ("subject", "preheader", body)}),
            (_("Sending"), {"fields": sending}),
        ]
        if obj is not None and obj.status in Issue.LOCKED:
            fieldsets.append((_("Clicks (opens are not tracked)"), {"fields": ["click_report"]}))
        return fieldsets

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status in Issue.LOCKED:
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
        return badge_for(obj)

    @admin.display(description=_("sent / scheduled"), ordering="send_at")
    def when(self, obj: Issue) -> str:
        moment = obj.finished_at or obj.started_at or obj.send_at
        return dates.when(moment) if moment else "—"

    @admin.display(description=_("progress"))
    def progress(self, obj: Issue) -> str:
        counts = {"total": obj.n_total, "sent": obj.n_sent, "failed": obj.n_failed}
        if obj.status != Issue.Status.SENDING:
            return progress_html(**counts)
        health = listed_health(obj)
        if health.last_sent:
            note = _("last message %s ago") % _ago(health.last_sent, health.now)
        else:
            note = _("nothing sent yet")
        return progress_html(**counts, note=note, stalled=health.stalled)

    @admin.display(description=_("progress"))
    def progress_detail(self, obj: Issue) -> str:
        counts = progress_of(obj.pk)
        if not counts["total"]:
            if obj.started_at:  # it went out when nobody was subscribed
                return _("Sent to nobody: there were no confirmed subscribers.")
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
        failures_url = ""
        if counts["failed"]:
            failures_url = reverse("admin:newsletter_issue_failures", args=[obj.pk])
        return progress_html(
            total=counts["total"],
            sent=counts["sent"],
            failed=counts["failed"],
            detail=" · ".join(parts),
            failures_url=failures_url,
        )

    @admin.display(description=_("clicks"), ordering="n_clicks")
    def clicks(self, obj: Issue) -> int:
        return obj.n_clicks

    @admin.display(description=_("clicks"))
    def click_report(self, obj: Issue) -> str:
        return render_to_string(
            "admin/newsletter/includes/_clicks.html", {"report": issue_click_report(obj.pk)}
        )

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        pages_changed()  # a sent issue leaves the archive and its web version

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        pages_changed()

    @admin.display(description=_("sending times"))
    def sent_times(self, obj: Issue) -> str:
        def exact(moment):
            return dates.exact(moment)

        if obj.started_at and obj.finished_at:
            return _("Started %(start)s, finished %(end)s.") % {
                "start": exact(obj.started_at),
                "end": exact(obj.finished_at),
            }
        if obj.started_at:
            return _("Started %s; still sending.") % exact(obj.started_at)
        return "—"

    @admin.display(description=_("body"))
    def body_html(self, obj: Issue) -> str:
        # Issue.save() stores only the sanitizer's allowlist; sanitized again here (it is
        # idempotent) so that a body written any other way cannot reach an editor's session.
        body = sanitize_html(obj.body)
        html = f'<div class="nl-sent-body">{body}</div>'
        return mark_safe(html)  # nosec B308, B703

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
            if current is not None and current.status in Issue.LOCKED:
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
        self.message_user(
            request,
            _(
                "This issue started sending at %(when)s while you were editing; it can no "
                "longer change. Your changes were not saved."
            )
            % {"when": dates.when(issue.started_at) if issue.started_at else "—"},
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
            # Under the row lock of the send guard, for the rest of the admin's transaction:
            # a send that starts now waits for this save, and a send that started after the
            # page was opened refuses it.
            try:
                current = issue_lock_unsent(issue_id=obj.pk)
            except (IssueLocked, Issue.DoesNotExist):
                raise IssueChangedMeanwhile from None
            obj.moved_schedule = current.status == Issue.Status.SCHEDULED and form.moves_schedule()
        super().save_model(request, obj, form, change)
        if warning := missing_alt_warning(obj.body):
            self.message_user(request, warning, messages.WARNING)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status in Issue.LOCKED:
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
                % {"subject": obj.subject, "when": dates.when(obj.send_at)},
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
                % {"subject": obj.subject, "when": dates.when(obj.send_at)},
                messages.SUCCESS,
            )
            return redirect(change_url)
        if "_unschedule" in request.POST:
            issue_unschedule(issue=obj)
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
        except IssueLocked as locked:  # it started sending since the page was opened
            self.message_user(request, _locked_message(locked.issue), messages.ERROR)
            return redirect(change_url)
        if changed:
            self.message_user(
                request,
                _(
                    "Drafted from what was published and answered since %s. "
                    "Read it through and make it yours."
                )
                % dates.when(since),
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("Nothing was published or answered since %s: nothing to add.")
                % dates.when(since),
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
        draft = compose.draft_from_week(since=since)  # the sanitizer's output
        safe_draft = mark_safe(draft)  # nosec B308, B703
        context = self._context(
            request,
            issue,
            _("Fill from the week"),
            draft=safe_draft,
            since=since,
        )
        return TemplateResponse(request, "admin/newsletter/issue/fill_confirm.html", context)

    def send_test_view(self, request, pk: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = self._issue(request, pk)
        self._send_test(request, issue)
        preview = reverse("admin:newsletter_issue_preview", args=[issue.pk])
        return redirect(next_url(request, default=preview, within=reverse("admin:index")))

    def send_view(self, request, pk: int):
        if not self.has_send_permission(request):
            raise PermissionDenied
        issue = get_object_or_404(Issue, pk=pk)
        change_url = reverse("admin:newsletter_issue_change", args=[issue.pk])
        if request.method == "POST":
            try:
                added = issue_start_sending(issue_id=issue.pk)
            except IssueLocked as locked:
                self.message_user(request, _locked_message(locked.issue), messages.ERROR)
                return redirect(change_url)
            except NoConfirmedSubscribers:
                self.message_user(
                    request, _("There are no confirmed subscribers yet."), messages.ERROR
                )
                return redirect(change_url)
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
            active=Count("pk", filter=Q(status=Subscriber.Status.ACTIVE)),
            pending=Count("pk", filter=Q(status=Subscriber.Status.PENDING)),
            unsubscribed=Count("pk", filter=Q(status=Subscriber.Status.UNSUBSCRIBED)),
        )
        context = self._context(
            request,
            issue,
            _("Send “%s” now?") % issue.subject,
            locked_message=_locked_message(issue) if issue.status in Issue.LOCKED else "",
            **counts,
        )
        return TemplateResponse(request, "admin/newsletter/issue/send_confirm.html", context)

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
            can_retry=self.has_send_permission(request) and issue.status in Issue.LOCKED,
        )
        return TemplateResponse(request, "admin/newsletter/issue/failures.html", context)

    def retry_failed_view(self, request, pk: int):
        if not self.has_send_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        issue = get_object_or_404(Issue, pk=pk)
        change_url = reverse("admin:newsletter_issue_change", args=[issue.pk])
        if issue.status not in Issue.LOCKED:
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
