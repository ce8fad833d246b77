"""The CKEditor 5 build we ship (runnerhub/static/runnerhub/editor/, made by `make editor`):
a release without the known XSS advisories, and only the plugins the body needs.

CKEditor 5 48.5.1 fixed GHSA-rh54-vffm-5fvp (prototype pollution in the bundled es-toolkit,
reached through incoming style values) and GHSA-v6mg-96c6-gmpq (General HTML Support allowing
objects). The editor runs in a staff browser, which the server's sanitizer cannot protect.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "runnerhub/static/runnerhub/editor/ckeditor.js"
NPM_PROJECT = ROOT / "runnerhub/editor"

FIXED_IN = (48, 5, 1)
# The es-toolkit that CKEditor 48.5.1 moved to (47.5.0 bundled 1.39.5).
ES_TOOLKIT_FIXED_IN = (1, 52, 0)
# Raw HTML in the editor's own page, and the plugins that let it in.
FORBIDDEN_PLUGINS = ("HtmlEmbed", "GeneralHtmlSupport", "SourceEditing", "HtmlComment", "FullPage")
# What editors work with: headings, lists, links, quotes, tables, image upload, word count.
REQUIRED_PLUGINS = {
    "Heading",
    "List",
    "Link",
    "BlockQuote",
    "Table",
    "ImageUpload",
    "SimpleUploadAdapter",
    "WordCount",
}

VERSION = r"(\d+)\.(\d+)\.(\d+)"


def version_tuple(text: str) -> tuple[int, int, int]:
    match = re.fullmatch(VERSION, text)
    assert match, f"not a version: {text!r}"
    return tuple(int(part) for part in match.groups())


def ckeditor_version(js: str) -> tuple[int, int, int]:
    """The version a (minified) build assigns to CKEDITOR_VERSION: either a string literal
    (`CKEDITOR_VERSION="47.5.0"`) or a constant it names (`var ka="48.5.2"; …
    globalThis.CKEDITOR_VERSION=ka`)."""
    found = set()
    for literal, name in re.findall(r'CKEDITOR_VERSION\s*=(?!=)\s*(?:"([^"]*)"|([\w$]+))', js):
        if not literal:
            defined = re.findall(rf'(?<![\w$.]){re.escape(name)}\s*=\s*"({VERSION})"', js)
            assert len(set(defined)) == 1, f"cannot tell what {name} is: {defined}"
            literal = defined[0][0]
        found.add(version_tuple(literal))
    assert len(found) == 1, f"expected one CKEDITOR_VERSION assignment, found {found or 'none'}"
    return found.pop()


def plugin_names(js: str) -> set[str]:
    return set(re.findall(r'pluginName\(\)\s*\{\s*return\s*"(\w+)"', js))


@pytest.fixture(scope="module")
def build() -> str:
    return BUILD.read_text(encoding="utf-8")


def test_the_shipped_ckeditor_has_the_xss_fixes(build):
    version = ckeditor_version(build)
    assert version >= FIXED_IN, (
        f"CKEditor {'.'.join(map(str, version))} has known XSS advisories: run `make editor` "
        f"with ckeditor5 {'.'.join(map(str, FIXED_IN))} or later"
    )


def test_the_build_has_no_raw_html_plugins(build):
    for name in FORBIDDEN_PLUGINS:
        assert name not in build, f"{name} is in the editor build"


def test_the_build_has_what_editors_use(build):
    missing = REQUIRED_PLUGINS - plugin_names(build)
    assert not missing, f"missing from the editor build: {sorted(missing)}"


def test_the_build_is_the_pinned_release():
    """package.json pins ckeditor5 exactly, the lock file agrees, and the committed build was
    made from it (a bumped pin without `make editor` fails here)."""
    package = json.loads((NPM_PROJECT / "package.json").read_text())
    lock = json.loads((NPM_PROJECT / "package-lock.json").read_text())["packages"]
    pinned = package["devDependencies"]["ckeditor5"]
    assert re.fullmatch(VERSION, pinned), f"ckeditor5 must be pinned exactly, not {pinned!r}"
    assert lock["node_modules/ckeditor5"]["version"] == pinned
    assert version_tuple(pinned) >= FIXED_IN
    assert version_tuple(lock["node_modules/es-toolkit"]["version"]) >= ES_TOOLKIT_FIXED_IN
    build = BUILD.read_text(encoding="utf-8")
    assert ckeditor_version(build) == version_tuple(pinned)
    assert f"ckeditor5@{pinned}" in build.splitlines()[0]


@pytest.mark.parametrize(
    ("js", "expected"),
    [
        # django-ckeditor-5 0.2.20's dist/bundle.js (webpack) writes the literal.
        ('if(window.CKEDITOR_VERSION)throw new x("ckeditor-duplicated-modules");'
         'window.CKEDITOR_VERSION="47.5.0"', (47, 5, 0)),
        # esbuild names a constant.
        ('var ka="48.5.2",Vd=new Date(2026,5,2);if(globalThis.CKEDITOR_VERSION)throw new g('
         '"ckeditor-duplicated-modules",null);globalThis.CKEDITOR_VERSION=ka;', (48, 5, 2)),
    ],
    ids=["literal", "constant"],
)  # fmt: skip
def test_the_version_is_read_from_either_kind_of_build(js, expected):
    assert ckeditor_version(js) == expected


def test_a_build_without_a_version_is_refused():
    with pytest.raises(AssertionError):
        ckeditor_version("var Editor=class{};")
