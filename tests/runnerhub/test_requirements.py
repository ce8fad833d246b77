"""The lock files: every package pinned with hashes, from PyPI alone, and in step with the
.in files they are compiled from (`make lock`)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCKS = ("requirements.txt", "requirements-dev.txt")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {
        _normalize(name): version
        for name, version in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", text, re.M)
    }


def _top_level(source: str) -> set[str]:
    names = set()
    for line in (ROOT / source).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names |= _top_level(line.split()[1])
        elif line and not line.startswith("-"):
            names.add(_normalize(re.match(r"[A-Za-z0-9._-]+", line).group(0)))
    return names


@pytest.mark.parametrize("lock", LOCKS)
def test_every_requirement_is_pinned_with_hashes(lock):
    text = (ROOT / lock).read_text()
    requirements = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1])
    entries = [r for r in requirements if not r.startswith("#") and r.strip()]
    assert entries
    for entry in entries:
        assert re.match(r"[A-Za-z0-9._-]+==\S+ \\\n", entry), entry
        assert "--hash=sha256:" in entry, entry


@pytest.mark.parametrize("lock", LOCKS)
def test_only_pypi_packages(lock):
    """Nothing from a local wheel folder, a file: URL or an extra index of this machine."""
    text = (ROOT / lock).read_text()
    assert not re.search(r"file:|/opt/|--find-links|--index-url|--extra-index-url|@ ", text)


@pytest.mark.parametrize(
    ("source", "lock"),
    [("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")],
)
def test_the_lock_has_every_package_of_its_in_file(source, lock):
    missing = _top_level(source) - set(_pins(lock))
    assert not missing, f"{sorted(missing)} not in {lock}: run `make lock`"


def test_dev_lock_pins_production_packages_at_the_production_versions():
    production, development = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert {name: development.get(name) for name in production} == production
