"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts, and real
`db_worker` processes that send to it, for the exactly-once test and the sending benchmark."""

import asyncio
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class _Handler:
    def __init__(
        self, delay: float = 0.0, hold_at: int | None = None, refuse: frozenset[str] = frozenset()
    ):
        self.lock = threading.Lock()
        self.refuse = refuse  # addresses answered "550 No such user" at RCPT
        self.messages: list[Message] = []
        self.delay = delay
        # hold_at=N: the Nth message is answered only after release is set; holding is set
        # while it waits, so a test can act while a sender is surely mid-send.
        self.hold_at, self.seen = hold_at, 0
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.seen += 1
            hold = self.seen == self.hold_at
        if hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        if self.delay:  # a slow server: the message is accepted only after a while
            await asyncio.sleep(self.delay)
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self.lock:
            self.messages.append(message)
        return "250 OK"


def _free_port() -> int:
    # aiosmtpd's controller checks its server by connecting to the port it was given, so
    # port 0 ("any") does not work with it: ask the system for a free one first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    def __init__(self, delay: float = 0.0, hold_at: int | None = None, refuse=()):
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs each command
        self.handler = _Handler(delay, hold_at, frozenset(a.lower() for a in refuse))
        self.port = _free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.handler.release.set()
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Message]:
        with self.handler.lock:
            return list(self.handler.messages)

    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.messages)

    def per_recipient(self) -> Counter:
        return Counter(message["To"] for message in self.messages)


def worker_env(sink: SmtpSink, **extra: str) -> dict:
    """Production settings for a worker process: this database, email to the sink."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="runnerhub.settings",
        DEBUG="0",
        SECRET_KEY="test-only-not-secret",
        DATABASE_URL=url,
        EMAIL_URL=sink.url,
        SITE_URL="https://advice.example.com",
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(10)
        except subprocess.TimeoutExpired:
            worker.kill()


# Tests that run worker processes beside the test: they share the test's database, which
# only a server database can do.
WORKERS_NEED_POSTGRES = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="worker processes beside the test need a server database (SKIP LOCKED): "
    "set DATABASE_URL to PostgreSQL",
)


def wait_until(condition, timeout: float, what: str):
    """Poll `condition` until it is true (and return what it returned), or fail the test
    after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")
