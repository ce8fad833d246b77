"""Benchmark: Lighthouse scores of the demo site served as in production.

Usage:  .venv/bin/python bench/lighthouse.py [--runs 3] [--port 8620] [--no-write]
        (the port defaults to $LIGHTHOUSE_PORT, else 8620)
        (or `make bench-lighthouse`; needs Node 20, npm and Debian's /usr/bin/chromium)

1. Builds a throw-away demo site in var/lighthouse/ (SQLite, its own media folder): the
   demo content (`load_demo`, with DEBUG on as it asks), seven more reader comments on the
   long hamstring article (ten in all), and an article with 1,000 comments on its first
   thread page (50 questions, 950 replies: the shape of bench/comment_thread.py).
2. Collects the static files and serves the site with production settings (DEBUG off,
   gunicorn with 2 workers, WhiteNoise, the page cache in memory), never runserver.
3. Runs Lighthouse 12 (bench/lighthouse/package.json, pinned; `npm ci` there) with its
   default mobile emulation and simulated throttling, `--runs` times on each page, and
   takes the median of each category.
4. Prints the table and writes it under "## Lighthouse" at the end of bench/RESULTS.md.

Not a test: it takes a few minutes.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "lighthouse"
WORK = ROOT / "var" / "lighthouse"
RESULTS = ROOT / "bench" / "RESULTS.md"
PYTHON = sys.executable
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "home": "/",
    "article, 10 comments": "/articles/hamstring-strains-in-runners/",
    "article, 1,000 comments on one page": "/articles/a-thousand-questions/",
}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"

SEED = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article
from comments.models import QUESTIONS_PER_PAGE, Comment

long = Article.objects.get(slug="hamstring-strains-in-runners")
have = Comment.objects.filter(article=long, state=Comment.State.PUBLISHED).count()
start = timezone.now() - timedelta(days=1)
for i in range(max(0, 10 - have)):
    Comment.objects.create(
        article=long, name=f"Reader {i}", email=f"reader{i}@example.com",
        text="Does this apply to calves as well? Mine tighten on hills.",
        state=Comment.State.PUBLISHED, created_at=start + timedelta(minutes=i),
    )
busy = Article.objects.create(
    title="A thousand questions", slug="a-thousand-questions", lead=long.lead,
    body=long.body, author=long.author, topic=long.topic, status=long.status,
    publish_at=long.publish_at,
)
made = []
for i in range(1000):
    parent = None if i < QUESTIONS_PER_PAGE else made[(i - QUESTIONS_PER_PAGE) // 3]
    comment = Comment(
        article=busy, parent=parent, name=f"Reader {i}", email=f"r{i}@example.com",
        text=f"Comment number {i}. Is it normal to feel this after a long run? "
        "See https://example.com/advice for what I tried.",
        state=Comment.State.PUBLISHED, is_staff_reply=i % 7 == 0,
        created_at=start + timedelta(seconds=i),
    )
    comment.save()
    made.append(comment)
print("seeded")
"""


def environment(port: int, *, debug: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    env.update(
        DEBUG="1" if debug else "0",
        ENV_FILE="",
        DATABASE_URL=f"sqlite:///{WORK / 'site.sqlite3'}",
        MEDIA_ROOT=str(WORK / "media"),
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        SECURE_COOKIES="0",
        SERVE_MEDIA="1",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        EMAIL_URL="consolemail://",
    )
    env.pop("REDIS_URL", None)  # the page cache in each worker's memory, as in the demo
    return env


def manage(*args: str, env: dict[str, str], stdin: str | None = None) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, input=stdin, text=True, check=True
    )


def build_site(port: int) -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    demo = environment(port, debug=True)
    manage("migrate", "--noinput", "--verbosity", "0", env=demo)
    manage("load_demo", env=demo)
    manage("shell", env=demo, stdin=SEED)


def lighthouse_bin() -> Path:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=HERE, check=True
        )
    return binary


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310  # nosec B310: our own loopback server
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def warm(url: str, times: int = 6) -> None:
    """Requests the page as a browser would, so each worker has it in its page cache and
    its templates loaded: Lighthouse measures the page readers get, not a cold start."""
    for _ in range(times):
        request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})  # noqa: S310  # nosec B310: loopback
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310: loopback
            response.read()


def run_lighthouse(binary: Path, url: str, report: Path) -> dict[str, float]:
    env = dict(os.environ, CHROME_PATH="/usr/bin/chromium", TMPDIR=str(WORK / "tmp"))
    (WORK / "tmp").mkdir(exist_ok=True)
    for attempt in range(3):  # Lighthouse now and then fails to record a trace (NO_NAVSTART)
        try:
            return _lighthouse_once(binary, url, report, env)
        except subprocess.CalledProcessError:
            if attempt == 2:
                raise
            print("Lighthouse failed; once more", flush=True)
    raise AssertionError("unreachable")


def _lighthouse_once(binary: Path, url: str, report: Path, env: dict) -> dict[str, float]:
    subprocess.run(
        [
            str(binary),
            url,
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        env=env,
        check=True,
        timeout=180,
    )
    data = json.loads(report.read_text())
    return {name: data["categories"][name]["score"] * 100 for name in CATEGORIES}


def failing_audits(report: Path) -> list[str]:
    """What Lighthouse flagged in a report (audits that scored under 0.9), for the notes."""
    data = json.loads(report.read_text())
    flagged = []
    for category in data["categories"].values():
        for ref in category["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 0.9:
                flagged.append(f"{ref['id']} ({audit.get('displayValue', audit['score'])})")
    return flagged


def free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def markdown(results: dict[str, list[dict[str, float]]], runs: int, notes: dict) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        "## Lighthouse",
        "",
        f"`make bench-lighthouse` (bench/lighthouse.py), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC,"
        f" commit {commit}, on {os.cpu_count()} cores: Lighthouse 12 (mobile emulation,"
        f" simulated throttling), Debian Chromium headless, median of {runs} runs per page."
        " The demo site served as in production: DEBUG off, gunicorn (2 workers), WhiteNoise,"
        " the page cache in memory.",
        "",
        "| page | performance | accessibility | best practices | SEO |",
        "| --- | --- | --- | --- | --- |",
    ]
    for page, samples in results.items():
        medians = [statistics.median(s[c] for s in samples) for c in CATEGORIES]
        lines.append(f"| {page} | " + " | ".join(f"{m:.0f}" for m in medians) + " |")
    flagged = {page: audits for page, audits in notes.items() if audits}
    if flagged:
        lines += ["", "Flagged in the last run (audits under 0.9):", ""]
        lines += [f"- {page}: {', '.join(audits)}" for page, audits in flagged.items()]
    return "\n".join(lines) + "\n"


def write_results(section: str) -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    text = re.sub(r"\n## Lighthouse\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip("\n")
    RESULTS.write_text(text + "\n\n" + section)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=int(os.environ.get("LIGHTHOUSE_PORT", 8620)))
    parser.add_argument("--no-write", action="store_true", help="print, leave RESULTS.md")
    parser.add_argument("--reuse", action="store_true", help="keep var/lighthouse's site")
    parser.add_argument("--only", default="", help="pages whose name holds this text")
    args = parser.parse_args()
    pages = {name: path for name, path in PAGES.items() if args.only in name}
    if not free(args.port):
        raise SystemExit(f"port {args.port} is taken")
    binary = lighthouse_bin()
    if not (args.reuse and (WORK / "site.sqlite3").exists()):
        build_site(args.port)
    env = environment(args.port, debug=False)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "runnerhub.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
            "--no-control-socket",  # several servers may run on one machine
        ],
        cwd=ROOT,
        env=env,
    )
    results: dict[str, list[dict[str, float]]] = {page: [] for page in pages}
    notes: dict[str, list[str]] = {}
    try:
        base = f"http://127.0.0.1:{args.port}"
        wait_for(base + "/healthz")
        for path in pages.values():
            warm(base + path)
        reports = WORK / "reports"
        reports.mkdir(exist_ok=True)
        for run in range(args.runs):  # interleaved: each round visits every page once
            for number, (page, path) in enumerate(pages.items()):
                report = reports / f"page{number}-run{run}.json"
                scores = run_lighthouse(binary, base + path, report)
                results[page].append(scores)
                notes[page] = failing_audits(report)
                print(page, run + 1, scores, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    section = markdown(results, args.runs, notes)
    print(section)
    if not args.no_write:
        write_results(section)


if __name__ == "__main__":
    main()
