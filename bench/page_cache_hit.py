"""Benchmark: what a page-cache hit costs in-process, against a trivial view.

Usage:  .venv/bin/python bench/page_cache_hit.py [--runs 3000] [--redis redis://127.0.0.1:6379/11]

Production settings (DEBUG off) and the whole middleware stack, called as gunicorn calls it
(the WSGI handler with a WSGI environ, no test client). Measures, interleaved in rounds:
a trivial view mounted for the run (the floor), a cached anonymous article with 10
comments (a page-cache hit, brotli as browsers ask), and the same article as a page-cache
miss (a new generation before each request). Reports µs per request, requests per second
of one process and the hit's share of the floor. The cache is the process's memory, or
Redis with --redis (use a database number of your own: the run clears nothing else but
its own keys' prefix). PostgreSQL from DATABASE_URL (a test_ database is made and
dropped), else SQLite. Not a test: numbers go to bench/RESULTS.md by hand.
"""

import argparse
import io
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=3000)
parser.add_argument("--rounds", type=int, default=5)
parser.add_argument("--redis", default="")
args = parser.parse_args()

os.environ.update(
    DJANGO_SETTINGS_MODULE="runnerhub.settings",
    DEBUG="0",
    ENV_FILE="",
    SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-" + "x9" * 30),
    ALLOWED_HOSTS="127.0.0.1",
    SECURE_COOKIES="0",
    LOG_LEVEL="WARNING",
    TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
)
os.environ.setdefault("DATABASE_URL", "sqlite:///" + str(ROOT / "var" / "bench-hit.sqlite3"))
if args.redis:
    os.environ["REDIS_URL"] = args.redis
else:
    os.environ.pop("REDIS_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402

import runnerhub.urls  # noqa: E402

settings.CACHES["default"]["KEY_PREFIX"] = "lean-bench"


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


runnerhub.urls.urlpatterns.append(path("bench-floor/", floor))
clear_url_caches()


def environ(url: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": url,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd",
        "HTTP_USER_AGENT": "bench",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def main() -> None:
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from articles.models import Article, Topic
        from comments.models import Comment
        from runnerhub import pagecache
        from runnerhub.models import SiteSettings, User

        author = User.objects.create(username="bench", is_staff=True)
        topic = Topic.objects.create(name="Bench", slug="bench")
        article = Article.objects.create(
            title="Bench",
            slug="bench",
            lead="Lead",
            body="<p>Body text of a typical article.</p>" * 40,
            author=author,
            topic=topic,
            status="published",
            publish_at=timezone.now() - timedelta(days=1),
        )
        SiteSettings.load()
        for i in range(10):
            Comment.objects.create(
                article=article,
                name=f"Reader {i}",
                email=f"r{i}@example.com",
                text="Is it normal to feel this after a long run?",
                state=Comment.State.PUBLISHED,
            )
        handler = WSGIHandler()
        statuses = []

        def start_response(status, headers):
            statuses.append((status, dict(headers)))

        def request(url: str) -> None:
            body = handler(environ(url), start_response)
            b"".join(body)
            body.close()

        url = article.get_absolute_url()
        request(url)
        request(url)
        hit_headers = statuses[-1][1]
        assert hit_headers.get("X-Page-Cache") == "hit", hit_headers
        assert hit_headers.get("Content-Encoding") == "br", hit_headers
        request("/bench-floor/")
        assert statuses[-1][0].startswith("200"), statuses[-1]

        def miss() -> None:
            pagecache._new_generation()
            request(url)

        if os.environ.get("PROFILE_HIT"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            for _ in range(3000):
                request(url)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            return
        cases = {
            "floor (trivial view)": lambda: request("/bench-floor/"),
            "article, page-cache hit": lambda: request(url),
            "article, page-cache miss": miss,
        }
        samples: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.rounds):
            for name, call in cases.items():
                runs = args.runs if "miss" not in name else max(50, args.runs // 30)
                start = time.perf_counter()
                for _ in range(runs):
                    call()
                samples[name].append((time.perf_counter() - start) / runs * 1e6)
        cache_name = "Redis" if args.redis else "process memory"
        print(f"cache: {cache_name}; median of {args.rounds} rounds")
        base = statistics.median(samples["floor (trivial view)"])
        for name, values in samples.items():
            us = statistics.median(values)
            print(f"{name:28s} {us:8.1f} µs  {1e6 / us:8.0f} req/s  {base / us:6.1%} of the floor")
    finally:
        if args.redis:  # only this run's keys, never the whole database
            client = cache._cache.get_client(write=True)
            for key in client.scan_iter("lean-bench:*"):
                client.delete(key)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
