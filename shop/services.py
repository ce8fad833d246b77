"""Writes with side effects in the shop: counting clicks, checking links."""

import concurrent.futures
import datetime
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from runnerhub.outages import cache_failed
from runnerhub.pagecache import pages_changed

from .linkcheck import LINK_TIMEOUT_SECONDS, check_url
from .models import ClickCount, Product, ShopCategory

# A reader who clicks the same link from the same article again within this time (back,
# click again; a double click; a reload of the shop page through /go/) is counted once.
CLICK_WINDOW_SECONDS = 30 * 60


# Readers who share an address (an office, a mobile network's NAT) still count one by one,
# by their browsers; but one address counts at most this many readers per link, article and
# window, so a script that changes its user agent on every request cannot inflate a count.
CLICKS_PER_ADDRESS = 5


# A reader's first click on anything in a newsletter issue is remembered this long (by a
# keyed hash, as below), which is what "unique clickers" of an issue counts.
ISSUE_READER_DAYS = 90


def _click_key(*parts: str) -> str:
    digest = salted_hmac("shop.click", "\n".join(parts), algorithm="sha256")
    return f"shop:click:{digest.hexdigest()[:40]}"


def reader_is_new_to_issue(*, address: str, agent: str, issue_id: int) -> bool:
    """True for a reader's (address and user agent) first counted click in an issue."""
    try:
        return cache.add(
            _click_key(address, agent, f"issue {issue_id}"), 1, ISSUE_READER_DAYS * 86400
        )
    except Exception:
        cache_failed("shop click de-duplication (skipped)")
        return False


def click_is_first(
    *,
    address: str,
    agent: str,
    target: str,
    article_id: int | None,
    medium: str,
    issue_id: int | None = None,
) -> bool:
    """True the first time a reader (address and user agent) clicks `target` from this
    article and medium within CLICK_WINDOW_SECONDS, for at most CLICKS_PER_ADDRESS readers
    of one address.

    Cache round-trips only (`add` and `incr` are atomic in Redis, so every process agrees),
    no database query. Keys are keyed hashes (HMAC with SECRET_KEY), so the cache never
    holds a reader's address or user agent."""
    link = f"{target}\n{article_id or 0}\n{medium}" + (f"\n{issue_id}" if issue_id else "")
    key = _click_key

    try:
        if not cache.add(key(address, agent, link), 1, timeout=CLICK_WINDOW_SECONDS):
            return False
        per_address = key(address, link)
        if cache.add(per_address, 1, timeout=CLICK_WINDOW_SECONDS):
            return True
        return cache.incr(per_address) <= CLICKS_PER_ADDRESS
    except ValueError:  # the per-address count expired between add and incr
        return True
    except Exception:  # the cache is down: count the click rather than fail the redirect
        cache_failed("shop click de-duplication (skipped)")
        return True


def click_record(
    *,
    product_id: int | None = None,
    category_id: int | None = None,
    article_id: int | None,
    medium: str,
    day: datetime.date | None = None,
    issue_id: int | None = None,
    new_reader: bool = False,
) -> None:
    """Count one click with a single atomic upsert (PostgreSQL and SQLite alike); with
    new_reader, also one more unique clicker of the issue."""
    day = day or timezone.localdate()
    key = ClickCount.make_key(
        product_id=product_id,
        category_id=category_id,
        article_id=article_id,
        day=day,
        medium=medium,
        issue_id=issue_id,
    )
    readers = 1 if new_reader else 0
    table = ClickCount._meta.db_table
    # Raw SQL because the ORM has no "increment on conflict": bulk_create(update_conflicts=...)
    # can only overwrite the count, which would lose concurrent clicks.
    with connection.cursor() as cursor:
        cursor.execute(
            # The table name from the model's _meta; every value is a query parameter.
            f"INSERT INTO {table} (key, product_id, category_id, article_id, issue_id, day, "  # noqa: S608  # nosec B608
            "medium, count, issue_readers) VALUES (%s, %s, %s, %s, %s, %s, %s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1, "
            f"issue_readers = {table}.issue_readers + EXCLUDED.issue_readers",
            [key, product_id, category_id, article_id, issue_id, day, medium, readers],
        )


def links_check(
    *,
    products=None,
    categories=None,
    timeout: float = LINK_TIMEOUT_SECONDS,
    workers: int = 8,
    progress: Callable[[int, int, object, bool, str], None] | None = None,
) -> dict[str, int]:
    """Check active products' and categories' addresses in parallel and record the result."""
    items = list(categories if categories is not None else ShopCategory.objects.active())
    items += list(products if products is not None else Product.objects.active())
    summary = {"checked": 0, "broken": 0}
    now = timezone.now()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(check_url, item.url, timeout): item for item in items}
        for future in concurrent.futures.as_completed(futures):
            item = futures[future]
            broken, status = future.result()
            with transaction.atomic():
                type(item).objects.filter(pk=item.pk).update(
                    link_broken=broken, link_status=status[:60], link_checked_at=now
                )
            summary["checked"] += 1
            summary["broken"] += broken
            if broken != item.link_broken:
                pages_changed("shop")  # its calls to action now lead elsewhere
            if progress:
                progress(summary["checked"], len(items), item, broken, status)
    return summary


def links_check_message(summary: dict[str, int]) -> str:
    """ "Checked 4 links: 2 broken.", for the admin action and the command alike."""
    return (
        ngettext(
            "Checked %(checked)d link: %(broken)d broken.",
            "Checked %(checked)d links: %(broken)d broken.",
            summary["checked"],
        )
        % summary
    )
