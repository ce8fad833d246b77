"""A real outage: a PostgreSQL cluster of this test's own (initdb on a spare port, never the
shared one) is stopped for 10 s while two app processes (gunicorn, production settings)
serve readers and a task worker sends confirmation emails to an SMTP server on loopback.

- While it is down, pages answer 503 with Retry-After, never 500, and /healthz says so; a
  sign-up posted meanwhile comes back on the 503 page and is sent again from there.
- When it is back, both app processes serve again with no restart, and the worker that was
  running all along (never restarted) sends every confirmation exactly once.
- The two app processes share Redis: a question approved through one is on the article page
  of the other at once.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
import requests
from django.core import signing

from runnerhub.antispam import SALT
from tests.newsletter.smtp_sink import SmtpSink, wait_until

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "outage-test-only-not-secret"
OUTAGE_SECONDS = 10
PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.skipif(
        PG_BIN is None or not (PG_BIN / "initdb").exists(),
        reason="PostgreSQL's server programs (initdb, pg_ctl) are not installed",
    ),
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A throw-away PostgreSQL cluster, run as the postgres user when we are root (initdb
    refuses root)."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.data = folder / "data"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(folder, "postgres")

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True)

    def create(self) -> None:
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust")
        self.start()
        self.run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "runnerhub",
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self.run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/runnerhub"


@pytest.fixture
def site():
    """Cluster, Redis, SMTP sink, two app processes and a worker; everything stopped after."""
    folder = Path(tempfile.mkdtemp(prefix="rh-outage-"))
    cluster = Cluster(folder)
    cluster.create()
    redis_port = free_port()
    redis = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    processes = [redis]
    with SmtpSink() as sink:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DJANGO_SETTINGS_MODULE="runnerhub.settings",
            DEBUG="0",
            SECRET_KEY=SECRET_KEY,
            DATABASE_URL=cluster.url,
            CONN_MAX_AGE="60",
            REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
            EMAIL_URL=sink.url,
            EMAIL_TIMEOUT="2",
            SITE_URL="http://127.0.0.1",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_COOKIES="0",
            TRUSTED_PROXY_COUNT="1",  # each reader below comes "through a proxy" of its own
            ADMIN_2FA_REQUIRED="none",  # the moderator below signs in with a password alone
            LOG_LEVEL="ERROR",
            # Its own: collecting into the project's staticfiles/ in the middle of a run
            # changed what the other tests' live servers serve (a browser test measuring
            # layout shift saw the fonts come differently).
            STATIC_ROOT=str(folder / "static"),
        )

        def manage(*args: str, code: str = "") -> str:
            command = [sys.executable, "manage.py", *args]
            out = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, input=code, timeout=300
            )
            assert out.returncode == 0, out.stderr[-3000:]
            return out.stdout

        try:
            manage("migrate", "--noinput", "-v0")
            manage("collectstatic", "--noinput", "-v0")
            manage("shell", code=SETUP)
            gunicorn = str(Path(sys.executable).parent / "gunicorn")
            apps = []
            for _ in range(2):
                port = free_port()
                processes.append(
                    subprocess.Popen(
                        [
                            gunicorn,
                            "runnerhub.wsgi",
                            f"--bind=127.0.0.1:{port}",
                            "--workers=1",
                            "--threads=4",
                            "--no-control-socket",
                        ],
                        cwd=ROOT,
                        env=env,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
                apps.append(f"http://127.0.0.1:{port}")
            worker_log = open(folder / "worker.log", "w")  # noqa: SIM115 (closed with the folder)
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--queue-name",
                    "*",
                    "--interval",
                    "0.2",
                    "--no-startup-delay",
                ],
                cwd=ROOT,
                env={**env, "LOG_LEVEL": "WARNING"},
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
            processes.append(worker)
            for app in apps:
                wait_until(lambda app=app: _get(f"{app}/healthz") == 200, 60, f"{app} to start")
            yield {
                "apps": apps,
                "worker": worker,
                "cluster": cluster,
                "sink": sink,
                "servers": processes[1:3],
                "manage": manage,
                "worker_log": folder / "worker.log",
            }
        finally:
            for process in reversed(processes):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
            with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
                cluster.stop()
            shutil.rmtree(folder, ignore_errors=True)


SETUP = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article, Topic
from runnerhub.models import User
topic = Topic.objects.create(name="Injuries", slug="injuries")
boss = User.objects.create_superuser("boss", "boss@example.com", "pass-word-123")
Article.objects.create(
    title="Calf strains", slug="calf-strains", topic=topic, author=boss, lead="Lead.",
    body="<p>Rest.</p>", status="published", publish_at=timezone.now() - timedelta(days=1),
)
"""


def _get(url: str) -> int:
    try:
        return requests.get(url, timeout=5).status_code
    except requests.RequestException:
        return 0


def rendered() -> str:
    """The form's time trap, signed as the site does, old enough to pass."""
    return signing.dumps(time.time() - 30, key=SECRET_KEY, salt=SALT)


class Reader:
    """One reader's browser: its own cookies and its own address (X-Forwarded-For)."""

    def __init__(self, app: str, n: int):
        self.app, self.session = app, requests.Session()
        self.session.headers["X-Forwarded-For"] = f"198.51.{n // 250}.{n % 250 + 1}"

    def token(self) -> str:
        # What forms.js does on a cached page: ask for a token (and its cookie).
        self.session.get(f"{self.app}/forms/token/", timeout=10)
        return self.session.cookies.get("csrftoken", "")

    def post(self, path: str, data: dict) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")}
        return self.session.post(f"{self.app}{path}", data, allow_redirects=False, timeout=10)


def hidden_fields(html: str) -> dict[str, str]:
    found = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', html)
    return {unescape(name): unescape(value) for name, value in found}


def test_a_stopped_database_is_a_503_and_nothing_is_lost(site):
    apps, sink = site["apps"], site["sink"]
    statuses, answered, kept = Counter(), {}, []
    stop = threading.Event()

    def readers(app: str, first: int):
        n = first
        while not stop.is_set() and n < first + 400:  # bounded: ~4 sign-ups a second
            reader, email = Reader(app, n), f"reader{n}@example.com"
            n += 1
            try:
                if not reader.token():
                    statuses["no token (page down)"] += 1
                    time.sleep(0.25)
                    continue
                page = reader.session.get(f"{app}/articles/calf-strains/", timeout=10)
                statuses[page.status_code] += 1
                if page.status_code == 503:
                    assert page.headers["Retry-After"] == "30"
                data = {"email": email, "consent": "on", "website": "", "rendered": rendered()}
                response = reader.post("/newsletter/", data)
            except requests.RequestException as error:
                statuses[type(error).__name__] += 1
                continue
            statuses[response.status_code] += 1
            if response.status_code == 302:
                answered[email] = True  # the reader was told it worked
            elif response.status_code == 503:
                kept.append((reader, email, hidden_fields(response.text)))
            time.sleep(0.25)

    threads = [threading.Thread(target=readers, args=(app, i * 1000)) for i, app in enumerate(apps)]
    for thread in threads:
        thread.start()
    # Readers who opened the sign-up page just before the outage, and send it during it.
    waiting = [
        (Reader(app, 5000 + i * 10 + n), f"late{i}-{n}@example.com")
        for i, app in enumerate(apps)
        for n in range(3)
    ]
    try:
        time.sleep(3)
        for reader, _email in waiting:
            assert reader.token()
        site["cluster"].stop()
        down_at = time.monotonic()
        health = wait_until(lambda: _health(apps[0]), 15, "/healthz to see the outage")
        assert health == (503, "unreachable")
        for reader, email in waiting:
            data = {"email": email, "consent": "on", "website": "", "rendered": rendered()}
            response = reader.post("/newsletter/", data)
            statuses[response.status_code] += 1
            assert response.status_code == 503, response.text[:300]
            kept.append((reader, email, hidden_fields(response.text)))
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
        site["cluster"].start()
        for app in apps:  # the same processes, not restarted
            wait_until(
                lambda app=app: _get(f"{app}/articles/calf-strains/") == 200,
                30,
                f"{app} to serve again",
            )
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    print(f"\nanswers while the database went away and came back: {dict(statuses)}")
    assert statuses[500] == 0, statuses
    assert statuses[503] > 0, "the outage was never seen"
    assert all(server.poll() is None for server in site["servers"]), "an app process died"
    assert site["worker"].poll() is None, "the worker died"
    assert "Database unavailable" in site["worker_log"].read_text(), "the worker saw no outage"

    # A sign-up posted during the outage comes back on the 503 page: sent again, it works.
    assert kept, "no sign-up was posted during the outage"
    for reader, email, fields in kept:
        assert fields["email"] == email
        response = reader.post("/newsletter/", fields)
        assert response.status_code == 302, response.text[:500]
        answered[email] = True

    # Every sign-up the site answered with success gets its confirmation once.
    def delivered():
        got = sink.per_recipient()
        return set(answered) <= set(got) and got

    try:
        wait_until(delivered, 90, f"{len(answered)} confirmations at the SMTP sink")
    finally:
        log = site["worker_log"].read_text().splitlines()
        print("\n".join(line for line in log if "INFO" not in line)[-5000:])
    time.sleep(2)  # room for a repeat, if there were one
    got = sink.per_recipient()
    assert {email: got[email] for email in answered if got[email] != 1} == {}
    assert set(got) == set(answered), "an email went to someone who was not signed up"
    print(
        f"{len(answered)} sign-ups answered, {len(kept)} of them sent again from the 503 "
        f"page; {sum(got.values())} confirmations sent"
    )

    # Two app processes, one Redis: a question approved through one shows on the other.
    reader = Reader(apps[0], 9000)
    reader.token()
    question = "Is a calf sleeve worth it on a long run after a strain?"
    data = {
        "article": site_article_id(site),
        "parent": "",
        "name": "Jo Runner",
        "email": "jo@example.com",
        "text": question,
        "website": "",
        "rendered": rendered(),
    }
    assert reader.post("/comments/post/", data).status_code in (302, 303)
    assert question not in requests.get(f"{apps[1]}/articles/calf-strains/", timeout=10).text
    moderator = requests.Session()
    moderator.get(f"{apps[1]}/admin/login/", timeout=10)
    login = {
        "username": "boss",
        "password": "pass-word-123",
        "csrfmiddlewaretoken": moderator.cookies["csrftoken"],
        "next": "/admin/",
    }
    assert moderator.post(f"{apps[1]}/admin/login/", login, timeout=10).status_code == 200
    listed = moderator.get(f"{apps[1]}/admin/comments/comment/?state__exact=pending", timeout=10)
    pk = re.search(r'name="_selected_action" value="(\d+)"', listed.text).group(1)
    approve = {
        "action": "approve",
        "_selected_action": pk,
        "csrfmiddlewaretoken": moderator.cookies["csrftoken"],
    }
    moderator.post(f"{apps[1]}/admin/comments/comment/", approve, timeout=10)
    assert question in requests.get(f"{apps[0]}/articles/calf-strains/", timeout=10).text


def site_article_id(site) -> str:
    code = "from articles.models import Article; print(Article.objects.get().pk)"
    return site["manage"]("shell", code=code).strip().splitlines()[-1]


def _health(app: str):
    try:
        response = requests.get(f"{app}/healthz", timeout=5)
    except requests.RequestException:
        return None
    if response.status_code == 503:
        return 503, response.json()["database"]
    return None
