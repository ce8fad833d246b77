"""Reads: what readers clicked in each issue's email: its shop links, from the shop's click
counts (each goes through /go/ with the issue), and links to the site's own pages (through
/newsletter/<number>/go/, LinkClick); see newsletter.emails.track_links.
Nobody's identity is stored: unique clickers are counted as each reader's first click in
an issue (shop.services.reader_is_new_to_issue)."""

from django.db.models import F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from shop.models import ClickCount

from .models import LinkClick


def _total(model):
    rows = model.objects.filter(issue=OuterRef("pk")).order_by().values("issue")
    total = rows.annotate(total=Sum("count")).values("total")
    return Coalesce(Subquery(total), Value(0), output_field=IntegerField())


def with_clicks(issues):
    """Annotate each issue with n_clicks, on shop links and the site's pages (in the one
    list query, as subqueries)."""
    return issues.annotate(n_clicks=_total(ClickCount) + _total(LinkClick))


def issue_click_report(issue_id: int) -> dict:
    """Clicks of one issue: totals, unique clickers, and per link (product or category)
    and per shop category, and per page of the site, most clicked first. Five queries."""
    rows = ClickCount.objects.filter(issue_id=issue_id).order_by()
    totals = rows.aggregate(clicks=Sum("count"), readers=Sum("issue_readers"))
    page_rows = LinkClick.objects.filter(issue_id=issue_id).order_by()
    page_totals = page_rows.aggregate(clicks=Sum("count"), readers=Sum("issue_readers"))
    pages = list(page_rows.values("path").annotate(clicks=Sum("count")).order_by("-clicks", "path"))
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
        "clicks": (totals["clicks"] or 0) + (page_totals["clicks"] or 0),
        "readers": (totals["readers"] or 0) + (page_totals["readers"] or 0),
        "links": links,
        "categories": categories,
        "pages": pages,
    }
