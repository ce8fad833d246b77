"""Benchmark: render an article page whose thread holds 1,000 comments.

Usage:  .venv/bin/python bench/comment_thread.py [--comments 1000] [--runs 30]
Uses a throw-away SQLite database (or DATABASE_URL's server with a test_ database) and
reports the median time for: building the thread (2 queries), rendering the thread
template, and the whole article page through the test client. Not a test: numbers go to
bench/RESULTS.md by hand.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runnerhub.test_settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402


def median_ms(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from articles.models import Article, Topic
        from comments.render import render_items
        from comments.thread import build_thread
        from runnerhub.models import SiteSettings, User
        from tests.comments.threads import add_thread

        author = User.objects.create(username="bench", is_staff=True, public_title="Physio")
        topic = Topic.objects.create(name="Bench", slug="bench")
        article = Article.objects.create(
            title="Bench",
            slug="bench",
            lead="Lead",
            body="<p>Body</p>",
            author=author,
            topic=topic,
            status="published",
            publish_at=timezone.now() - timedelta(days=1),
        )
        SiteSettings.load()
        # Every question gets replies so that one page of the thread holds all the comments:
        # QUESTIONS_PER_PAGE questions, the rest spread as replies up to four levels deep.
        add_thread(article, args.comments)

        thread = build_thread(article)
        print(f"comments on the first thread page: {len(thread.comments)} of {args.comments}")
        build = median_ms(lambda: build_thread(article), args.runs)
        render = median_ms(
            lambda: render_items(thread.comments, can_reply=True, reply_base="/comments/reply/"),
            args.runs,
        )
        client = Client()
        page = median_ms(lambda: client.get(article.get_absolute_url()), args.runs)
        print(f"build thread (2 queries): {build:.1f} ms")
        print(f"render thread items:      {render:.1f} ms")
        print(f"whole article page:       {page:.1f} ms  (median of {args.runs})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
