"""`manage.py db_worker`: django-tasks-db's worker, made to outlive outages.

The library's worker stops with an error when the database goes away (its loop lets the
OperationalError out), so a 10-second outage left queued emails waiting until someone
started a new worker. This one (it replaces the library's command: `runnerhub` comes first
in INSTALLED_APPS) waits for the database and goes on, and puts back into the queue the
emails of a worker that was killed while sending (see `requeue_orphaned_emails`).
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands import db_worker as library
from django_tasks_db.models import DBTaskResult

from runnerhub.outages import DATABASE_AWAY
from runnerhub.tasks import send_email

logger = logging.getLogger("runnerhub.worker")
RETRY_SECONDS = 2
ORPHAN_CHECK_SECONDS = 15


def orphan_seconds() -> int:
    """How long an email may be RUNNING before its worker counts as gone: far longer than
    one send can take (a connection, four SMTP commands, each within EMAIL_TIMEOUT)."""
    return settings.EMAIL_TIMEOUT * 6


def requeue_orphaned_emails() -> int:
    """Emails claimed by a worker that died while sending (SIGKILL, a lost machine) stay
    RUNNING for ever in django-tasks-db: put those back as ready. If the dead worker had
    handed one to the SMTP server just before dying, it goes a second time with the same
    Message-ID (set when it was queued), which mail systems treat as one message."""
    stale = timezone.now() - timedelta(seconds=orphan_seconds())
    count = (
        DBTaskResult.objects.running()
        .filter(task_path=send_email.module_path, started_at__lt=stale)
        .update(status="READY", run_after=timezone.now(), started_at=None)
    )
    if count:
        logger.warning("Requeued %d email(s) left running by a worker that stopped", count)
    return count


class Worker(library.Worker):
    def run(self) -> None:
        while True:
            try:
                return super().run()
            except DATABASE_AWAY as error:
                if not self.running:
                    return None
                logger.warning("Database unavailable (%s); retrying in %d s", error, RETRY_SECONDS)
                for connection in connections.all(initialized_only=True):
                    connection.close_if_unusable_or_obsolete()
                time.sleep(RETRY_SECONDS)


class _BetweenTasks:
    """Stands in for close_old_connections, which the library's loop calls between tasks
    and while idle: also requeue orphaned emails, every ORPHAN_CHECK_SECONDS."""

    def __init__(self):
        self.next_check = 0.0

    def __call__(self) -> None:
        close_old_connections()
        if time.monotonic() >= self.next_check:
            self.next_check = time.monotonic() + ORPHAN_CHECK_SECONDS
            requeue_orphaned_emails()


class Command(library.Command):
    help = library.Command.help + ", waiting out database outages"

    def handle(self, *args, **options) -> None:
        # The library's handle() and loop look these up in their module: have them use ours.
        originals = library.Worker, library.close_old_connections
        library.Worker, library.close_old_connections = Worker, _BetweenTasks()
        try:
            super().handle(*args, **options)
        finally:
            library.Worker, library.close_old_connections = originals
