from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles import admin_extensions
from articles.redirects import SlugRedirectsAdmin
from runnerhub import dates
from runnerhub.badges import Tone, badge
from runnerhub.images import thumbnail_html
from runnerhub.pagecache import ChangesPublicPagesAdmin
from runnerhub.revisions import RevisionAdmin

from .models import ArticleProduct, ClickCount, Product, ShopCategory, host_verdict
from .services import links_check, links_check_message


def _since(days: int):
    return timezone.localdate() - timedelta(days=days - 1)


def _click_sums(prefix: str = "clicks__") -> dict:
    # Coalesce: products without clicks count 0 (PostgreSQL sorts NULL first when descending).
    return {
        f"clicks_{days}": Coalesce(
            Sum(f"{prefix}count", filter=Q(**{f"{prefix}day__gte": _since(days)})), 0
        )
        for days in (7, 30)
    }


class BrokenFilter(admin.SimpleListFilter):
    title = _("link")
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [("broken", _("Broken")), ("ok", _("Working")), ("unchecked", _("Not checked"))]

    def queryset(self, request, queryset):
        if self.value() == "broken":
            return queryset.filter(link_broken=True)
        if self.value() == "ok":
            return queryset.filter(link_broken=False, link_checked_at__isnull=False)
        if self.value() == "unchecked":
            return queryset.filter(link_checked_at__isnull=True)
        return queryset


class ClicksAdminMixin:
    """Clicks over the last 7 and 30 days, as sortable columns (products and categories)."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**_click_sums())

    @admin.display(description=_("clicks, 7 days"), ordering="clicks_7")
    def clicks_7(self, obj) -> int:
        return obj.clicks_7 or 0

    @admin.display(description=_("clicks, 30 days"), ordering="clicks_30")
    def clicks_30(self, obj) -> int:
        return obj.clicks_30 or 0


class LinkAdminMixin:
    """The shop address's check and state (products and categories)."""

    actions = ["check_links"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "url" not in form.changed_data:
            return
        # The form refuses local and private addresses; a name that cannot be looked up
        # is saved (see validate_shop_url), and the editor should know.
        host = urlsplit(obj.url).hostname or ""
        if host_verdict(host) == "unknown":
            self.message_user(
                request,
                _(
                    "Saved, but %(host)s could not be looked up just now. Check the address: "
                    "the link check will mark it broken while it cannot be reached."
                )
                % {"host": host[:100]},
                messages.WARNING,
            )

    @admin.display(description=_("link"), ordering="link_broken")
    def link_state(self, obj) -> str:
        if obj.link_checked_at is None:
            return "—"
        return badge(
            Tone.BAD if obj.link_broken else Tone.GOOD,
            f"{'✗' if obj.link_broken else '✓'} {obj.link_status}",
            title=_("checked %s") % dates.when(obj.link_checked_at),
        )

    @admin.action(description=_("Check the shop links now"), permissions=["change"])
    def check_links(self, request, queryset):
        if queryset.model is Product:
            summary = links_check(products=queryset, categories=[])
        else:
            summary = links_check(products=[], categories=queryset)
        level = messages.WARNING if summary["broken"] else messages.SUCCESS
        self.message_user(
            request,
            links_check_message(summary),
            level,
        )


@admin.register(ShopCategory)
class ShopCategoryAdmin(
    SlugRedirectsAdmin, ChangesPublicPagesAdmin, ClicksAdminMixin, LinkAdminMixin, admin.ModelAdmin
):
    page_scopes = ("shop",)
    list_display = ("name", "slug", "is_active", "link_state", "clicks_7", "clicks_30")

    def redirect_paths(self, obj) -> list[str]:
        # Its page and its counted call to action (in sent newsletters and article bodies).
        return [obj.get_absolute_url(), reverse("shop:go_category", kwargs={"slug": obj.slug})]

    list_filter = ("is_active", BrokenFilter)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("link_status", "link_checked_at", "block_code")
    fields = (
        "name",
        "slug",
        "cta_label",
        "description",
        "url",
        "is_active",
        "block_code",
        ("link_status", "link_checked_at"),
    )

    @admin.display(description=_("place in an article"))
    def block_code(self, obj) -> str:
        if not obj.slug:
            return "—"
        return format_html(
            "<code>[shop {}]</code> on its own line in an article body shows a “{}” button.",
            obj.slug,
            obj.button_text,
        )


@admin.register(Product)
class ProductAdmin(
    SlugRedirectsAdmin,
    RevisionAdmin,
    ChangesPublicPagesAdmin,
    ClicksAdminMixin,
    LinkAdminMixin,
    admin.ModelAdmin,
):
    page_scopes = ("shop",)
    revision_fields = ("name", "brand", "short_description", "image_alt", "url")

    def redirect_paths(self, obj) -> list[str]:
        return [obj.go_path]  # its counted link, in article bodies and sent newsletters

    list_display = (
        "thumbnail",
        "name",
        "brand",
        "category",
        "price",
        "is_active",
        "is_sponsored",
        "link_state",
        "clicks_7",
        "clicks_30",
    )
    list_display_links = ("thumbnail", "name")
    list_filter = ("category", "is_active", "is_sponsored", BrokenFilter)
    list_select_related = ("category",)
    search_fields = ("name", "brand", "slug", "short_description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("category",)
    readonly_fields = ("image_preview", "link_status", "link_checked_at", "block_code")
    fieldsets = (
        (None, {"fields": ("name", "slug", "brand", "category", "short_description")}),
        (_("Image"), {"fields": ("image", "image_preview", "image_alt")}),
        (_("In the shop"), {"fields": ("url", ("price", "currency"), "is_active", "is_sponsored")}),
        (_("In articles"), {"fields": ("block_code",)}),
        (_("Link health"), {"fields": (("link_status", "link_checked_at"),)}),
    )

    @admin.display(description=_("image"))
    def thumbnail(self, obj) -> str:
        return thumbnail_html(obj.image, obj.image_renditions, 56)

    @admin.display(description=_("current image"))
    def image_preview(self, obj) -> str:
        return thumbnail_html(obj.image, obj.image_renditions, 240)

    @admin.display(description=_("place in an article"))
    def block_code(self, obj) -> str:
        if not obj.slug:
            return "—"
        return format_html(
            "<code>[product {}]</code> on its own line in an article body shows this "
            "product's card there.",
            obj.slug,
        )


@admin.register(ClickCount)
class ClickCountAdmin(admin.ModelAdmin):
    list_display = ("day", "product", "category", "article", "medium", "count")
    list_filter = ("medium", "day", ("product", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("product", "category", "article")
    date_hierarchy = "day"
    search_fields = ("product__name", "category__name", "article__title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ArticleProductInline(admin.TabularInline):
    model = ArticleProduct
    extra = 0
    autocomplete_fields = ("product",)
    fields = ("product", "note", "order")


def shop_clicks(article) -> str:
    rows = (
        ClickCount.objects.filter(article=article, day__gte=_since(30))
        .values("product__name", "category__name")
        .annotate(**_click_sums(prefix=""))
        .order_by("-clicks_30")
    )
    if not rows:
        return _("No clicks to the shop in the last 30 days.")
    return render_to_string("admin/shop/includes/_clicks.html", {"rows": rows})


# The shop's parts of the article admin (articles knows nothing of the shop): the "Gear in
# this article" products inline and the article's shop clicks.
admin_extensions.register_inline(ArticleProductInline)
admin_extensions.register_panel(
    "shop_clicks",
    admin_extensions.Panel(
        title=_("Shop clicks from this article"), label=_("clicks"), render=shop_clicks
    ),
)
