"""Clear the IP addresses of old comments: run it daily from cron in production (a worker
also does it, at most once a day, whenever comments come in)."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comments.services import comment_ips_purge, comment_ips_to_purge


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
        cutoff = timezone.localtime() - timedelta(days=days)
        if not waiting:
            self.stdout.write(
                f"No comment posted before {cutoff:%Y-%m-%d %H:%M} ({days} days ago) has an "
                "IP address: nothing to clear."
            )
            return
        self.stdout.write(
            f"Clearing the IP address of {waiting:,} comment{'s' if waiting != 1 else ''} "
            f"posted before {cutoff:%Y-%m-%d %H:%M} ({days} days ago)…"
        )
        cleared = comment_ips_purge(
            days=days,
            batch_size=batch_size,
            progress=lambda total: self.stdout.write(f"  {total:,} of {waiting:,}"),
        )
        addresses = "IP address" if cleared == 1 else "IP addresses"
        self.stdout.write(self.style.SUCCESS(f"Done: {cleared:,} {addresses} cleared."))
