"""Benchmark: sending one newsletter issue through a real SMTP server on loopback.

Usage:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/runnerhub \\
        .venv/bin/python bench/newsletter_send.py [--subscribers 10000] [--workers 1,2]

Creates a throw-away test database on DATABASE_URL's PostgreSQL, fills it with confirmed
subscribers, starts an aiosmtpd server in this process and real `manage.py db_worker`
processes, then times the send from the first job to the last delivery. Reports messages
per second and each worker's peak memory (VmHWM), and checks that every subscriber got
exactly one message. Run it with two list sizes to see that memory stays flat.
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runnerhub.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.newsletter.smtp_sink import SmtpSink, start_worker, stop_workers, worker_env  # noqa: E402


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def send_once(subscribers: int, workers: int) -> None:
    from newsletter.models import Delivery, Issue, Subscriber
    from newsletter.sending import issue_send_now
    from runnerhub.models import SiteSettings

    Delivery.objects.all().delete()
    Issue.objects.all().delete()
    Subscriber.objects.all().delete()
    now = timezone.now()
    batch = 2000
    for start in range(0, subscribers, batch):
        Subscriber.objects.bulk_create(
            Subscriber(
                email=f"runner{n:06d}@example.com",
                first_name="Runner",
                status=Subscriber.Status.ACTIVE,
                confirmed_at=now,
            )
            for n in range(start, min(start + batch, subscribers))
        )
    site = SiteSettings.load()
    site.newsletter_rate_per_minute = 0
    site.save()
    issue = Issue.objects.create(
        subject="This week: hills, calves and a foam roller offer",
        preheader="Three new articles from the shop floor",
        body="<h2>This week</h2>" + "<p>Advice from our physios and coaches.</p>" * 20,
    )
    queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with override_settings(TASKS=queue, NEWSLETTER_SEND_TASKS=workers), SmtpSink() as sink:
        env = worker_env(sink)
        processes = [start_worker(env) for _ in range(workers)]
        try:
            time.sleep(1.5)  # let the workers start (Django set-up is not sending time)
            started = time.perf_counter()
            issue_send_now(issue)
            last_print = 0.0
            while Issue.objects.get(pk=issue.pk).status != Issue.Status.SENT:
                time.sleep(0.1)
                if time.perf_counter() - last_print > 5:
                    last_print = time.perf_counter()
                    print(f"  … {sink.count():,} of {subscribers:,}", flush=True)
            elapsed = time.perf_counter() - started
            peaks = [peak_memory_mb(p.pid) for p in processes]
        finally:
            stop_workers(processes)
        counts = Counter(m["To"] for m in sink.messages)
    once = sum(1 for c in counts.values() if c == 1)
    print(
        f"{subscribers:,} subscribers, {workers} worker(s): {subscribers / elapsed:,.0f} "
        f"messages/s ({elapsed:.1f} s); peak memory per worker "
        f"{', '.join(f'{p:.0f} MB' for p in peaks)}; {once:,} got exactly one, "
        f"{len(counts):,} addresses reached",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", default="10000", help="comma-separated list sizes")
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to PostgreSQL: several workers need SKIP LOCKED.")
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        for size in (int(s) for s in args.subscribers.split(",")):
            for workers in (int(w) for w in args.workers.split(",")):
                send_once(size, workers)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
