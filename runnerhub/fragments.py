"""Fragments of public pages kept in the cache, so that a page cache miss is cheap.

The parts of a page that cost template time (an article's body with its blocks, the gear box,
related articles, the rendered comment thread, the page chrome: head links, the site header
with the topic menu, the footer) are kept as HTML under a key made of their name, what they
vary on, and the current version of every *scope* they show:

    "all"            every fragment (the default of a change that names no scope)
    "article:<pk>"   one article's own content (body, FAQs, gear box items)
    "articles"       any article, and the set of public ones (related cards, lists)
    "thread:<pk>"    the comments shown under one article
    "shop"           products and shop categories
    "topics"         topics and tags
    "site"           site settings and users' public names

A write names what it changed (`pages_changed("thread:12")`), and once it commits each of
those scopes gets a new random version, so the next read renders afresh: nothing waits out
a timeout. A fragment of the "articles" scope (it shows the set of public articles) also
ends at the next scheduled change, an article going live or leaving (no write happens then).

Fragments never hold anything of one reader or one request (no CSRF token, CSP nonce,
"awaiting moderation" note or staff form): they are only used while rendering a public page
(`is_public_request`); staff, previews and readers with a session get everything rendered.
With the cache away, fragments are simply rendered, never an error.

Forms are fragments too (`form_fragment`): rendered once with *slots* where the values of one
render go (the page a sign-up comes from, the article's id), and those values filled in,
escaped, on every use. The time trap's render time is no slot: it is left blank, like the
CSRF token, for forms.js to fetch (runnerhub/antispam.py). The slots are the only places a
value of the request can reach; nothing else of the request is in a form's HTML. The site
header's search box is filled in the same way (`{% fragment ... query=... %}`).

Every key also carries the *release* (`release()`): a fingerprint of the templates, the
project's Python (its forms, tags and URL routes), the static files' hashed names, the
settings pages show and Django's version, so a deploy that changes any of them never serves
a fragment of the release before.
"""

import functools
import hashlib
import math
import re
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.template import engines
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import pagecache

ALL = "all"
_VERSION = "fragment:v:{}"

_missed: set[str] = set()  # scopes whose new version could not be written (cache away)


def new_versions(scopes: Iterable[str]) -> None:
    """New versions for `scopes` (call it after the commit: pagecache.pages_changed does)."""
    scopes = set(scopes) | _missed
    try:
        cache.set_many({_VERSION.format(s): secrets.token_hex(6) for s in scopes}, None)
        _missed.clear()
    except Exception:
        # Retried before this process reads a fragment again (as the page generation is).
        _missed.update(scopes)
        pagecache._cache_away("starting new fragment versions")


# Scopes most public pages' fragments show: read with the first fragment's own.
_COMMON = (ALL, "articles", "shop", "site", "topics")
# What each page used on its last render in this process (its scopes and its fragments'
# keys), so that the next render reads all of them in one round trip. A hint only: a key it
# lacks is read on its own, one it holds in vain costs nothing but its bytes. Bounded, and
# forgotten all at once (like pagecache's marks).
REMEMBERED_PAGES = 4096
_remembered: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


class _Page:
    """One public page's fragments while it renders: one snapshot of the scopes' versions,
    the entries read ahead, and the fragments rendered, kept by `flush` in one write."""

    def __init__(self, request: HttpRequest, scopes: list[str]):
        self.path = "\n".join((request.get_full_path(), pagecache.vary_cookies(request)))
        hint_scopes, hint_keys = _remembered.get(self.path, ((), ()))
        self.versions: dict[str, str] = {}
        self.found: dict[str, tuple[str, str]] = {}
        self.asked: set[str] = set()
        self.used_scopes: set[str] = set()
        self.used_keys: list[str] = []
        # What to keep, by when it must be gone (a timestamp; None: FRAGMENT_CACHE_SECONDS
        # from when it is kept), the seconds left worked out when it is kept.
        self.writes: dict[float | None, dict[str, tuple]] = {}
        self.read(sorted({*_COMMON, *scopes, *hint_scopes}), hint_keys)

    def read(self, scopes: Iterable[str], keys: Iterable[str] = ()) -> None:
        """The versions of `scopes` and the entries under `keys`, in one round trip."""
        versions = {_VERSION.format(s): s for s in scopes if s not in self.versions}
        keys = [k for k in keys if k not in self.asked]
        found = cache.get_many([*versions, *keys])
        missing = [k for k in versions if k not in found]
        if missing:  # first use or evicted: a new one, whoever gets there first
            for k in missing:
                cache.add(k, secrets.token_hex(6), None)
            found.update(cache.get_many(missing))
        self.versions.update({scope: str(found.get(key)) for key, scope in versions.items()})
        self.asked.update(keys)
        self.found.update({k: found[k] for k in keys if k in found})

    def stamp(self, scopes: Iterable[str]) -> str:
        """This snapshot's versions of `scopes` (read now if it lacks one), as one value."""
        scopes = list(scopes)
        if any(s not in self.versions for s in scopes):
            self.read(scopes)
        return "\n".join(self.versions[s] for s in scopes)

    def lookup(self, key: str) -> object:
        """What the cache holds under `key` (read now unless read ahead)."""
        if key not in self.asked:
            self.asked.add(key)
            if (kept := cache.get(key)) is not None:
                self.found[key] = kept
        return self.found.get(key)

    def used(self, key: str, scopes: Iterable[str]) -> None:
        """Remember `key` and `scopes` for this page's next first read."""
        self.used_scopes.update(scopes)
        self.used_keys.append(key)

    def entry(self, key: str, scopes: list[str]) -> tuple[str, str | None]:
        """This snapshot's stamp of `scopes`, and the HTML kept under `key` if it was kept
        with that very stamp."""
        stamp = self.stamp(scopes)
        kept = self.lookup(key)
        self.used(key, scopes)
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == stamp:
            return stamp, kept[1]
        return stamp, None


def flush(request: HttpRequest, *, keep: bool = True) -> None:
    """Keep the fragments this page rendered (one write per lifetime), and remember what it
    used for its next render (pagecache's middleware calls this once the page is done).
    `keep=False` (an error page) keeps nothing: a not-found address under a public view
    (`/topics/<anything>/`) would otherwise keep a menu per address a stranger makes up."""
    page = request.__dict__.pop("_fragment_page", None)
    if page is None or not keep:
        return
    hint = (tuple(sorted(page.used_scopes)), tuple(dict.fromkeys(page.used_keys)))
    if _remembered.get(page.path) != hint:
        if len(_remembered) >= REMEMBERED_PAGES:
            _remembered.clear()
        _remembered[page.path] = hint
    try:
        for deadline, entries in page.writes.items():
            if (seconds := _seconds(deadline)) > 0:
                cache.set_many(entries, seconds)
    except Exception:
        pagecache._cache_away("keeping fragments")


def _page(request: HttpRequest | None) -> "_Page | None":
    """This public page's fragments, their scopes' versions read on first use; None where
    fragments are not used (not a public page, turned off, the cache away)."""
    if (
        request is None
        or not pagecache.is_public_request(request)
        or not settings.FRAGMENT_CACHE_SECONDS
        or not pagecache._cache_usable()
    ):
        return None
    if _missed:
        new_versions(())
        if _missed:
            return None
    page = request.__dict__.get("_fragment_page")
    if page is None:
        try:
            page = request.__dict__["_fragment_page"] = _Page(request, [ALL])
        except Exception:
            pagecache._cache_away("reading fragments")
            return None
    return page


def _key(kind: str, name: str, scopes: Iterable[str], vary: Iterable) -> str:
    """An entry's key: its name, the release (an entry of another release is never used),
    its scopes and what it varies on."""
    raw = "\n".join([release(), *scopes, "", *(str(v) for v in vary)])
    return f"{kind}:{name}:{hashlib.sha256(raw.encode()).hexdigest()}"


def _seconds(deadline: float | None) -> int:
    """How long an entry that must be gone by `deadline` may be kept from now."""
    seconds = settings.FRAGMENT_CACHE_SECONDS
    if deadline is not None:
        seconds = min(seconds, math.floor(deadline - time.time()))
    return seconds


def _keep(page: "_Page", until: datetime | None, key: str, value: tuple) -> None:
    """Keep `value` under `key` when the page is done, if `until` has not come by then."""
    deadline = None if until is None else until.timestamp()
    if _seconds(deadline) > 0:
        page.writes.setdefault(deadline, {})[key] = value


def fragment(
    request: HttpRequest | None,
    name: str,
    *,
    scopes: Iterable[str],
    vary: Iterable = (),
    render: Callable[[], str],
    until: Callable[[], datetime | None] | None = None,
) -> SafeString:
    """`render()`'s HTML (already safe: our templates' output), from the cache when it holds
    it for these scopes' versions and `vary`. `until`: when this fragment changes by itself,
    asked before it renders (its default with the "articles" scope: the first scheduled
    article going live or leaving after the request began, see pagecache.started).

    An entry is kept under its name and `vary` with the versions it was rendered at (its
    stamp), and used only while they are still the current ones: the key does not depend on
    the versions, so a page can read all its fragments with the versions, at once."""
    page = _page(request)
    if page is None:
        return mark_safe(render())  # nosec B308, B703: our templates' output
    scopes = sorted({ALL, *scopes})
    key = _key("fragment", name, scopes, vary)
    try:
        stamp, html = page.entry(key, scopes)
    except Exception:
        pagecache._cache_away("reading a fragment")
        return mark_safe(render())  # nosec B308, B703
    if html is not None:
        return mark_safe(html)  # nosec B308, B703
    if until is None and "articles" in scopes:  # the set of public articles: see the doc
        until = functools.partial(pagecache.next_change, pagecache.started(request))
    deadline = until() if until is not None else None
    html = str(render())
    _keep(page, deadline, key, (stamp, html))
    return mark_safe(html)  # nosec B308, B703


def kept_data(
    request: HttpRequest | None,
    name: str,
    *,
    vary: Iterable,
    load: Callable[[], tuple[object, Iterable[str], datetime | None]],
) -> object:
    """Data a public page is made from (a database row, say), kept like a fragment: `load()`
    gives the value, the scopes it shows and when it changes by itself (or None); a value of
    None is never kept. Its scopes are known only once it is loaded (which article a slug
    is), so the entry holds them, and a value is kept only when its scopes' versions were
    read *before* load() ran: a change committed meanwhile is never taken for seen. (The
    page's first read has them from the second render on: the scopes it used are remembered
    with its fragments.) Outside public pages, load() every time."""
    page = _page(request)
    if page is None:
        return load()[0]
    key = _key("data", name, (), vary)
    try:
        kept = page.lookup(key)
        if isinstance(kept, tuple) and len(kept) == 3:
            scopes, stamp, value = kept
            if page.stamp(scopes) == stamp:
                page.used(key, scopes)
                return value
    except Exception:
        pagecache._cache_away("reading kept data")
        return load()[0]
    known = set(page.versions)
    value, scopes, until = load()
    if value is None:
        return value
    scopes = tuple(sorted({ALL, *scopes}))
    page.used(key, scopes)
    if known.issuperset(scopes):
        _keep(page, until, key, (scopes, page.stamp(scopes), value))
    return value


# A slot: a name between two private-use characters, which none of our templates holds.
_SLOT = "\ue000{}\ue000"
_SLOTS = re.compile("\ue000([a-z_]+)\ue000")


def slot(name: str) -> str:
    """The mark `fill` replaces with the value called `name` (put it where the value goes)."""
    return _SLOT.format(name)


def fill(html: str, values: dict[str, object]) -> SafeString:
    """`html` with each slot replaced by its value, escaped (in one pass: a value is never
    read for slots). A slot without a value is left empty."""
    return mark_safe(  # nosec B308, B703: our templates' output, values escaped
        _SLOTS.sub(lambda m: escape(values.get(m[1], "")), html)
    )


def form_fragment(
    request: HttpRequest,
    name: str,
    *,
    scopes: Iterable[str] = (),
    vary: Iterable = (),
    render: Callable[[], str],
    values: dict[str, object],
) -> SafeString:
    """A public page's form: `render()` puts `slot(name)` where each of `values` goes; the
    HTML is kept (`fragment`) and the values of this render are filled in."""
    html = fragment(request, name, scopes=("site", *scopes), vary=vary, render=render)
    return fill(html, values)


def _project_apps() -> list[tuple[str, Path]]:
    """The project's own apps, whose Python is in the release (of a library, only its
    templates are, and Django's version)."""
    folders = [(app.label, Path(app.path)) for app in apps.get_app_configs()]
    return [
        (label, folder)
        for label, folder in folders
        if folder.is_relative_to(settings.BASE_DIR) and "site-packages" not in folder.parts
    ]


# The settings whose values kept HTML shows (the site's name and address, static and media
# URLs, the time zone and language of its dates): they change only with a restart, so they
# belong to the release, not to a scope. Where media are served from (a bucket, its folder,
# a CDN's domain) is in it through the storage's own address for a file.
RELEASE_SETTINGS = (
    "SITE_NAME",
    "SITE_URL",
    "STATIC_URL",
    "MEDIA_URL",
    "TIME_ZONE",
    "LANGUAGE_CODE",
)


@functools.cache  # once per process (~30 ms): nothing it reads changes while a process runs
def release() -> str:
    """A fingerprint of what fragments are made of besides their data: the source of every
    template the template engines find (the project's and its libraries'), the Python source
    of the project's own apps (forms, tags and the comment thread build HTML too, and the
    URL routes are there), the static files' manifest (their hashed names) and
    `RELEASE_SETTINGS`, and Django's version (its form widgets' templates). No absolute
    path is in it, so every host of one release shares its fragments."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        for part in parts:
            digest.update(part if isinstance(part, bytes) else str(part).encode())
            digest.update(b"\0")

    def add_files(root: Path, pattern: str, *label: object) -> None:
        for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
            add(*label, path.relative_to(root).as_posix(), path.read_bytes())

    for engine in engines.all():
        for position, folder in enumerate(getattr(engine, "template_dirs", ())):
            add_files(Path(folder), "*", engine.name, position)
    for label, folder in _project_apps():
        add_files(folder, "*.py", label)
    if callable(read_manifest := getattr(staticfiles_storage, "read_manifest", None)):
        add(read_manifest() or "")  # ManifestStaticFilesStorage's
    add(django.get_version(), *(getattr(settings, name, "") for name in RELEASE_SETTINGS))
    add(default_storage.url("release"))  # MEDIA_STORAGE and its bucket, folder or domain
    return digest.hexdigest()[:16]
