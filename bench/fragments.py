"""Benchmark: public pages in-process, as a page cache hit and as a miss with cold and with
warm fragments: the article at 10 and at 1,000 comments (the latter all on the first thread
page), the home page and a topic page deep in its pagination. Requests accept gzip and br,
as `make bench` sends them, so a miss compresses its page.

Usage:  DATABASE_URL=postgres://... .venv/bin/python bench/fragments.py [--runs 30]
        [--profile miss-cold-1000]   # pyinstrument's text report of one case, 20 renders
        [--profile miss-warm-home]   # (10, 1000, home or topic)
        [--redis redis://127.0.0.1:6379/12]   # the cache in a real Redis, as in production
Uses a throw-away test_ database (DEBUG off, memory cache, or with --redis that Redis under
a key prefix of its own, whose keys alone are deleted afterwards) and prints, per case, the
median milliseconds and the queries of one request. Runs on a tree without
runnerhub/fragments.py too (then "cold" and "warm" are the same), for before/after numbers.
Not a test: numbers go to bench/RESULTS.md by hand.
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
os.environ["DEBUG"] = "0"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from runnerhub import pagecache  # noqa: E402

try:
    from runnerhub import fragments
except ImportError:  # the tree before fragment caching
    fragments = None
try:  # production's Redis backend (runnerhub/cache.py), on trees that have it
    import runnerhub.cache  # noqa: F401

    REDIS_BACKEND = "runnerhub.cache.RedisCache"
except ImportError:
    REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"


def page_miss() -> None:
    """A new page generation (as after any change), its next-change query done."""
    pagecache._new_generation()
    pagecache._next_change(pagecache._generation())


def cold() -> None:
    if fragments is not None:
        fragments.new_versions([fragments.ALL])
    page_miss()


def make_article(slug: str, comments: int, questions: int):
    from articles.models import Article, FAQItem, Tag, Topic
    from runnerhub.models import User
    from shop.models import ArticleProduct, Product, ShopCategory
    from tests.comments.threads import add_thread

    author = User.objects.get_or_create(
        username="bench", defaults={"is_staff": True, "public_title": "Physio"}
    )[0]
    topic = Topic.objects.get_or_create(slug="injuries", defaults={"name": "Injuries"})[0]
    category = ShopCategory.objects.get_or_create(
        slug="recovery", defaults={"name": "Recovery", "url": "https://shop.example.com/r"}
    )[0]
    products = [
        Product.objects.get_or_create(
            slug=f"roller-{i}",
            defaults={
                "name": f"Roller {i}",
                "brand": "Stridewell",
                "category": category,
                "price": "24.99",
                "url": f"https://shop.example.com/p/{i}",
            },
        )[0]
        for i in range(4)
    ]
    paragraphs = "".join(
        f"<h2>{i}. Section</h2><p>{'Run easy and build slowly. ' * 30}</p>" for i in range(8)
    )
    article = Article.objects.create(
        title=f"Calf pain {slug}",
        slug=slug,
        lead="Why calves hurt and what to do.",
        body=paragraphs
        + "".join(f"<p>[product {p.slug}]</p>" for p in products[:2])
        + "<p>[shop recovery]</p>",
        author=author,
        topic=topic,
        status="published",
        publish_at=timezone.now() - timedelta(days=1),
    )
    article.tags.set(
        [Tag.objects.get_or_create(slug=f"t{i}", name=f"tag {i}")[0] for i in range(3)]
    )
    for i, p in enumerate(products):
        ArticleProduct.objects.create(article=article, product=p, order=i, note="Good")
    for i in range(3):
        FAQItem.objects.create(article=article, question=f"Q{i}?", answer="A.", order=i)
    add_thread(article, comments, questions=questions)
    return article


def make_list_pages(count: int) -> str:
    """`count` more public articles in one topic (for the home page and a topic page deep in
    its pagination, as `make bench` measures them); the topic page's URL."""
    from articles.models import Article, Topic
    from articles.views import PAGE_SIZE
    from runnerhub.models import User

    author = User.objects.get(username="bench")
    topic = Topic.objects.get_or_create(slug="training", defaults={"name": "Training"})[0]
    for i in range(count):
        Article.objects.create(
            title=f"Training week {i}",
            slug=f"training-week-{i}",
            lead="Easy runs, one long run and strides.",
            body="<p>Run easy most days.</p>",
            author=author,
            topic=topic,
            status="published",
            featured=i < 3,
            publish_at=timezone.now() - timedelta(days=2, minutes=i),
        )
    return f"{topic.get_absolute_url()}?page={max(1, -(-count // PAGE_SIZE) - 1)}"


# As `make bench` asks (wrk -H 'Accept-Encoding: gzip, br'): a miss compresses its page.
HEADERS = {"Accept-Encoding": "gzip, br"}


def measure(url: str, before, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU (this process only: not PostgreSQL's) milliseconds, and queries."""
    client = Client(headers=HEADERS)
    before()
    client.get(url)  # warm what this case keeps
    wall, cpu = [], []
    for _ in range(runs):
        before()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    before()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(wall), statistics.median(cpu), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--profile", default="")
    parser.add_argument("--redis", default="")
    args = parser.parse_args()
    if not args.redis:
        return run(args)
    import secrets

    import redis
    from django.test import override_settings

    prefix = f"runnerhub-bench-{secrets.token_hex(4)}"
    caches = {
        "default": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": args.redis,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        with override_settings(CACHES=caches):
            run(args)
    finally:
        client = redis.Redis.from_url(args.redis)
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)


def run(args) -> None:

    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from runnerhub.models import SiteSettings

        SiteSettings.load()
        for i in range(3):  # related articles
            make_article(f"related-{i}", 0, 0)
        articles = {"10": make_article("ten", 10, 4), "1000": make_article("thousand", 1000, 50)}
        pages = {
            "10 comments": articles["10"].get_absolute_url(),
            "1000 comments": articles["1000"].get_absolute_url(),
        }
        pages["topic"] = make_list_pages(60)
        pages["home"] = "/"
        cases = {"hit": lambda: None, "miss-warm": page_miss, "miss-cold": cold}
        if args.profile:
            from pyinstrument import Profiler

            case, size = args.profile.rsplit("-", 1)
            url = pages.get(size) or pages[f"{size} comments"]
            client = Client(headers=HEADERS)
            client.get(url)
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(20):
                cases[case]()
                client.get(url)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            return
        print("| case | wall ms | CPU ms | queries |\n| --- | --- | --- | --- |")
        for name, url in pages.items():
            for case, before in cases.items():
                wall, cpu, queries = measure(url, before, args.runs)
                print(f"| {case}, {name} | {wall:.1f} | {cpu:.1f} | {queries} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
