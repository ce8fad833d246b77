"""Writes with side effects in the shop: counting clicks, checking links."""

import concurrent.futures
import datetime
import urllib.error
import urllib.request
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from .models import ClickCount, Product, ShopCategory

LINK_TIMEOUT_SECONDS = 5


def click_record(
    *,
    product_id: int | None = None,
    category_id: int | None = None,
    article_id: int | None,
    medium: str,
    day: datetime.date | None = None,
) -> None:
    """Count one click with a single atomic upsert (PostgreSQL and SQLite alike)."""
    day = day or timezone.localdate()
    key = ClickCount.make_key(
        product_id=product_id,
        category_id=category_id,
        article_id=article_id,
        day=day,
        medium=medium,
    )
    table = ClickCount._meta.db_table
    # Raw SQL because the ORM has no "increment on conflict": bulk_create(update_conflicts=...)
    # can only overwrite the count, which would lose concurrent clicks.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, product_id, category_id, article_id, day, medium, count) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s, 1) "
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1",
            [key, product_id, category_id, article_id, day, medium],
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    max_redirections = 5


def check_url(url: str, timeout: float = LINK_TIMEOUT_SECONDS) -> tuple[bool, str]:
    """(broken, status) for one address: HEAD first, GET when HEAD is not allowed."""
    opener = urllib.request.build_opener(_NoRedirect)
    headers = {"User-Agent": "RunnerHub link checker (+https://runnerhub.test/)"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310
        try:
            with opener.open(request, timeout=timeout) as response:
                return response.status >= 400, f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue  # some shops refuse HEAD: ask again with GET
            if 300 <= error.code < 400:
                return True, "redirect loop"
            return error.code >= 400, f"HTTP {error.code}"
        except (TimeoutError, urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                return True, "timeout"
            return True, f"unreachable: {str(reason)[:40]}"
    return True, "no answer"


def links_check(
    *,
    products=None,
    categories=None,
    timeout: float = LINK_TIMEOUT_SECONDS,
    workers: int = 8,
    progress: Callable[[int, int, object, bool, str], None] | None = None,
) -> dict[str, int]:
    """Check active products' and categories' addresses in parallel and record the result."""
    items = list(
        categories if categories is not None else ShopCategory.objects.filter(is_active=True)
    )
    items += list(products if products is not None else Product.objects.filter(is_active=True))
    summary = {"checked": 0, "broken": 0}
    now = timezone.now()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(check_url, item.url, timeout): item for item in items}
        for future in concurrent.futures.as_completed(futures):
            item = futures[future]
            broken, status = future.result()
            with transaction.atomic():
                type(item).objects.filter(pk=item.pk).update(
                    link_broken=broken, link_status=status, link_checked_at=now
                )
            summary["checked"] += 1
            summary["broken"] += broken
            if progress:
                progress(summary["checked"], len(items), item, broken, status)
    return summary
