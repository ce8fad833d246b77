import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache

from runnerhub.ratelimit import hit

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_fixed_window_limit():
    cache.clear()
    key = uuid.uuid4().hex
    assert [hit("t", key, limit=3, window=60) for _ in range(5)] == [True, True, True, False, False]
    assert hit("t", "someone-else", limit=3, window=60)
    assert hit("other-scope", key, limit=3, window=60)


@pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379 (CI starts one)")
def test_limit_is_shared_across_processes_through_redis():
    """Two separate processes count against the same limit, as gunicorn workers would."""
    key = uuid.uuid4().hex
    # Both processes must count in the same (hour-long) window: not near its end.
    time.sleep(max(0.0, time.time() % 3600 - 3540))
    code = (
        "import django; django.setup();"
        "from runnerhub.ratelimit import hit;"
        f"print(sum(hit('comments', '{key}', limit=5, window=3600) for _ in range(4)))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "runnerhub.settings",
        "SECRET_KEY": "test-only",
        "REDIS_URL": REDIS_URL,
    }
    allowed = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]  # fmt: skip
    assert allowed == ["4", "1"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no trusted proxy: the header is anyone's to forge
        (1, "203.0.113.9", "203.0.113.9"),  # the load balancer saw the reader
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the left entry was forged
        (2, "203.0.113.9, 192.0.2.7", "203.0.113.9"),  # CDN, then load balancer
        (2, "203.0.113.9", "10.0.0.2"),  # shorter than our proxies' chain: not trusted
        (1, "not-an-ip", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "", "10.0.0.2"),
        (1, "fe80::1%eth0", "fe80::1"),  # a zone: PostgreSQL's inet refuses it
    ],
)
def test_client_ip_behind_trusted_proxies(rf, settings, proxies, forwarded, expected):
    from runnerhub.ratelimit import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("remote", "expected"),
    [("10.0.0.2", "10.0.0.2"), ("fe80::1%eth0", "fe80::1"), ("", "unknown"), ("/run/x", "unknown")],
)
def test_client_ip_is_an_ip_address_or_unknown(rf, remote, expected):
    from runnerhub.ratelimit import client_ip

    assert client_ip(rf.get("/", REMOTE_ADDR=remote)) == expected
