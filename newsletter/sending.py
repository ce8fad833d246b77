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
- Temporary failures retry with backoff; permanent ones (5xx) are recorded. An address the
  server refuses with a 5xx at RCPT is suppressed (newsletter.suppression): the subscriber is
  marked bounced and no later issue goes to it.
"""

import logging
import smtplib
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks import task

from runnerhub.models import SiteSettings
from runnerhub.pagecache import pages_changed

from .emails import build_issue_message, build_test_message
from .models import Delivery, Issue, Subscriber
from .suppression import SMTP_SOURCE, subscriber_bounce

logger = logging.getLogger(__name__)

BATCH_SIZE = 50
MAX_ATTEMPTS = 5
BACKOFF = (60, 300, 900, 3600)


def lease() -> timedelta:
    return timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)


def time_slice() -> timedelta:
    # Half a lease: a successor starts while its predecessor's rows are still leased.
    return lease() / 2


@transaction.atomic
def issue_start(issue: Issue) -> int:
    """Create the deliveries and mark the issue as sending; returns how many were added."""
    started = Issue.objects.filter(
        pk=issue.pk, status__in=[Issue.Status.DRAFT, Issue.Status.SCHEDULED]
    ).update(status=Issue.Status.SENDING, started_at=timezone.now())
    if started:
        pages_changed()  # its web version and the archive are public from now on
    deliveries, subscribers = Delivery._meta.db_table, Subscriber._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            # Table names from the models' _meta; every value is a query parameter.
            f"INSERT INTO {deliveries} "  # noqa: S608  # nosec B608
            "(issue_id, subscriber_id, state, attempts, error, lease_owner) "
            f"SELECT %s, id, %s, 0, '', '' FROM {subscribers} WHERE status = %s "
            "ON CONFLICT (issue_id, subscriber_id) DO NOTHING",
            [issue.pk, Delivery.State.PENDING, Subscriber.Status.ACTIVE],
        )
        return cursor.rowcount


class Lease:
    """A batch of rows held by one claim. It is renewed while the batch is sent, so a live
    sender never loses its rows however slow the SMTP server; and every renewal and release
    names its owner, so a sender that was paused past its lease cannot touch rows another
    worker has taken over: it learns so at its next renewal and stops."""

    def __init__(self, ids: list[int], owner: str, until):
        self.ids, self.owner, self.until = ids, owner, until

    def hold(self, remaining: list[int]) -> bool:
        """Make sure the remaining rows stay ours for at least half a lease."""
        now = timezone.now()
        if self.until - now > lease() / 2:
            return True
        until = now + lease()
        renewed = Delivery.objects.filter(
            pk__in=remaining, lease_owner=self.owner, state=Delivery.State.PENDING
        ).update(leased_until=until)
        self.until = until
        return renewed > 0

    def release(self) -> None:
        Delivery.objects.filter(
            pk__in=self.ids, lease_owner=self.owner, state=Delivery.State.PENDING
        ).update(leased_until=None, lease_owner="")


def claim_batch(issue_id: int, size: int = BATCH_SIZE) -> Lease:
    """Lease up to `size` pending, due rows (SELECT ... FOR UPDATE SKIP LOCKED)."""
    now = timezone.now()
    owner = uuid.uuid4().hex
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
            Delivery.objects.filter(pk__in=ids).update(leased_until=until, lease_owner=owner)
    return Lease(ids, owner, until)


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


def _retry_at(attempts: int):
    return timezone.now() + timedelta(seconds=BACKOFF[min(attempts - 1, len(BACKOFF) - 1)])


def _record_failure(delivery: Delivery, error: Exception) -> str:
    """Record a failed attempt; returns "failed" (given up), "retry" (this row later) or
    "paused" (the server refuses the sender or the message: every row would fail alike)."""
    attempts = delivery.attempts + 1
    update = {
        "attempts": attempts,
        "leased_until": None,
        "lease_owner": "",
        "error": str(error)[:300],
    }
    rows = Delivery.objects.filter(pk=delivery.pk)
    refused = isinstance(error, smtplib.SMTPRecipientsRefused)
    permanent = refused and all(code >= 500 for code, _msg in error.recipients.values())
    if permanent or attempts >= MAX_ATTEMPTS:
        rows.update(state=Delivery.State.FAILED, **update)
        logger.warning("Newsletter to subscriber %s failed: %s", delivery.subscriber_id, error)
        if refused:
            # The address itself was refused: a 5xx suppresses it (no mail to it next week
            # either), a 4xx that never went away counts as a soft bounce.
            subscriber_bounce(
                subscriber_id=delivery.subscriber_id,
                permanent=permanent,
                reason=_refusal(error),
                source=SMTP_SOURCE,
            )
        return "failed"
    rows.update(next_attempt_at=_retry_at(attempts), **update)
    if isinstance(error, smtplib.SMTPResponseException) and not refused:
        # A sender refusal, a quota or a rejected message: not this reader's fault.
        logger.warning("The SMTP server refused the newsletter (%s); pausing this batch", error)
        return "paused"
    return "retry"


def _refusal(error: smtplib.SMTPRecipientsRefused) -> str:
    """ "550 5.1.1 No such user", from what the server answered at RCPT."""
    code, message = next(iter(error.recipients.values()))
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return f"{code} {message}"


def _record_unsendable(delivery: Delivery, error: Exception) -> None:
    """An address or message no server could take (e.g. a domain that IDNA cannot encode):
    recorded as failed, so one bad row never stops the rest of the list."""
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED,
        attempts=delivery.attempts + 1,
        leased_until=None,
        lease_owner="",
        error=f"Cannot be sent: {error}"[:300],
    )
    logger.warning("Newsletter to subscriber %s cannot be sent: %s", delivery.subscriber_id, error)


def send_batch(issue: Issue, held: Lease, throttle: Throttle) -> dict[str, int]:
    """Send the leased rows over one SMTP connection, renewing the lease as it goes."""
    done = {"sent": 0, "failed": 0, "skipped": 0, "retry": 0, "paused": 0}
    deliveries = list(
        Delivery.objects.filter(pk__in=held.ids, state=Delivery.State.PENDING)
        .select_related("subscriber")
        .order_by("id")
    )
    smtp = get_connection()
    try:
        smtp.open()
        for index, delivery in enumerate(deliveries):
            throttle.wait()
            rest = [d.pk for d in deliveries[index:]]
            if not held.hold(rest):
                break  # another worker took these rows over while this one was stalled
            active = Subscriber.objects.filter(
                pk=delivery.subscriber_id, status=Subscriber.Status.ACTIVE
            ).exists()
            if not active:  # unsubscribed since the send started
                Delivery.objects.filter(pk=delivery.pk).update(
                    state=Delivery.State.SKIPPED, leased_until=None, lease_owner=""
                )
                done["skipped"] += 1
                continue
            try:
                smtp.send_messages([build_issue_message(issue, delivery.subscriber)])
            except (smtplib.SMTPException, OSError) as error:
                outcome = _record_failure(delivery, error)
                done[outcome] += 1
                if outcome == "paused":
                    Delivery.objects.filter(pk__in=rest[1:], lease_owner=held.owner).update(
                        next_attempt_at=_retry_at(1), leased_until=None, lease_owner=""
                    )
                    break
                smtp.close()  # the connection's state is unknown after an error: start over
                smtp.open()
                continue
            except Exception as error:
                _record_unsendable(delivery, error)
                done["failed"] += 1
                continue
            # Recorded the moment the server accepted it (autocommit): see the module notes.
            Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.State.SENT,
                sent_at=timezone.now(),
                attempts=delivery.attempts + 1,
                leased_until=None,
                lease_owner="",
                error="",
            )
            done["sent"] += 1
    finally:
        held.release()
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
    totals = {"sent": 0, "failed": 0, "skipped": 0, "retry": 0, "paused": 0}
    while deadline is None or time.monotonic() < deadline:
        held = claim_batch(issue_id)
        if held.ids:
            for key, value in send_batch(issue, held, throttle).items():
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
    scheduled = issue.status == Issue.Status.SCHEDULED
    if scheduled and issue.send_at and issue.send_at > timezone.now() + timedelta(seconds=5):
        return {}  # rescheduled for later: the job booked for the new time sends it
    deadline = None
    if send_issue.get_backend().supports_defer:
        # First of all, so that a worker killed from here on leaves the send a successor.
        send_issue.using(run_after=timezone.now() + time_slice()).enqueue(issue_id)
        deadline = time.monotonic() + time_slice().total_seconds()
    if scheduled:
        issue_start(issue)
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


@transaction.atomic
def issue_retry_failed(issue: Issue) -> int:
    """Give failed deliveries another go (after the cause was fixed, e.g. a quota); returns
    how many. The issue is sending again until they are done."""
    count = Delivery.objects.filter(issue=issue, state=Delivery.State.FAILED).update(
        state=Delivery.State.PENDING,
        attempts=0,
        next_attempt_at=None,
        leased_until=None,
        lease_owner="",
    )
    if count:
        Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENDING, finished_at=None)
        transaction.on_commit(lambda: _enqueue_senders(issue.pk))
    return count


@task()
def send_test_issue(issue_id: int, email: str, first_name: str = "") -> str:
    issue = Issue.objects.get(pk=issue_id)
    build_test_message(issue, email=email, first_name=first_name).send()
    return "sent"


def issue_send_test(issue: Issue, *, email: str, first_name: str = "") -> None:
    """Queue a test of the issue to one address (an editor's), after the commit."""
    transaction.on_commit(lambda: send_test_issue.enqueue(issue.pk, email, first_name))
