"""Is a send moving? Read-only queries on an issue's deliveries, beside the engine that
writes them (newsletter.sending): the admin shows what they find, and decides nothing."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, IntegerField, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Delivery, Issue
from .sending import lease


def quiet_limit() -> timedelta:
    """How long a send may go without a message before it looks stuck: two leases, so a
    worker killed mid-batch (its rows come back after one lease) does not raise it."""
    return 2 * lease()


def overdue(now: datetime) -> Q:
    """Pending rows some worker should have taken by now: not waiting for a retry still to
    come (or one that came due only just now)."""
    return Q(state=Delivery.State.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now - quiet_limit())
    )


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


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


def send_health(issue: Issue, *, retried_at: datetime | None = None) -> SendHealth:
    """One query: the last message, the next retry, rows that should have gone. A retry
    pressed at `retried_at` counts as activity, so the worker gets time to pick it up."""
    now = timezone.now()
    pending = Q(state=Delivery.State.PENDING)
    found = Delivery.objects.filter(issue=issue).aggregate(
        last_sent=Max("sent_at"),
        next_retry=Min("next_attempt_at", filter=pending & Q(next_attempt_at__gt=now)),
        overdue=Count("pk", filter=overdue(now)),
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


# A list of issues: the same counts as subqueries of the one list query ----------------


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


def with_progress(issues):
    """Annotate each issue with n_total, n_sent, n_failed (its progress) and last_sent,
    n_overdue (for listed_health): no query per issue."""
    return issues.annotate(
        n_total=_delivery_count(),
        n_sent=_delivery_count(Delivery.State.SENT),
        n_failed=_delivery_count(Delivery.State.FAILED),
        last_sent=_last_sent(),
        n_overdue=_delivery_count(condition=overdue(timezone.now())),
    )


def listed_health(issue: Issue) -> SendHealth:
    """The health of an issue annotated by with_progress (no retry times: no query)."""
    return SendHealth(
        now=timezone.now(),
        last_sent=issue.last_sent,
        quiet_since=_latest(issue.last_sent, issue.started_at),
        next_retry=None,
        overdue=issue.n_overdue,
    )
