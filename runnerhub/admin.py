from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .fields import DeliverableEmailField
from .models import SiteSettings, User
from .pagecache import ChangesPublicPagesAdmin

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
    fieldsets = (
        *BaseUserAdmin.fieldsets[:2],
        (_("Public profile"), {"fields": ("display_name", "public_title", "bio")}),
        *BaseUserAdmin.fieldsets[2:],
    )
    list_display = ("username", "public_name", "public_title", "email", "is_staff", "is_active")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    formfield_overrides = DELIVERABLE_EMAIL

    @admin.display(description=_("public name"))
    def public_name(self, obj: User) -> str:
        return obj.public_name


@admin.register(SiteSettings)
class SiteSettingsAdmin(ChangesPublicPagesAdmin, admin.ModelAdmin):
    """One row for the whole site: the list view goes straight to it."""

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
