"""The demo app is installed only with DEBUG on, so production never imports it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.demo

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: the suite's own settings always install the demo.
PROBE = """
import json, sys
import django
from django.conf import settings
from django.core.management import call_command, get_commands

django.setup()
call_command("check", "--deploy", stdout=sys.stderr, stderr=sys.stderr)
print(json.dumps({
    "installed": "demo" in settings.INSTALLED_APPS,
    "command": "load_demo" in get_commands(),
    "imported": sorted(m for m in sys.modules if m == "demo" or m.startswith("demo.")),
}))
"""


def _probe(debug: str) -> dict:
    # The root conftest's DJANGO_ALLOW_ASYNC_UNSAFE is an error for `check --deploy`.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "runnerhub.settings",
        "DEBUG": debug,
        "SECRET_KEY": "probe-only-" + "x" * 50,
        "ALLOWED_HOSTS": "advice.example.com",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_never_install_or_import_the_demo():
    assert _probe("0") == {"installed": False, "command": False, "imported": []}


def test_debug_installs_the_demo_and_its_command():
    probe = _probe("1")
    assert probe["installed"] and probe["command"]
