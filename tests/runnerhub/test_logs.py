"""Log lines: time, level, logger, request id and message, as text or as JSON lines."""

import asyncio
import copy
import io
import json
import logging
import logging.config
import os
import re
import runpy
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import AsyncClient, override_settings
from django.urls import path

ROOT = Path(__file__).resolve().parents[2]
logger = logging.getLogger(__name__)
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _logging_view(request):
    logger.info("inside the view")
    return HttpResponse("ok")


async def _async_logging_view(request):
    logger.info("inside the async view")
    return HttpResponse("ok")


urlpatterns = [path("logged/", _logging_view), path("logged-async/", _async_logging_view)]


def _formatter(name: str) -> logging.Formatter:
    """The formatter named in settings.LOGGING, built the way dictConfig builds it."""
    config = copy.deepcopy(settings.LOGGING["formatters"][name])
    return logging.config.DictConfigurator({}).configure_formatter(config)


@pytest.fixture
def log_lines():
    """What the console handler of settings.LOGGING would write, in text format."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_formatter("text"))
    filter_class = settings.LOGGING["filters"]["request_id"]["()"]
    module, name = filter_class.rsplit(".", 1)
    handler.addFilter(getattr(__import__(module, fromlist=[name]), name)())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        root.removeHandler(handler)


@override_settings(ROOT_URLCONF=__name__)
def test_a_requests_log_lines_carry_the_id_it_returns(client, log_lines):
    response = client.get("/logged/")
    request_id = response["X-Request-ID"]
    assert UUID_RE.fullmatch(request_id)
    [line] = [line for line in log_lines() if "inside the view" in line]
    # time, level, logger, [request id], message
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO tests\.runnerhub\.test_logs "
        rf"\[{request_id}\] inside the view",
        line,
    )
    # Each request has its own id.
    assert client.get("/logged/")["X-Request-ID"] != request_id


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    "upstream",
    ["6f1c1b1e-8d7a-4f4e-9a55-0b6a4c7d2e11", "6F1C1B1E8D7A4F4E9A550B6A4C7D2E11"],
)
def test_a_valid_upstream_id_is_kept(client, log_lines, upstream):
    """A load balancer's id (UUID, or nginx's 32 hex digits) follows the request through."""
    response = client.get("/logged/", HTTP_X_REQUEST_ID=upstream)
    assert response["X-Request-ID"] == upstream
    assert any(f"[{upstream}] inside the view" in line for line in log_lines())


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    "bogus",
    [
        "not-a-uuid",
        "forged\n2026-01-01 00:00:00,000 ERROR django.security [x] admin password changed",
        "6f1c1b1e-8d7a-4f4e-9a55-0b6a4c7d2e11\nforged",
        "6f1c1b1e8d7a4f4e9a550b6a4c7d2e1\n",  # uuid.UUID() accepts this one
        "urn:uuid:6f1c1b1e-8d7a-4f4e-9a55-0b6a4c7d2e11",
        "6f1c1b1e_8d7a_4f4e_9a55_0b6a4c7d2e1",
        "{6f1c1b1e-8d7a-4f4e-9a55-0b6a4c7d2e11}",
        "<script>alert(1)</script>",
        "a" * 10_000,
        "",
    ],
)
def test_a_bogus_upstream_id_is_replaced_and_never_logged(client, log_lines, bogus):
    response = client.get("/logged/", HTTP_X_REQUEST_ID=bogus)
    request_id = response["X-Request-ID"]
    assert request_id != bogus and UUID_RE.fullmatch(request_id)
    lines = log_lines()
    assert any(f"[{request_id}] inside the view" in line for line in lines)
    written = "\n".join(lines)
    if bogus:
        assert bogus not in written
        assert "forged" not in written and "admin password" not in written
        # The replacement is logged, with the new id and without the value.
        assert any(
            f"WARNING runnerhub.logs [{request_id}] Replaced an X-Request-ID" in line
            for line in lines
        )


@override_settings(ROOT_URLCONF=__name__)
def test_async_requests_carry_their_id_too(log_lines):
    """Under ASGI the id lives in the request's context, not in a thread."""
    upstream = str(uuid.uuid4())

    def get(path, **kwargs):
        # In a thread of its own: Playwright's sync API (the browser tests) keeps an event
        # loop running in the main thread.
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, AsyncClient().get(path, **kwargs)).result()

    response = get("/logged-async/", headers={"X-Request-ID": upstream})
    assert response["X-Request-ID"] == upstream
    assert any(f"[{upstream}] inside the async view" in line for line in log_lines())
    response = get("/logged-async/", headers={"X-Request-ID": "x\ny"})
    assert UUID_RE.fullmatch(response["X-Request-ID"])
    assert "x\ny" not in "\n".join(log_lines())


def test_lines_outside_a_request_have_no_id_and_never_fail(log_lines):
    """Workers and commands log with "-" (text) or null (JSON); a record that never went
    through the filter (another handler, a library's own) formats too."""
    logger.warning("from a worker")
    assert re.search(r"WARNING tests\.runnerhub\.test_logs \[-\] from a worker$", log_lines()[-1])
    record = logging.LogRecord("db_worker", logging.INFO, __file__, 1, "sent %s", ("x",), None)
    assert _formatter("text").format(record).endswith("INFO db_worker [-] sent x")
    assert json.loads(_formatter("json").format(record))["request_id"] is None


def test_json_fields():
    try:
        raise ValueError("kaput")
    except ValueError:
        record = logger.makeRecord(
            "runnerhub.tasks", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    record.request_id = "6f1c1b1e-8d7a-4f4e-9a55-0b6a4c7d2e11"
    data = json.loads(_formatter("json").format(record))
    assert data["level"] == "ERROR"
    assert data["logger"] == "runnerhub.tasks"
    assert data["message"] == "failed"
    assert data["request_id"] == "6f1c1b1e-8d7a-4f4e-9a55-0b6a4c7d2e11"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", data["time"])
    assert "ValueError: kaput" in data["exc_info"]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "DJANGO_"))}
    return {**env, "DATABASE_URL": "sqlite:///:memory:", "ENV_FILE": "", **extra}


JSON_SCRIPT = """
import logging, uuid
import django
django.setup()
from django.test import Client
client = Client()
logging.getLogger("runnerhub.tasks").info("before any request")
print(client.post("/robots.txt", headers={"X-Request-ID": "%s"})["X-Request-ID"])
print(client.post("/robots.txt", HTTP_X_REQUEST_ID="evil\\nforged line")["X-Request-ID"])
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("runnerhub.tasks").exception("a worker failed")
"""


def test_json_mode_writes_one_json_object_per_line():
    """The whole settings.LOGGING, as a process started with LOG_FORMAT=json writes it."""
    upstream = str(uuid.uuid4())
    out = subprocess.run(
        [sys.executable, "-c", JSON_SCRIPT % upstream],
        env=_env(DJANGO_SETTINGS_MODULE="runnerhub.test_settings", LOG_FORMAT="json"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    kept, replaced = out.stdout.split()
    assert kept == upstream and UUID_RE.fullmatch(replaced)
    records = [json.loads(line) for line in out.stderr.splitlines()]  # every line is JSON
    for record in records:
        assert {"time", "level", "logger", "message", "request_id"} <= record.keys()
    by_message = {r["message"]: r for r in records}
    assert by_message["before any request"]["request_id"] is None
    assert [r["request_id"] for r in records if r["logger"] == "django.request"] == [
        upstream,
        replaced,
    ]
    assert by_message["Method Not Allowed (POST): /robots.txt"]["level"] == "WARNING"
    assert "forged" not in out.stderr
    assert "ZeroDivisionError" in by_message["a worker failed"]["exc_info"]


def test_log_format_is_checked():
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=_env(DJANGO_SETTINGS_MODULE="runnerhub.test_settings", LOG_FORMAT="xml"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "LOG_FORMAT must be text or json" in out.stderr


def test_gunicorn_logs_through_the_same_handler():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["logconfig_dict"]
    assert config["formatters"] == settings.LOGGING["formatters"]
    assert config["handlers"] == settings.LOGGING["handlers"]
    assert config["loggers"]["gunicorn.error"] == {
        "level": "INFO",
        "handlers": [],
        "propagate": True,
    }


def test_gunicorn_in_json_mode_writes_only_json_lines():
    """`make serve` / production: gunicorn's own lines and its access log are JSON too, and
    each access line has the request's id."""
    env = _env(
        DJANGO_SETTINGS_MODULE="runnerhub.settings",
        DEBUG="0",
        SECRET_KEY="gunicorn-test-only",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_FORMAT="json",
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "runnerhub.wsgi", "--bind=127.0.0.1:0", "--no-control-socket"],
        env=env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        deadline = time.monotonic() + 30
        address = None
        while address is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line:
                break
            lines.append(line)
            found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
            address = found and found.group(1)
        assert address, "".join(lines)
        upstream = str(uuid.uuid4())
        request = urllib.request.Request(f"{address}/healthz", headers={"X-Request-ID": upstream})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert response.headers["X-Request-ID"] == upstream
    finally:
        server.send_signal(signal.SIGTERM)
        _, rest = server.communicate(timeout=30)
        lines.extend(rest.splitlines())
    records = [json.loads(line) for line in lines if line.strip()]
    loggers = {r["logger"] for r in records}
    assert {"gunicorn.error", "gunicorn.access"} <= loggers
    [access] = [r for r in records if r["logger"] == "gunicorn.access"]
    assert access["request_id"] == upstream and "/healthz" in access["message"]
