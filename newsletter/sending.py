"""Sending an issue to every confirmed subscriber exactly once, with any number of workers.

- Starting a send writes one Delivery row per (issue, active subscriber) with a single
  INSERT ... SELECT ... ON CONFLICT DO NOTHING: the list is never loaded into memory, and
  starting twice adds nothing. The unique (issue, subscriber) pair is the database's
  guarantee that nobody is queued twice.
- Workers claim batches with SELECT ... FOR UPDATE SKIP LOCKED and lease them; each batch
  goes over one SMTP connection, and each row is marked sent right after the server
  accepted its message. A worker stops sending from a batch before its lease runs out, so
  two live workers never hold the same row.
- A send job works in time slices. Before it starts it books its own successor for the end
  of its slice, so when a worker is killed the send carries on by itself: the successor
  runs on any worker, and the dead worker's rows become claimable when their lease
  expires. A successor that finds the issue finished exits at once. (django-tasks' database
  backend does not rerun a task whose worker died, which is why the job re-books itself.)
- Exactly once: a row is sent only while it is pending and leased to the sender, and marked
  sent as soon as the SMTP server accepts the message. The one message that can be in
  flight when a worker is killed (accepted by the server, not yet recorded) is the only
  possible repeat, at most one per kill, and it carries the same Message-ID, so mail
  systems treat it as the same message.
- A subscriber who unsubscribes is skipped from that moment on: status is checked right
  before each message.
- Temporary failures retry with backoff; permanent ones (5xx) are recorded.
"""

import logging
import smtplib
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks import task

from runnerhub.models import SiteSettings

from .emails import build_issue_message, build_test_message
from .models import Delivery, Issue, Subscriber

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ATTEMPTS = 5
BACKOFF = (60, 300, 900, 3600)


def lease() -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)


def lease_margin() -> timedelta:
    # A sender gives the rest of its batch back this long before the lease ends, so that no
    # one else can take a row while a slow SMTP server still holds its message.
    return lease() / 4


def time_slice() -> timedelta:
    # Half a lease: a successor starts while its predecessor's rows are still leased.
    return lease() / 2


@transaction.atomic
def issue_start(issue: Issue) -> int:
    """Create the deliveries and mark the issue as sending; returns how many were added."""
    Issue.objects.filter(
        pk=issue.pk, status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED]
    ).update(status=Issue.Status.SENDING, started_at=timezone.now())
    deliveries, subscribers = Delivery._meta.db_table, Subscriber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {deliveries} (issue_id, subscriber_id, state, attempts, error) "  # noqa: S608
            f"SELECT %s, id, %s, 0, '' FROM {subscribers} WHERE status = %s "
            "ON CONFLICT (issue_id, subscriber_id) DO NOTHING",
            [issue.pk, Delivery.State.PENDING, Subscriber.Status.ACTIVE],
        )
        return cursor.rowcount


def claim_batch(issue_id: int, size: int = BATCH_SIZE) -> tuple[list[int], timezone.datetime]:
    """Lease up to `size` pending, due rows; returns their ids and the lease's end."""
    now = timezone.now()
    until = now + lease()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(issue_id=issue_id, state=Delivery.State.PENDING)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("id")
            .values_list("id", flat=True)[:size]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(leased_until=until)
    return ids, until


class Throttle:
    """Keep one worker under the rate set in admin (messages per minute; 0 = no limit)."""

    def __init__(self, per_minute: int):
        self.interval = 60 / per_minute if per_minute else 0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if now < self.next_at:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _record_failure(delivery: Delivery, error: Exception) -> str:
    attempts = delivery.attempts + 1
    update = {"attempts": attempts, "leased_until": None, "error": str(error)[:300]}
    rows = Delivery.objects.filter(pk=delivery.pk)
    if _permanent(error) or attempts >= MAX_ATTEMPTS:
        rows.update(state=Delivery.State.FAILED, **update)
        logger.warning("Newsletter to subscriber %s failed: %s", delivery.subscriber_id, error)
        return "failed"
    delay = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
    rows.update(next_attempt_at=timezone.now() + timedelta(seconds=delay), **update)
    return "retry"


def send_batch(issue: Issue, ids: list[int], until, throttle: Throttle) -> dict[str, int]:
    """Send the leased rows over one SMTP connection; rows left when the lease nears its end
    are given back."""
    done = {"sent": 0, "failed": 0, "skipped": 0, "retry": 0}
    deliveries = list(
        Delivery.objects.filter(pk__in=ids, state=Delivery.State.PENDING)
        .select_related("subscriber")
        .order_by("id")
    )
    smtp = get_connection()
    try:
        smtp.open()
        for index, delivery in enumerate(deliveries):
            throttle.wait()
            if timezone.now() > until - lease_margin():
                Delivery.objects.filter(pk__in=[d.pk for d in deliveries[index:]]).update(
                    leased_until=None
                )
                break
            active = Subscriber.objects.filter(
                pk=delivery.subscriber_id, status=Subscriber.Status.ACTIVE
            ).exists()
            if not active:  # unsubscribed since the send started
                Delivery.objects.filter(pk=delivery.pk).update(
                    state=Delivery.State.SKIPPED, leased_until=None
                )
                done["skipped"] += 1
                continue
            try:
                smtp.send_messages([build_issue_message(issue, delivery.subscriber)])
            except (smtplib.SMTPException, OSError) as error:
                done[_record_failure(delivery, error)] += 1
                smtp.close()  # the connection's state is unknown after an error: start over
                smtp.open()
                continue
            # Recorded the moment the server accepted it (autocommit): see the module notes.
            Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.State.SENT,
                sent_at=timezone.now(),
                attempts=delivery.attempts + 1,
                leased_until=None,
                error="",
            )
            done["sent"] += 1
    finally:
        smtp.close()
    return done


def progress_of(issue_id: int) -> dict[str, int]:
    return Delivery.objects.filter(issue_id=issue_id).aggregate(
        total=Count("id"),
        sent=Count("id", filter=Q(state=Delivery.State.SENT)),
        failed=Count("id", filter=Q(state=Delivery.State.FAILED)),
        skipped=Count("id", filter=Q(state=Delivery.State.SKIPPED)),
        pending=Count("id", filter=Q(state=Delivery.State.PENDING)),
    )


def finish_if_done(issue_id: int) -> bool:
    if Delivery.objects.filter(issue_id=issue_id, state=Delivery.State.PENDING).exists():
        return False
    Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).update(
        status=Issue.Status.SENT, finished_at=timezone.now()
    )
    return True


def next_due(issue_id: int):
    """When there will next be something to claim (a lease expiring or a retry due)."""
    pending = Delivery.objects.filter(issue_id=issue_id, state=Delivery.State.PENDING)
    due = pending.aggregate(lease=Min("leased_until"), retry=Min("next_attempt_at"))
    times = [t for t in (due["lease"], due["retry"]) if t]
    return min(times) if times else timezone.now()


def run_sender(
    issue_id: int,
    *,
    deadline: float | None = None,
    wait_for_others: bool = False,
    progress: Callable[[dict], None] | None = None,
) -> dict[str, int]:
    """Claim and send batches until nothing is left to claim (or `deadline`, a
    time.monotonic() value, passes). With wait_for_others, wait for rows other workers hold
    or retries that are due later, until the issue is done."""
    issue = Issue.objects.get(pk=issue_id)
    throttle = Throttle(SiteSettings.load().newsletter_rate_per_minute)
    totals = {"sent": 0, "failed": 0, "skipped": 0, "retry": 0}
    while deadline is None or time.monotonic() < deadline:
        ids, until = claim_batch(issue_id)
        if ids:
            for key, value in send_batch(issue, ids, until, throttle).items():
                totals[key] += value
            if progress:
                progress(progress_of(issue_id))
            continue
        if finish_if_done(issue_id) or not wait_for_others:
            break
        wait = (next_due(issue_id) - timezone.now()).total_seconds()
        time.sleep(min(max(wait, 0.2), 5.0))
    finish_if_done(issue_id)
    return totals


# Below the default priority: a confirmation or a reply notification queued during a big
# send goes out before the send's next slice, even with a single worker.
@task(priority=-10)
def send_issue(issue_id: int) -> dict[str, int]:
    """The background job: one time slice of sending, with its successor booked first."""
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None or issue.status not in (Issue.Status.SCHEDULED, Issue.Status.SENDING):
        return {}  # gone, sent, or taken back to draft before its time
    if issue.status == Issue.Status.SCHEDULED:
        if issue.send_at and issue.send_at > timezone.now() + timedelta(seconds=5):
            return {}  # rescheduled for later: the job booked for the new time sends it
        issue_start(issue)
    deadline = None
    if send_issue.get_backend().supports_defer:
        send_issue.using(run_after=timezone.now() + time_slice()).enqueue(issue_id)
        deadline = time.monotonic() + time_slice().total_seconds()
    return run_sender(issue_id, deadline=deadline)


def _enqueue_senders(issue_id: int, *, when=None) -> None:
    for _ in range(max(1, settings.NEWSLETTER_SEND_TASKS)):
        job = send_issue.using(run_after=when) if when is not None else send_issue
        job.enqueue(issue_id)


def issue_send_now(issue: Issue) -> int:
    """Start sending at once; returns the number of subscribers it goes to."""
    added = issue_start(issue)
    transaction.on_commit(lambda: _enqueue_senders(issue.pk))
    return added


def issue_schedule(issue: Issue) -> None:
    """Send at issue.send_at (on time, from whichever worker is free then)."""
    waiting = [Issue.Status.DRAFT, Issue.Status.SCHEDULED]
    Issue.objects.filter(pk=issue.pk, status__in=waiting).update(status=Issue.Status.SCHEDULED)
    when = issue.send_at or timezone.now()
    backend_defers = send_issue.get_backend().supports_defer
    transaction.on_commit(lambda: _enqueue_senders(issue.pk, when=when if backend_defers else None))


@task()
def send_test_issue(issue_id: int, email: str, first_name: str = "") -> str:
    issue = Issue.objects.get(pk=issue_id)
    build_test_message(issue, email=email, first_name=first_name).send()
    return "sent"


def issue_send_test(issue: Issue, *, email: str, first_name: str = "") -> None:
    """Queue a test of the issue to one address (an editor's), after the commit."""
    transaction.on_commit(lambda: send_test_issue.enqueue(issue.pk, email, first_name))
