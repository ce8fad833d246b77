"""Reads: what readers clicked in each issue's email, from the shop's click counts (each
shop link in an issue goes through /go/ with the issue: newsletter.emails.track_links).
Nobody's identity is stored: unique clickers are counted as each reader's first click in
an issue (shop.services.reader_is_new_to_issue)."""

from django.db.models import F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from shop.models import ClickCount


def with_clicks(issues):
    """Annotate each issue with n_clicks (in one list query, a subquery per column)."""
    total = (
        ClickCount.objects.filter(issue=OuterRef("pk"))
        .order_by()
        .values("issue")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return issues.annotate(
        n_clicks=Coalesce(Subquery(total), Value(0), output_field=IntegerField())
    )


def issue_click_report(issue_id: int) -> dict:
    """Clicks of one issue: totals, unique clickers, and per link (product or category)
    and per shop category, most clicked first. Three queries."""
    rows = ClickCount.objects.filter(issue_id=issue_id).order_by()
    totals = rows.aggregate(clicks=Sum("count"), readers=Sum("issue_readers"))
    links = list(
        rows.values(
            product_name=F("product__name"),
            category_name=Coalesce("product__category__name", "category__name"),
        )
        .annotate(clicks=Sum("count"))
        .order_by("-clicks", "product_name")
    )
    categories = list(
        rows.values(name=Coalesce("product__category__name", "category__name"))
        .annotate(clicks=Sum("count"))
        .order_by("-clicks", "name")
    )
    return {
        "clicks": totals["clicks"] or 0,
        "readers": totals["readers"] or 0,
        "links": links,
        "categories": categories,
    }
