"""Benchmark: /go/<product>/ redirects with click counting.

Usage:  .venv/bin/python bench/go_redirect.py [--requests 2000] [--threads 1,8]
Uses a throw-away test database (SQLite, or DATABASE_URL's server with a test_ database)
and Django's test client in-process (no network), so it measures the view, its two
queries, the de-duplication's cache round-trip and the upsert. Every request comes from
its own reader address, so each one is counted (a reader's repeat clicks are not); reports
requests per second and checks no click was lost.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runnerhub.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36"


def run(url: str, total: int, threads: int, first_reader: int) -> float:
    per_thread = total // threads

    def worker(start: int):
        client = Client(HTTP_USER_AGENT=AGENT)
        for n in range(start, start + per_thread):
            reader = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
            status = client.get(url, REMOTE_ADDR=reader).status_code
            # A benchmark's own check (benchmarks are never run with python -O).
            assert status == 302  # nosec B101
        connection.close()

    workers = [
        threading.Thread(target=worker, args=(first_reader + i * per_thread,))
        for i in range(threads)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return per_thread * threads / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--threads", default="1,8")
    args = parser.parse_args()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from articles.models import Article, Topic
        from runnerhub.models import User
        from shop.models import ClickCount, Product, ShopCategory

        author = User.objects.create(username="bench", is_staff=True)
        topic = Topic.objects.create(name="Bench", slug="bench")
        article = Article.objects.create(
            title="Bench", slug="bench", lead="l", body="<p>b</p>", author=author, topic=topic,
            status="published", publish_at=timezone.now(),
        )  # fmt: skip
        category = ShopCategory.objects.create(
            name="Recovery", slug="recovery", url="https://shop.example.com/c"
        )
        Product.objects.create(
            name="Roller", slug="roller", category=category, url="https://shop.example.com/p"
        )
        url = f"/go/roller/?a={article.pk}"
        expected = 0
        for threads in (int(t) for t in args.threads.split(",")):
            if threads > 1 and connection.vendor == "sqlite":
                print(f"{threads} threads: skipped on SQLite (one writer at a time)")
                continue
            rate = run(url, args.requests, threads, first_reader=expected)
            expected += (args.requests // threads) * threads
            print(f"{threads} thread(s): {rate:,.0f} redirects/s")
        counted = sum(ClickCount.objects.values_list("count", flat=True))
        print(f"clicks counted: {counted} of {expected} ({connection.vendor})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
