"""The configuration table in README.md, .env.example and settings.py name the same
variables, and a .env file fills in what the real environment leaves unset."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _readme_variables() -> set[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def _env_example_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def _settings_variables() -> set[str]:
    source = (ROOT / "runnerhub" / "settings.py").read_text()
    read_by_env = re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", source)
    read_directly = re.findall(r"os\.environ\.get\(\s*\"([A-Z][A-Z0-9_]+)\"", source)
    return set(read_by_env) | set(read_directly)


def test_the_readme_table_is_parsed():
    names = _readme_variables()
    assert {"DEBUG", "SECRET_KEY", "MEDIA_ROOT", "MEDIA_URL", "SECURE_COOKIES"} <= names
    assert len(names) > 25


def test_env_example_lists_every_setting_of_the_readme():
    readme, example = _readme_variables(), _env_example_variables()
    assert not readme - example, f"missing from .env.example: {sorted(readme - example)}"
    assert not example - readme, f"not in README's table: {sorted(example - readme)}"


def test_settings_read_exactly_the_documented_variables():
    readme, read = _readme_variables(), _settings_variables()
    assert not read - readme, f"read by settings.py, not in README's table: {sorted(read - readme)}"
    assert not readme - read, f"in README's table, never read: {sorted(readme - read)}"


def test_env_example_changes_nothing_when_copied():
    """Every line is a comment: copying it to .env gives the defaults, not empty values."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    assert all(not line.strip() or line.startswith("#") for line in lines)


def test_dotenv_is_git_ignored():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=ROOT, capture_output=True, check=False
    )
    assert ignored.returncode == 0


SHOW = (
    "import django; django.setup(); from django.conf import settings as s;"
    "print(s.SITE_NAME, s.TIME_ZONE, s.LOG_FORMAT, sep='|')"
)


def _settings_with(env_file: str, show: str = SHOW, **extra) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SITE_NAME", "TIME_ZONE", "LOG_FORMAT", "ENV_FILE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="runnerhub.settings",
        SECRET_KEY="test-only",
        ENV_FILE=env_file,
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-c", show], env=env, cwd=ROOT, capture_output=True, text=True
    )


def test_a_dotenv_file_fills_in_and_the_real_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# a comment\nSITE_NAME='Trail Talk'\nexport TIME_ZONE=Europe/Paris\nLOG_FORMAT=json\n"
    )
    out = _settings_with(str(env_file), LOG_FORMAT="text")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "Trail Talk|Europe/Paris|text"


def test_no_dotenv_file_is_fine(tmp_path):
    for env_file in (str(tmp_path / "missing.env"), ""):
        out = _settings_with(env_file)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "RunnerHub|Europe/London|text"


def test_the_suite_reads_no_dotenv(settings):
    # Set by runnerhub/test_settings.py before the settings are read, and inherited by every
    # process a test starts. Only a deliberately exported ENV_FILE changes it.
    if os.environ["ENV_FILE"]:
        pytest.skip(f"ENV_FILE={os.environ['ENV_FILE']} is exported")
    assert settings.ENV_FILE == ""


@pytest.mark.parametrize(
    "site_url",
    [
        "https://advice.example.com/blog",
        "https://advice.example.com/?x=1",
        "advice.example.com",
        "ftp://advice.example.com",
        "https://editor:secret@advice.example.com",
        "https://",
        "https://advice.example.com#",
        "https://advice.example.com?",
        "https://advice.example.com:abc",
        "https://advice.example.com:99999",
        "https://advice.example.com:",
        " https://advice.example.com",
        "https://advice example.com",
        "https://advice\\example.com",
        "https://[::1",
    ],
)
def test_site_url_must_be_an_origin(tmp_path, site_url):
    """Feeds and sitemaps take their host from SITE_URL and pages add paths from the root:
    a path in it would be kept by some links and dropped by others."""
    out = _settings_with("", SITE_URL=site_url)
    assert out.returncode != 0
    assert "SITE_URL must be the site's origin" in out.stderr


@pytest.mark.parametrize(
    "site_url", ["https://advice.example.com", "http://127.0.0.1:8000", "https://[::1]:8443/"]
)
def test_an_origin_is_a_site_url(tmp_path, site_url):
    out = _settings_with("", SITE_URL=site_url)
    assert out.returncode == 0, out.stderr


def test_site_url_is_written_as_browsers_write_it():
    show = "import django; django.setup(); from django.conf import settings as s; print(s.SITE_URL)"
    out = _settings_with("", show=show, SITE_URL="HTTPS://Advice.Example.COM:8443/")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "https://advice.example.com:8443"
