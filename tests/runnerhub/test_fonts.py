"""The web fonts are subsets built by `make fonts` (runnerhub/fonts/build.py): what
fonts.css declares, what the files hold and what base.html preloads must agree."""

import re
from pathlib import Path

from django.conf import settings
from fontTools import subset
from fontTools.ttLib import TTFont

from runnerhub.fonts import build

FONTS_CSS = Path(settings.BASE_DIR) / "runnerhub/static/runnerhub/css/fonts.css"
FONTS_DIR = Path(settings.BASE_DIR) / "runnerhub/static/runnerhub/fonts"


def _faces() -> list[dict[str, str]]:
    text = re.sub(r"/\*.*?\*/", "", FONTS_CSS.read_text(), flags=re.S)
    faces = []
    for body in re.findall(r"@font-face\s*\{(.*?)\}", text, flags=re.S):
        rules = {
            name.strip(): value.strip()
            for name, value in re.findall(r"([\w-]+)\s*:\s*([^;]+);", body)
        }
        if "url(" in rules.get("src", ""):
            faces.append(rules)
    return faces


def _codepoints(ranges: str) -> set[int]:
    return set(subset.parse_unicodes(ranges.replace(" ", "")))


def test_every_face_is_a_built_file_with_the_ranges_of_build_py():
    faces = _faces()
    files = {re.search(r'url\("\.\./fonts/([^"]+)"\)', f["src"]).group(1) for f in faces}
    assert files == {p.name for p in FONTS_DIR.glob("*.woff2")}
    for face in faces:
        name = re.search(r"fonts/([^\"]+)-(core|ext)\.woff2", face["src"])
        part = name.group(2)
        expected = build.CORE if part == "core" else build.EXTENDED
        assert _codepoints(face["unicode-range"]) == _codepoints(expected), face["src"]


def test_each_file_holds_only_characters_of_its_range_and_the_core_all_of_ascii():
    core, ext = _codepoints(build.CORE), _codepoints(build.EXTENDED)
    assert not core & ext  # one file per character, so a browser never fetches both for it
    for path in FONTS_DIR.glob("*.woff2"):
        cmap = set(TTFont(path).getBestCmap())
        allowed = core if path.stem.endswith("-core") else ext
        assert cmap <= allowed, path.name
        if path.stem.endswith("-core"):
            assert set(range(0x20, 0x7F)) <= cmap, path.name
            assert {ord(c) for c in "£€°×·–—‘’“”…"} <= cmap, path.name
        else:
            assert {ord(c) for c in "ëÓéüñ"} <= cmap, path.name


def test_inter_keeps_its_weight_axis_for_the_weights_the_css_uses():
    font = TTFont(FONTS_DIR / "inter-wght-core.woff2")
    (axis,) = font["fvar"].axes
    assert (axis.axisTag, axis.minValue, axis.maxValue) == ("wght", 400, 800)
    used = set()
    for css in Path(settings.BASE_DIR).glob("*/static/**/*.css"):
        if "editor/ckeditor" not in str(css):
            used |= {int(w) for w in re.findall(r"font-weight:\s*(\d+)", css.read_text())}
    used -= {400, 800}  # fonts.css's own range
    assert all(400 <= weight <= 800 for weight in used), sorted(used)


def test_base_preloads_the_core_files_only(client, db):
    html = client.get("/").content.decode()
    preloaded = re.findall(r'<link rel="preload" href="([^"]+)" as="font"', html)
    assert sorted(Path(href).name.split(".")[0] for href in preloaded) == [
        "barlow-condensed-700-core",
        "inter-wght-core",
    ]


def test_the_committed_files_are_what_make_fonts_builds(tmp_path):
    for name, (source, axis) in build.FONTS.items():
        for part in build.RANGES:
            built = build.build(name, source, axis, part, out=tmp_path)
            assert built.read_bytes() == (FONTS_DIR / built.name).read_bytes(), built.name
