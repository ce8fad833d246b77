"""Send a newsletter issue from the terminal, with progress: the same exactly-once engine
as the background jobs, so it can run beside them (or be stopped and run again)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from newsletter.models import Issue
from newsletter.sending import progress_of, run_sender
from newsletter.services import IssueLocked, NoConfirmedSubscribers, issue_start_sending


class Command(BaseCommand):
    help = (
        "Send a newsletter issue to every confirmed subscriber, showing progress. Safe to "
        "stop and run again, and to run beside background workers: nobody gets it twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("issue_id", type=int, help="The issue's id (shown in admin).")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Start a draft or scheduled issue without asking.",
        )

    def handle(self, *args, issue_id: int, yes: bool, **options):
        issue = Issue.objects.filter(pk=issue_id).first()
        if issue is None:
            raise CommandError(f"There is no newsletter issue {issue_id}.")
        if issue.status == Issue.Status.SENT:
            raise self._sent_already(issue)
        if issue.status == Issue.Status.SENDING:
            self.stdout.write(f"Resuming “{issue}”, already sending.")
        else:
            if not yes:
                if not sys.stdin.isatty():
                    raise CommandError("Add --yes to start sending this issue.")
                answer = input(f"Send “{issue}” to every confirmed subscriber now? [y/N] ")
                if answer.strip().lower() not in ("y", "yes"):
                    raise CommandError("Nothing sent.")
            self._start(issue)
        self._progress(progress_of(issue.pk))
        totals = run_sender(issue.pk, wait_for_others=True, progress=self._progress)
        counts = progress_of(issue.pk)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {counts['sent']} sent, {counts['failed']} failed, "
                f"{counts['skipped']} skipped (unsubscribed) of {counts['total']}; "
                f"this process sent {totals['sent']}."
            )
        )

    def _start(self, issue: Issue) -> None:
        """The send guard of the admin's Send now, with this process as the sender."""
        try:
            added = issue_start_sending(issue_id=issue.pk, in_background=False)
        except IssueLocked as locked:  # started (or even finished) since it was read above
            if locked.issue.status == Issue.Status.SENT:
                raise self._sent_already(locked.issue) from None
            self.stdout.write(f"Resuming “{issue}”, already sending.")
            return
        except NoConfirmedSubscribers:
            raise CommandError(
                "There are no confirmed subscribers yet, so there is nobody to send it to. "
                "Nothing sent."
            ) from None
        self.stdout.write(
            ngettext(
                "Sending “%(issue)s” to %(count)d confirmed subscriber.",
                "Sending “%(issue)s” to %(count)d confirmed subscribers.",
                added,
            )
            % {"issue": issue, "count": added}
        )

    @staticmethod
    def _sent_already(issue: Issue) -> CommandError:
        counts = progress_of(issue.pk)
        return CommandError(
            f"“{issue}” was sent already ({counts['sent']} of {counts['total']} delivered)."
        )

    def _progress(self, counts: dict) -> None:
        total = counts["total"] or 1
        finished = counts["sent"] + counts["failed"] + counts["skipped"]
        width = 30
        filled = width * finished // total
        bar = "#" * filled + "-" * (width - filled)
        line = (
            f"\r[{bar}] {finished}/{counts['total']}  "
            f"sent {counts['sent']}  failed {counts['failed']}  skipped {counts['skipped']}"
        )
        self.stdout.write(line, ending="")
        self.stdout.flush()
