"""The site's stylesheets, bundled: one file per kind of page (`make styles`).

Each app keeps its styles in its own static folder (README, "Styles and scripts"), but a
page that linked them one by one made the browser wait for six render-blocking requests,
each on a new connection (gunicorn's sync workers close every connection). So the sources
are concatenated in order, per kind of page, into runnerhub/static/runnerhub/bundles/,
committed (the site needs no build step to run), and a page links its bundle with
`{% stylesheet "article" %}` (runnerhub_tags). ManifestStaticFilesStorage hashes the
bundles and the files their url()s name, as it did the sources.

Relative url()s are rewritten for the bundle's folder; comments go and whitespace is
collapsed, but nothing inside a string or a url() is touched, and no space that could be
a combinator or part of calc() is dropped. Only the standard library: `make styles` needs
neither Django nor the venv. A test (tests/runnerhub/test_stylesheets.py) fails when a
committed bundle differs from what its sources make now.
"""

import posixpath
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = "runnerhub/bundles"  # a static path, under runnerhub/static/

# The stylesheets every page with the site's header, banner and footer needs.
_SITE = ("runnerhub/css/fonts.css", "runnerhub/css/site.css", "newsletter/newsletter.css")

# Bundle name -> its sources, as static paths, in cascade order. A static path starts
# with the app that serves it (tests/runnerhub/test_static_files.py keeps it so).
BUNDLES: dict[str, tuple[str, ...]] = {
    # The 500 and 503 pages: no banner, no app parts.
    "plain": ("runnerhub/css/fonts.css", "runnerhub/css/site.css"),
    # base.html: the newsletter pages, 404 and the other error pages.
    "site": _SITE,
    # Home, lists, topics, tags, search (articles/base.html).
    "list": (*_SITE, "articles/articles.css"),
    # The article page and the pages a reader reaches from it that show comments (the
    # author's page, the reply and comment pages, the reply emails' unsubscribe): the same
    # file, which the browser already holds.
    "article": (*_SITE, "articles/articles.css", "comments/comments.css", "shop/shop.css"),
    # The shop's category page.
    "shop": (*_SITE, "shop/shop.css"),
}

HEADER = "/* Built by `make styles` (runnerhub/stylesheets.py) from {sources}: edit those. */\n"

# What passes through untouched: url(...) (its path rebased), strings and, dropped, comments.
# The leftmost match wins, so a quote inside a comment or "/*" inside a string is safe.
_STRING = r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"""
_TOKENS = re.compile(
    rf"""
    (?P<url>\burl\(\s*(?:(?P<quoted>{_STRING})|(?P<bare>[^"')\s][^)\s]*))\s*\))
    | (?P<string>{_STRING})
    | (?P<comment>/\*.*?\*/)
    """,
    re.S | re.X | re.I,
)
_SPACES = re.compile(r"\s+")
# Whitespace next to these never matters in CSS.
_AROUND = re.compile(r"\s*([{};])\s*")


def source_file(static_path: str, root: Path = ROOT) -> Path:
    app = static_path.split("/", 1)[0]
    return root / app / "static" / static_path


def bundle_file(name: str, root: Path = ROOT) -> Path:
    return source_file(f"{OUT}/{name}.css", root)


def rebase_url(url: str, source: str, target: str) -> str:
    """`url` as written in the stylesheet at static path `source`, made relative to
    static path `target`'s folder. Absolute URLs, data: URIs and #fragments stay."""
    if not url or re.match(r"([a-z][a-z0-9+.-]*:|/|#)", url, re.I):
        return url
    path, rest = re.match(r"([^?#]*)(.*)", url, re.S).groups()
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    if resolved == ".." or resolved.startswith("../"):
        raise ValueError(f"{source}: url({url}) points outside the static files")
    return posixpath.relpath(resolved, posixpath.dirname(target)) + rest


def _squeeze(css: str) -> str:
    """Collapses whitespace in CSS that holds no string, url or comment."""
    return _AROUND.sub(r"\1", _SPACES.sub(" ", css))


def minify(css: str, *, source: str, target: str) -> str:
    """`css` from static path `source`, ready to sit in the bundle at `target`: no
    comments, whitespace collapsed, relative url()s rebased."""
    out: list[str] = []
    plain: list[str] = []  # the CSS since the last string or url
    position = 0
    for match in _TOKENS.finditer(css):
        plain.append(css[position : match.start()])
        position = match.end()
        if match["comment"]:
            plain.append(" ")  # `a/**/b` stays two tokens
            continue
        out.append(_squeeze("".join(plain)))
        plain = []
        if match["string"]:
            out.append(match["string"])
        elif match["quoted"]:
            quoted = match["quoted"]
            out.append(f"url({quoted[0]}{rebase_url(quoted[1:-1], source, target)}{quoted[0]})")
        else:
            out.append(f"url({rebase_url(match['bare'], source, target)})")
    plain.append(css[position:])
    out.append(_squeeze("".join(plain)))
    return "".join(out).strip()


def build(name: str, root: Path = ROOT) -> str:
    """The text of bundle `name`, from its sources as they are now."""
    sources = BUNDLES[name]
    target = f"{OUT}/{name}.css"
    parts = [HEADER.format(sources=", ".join(sources))]
    for static_path in sources:
        css = source_file(static_path, root).read_text(encoding="utf-8")
        parts.append(minify(css, source=static_path, target=target) + "\n")
    return "".join(parts)


def main() -> None:
    folder = bundle_file("x").parent
    folder.mkdir(parents=True, exist_ok=True)
    for stale in set(folder.glob("*.css")) - {bundle_file(name) for name in BUNDLES}:
        stale.unlink()
        print(f"removed {stale.relative_to(ROOT)}")
    for name in BUNDLES:
        path = bundle_file(name)
        text = build(name)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)} ({len(text.encode()):,} bytes)")


if __name__ == "__main__":
    sys.exit(main())
