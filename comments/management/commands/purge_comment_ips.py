"""Clear the IP addresses of old comments: run it daily from cron in production (a worker
also does it, at most once a day, whenever comments come in)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from comments.services import comment_ips_purge, comment_ips_to_purge
from runnerhub import dates


class Command(BaseCommand):
    help = (
        "Clear the IP address of comments older than COMMENT_IP_RETENTION_DAYS (30 days "
        "unless set): addresses are kept for abuse control only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep the addresses of the last DAYS days (default: the setting).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Comments cleared per transaction."
        )

    def handle(self, *args, days: int | None, batch_size: int, **options):
        days = settings.COMMENT_IP_RETENTION_DAYS if days is None else days
        if days < 0 or batch_size < 1:
            raise CommandError("--days must be 0 or more and --batch-size 1 or more.")
        waiting = comment_ips_to_purge(days=days).count()
        cutoff = timezone.now() - timedelta(days=days)
        before = ngettext(
            "posted before %(cutoff)s (%(days)d day ago)",
            "posted before %(cutoff)s (%(days)d days ago)",
            days,
        ) % {"cutoff": dates.when(cutoff), "days": days}
        if not waiting:
            self.stdout.write(f"No comment {before} has an IP address: nothing to clear.")
            return
        self.stdout.write(
            ngettext(
                "Clearing the IP address of %(count)s comment %(before)s…",
                "Clearing the IP address of %(count)s comments %(before)s…",
                waiting,
            )
            % {"count": f"{waiting:,}", "before": before}
        )
        cleared = comment_ips_purge(
            days=days,
            batch_size=batch_size,
            progress=lambda total: self.stdout.write(f"  {total:,} of {waiting:,}"),
        )
        done = ngettext(
            "Done: %(count)s IP address cleared.", "Done: %(count)s IP addresses cleared.", cleared
        ) % {"count": f"{cleared:,}"}
        self.stdout.write(self.style.SUCCESS(done))
