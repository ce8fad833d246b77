"""Build the site's web fonts (`make fonts`) from the pinned originals in src/.

The originals are @fontsource's Latin files (Inter 4 variable, Barlow Condensed 700). Each
font is cut in two by unicode-range: a core that every page loads (and preloads) with
the characters our templates, styles and demo text use, and an extension with the rest
of Latin-1 that a browser downloads only for a page that shows one of those letters
(Zoë, Ó Briain). Letters in neither (Łukasz) come from the fallback font of the stack.
Inter's weight axis is kept, limited to the weights our CSS uses (400 to 800); its
italic is not shipped (the browser slants the upright, which for Inter is close to its
own italic), nor Barlow's 600 (no rule uses it). Run it after changing a range or a
source; the built files are committed, so running the site needs no fontTools.
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "static" / "runnerhub" / "fonts"

# What our pages are made of: ASCII, the no-break space and the punctuation and signs
# that templates, styles and demo text use (typographic quotes, dashes, ellipsis, ·, £, €,
# °, ×, the minus sign). The sources have no arrows: → and ← come from the fallback font.
CORE = (
    "U+0020-007E,U+00A0,U+00A3,U+00A9,U+00AE,U+00B0,U+00B7,U+00D7,U+2013-2014,"
    "U+2018-2019,U+201C-201D,U+2022,U+2026,U+2039-203A,U+20AC,U+2122,U+2212"
)
# The rest of Latin-1, the combining accents (a name typed as e + ¨) and the typographic
# extras of the source's Latin subset.
EXTENDED = (
    "U+0300-0301,U+0303-0304,U+0308-0309,U+0323,U+00A1-00A2,U+00A4-00A8,U+00AA-00AD,U+00AF,U+00B1-00B6,U+00B8-00D6,U+00D8-00FF,"
    "U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+2000-200B,U+201A,U+201E,"
    "U+2020-2021,U+2030,U+2032-2033,U+2044,U+2074,U+2215,U+FEFF,U+FFFD"
)
FONTS = {
    # built name: (source, weight-axis range or None for a static font)
    "inter-wght": ("inter-latin-wght-normal.woff2", (400, 800)),
    "barlow-condensed-700": ("barlow-condensed-latin-700-normal.woff2", None),
}
RANGES = {"core": CORE, "ext": EXTENDED}


def build(name: str, source: str, axis: tuple[int, int] | None, part: str, out: Path = OUT) -> Path:
    # The source's own timestamp, not the build's: `make fonts` gives the same bytes each time.
    font = TTFont(HERE / "src" / source, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern"]  # kerning; ligatures and alternates are not used
    options.hinting = False  # woff2 on today's screens: hinting is bytes nobody sees
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the copyright and names (licence)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(RANGES[part]))
    subsetter.subset(font)
    if axis is not None:
        font = instancer.instantiateVariableFont(font, {"wght": axis})
    target = out / f"{name}-{part}.woff2"
    font.flavor = "woff2"
    font.save(target)
    return target


def main() -> int:
    for old in OUT.glob("*.woff2"):
        old.unlink()
    for name, (source, axis) in FONTS.items():
        for part in RANGES:
            target = build(name, source, axis, part)
            print(f"{target.relative_to(HERE.parent.parent)}: {target.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
