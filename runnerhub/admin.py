from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .fields import DeliverableEmailField
from .images import thumbnail_html
from .models import AuthorProfile, SignInAttempt, SiteSettings, User
from .pagecache import ChangesPublicPagesAdmin
from .signin import lockout, two_factor

# Addresses we send email to (staff replies, the new-question alerts) are checked here, not
# in a worker that could only fail.
DELIVERABLE_EMAIL = {models.EmailField: {"form_class": DeliverableEmailField}}

admin.site.site_header = _("RunnerHub admin")
admin.site.site_title = _("RunnerHub admin")
admin.site.index_title = _("Run the site")
# The app list sidebar takes 300 px on every page, which pushed the lists' own columns (and
# their filters) out of view at laptop widths; the breadcrumbs and the index do its job.
admin.site.enable_nav_sidebar = False


@admin.register(User)
class UserAdmin(ChangesPublicPagesAdmin, BaseUserAdmin):  # names and titles on pages
    page_scopes = ("site",)
    fieldsets = (
        *BaseUserAdmin.fieldsets[:2],
        (
            _("Public profile"),
            {"fields": ("display_name", "public_title", "bio", "photo", "slug")},
        ),
        *BaseUserAdmin.fieldsets[2:],
    )
    list_display = (
        "username",
        "public_name",
        "public_title",
        "email",
        "is_staff",
        "is_active",
        "two_factor",
    )
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    formfield_overrides = DELIVERABLE_EMAIL
    actions = ("reset_two_factor",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(has_two_factor=two_factor.has_app_exists())

    @admin.display(description=_("public name"))
    def public_name(self, obj: User) -> str:
        return obj.public_name

    @admin.display(description=_("two-factor"), boolean=True, ordering="has_two_factor")
    def two_factor(self, obj: User) -> bool:
        return obj.has_two_factor

    @admin.action(description=_("Reset two-factor sign-in (a lost phone)"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        two_factor.two_factor_reset(users=queryset)
        self.message_user(
            request,
            _(
                "Two-factor sign-in reset: those accounts set it up again when they next sign "
                "in (where it is required), or from their Two-factor sign-in page."
            ),
            messages.SUCCESS,
        )


@admin.register(AuthorProfile)
class AuthorProfileAdmin(ChangesPublicPagesAdmin, admin.ModelAdmin):
    """Each staff member edits their own public profile here, with no right to manage users
    (the form has no account, password or permission field); superusers see everyone's."""

    page_scopes = ("site",)  # public names and titles are shown on many pages
    fields = ("display_name", "public_title", "bio", "photo", "photo_preview", "slug")
    readonly_fields = ("photo_preview",)
    list_display = ("username", "display_name", "public_title", "slug")
    search_fields = ("username", "display_name", "first_name", "last_name")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).filter(is_staff=True)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk=request.user.pk)

    def _own(self, request, obj) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or obj is None or obj.pk == user.pk

    def has_module_permission(self, request):
        return self._own(request, None)

    def has_view_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._own(request, obj)

    def has_add_permission(self, request):
        return False  # accounts are made under Users, by those who may manage them

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if request.user.is_superuser:
            return super().changelist_view(request, extra_context)
        return HttpResponseRedirect(
            reverse("admin:runnerhub_authorprofile_change", args=[request.user.pk])
        )

    @admin.display(description=_("current photo"))
    def photo_preview(self, obj: AuthorProfile) -> str:
        return thumbnail_html(obj.photo, obj.photo_renditions, 160)


@admin.register(SiteSettings)
class SiteSettingsAdmin(ChangesPublicPagesAdmin, admin.ModelAdmin):
    """One row for the whole site: the list view goes straight to it."""

    page_scopes = ("site",)

    formfield_overrides = DELIVERABLE_EMAIL

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        settings_row = SiteSettings.load()
        return HttpResponseRedirect(
            reverse("admin:runnerhub_sitesettings_change", args=[settings_row.pk])
        )


class LockedFilter(admin.SimpleListFilter):
    title = _("locked now")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        return lockout.locked_rows(queryset) if self.value() == "yes" else queryset


@admin.register(SignInAttempt)
class SignInAttemptAdmin(admin.ModelAdmin):
    """Failed admin sign-ins and the lockouts they cause, for superusers: unlocking forgets
    the failures of an account (from every address) or of an address (for every account)."""

    list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "locks")
    list_filter = (LockedFilter,)
    search_fields = ("username", "ip_address")
    fields = ("username", "ip_address", "user_agent", "failures_since_start", "attempt_time")
    actions = ("unlock_accounts", "unlock_addresses")

    def get_queryset(self, request):
        return lockout.attempts_with_locks()

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("locked"))
    def locks(self, obj: SignInAttempt) -> str:
        account, address = lockout.row_locked_until(obj)
        parts = [
            label % {"time": formats.time_format(timezone.localtime(until), "H:i")}
            for label, until in (
                (_("account until %(time)s"), account),
                (_("address until %(time)s"), address),
            )
            if until
        ]
        return ", ".join(parts) or "—"

    def _unlocked(self, request, count: int) -> None:
        self.message_user(
            request,
            ngettext(
                "Unlocked: %(count)d failed sign-in record forgotten.",
                "Unlocked: %(count)d failed sign-in records forgotten.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Unlock these accounts (from every address)"), permissions=["delete"]
    )
    def unlock_accounts(self, request, queryset):
        usernames = set(queryset.values_list("username", flat=True))
        self._unlocked(request, lockout.signin_unlock(usernames=usernames))

    @admin.action(
        description=_("Unlock these addresses (for every account)"), permissions=["delete"]
    )
    def unlock_addresses(self, request, queryset):
        addresses = set(queryset.values_list("ip_address", flat=True))
        self._unlocked(request, lockout.signin_unlock(addresses=addresses))
