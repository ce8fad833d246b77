"""Newsletter subscribers in admin: counts by status (also on the admin index), the consent
record, CSV export of any filtered list, and a CSV import that shows what it will do
before it does it."""

import base64
import secrets
import zlib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from runnerhub import dashboard

from .. import csv_io
from ..models import Subscriber
from ..services import subscribers_unsubscribe
from .display import CSS, badge_for
from .forms import ImportForm, SubscriberAdminForm

IMPORT_SESSION_KEY = "newsletter_csv_import"
SHOWN_ERRORS = 200


def status_counts() -> dict[str, int]:
    """How many subscribers there are in each status, in one query."""
    return Subscriber.objects.aggregate(
        **{value: Count("pk", filter=Q(status=value)) for value in Subscriber.Status.values}
    )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    form = SubscriberAdminForm
    list_display = ("email", "first_name", "status_badge", "created_at")
    list_filter = ("status", "suppressed_source", "suppressed_at")
    search_fields = ("email", "first_name")
    actions = ["export_selected", "unsubscribe_selected"]
    list_per_page = 100
    show_full_result_count = False  # no second COUNT(*) over a big list
    readonly_fields = ("status_badge", *Subscriber.RECORD_FIELDS, *Subscriber.SUPPRESSION_FIELDS)

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
            (
                _("Bounces and complaints (why the address is no longer mailed)"),
                {
                    "fields": Subscriber.SUPPRESSION_FIELDS,
                    "description": _(
                        "A bounced or complained address stays so when it is signed up "
                        "again or unsubscribed: it is mailed again only once its owner "
                        "confirms the new sign-up by email, which makes it subscribed."
                    ),
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:  # a confirmed consent belongs to that address
            return ("email", *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Subscriber) -> str:
        return badge_for(obj)

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

    @admin.action(
        description=_("Unsubscribe selected (they get no more newsletters)"),
        permissions=["change"],
    )
    def unsubscribe_selected(self, request, queryset):
        count = subscribers_unsubscribe(subscribers=queryset)
        self.message_user(
            request,
            ngettext("%d subscriber unsubscribed.", "%d subscribers unsubscribed.", count) % count,
            messages.SUCCESS,
        )

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

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # The same filters and search as the list the editor was looking at.
        changelist = self.get_changelist_instance(request)
        return self._csv_response(changelist.get_queryset(request).order_by("pk"))

    # CSV import -----------------------------------------------------------------------

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
        self.message_user(request, imported_message(added, plan, parsed), messages.SUCCESS)
        return redirect("admin:newsletter_subscriber_changelist")


def imported_message(added: int, plan: csv_io.Plan, parsed: csv_io.Parsed) -> str:
    """What an import did, each count with its own plural form."""
    existing, errors = len(plan.existing), len(parsed.errors)
    counts = {
        "added": added,
        "active": plan.count(Subscriber.Status.ACTIVE),
        "pending": plan.count(Subscriber.Status.PENDING),
        "unsub": plan.count(Subscriber.Status.UNSUBSCRIBED),
        "existing": existing,
        "errors": errors,
    }
    parts = [
        ngettext(
            "Imported %(added)d subscriber (%(active)d confirmed, %(pending)d waiting for "
            "confirmation, %(unsub)d unsubscribed)",
            "Imported %(added)d subscribers (%(active)d confirmed, %(pending)d waiting for "
            "confirmation, %(unsub)d unsubscribed)",
            added,
        ),
        ngettext(
            "%(existing)d already in the list was left unchanged",
            "%(existing)d already in the list were left unchanged",
            existing,
        ),
        ngettext(
            "%(errors)d row with an error was skipped",
            "%(errors)d rows with errors were skipped",
            errors,
        ),
    ]
    return "; ".join(part % counts for part in parts) + "."


@dashboard.register
def newsletter_counts(request) -> list[dict]:
    if not request.user.has_perm("newsletter.view_subscriber"):
        return []
    counts = status_counts()
    active, pending = counts[Subscriber.Status.ACTIVE], counts[Subscriber.Status.PENDING]
    bounced, complained = counts[Subscriber.Status.BOUNCED], counts[Subscriber.Status.COMPLAINED]
    changelist = reverse("admin:newsletter_subscriber_changelist")
    return [
        {
            "label": ngettext("newsletter subscriber", "newsletter subscribers", active),
            "count": active,
            "url": f"{changelist}?status__exact=active",
            "urgent": False,
        },
        {
            "label": ngettext(
                "sign-up awaiting confirmation", "sign-ups awaiting confirmation", pending
            ),
            "count": pending,
            "url": f"{changelist}?status__exact=pending",
            "urgent": False,
        },
        {
            "label": ngettext("address bounced", "addresses bounced", bounced),
            "count": bounced,
            "url": f"{changelist}?status__exact=bounced",
            "urgent": False,
        },
        {
            "label": ngettext("spam complaint", "spam complaints", complained),
            "count": complained,
            "url": f"{changelist}?status__exact=complained",
            "urgent": False,
        },
    ]
