"""`make bench`: the public pages of a large site under load, against a floor, in one run.

Usage:  .venv/bin/python bench/pages.py [--rebuild] [--rounds 3] [--duration 5]

1. Generates the large site (bench/big_site.py) in its own PostgreSQL database
   (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/runnerhub_bench_big),
   only when it is missing or with --rebuild.
2. In-process, against the same database and Redis: queries per request (Django's
   CaptureQueriesContext around a test-client request), search at 10,000 articles with the
   stored vector and with the vector computed on the fly (and EXPLAIN), and each sitemap
   page's render time.
3. Starts gunicorn with the production settings (DEBUG off, SECRET_KEY, ALLOWED_HOSTS, Redis
   at BENCH_REDIS_URL, default db 13 of 127.0.0.1:6379, which it empties first) and BENCH on:
   /bench/floor/ is mounted, and a request with `X-Bench-Miss` skips reading the page cache,
   so "miss" rows are real misses (rendered, then stored, as any miss). Then wrk (-t2 -c8,
   Accept-Encoding: gzip, br) measures every page in interleaved rounds; medians.
4. Writes the table to the top of bench/RESULTS.md, keeping the sections below it.
"""

import argparse
import os
import platform
import re
import shutil
import signal
import statistics

# Runs gunicorn, wrk, git and apt-get, each with fixed arguments.
import subprocess  # nosec B404
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8631"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/runnerhub_bench_big"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
ENV = {
    "DJANGO_SETTINGS_MODULE": "runnerhub.settings",
    "ENV_FILE": "",  # never a developer's .env: only what is set here
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
    "ALLOWED_HOSTS": f"{HOST},testserver",
    "SITE_URL": f"http://{HOST}:{PORT}",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "SECURE_COOKIES": "0",
    "BENCH": "1",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"
MISS = {"X-Bench-Miss": "1"}
(ROOT / "var").mkdir(exist_ok=True)
LOG = (ROOT / "var" / "bench-gunicorn.log").open("w")
# From a few dozen matches to about 1,200 (shoe or trainer): search's cost grows with them.
SEARCHES = ["knee pain", "hamstring", "marathon", "foam roller", "shoe or trainer"]


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# The database --------------------------------------------------------------------------------


def _admin_cursor():
    import psycopg2

    parts = urlsplit(DATABASE_URL)
    server = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres"
    )
    server.autocommit = True
    return server, parts.path.lstrip("/")


def migrate_site() -> None:
    """Apply migrations added since the site was generated (e.g. the search vector's storage),
    then vacuum and analyze, as autovacuum would soon do: rows rewritten by a migration leave
    dead tuples and GIN entries pending that would otherwise slow the first measurements."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    say("  applying new migrations to the large site ...")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def ensure_site(rebuild: bool, scale: float) -> float:
    """Generate the site unless it is there; returns the seconds spent (0: already there)."""
    from big_site import ARTICLES, BIG_THREAD, generate

    from articles.models import Article
    from comments.models import Comment

    server, name = _admin_cursor()
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
    if exists and not rebuild:
        try:
            if (
                Article.objects.filter(slug=BIG_THREAD).exists()
                and Article.objects.count() >= int(ARTICLES * scale)
                and Comment.objects.exists()
            ):
                say(f"Large site already in {name} (--rebuild to make it again).")
                server.close()
                migrate_site()
                return 0.0
        # A half-made or old database: made again below.
        except Exception:  # noqa: S110  # nosec B110
            pass
    started = time.monotonic()
    connections.close_all()
    with server.cursor() as cursor:
        say(f"Generating the large site in {name} ...")
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()
    say("  migrating ...")
    call_command("migrate", verbosity=0)
    generate(scale)
    seconds = time.monotonic() - started
    say(f"Generated in {seconds:.0f} s.")
    return seconds


# In-process measurements ----------------------------------------------------------------------


def pick_urls() -> dict[str, str]:
    from big_site import BIG_THREAD, SMALL_THREAD

    from articles.models import Article, Topic
    from articles.views import PAGE_SIZE
    from shop.models import ArticleProduct

    topic = Topic.objects.order_by("order").first()
    pages = -(-Article.objects.public().filter(topic=topic).count() // PAGE_SIZE)
    link = ArticleProduct.objects.select_related("product").order_by("id").first()
    return {
        "small": f"/articles/{SMALL_THREAD}/",
        "big": f"/articles/{BIG_THREAD}/",
        "topic_deep": f"/topics/{topic.slug}/?page={max(1, pages - 5)}",
        "topic_pages": str(pages),
        "go": f"/go/{link.product.slug}/?a={link.article_id}",
        "search": "/search/?q=knee+pain",
    }


def count_queries(client: Client, path: str, headers: dict) -> tuple[int, int]:
    """(status, queries) of one request, after a first one that warmed what it may."""
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    return response.status_code, len(queries)


def _ms(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def on_the_fly(queryset, query: str):
    """articles.search.search_articles with the vector computed from the text per query, as
    if there were no stored column: the same filter, ranking, headlines and order."""
    from articles.models import search_vector
    from articles.search import search_articles

    return search_articles(queryset, query, vector=search_vector())


def measure_search(client: Client) -> dict:
    """What the search page's query costs: its first page of 12 with the count of all matches,
    through the view's own paginator (articles.search.SearchPaginator), with the stored vector
    (GIN index) and with the vector computed on the fly."""
    from articles.models import Article
    from articles.search import SearchPaginator, search_articles
    from articles.views import PAGE_SIZE

    def base():
        return Article.objects.public().select_related("topic", "author")

    def run(make, query):
        def fn():
            SearchPaginator(make(base(), query), PAGE_SIZE).page(1)

        return fn

    say("Search at 10,000 articles (in-process) ...")
    stored, page, fly, hits, by_query = [], [], [], {}, {}
    for query in SEARCHES:
        hits[query] = search_articles(base(), query).count()
        run(search_articles, query)()  # warm
        samples = _ms(run(search_articles, query), 40)
        stored += samples
        by_query[query] = statistics.median(samples)
        page += _ms(lambda q=query: client.get("/search/", {"q": q}), 20)
        fly += _ms(run(on_the_fly, query), 1)  # seconds each: once per query
        say(f"  {query!r}: {hits[query]:,} matches")
    plan = SearchPaginator(search_articles(base(), SEARCHES[0]), PAGE_SIZE).rows(0).explain()
    return {
        "stored_p95": p95(stored),
        "stored_median": statistics.median(stored),
        "page_p95": p95(page),
        "page_median": statistics.median(page),
        "fly_max": max(fly),
        "fly_median": statistics.median(fly),
        "hits": hits,
        "by_query": by_query,
        "plan": plan,
        "uses_gin": "article_search_gin" in plan,
    }


def measure_sitemaps(client: Client) -> list[dict]:
    """Every page of the sitemap on a page cache miss: URLs, queries, render time."""
    say("Sitemap pages (in-process, page cache misses) ...")
    plain = {**MISS, "Accept-Encoding": "identity"}  # read as text; timed as sent (compressed)
    index = client.get("/sitemap.xml", headers=plain).content.decode()
    paths = ["/sitemap.xml"] + [
        urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        for url in re.findall(r"<loc>(.*?)</loc>", index)
    ]
    rows = []
    for path in paths:
        body = client.get(path, headers=plain).content.decode()
        _, queries = count_queries(client, path, MISS)
        times = _ms(lambda p=path: client.get(p, headers=MISS), 15)
        rows.append(
            {
                "path": path,
                "urls": body.count("<loc>"),
                "queries": queries,
                "median": statistics.median(times),
                "max": max(times),
            }
        )
    return rows


# Load with wrk ---------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing wrk (Debian package) ...")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)  # nosec B603, B607
        return shutil.which("wrk")
    sys.exit("make bench needs wrk: `sudo apt-get install wrk` (Debian/Ubuntu), then run it again.")


def start_gunicorn() -> subprocess.Popen:
    say(f"gunicorn's log: {LOG.name}")
    env = {**os.environ, **ENV}
    server = subprocess.Popen(  # nosec B603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "runnerhub.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=LOG,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=2) as response:  # nosec B310
                if response.status == 200:
                    say(f"gunicorn (2 sync workers) on {HOST}:{PORT}, pid {server.pid}")
                    return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    sys.exit("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def drain() -> None:
    """Wait until the requests wrk left queued are served (a slow page leaves up to 8, which
    would otherwise eat into the next page's run): two floor requests at once, both quick."""
    from concurrent.futures import ThreadPoolExecutor

    def floor(_):
        started = time.monotonic()
        with urllib.request.urlopen(f"http://{HOST}:{PORT}/bench/floor/", timeout=60):  # nosec B310
            return time.monotonic() - started

    with ThreadPoolExecutor(2) as pool:
        for _ in range(60):
            if max(pool.map(floor, range(2))) < 0.5:
                return


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[unit]


def wrk(binary: str, path: str, headers: dict, duration: int) -> dict:
    args = [binary, "-t2", "-c8", f"-d{duration}s", "--timeout", "10s", "--latency"]
    args += ["-H", "Accept-Encoding: gzip, br"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(  # nosec B603
        [*args, f"http://{HOST}:{PORT}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps,
        "p50": _seconds(latency["50"]) * 1000,
        "p99": _seconds(latency["99"]) * 1000,
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(int(n) for n in socket.groups()) if socket else 0),
    }


def wire_bytes(path: str, headers: dict) -> tuple[int, str, int]:
    """(bytes on the wire with Accept-Encoding: gzip, br; its encoding; bytes without)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)

    def get(extra):
        request = urllib.request.Request(
            f"http://{HOST}:{PORT}{path}", headers={**headers, **extra}
        )
        try:
            with opener.open(request, timeout=30) as response:
                return response.read(), response.headers.get("Content-Encoding", "")
        except urllib.error.HTTPError as error:  # a 302 from /go/
            return error.read(), error.headers.get("Content-Encoding", "")

    body, encoding = get({"Accept-Encoding": "gzip, br"})
    plain, _ = get({})
    return len(body), encoding or "none", len(plain)


# The run ---------------------------------------------------------------------------------------


def targets(urls: dict) -> list[tuple[str, str, dict]]:
    topic = f"topic page {urls['topic_deep'].rsplit('=', 1)[1]} of {urls['topic_pages']}"
    return [
        ("floor (trivial view, same middleware)", "/bench/floor/", {}),
        ("home, cached", "/", {}),
        ("home, page cache miss", "/", MISS),
        ("article, 10 comments, cached", urls["small"], {}),
        ("article, 10 comments, page cache miss", urls["small"], MISS),
        ("article, 1,000 comments on one page, cached", urls["big"], {}),
        ("article, 1,000 comments on one page, page cache miss", urls["big"], MISS),
        ("search (never stored: endless queries)", urls["search"], {}),
        (f"{topic}, cached", urls["topic_deep"], {}),
        (f"{topic}, page cache miss", urls["topic_deep"], MISS),
        ("RSS feed, cached", "/feed/", {}),
        ("RSS feed, page cache miss", "/feed/", MISS),
        ("/go/ redirect (counted)", urls["go"], {}),
        ("sitemap.xml (index), cached", "/sitemap.xml", {}),
        ("sitemap.xml (index), page cache miss", "/sitemap.xml", MISS),
        ("sitemap-articles.xml (5,000 URLs), page cache miss", "/sitemap-articles.xml", MISS),
    ]


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    redis_version = cache._cache.get_client().info().get("redis_version", "?")
    wrk_version = subprocess.run(
        [shutil.which("wrk"), "-v"], capture_output=True, text=True
    ).stdout.split()  # nosec B603
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run(
        [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()  # nosec B603, B607
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/RESULTS.md"],
        capture_output=True,
        text=True,
    ).stdout.strip()  # nosec B603, B607
    return {
        "cpu": f"{os.cpu_count()} cores, {cpu}, {memory:,} MB",
        "software": f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"PostgreSQL {postgres}, Redis {redis_version}, {' '.join(wrk_version[:2])}",
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def site_counts() -> str:
    from articles.models import Article
    from comments.models import Comment
    from newsletter.models import Subscriber
    from shop.models import ClickCount, Product

    return (
        f"{Article.objects.count():,} articles, {Comment.objects.count():,} comments, "
        f"{Subscriber.objects.count():,} subscribers, {Product.objects.count():,} products, "
        f"{ClickCount.objects.count():,} click rows"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="generate the site again")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="a smaller site, to try the script"
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not write RESULTS.md")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="'search': only search at 10,000 articles, in-process (no gunicorn, no wrk); any "
        "other TEXT: the floor and the rows whose name holds TEXT (repeatable), with no search or "
        "sitemap timings and no RESULTS.md: one page's number on a shared machine",
    )
    args = parser.parse_args()
    if args.only:
        args.no_write = True
    started = time.monotonic()
    if args.only == ["search"]:
        ensure_site(args.rebuild, args.scale)
        call_command("collectstatic", interactive=False, verbosity=0)  # the page's manifest
        print(render_search(measure_search(Client())))
        say("load average: " + " ".join(Path("/proc/loadavg").read_text().split()[:3]))
        return
    binary = ensure_wrk()

    generation = ensure_site(args.rebuild, args.scale)
    info = machine()  # the commit measured: read before the run
    say("collectstatic ...")
    call_command("collectstatic", interactive=False, verbosity=0)
    cache.clear()  # this benchmark's own Redis database (BENCH_REDIS_URL) only
    urls = pick_urls()
    client = Client(headers={"Accept-Encoding": "gzip, br"})
    rows = targets(urls)
    if args.only:
        rows = rows[:1] + [row for row in rows[1:] if any(text in row[0] for text in args.only)]

    say("Queries per request (in-process, same database and Redis) ...")
    queries = {}
    for name, path, headers in rows:
        status, count = count_queries(client, path, headers)
        queries[(path, tuple(headers))] = count
        say(f"  {count:>3} queries  {status}  {name}")
    search = measure_search(client) if not args.only else None
    sitemap = measure_sitemaps(client) if not args.only else None

    server = start_gunicorn()
    try:
        sizes = {(path, tuple(h)): wire_bytes(path, h) for _, path, h in rows}
        samples = {name: [] for name, _, _ in rows}
        total = args.rounds * len(rows)
        done = 0
        for round_number in range(1, args.rounds + 1):
            for name, path, headers in rows:
                wrk(binary, path, headers, 1)  # warm-up, not counted
                drain()
                result = wrk(binary, path, headers, args.duration)
                drain()
                samples[name].append(result)
                done += 1
                say(
                    f"  [{done:>2}/{total}] round {round_number}: {result['rps']:8.1f} req/s  "
                    f"p50 {result['p50']:6.2f} ms  p99 {result['p99']:7.2f} ms  {name}"
                )
    finally:
        stop(server)

    table = []
    floor = statistics.median(s["rps"] for s in samples[rows[0][0]])
    for name, path, headers in rows:
        runs = samples[name]
        rps = statistics.median(r["rps"] for r in runs)
        wire, encoding, plain = sizes[(path, tuple(headers))]
        table.append(
            {
                "name": name,
                "path": path,
                "rps": rps,
                "p50": statistics.median(r["p50"] for r in runs),
                "p99": statistics.median(r["p99"] for r in runs),
                "share": rps / floor if floor else 0.0,
                "queries": queries[(path, tuple(headers))],
                "wire": wire,
                "encoding": encoding,
                "plain": plain,
                "errors": sum(r["errors"] for r in runs),
            }
        )
    info["load"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    if args.only:
        print(f"commit {info['commit']}; load average at the end {info['load']}")
        for row in table:
            print(
                f"{row['rps']:9,.1f} req/s  {row['share']:7.2%}  p50 {row['p50']:6.2f} ms  "
                f"p99 {row['p99']:7.2f} ms  {row['queries']} queries  {row['name']}"
            )
        return
    report = render(
        table,
        search,
        sitemap,
        info,
        site_counts(),
        generation,
        time.monotonic() - started,
        args,
    )
    print(report)
    if not args.no_write:
        write_results(report)
        say(f"Wrote {RESULTS.relative_to(ROOT)}")


def _row(*cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def _kb(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n >= 1024 else f"{n} B"


def render(table, search, sitemap, info, counts, generation, seconds, args) -> str:
    lines = [
        START,
        "# Benchmark results",
        "",
        "`make bench` (bench/pages.py): a large site in PostgreSQL under load, every page as a",
        "share of a trivial view of the same project (the floor) measured in the same run.",
        "",
        f"- Machine: {info['cpu']}; {info['software']}.",
        f"- Date: {info['date']}; commit {info['commit']}; load average at the end "
        f"{info['load']} (other work on the machine shares the cores; the floor, measured in "
        "every round, absorbs some of it).",
        f"- Site: {counts} (bench/big_site.py).",
        f"- Setup: gunicorn, 2 sync workers, production settings (DEBUG off), PostgreSQL and Redis "
        f"on loopback; `wrk -t2 -c8 -d{args.duration}s --latency -H 'Accept-Encoding: gzip, br'`, "
        f"{args.rounds} interleaved rounds (every page once per round, after a 1 s warm-up), "
        "medians. All on the same 2 cores: wrk, gunicorn, PostgreSQL and Redis share them.",
        "- *Page cache miss*: the request carries `X-Bench-Miss`, which (with the BENCH setting "
        "only) skips reading the page cache; the page is rendered and stored as on any miss. "
        "*Queries*: one instrumented request (CaptureQueriesContext) after a first, against the "
        "same database and Redis. *Bytes*: the response body on the wire with "
        "`Accept-Encoding: gzip, br` (encoding, and the size without it).",
        f"- Run time: {seconds / 60:.1f} min"
        + (
            f", of which {generation / 60:.1f} min generating the site."
            if generation
            else " (site already generated)."
        ),
        "- The sections after this one come from the other scripts in `bench/`, each run by "
        "hand and dated in its section (unless it says otherwise: in-process through Django's "
        "test client, DEBUG off, medians).",
        "",
        "| page | req/s | p50 | p99 | share of floor | queries | bytes (encoding; uncompressed) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in table:
        errors = f" ({row['errors']:,} errors)" if row["errors"] else ""
        lines.append(
            _row(
                row["name"],
                f"{row['rps']:,.1f}{errors}",
                f"{row['p50']:.2f} ms",
                f"{row['p99']:.2f} ms",
                f"{row['share']:.2%}",
                row["queries"],
                f"{_kb(row['wire'])} ({row['encoding']}; {_kb(row['plain'])})",
            )
        )
    ratio = search["fly_median"] / search["stored_p95"]
    lines += [
        "",
        "Issue 10's targets against this run:",
        "",
        *targets_met(table, search, sitemap, ratio),
    ]
    lines += ["", *render_search(search).splitlines(), ""]
    lines += [
        "### Sitemap at 10,000 articles",
        "",
        "Every page of the index, on a page cache miss, in-process (15 renders each).",
        "",
        "| page | URLs | queries | median | slowest |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in sitemap:
        lines.append(
            _row(
                f"`{row['path']}`",
                f"{row['urls']:,}",
                row["queries"],
                f"{row['median']:.1f} ms",
                f"{row['max']:.1f} ms",
            )
        )
    lines += ["", END]
    return "\n".join(lines)


def render_search(search) -> str:
    ratio = search["fly_median"] / search["stored_p95"]
    lines = [
        "### Search at 10,000 articles",
        "",
        "The search page's query (its first 12 results, ranked, with highlighted snippets and "
        "the count of all matches, through the view's `SearchPaginator`), in-process, over "
        f"{len(SEARCHES)} queries "
        f"({', '.join(f'{q!r}: {n:,} matches' for q, n in search['hits'].items())}).",
        "",
        "| | p95 | median |",
        "| --- | --- | --- |",
        _row(
            "stored vector (`search_vector`, GIN index `article_search_gin`)",
            f"{search['stored_p95']:.1f} ms",
            f"{search['stored_median']:.1f} ms",
        ),
        _row(
            "vector computed on the fly (same ranking and snippets; once per query)",
            f"{search['fly_max']:.0f} ms (slowest of {len(SEARCHES)})",
            f"{search['fly_median']:.0f} ms",
        ),
        _row(
            "whole search page (test client), stored vector",
            f"{search['page_p95']:.1f} ms",
            f"{search['page_median']:.1f} ms",
        ),
        "",
        "Median per query, stored vector: "
        + ", ".join(f"{q!r} {ms:.1f} ms" for q, ms in search["by_query"].items())
        + ".",
        "",
        f"The stored vector is **{ratio:.0f}×** faster (the on-the-fly median against the stored "
        "p95). The plan "
        + ("uses the GIN index" if search["uses_gin"] else "**does not use the GIN index**")
        + f" (`EXPLAIN` for {SEARCHES[0]!r}):",
        "",
        "```",
        *search["plan"].splitlines(),
        "```",
    ]
    return "\n".join(lines)


def targets_met(table, search, sitemap, ratio) -> list[str]:
    """Issue 10's targets against this run (shares of the floor of the same run)."""
    share = {row["name"]: row["share"] for row in table}
    slowest = max(row["median"] for row in sitemap)
    most = max(row["urls"] for row in sitemap)
    cached = share["article, 10 comments, cached"]
    small = share["article, 10 comments, page cache miss"]
    big = share["article, 1,000 comments on one page, page cache miss"]
    stored, page = search["stored_p95"], search["page_p95"]
    checks = [
        ("cached anonymous article", "at least 50% of the floor", f"{cached:.1%}", cached >= 0.5),
        ("article, 10 comments, page cache miss", "at least 15%", f"{small:.2%}", small >= 0.15),
        ("article, 1,000 comments, page cache miss", "at least 2%", f"{big:.2%}", big >= 0.02),
        (
            "search at 10,000 articles: its query",
            "p95 under 20 ms",
            f"{stored:.1f} ms",
            stored < 20,
        ),
        # The whole page too (view, template, middleware), in-process: the stricter reading.
        (
            "search at 10,000 articles: the whole page",
            "p95 under 20 ms",
            f"{page:.1f} ms",
            page < 20,
        ),
        ("search, vector computed on the fly", "at least 10× slower", f"{ratio:.0f}×", ratio >= 10),
        (
            "sitemap at 10,000 articles",
            "an index of pages, each under 50,000 URLs",
            f"{len(sitemap) - 1} pages, at most {most:,} URLs",
            most < 50_000,
        ),
        (
            "each sitemap page",
            "rendered in under 100 ms",
            f"slowest median {slowest:.1f} ms",
            slowest < 100,
        ),
    ]
    lines = ["| target | wanted | this run | met |", "| --- | --- | --- | --- |"]
    lines += [
        _row(name, wanted, got, "yes" if ok else "**no**") for name, wanted, got, ok in checks
    ]
    return lines


def write_results(report: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else ""
    if START in text and END in text:
        rest = text.split(END, 1)[1].lstrip("\n")
    else:  # the first run: the old intro (up to the first section) gives way to the table
        first = text.find("\n## ")
        rest = text[first + 1 :] if first >= 0 else ""
    RESULTS.write_text(report + "\n\n" + rest)


if __name__ == "__main__":
    main()
