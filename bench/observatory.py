"""Score the site's headers by the MDN HTTP Observatory's published rules.

Usage:  .venv/bin/python bench/observatory.py [PATH ...] [--json]
        (default paths: the home page and an article page)

Runs the production settings (runnerhub.settings, DEBUG off) with the production environment
README's "Production" section documents (HTTPS redirect, HSTS with includeSubDomains and
preload, secure cookies; any of it can be overridden from the real environment), on a
throw-away test database (SQLite, or DATABASE_URL's server with a test_ database) holding one
article, through Django's test client in-process. HTTPS is what the TLS-terminating proxy
tells the app: requests of the https leg carry `X-Forwarded-Proto: https`
(SECURE_PROXY_SSL_HEADER), those of the http leg do not. The one difference from a deployed
site: static files use the plain storage, since hashed names need `collectstatic` and change
no header.

The scoring follows the Observatory's published tests and modifiers (its scoring document
and the tests of its scanner): the score starts at 100, every test adds its modifier, and the
bonuses count only when the score without them is at least 90. Ten tests: Content Security
Policy, cookies, CORS, redirection, Referrer-Policy, HSTS, Subresource Integrity,
X-Content-Type-Options, X-Frame-Options, Cross-Origin-Resource-Policy. What cannot be known
offline counts against us: no host is taken to be on the HSTS preload list (+5 there).
"""

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

MODIFIERS = {
    "csp-implemented-with-no-unsafe-default-src-none": 10,
    "csp-implemented-with-no-unsafe": 5,
    "csp-implemented-with-unsafe-inline-in-style-src-only": 0,
    "csp-implemented-with-insecure-scheme-in-passive-content-only": -10,
    "csp-implemented-with-unsafe-eval": -10,
    "csp-implemented-with-unsafe-inline": -20,
    "csp-implemented-with-insecure-scheme": -20,
    "csp-header-invalid": -25,
    "csp-not-implemented": -25,
    "cookies-secure-with-httponly-sessions-and-samesite": 5,
    "cookies-secure-with-httponly-sessions": 0,
    "cookies-not-found": 0,
    "cookies-without-secure-flag-but-protected-by-hsts": -5,
    "cookies-session-without-secure-flag-but-protected-by-hsts": -10,
    "cookies-without-secure-flag": -20,
    "cookies-samesite-flag-invalid": -20,
    "cookies-anticsrf-without-samesite-flag": -20,
    "cookies-session-without-httponly-flag": -30,
    "cookies-session-without-secure-flag": -40,
    "cross-origin-resource-sharing-not-implemented": 0,
    "cross-origin-resource-sharing-implemented-with-public-access": 0,
    "cross-origin-resource-sharing-implemented-with-restricted-access": 0,
    "cross-origin-resource-sharing-implemented-with-universal-access": -50,
    "redirection-to-https": 0,
    "redirection-off-host-from-http": -5,
    "redirection-not-to-https-on-initial-redirection": -10,
    "redirection-not-to-https": -20,
    "redirection-missing": -20,
    "referrer-policy-private": 5,
    "referrer-policy-not-implemented": 0,
    "referrer-policy-unsafe": -5,
    "referrer-policy-header-invalid": -5,
    "hsts-implemented-max-age-at-least-six-months": 0,
    "hsts-implemented-max-age-less-than-six-months": -10,
    "hsts-not-implemented": -20,
    "hsts-header-invalid": -20,
    "sri-implemented-and-all-scripts-loaded-securely": 5,
    "sri-implemented-and-external-scripts-loaded-securely": 5,
    "sri-not-implemented-response-not-html": 0,
    "sri-not-implemented-but-no-scripts-loaded": 0,
    "sri-not-implemented-but-all-scripts-loaded-from-secure-origin": 0,
    "sri-not-implemented-but-external-scripts-loaded-securely": -5,
    "sri-implemented-but-external-scripts-not-loaded-securely": -20,
    "sri-not-implemented-and-external-scripts-not-loaded-securely": -50,
    "x-content-type-options-nosniff": 0,
    "x-content-type-options-not-implemented": -5,
    "x-content-type-options-header-invalid": -5,
    "x-frame-options-implemented-via-csp": 5,
    "x-frame-options-sameorigin-or-deny": 0,
    "x-frame-options-allow-from-origin": 0,
    "x-frame-options-not-implemented": -20,
    "x-frame-options-header-invalid": -20,
    "cross-origin-resource-policy-implemented-with-same-origin": 10,
    "cross-origin-resource-policy-implemented-with-same-site": 10,
    "cross-origin-resource-policy-implemented-with-cross-origin": 0,
    "cross-origin-resource-policy-not-implemented": 0,
    "cross-origin-resource-policy-header-invalid": -5,
}
GRADES = [(100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+")]
GRADES += [(50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F")]
MINIMUM_SCORE_FOR_EXTRA_CREDIT = 90
SIX_MONTHS = 15_552_000  # the Observatory's (15,768,000 less a white lie many sites use)
CORS_ORIGIN = "https://http-observatory.security.mozilla.org"
BROAD = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
INLINE = {"'unsafe-inline'", "data:"}
PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "advice.example.com",
    "SITE_URL": "https://advice.example.com",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_COOKIES": "1",
    "ANYMAIL_WEBHOOK_SECRET": "provider:bench-only-webhook-password",  # newsletter.W003
}
HOST = "advice.example.com"
ACCEPT_HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@dataclass
class Cookie:
    name: str
    secure: bool
    httponly: bool
    samesite: str  # "" when absent


@dataclass
class Response:
    url: str
    status: int
    headers: dict[str, list[str]]  # lower-case names
    cookies: list[Cookie]
    body: str = ""

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


@dataclass
class Retrieval:
    """What the Observatory fetches: the http URL's redirect chain, the https page ("auto"),
    a CORS preflight, and the cookies of everything, robots.txt included."""

    http_route: list[Response]
    auto: Response
    cors: Response
    cookies: list[Cookie] = field(default_factory=list)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.http_equiv: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        elif tag == "meta" and attrs.get("http-equiv") and attrs.get("content") is not None:
            self.http_equiv.setdefault(attrs["http-equiv"].lower(), []).append(attrs["content"])


def _page(response: Response) -> _Page:
    parser = _Page()
    if _is_html(response):
        parser.feed(response.body)
    return parser


def _is_html(response: Response) -> bool:
    mime = (response.header("Content-Type") or "").split(";")[0].strip().lower()
    return mime in ("text/html", "application/xhtml+xml")


# The tests ---------------------------------------------------------------------------------


def parse_csp(policies: list[str]) -> dict[str, set[str]]:
    """Directives of one or more policies; a directive in several keeps what all allow.
    ValueError for a policy that cannot be parsed (a directive twice in one policy)."""
    merged: dict[str, set[str]] = {}
    for policy in policies:
        seen = set()
        for part in policy.split(";"):
            words = part.strip().split()
            if not words:
                continue
            name, sources = words[0].lower(), {w.lower() for w in words[1:]} or {"'none'"}
            if name in seen:
                raise ValueError(f"{name} twice")
            seen.add(name)
            merged[name] = merged[name] & sources if name in merged else sources
    return merged


def csp_test(r: Retrieval) -> tuple[str, dict[str, set[str]]]:
    raw = [
        p.strip() for v in r.auto.headers.get("content-security-policy", []) for p in v.split(",")
    ]
    raw += [p.strip() for v in _page(r.auto).http_equiv.get("content-security-policy", [])
            for p in v.split(",")]  # fmt: skip
    raw = [p for p in raw if p]
    if not raw:
        return "csp-not-implemented", {}
    try:
        csp = parse_csp(raw)
    except ValueError:
        return "csp-header-invalid", {}
    default = csp.get("default-src")
    script = set(csp.get("script-src") or default or {"*"})
    style = set(csp.get("style-src") or default or {"*"})
    objects = csp.get("object-src") or default or {"*"}
    for sources in (script, style):  # a nonce or hash makes browsers ignore 'unsafe-inline'
        if any(s.startswith(("'nonce-", "'sha256-", "'sha384-", "'sha512-")) for s in sources):
            sources.discard("'unsafe-inline'")
    if "'strict-dynamic'" in script:
        if not any(s.startswith(("'nonce-", "'sha")) for s in script):
            return "csp-header-invalid", csp
        script = {s for s in script if s not in ("'self'", "'unsafe-inline'") and s not in BROAD}
    https = r.auto.url.startswith("https://")
    active = [
        s
        for name, v in csp.items()
        if name not in ("img-src", "media-src", "script-src")
        for s in v
    ] + list(script)
    passive = [s for name in ("img-src", "media-src") for s in (csp.get(name) or default or ())]
    if script & (BROAD | INLINE) or objects & BROAD:
        return "csp-implemented-with-unsafe-inline", csp
    if https and any(s.startswith(("http:", "ftp:")) for s in active):
        return "csp-implemented-with-insecure-scheme", csp
    if "'unsafe-eval'" in script | style:
        return "csp-implemented-with-unsafe-eval", csp
    if https and any(s.startswith(("http:", "ftp:")) for s in passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only", csp
    if style & (BROAD | INLINE):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", csp
    if default == {"'none'"}:
        return "csp-implemented-with-no-unsafe-default-src-none", csp
    return "csp-implemented-with-no-unsafe", csp


# Worse results come later: one cookie can only make the result worse.
_COOKIE_BADNESS = [
    "cookies-without-secure-flag-but-protected-by-hsts",
    "cookies-without-secure-flag",
    "cookies-session-without-secure-flag-but-protected-by-hsts",
    "cookies-samesite-flag-invalid",
    "cookies-anticsrf-without-samesite-flag",
    "cookies-session-without-httponly-flag",
    "cookies-session-without-secure-flag",
]


def cookies_test(r: Retrieval) -> str:
    if not r.cookies:
        return "cookies-not-found"
    hsts = hsts_test(r) == "hsts-implemented-max-age-at-least-six-months"
    found: list[str] = []
    for cookie in r.cookies:
        name = cookie.name.lower()
        session = "login" in name or "sess" in name
        samesite = cookie.samesite.lower()
        if samesite and samesite not in ("lax", "strict", "none"):
            found.append("cookies-samesite-flag-invalid")
        if samesite == "none" and not cookie.secure:
            found.append("cookies-samesite-flag-invalid")
        if not cookie.secure:
            found.append(
                "cookies-without-secure-flag-but-protected-by-hsts"
                if hsts
                else "cookies-without-secure-flag"
            )
            if session:
                found.append(
                    "cookies-session-without-secure-flag-but-protected-by-hsts"
                    if hsts
                    else "cookies-session-without-secure-flag"
                )
        if "csrf" in name and not samesite:
            found.append("cookies-anticsrf-without-samesite-flag")
        if session and not cookie.httponly:
            found.append("cookies-session-without-httponly-flag")
    if found:
        return max(found, key=_COOKIE_BADNESS.index)
    if all(c.samesite for c in r.cookies):
        return "cookies-secure-with-httponly-sessions-and-samesite"
    return "cookies-secure-with-httponly-sessions"


def cors_test(r: Retrieval) -> str:
    allowed = (r.cors.header("Access-Control-Allow-Origin") or "").strip().lower()
    if not allowed:
        return "cross-origin-resource-sharing-not-implemented"
    if allowed == "*":
        return "cross-origin-resource-sharing-implemented-with-public-access"
    credentials = (r.cors.header("Access-Control-Allow-Credentials") or "").strip().lower()
    if allowed == CORS_ORIGIN and credentials == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access"
    return "cross-origin-resource-sharing-implemented-with-restricted-access"


def redirection_test(r: Retrieval) -> str:
    route = [urlsplit(step.url) for step in r.http_route]
    if len(route) == 1:
        return "redirection-missing"
    if route[-1].scheme != "https":
        return "redirection-not-to-https"
    if route[1].scheme == "http":
        return "redirection-not-to-https-on-initial-redirection"
    if route[0].hostname != route[1].hostname:
        return "redirection-off-host-from-http"
    return "redirection-to-https"


def referrer_policy_test(r: Retrieval) -> str:
    values = r.auto.headers.get("referrer-policy", [])
    values += _page(r.auto).http_equiv.get("referrer-policy", [])
    if not values:
        return "referrer-policy-not-implemented"
    private = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
    unsafe = {"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}
    known = [v.strip().lower() for v in ", ".join(values).split(",")]
    known = [v for v in known if v in private | unsafe]  # the last valid one counts
    if not known:
        return "referrer-policy-header-invalid"
    return "referrer-policy-private" if known[-1] in private else "referrer-policy-unsafe"


def hsts_test(r: Retrieval) -> str:
    header = r.auto.header("Strict-Transport-Security") if r.auto.url.startswith("https:") else None
    if header is None:
        return "hsts-not-implemented"
    max_age = None
    if "," in header:
        return "hsts-header-invalid"  # set twice
    for parameter in header.lower().split(";"):
        parameter = parameter.strip()
        if parameter.startswith("max-age="):
            try:
                max_age = int(parameter[8:128])
            except ValueError:
                return "hsts-header-invalid"
    if max_age is None:
        return "hsts-header-invalid"
    if max_age < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months"
    return "hsts-implemented-max-age-at-least-six-months"


def _site(host: str) -> str:
    return ".".join(host.split(".")[-2:])  # good enough for our hosts (no public suffix list)


def sri_test(r: Retrieval) -> str:
    if not _is_html(r.auto):
        return "sri-not-implemented-response-not-html"
    scripts = _page(r.auto).scripts
    if not scripts:
        return "sri-not-implemented-but-no-scripts-loaded"
    badness = [
        "sri-implemented-and-all-scripts-loaded-securely",
        "sri-implemented-and-external-scripts-loaded-securely",
        "sri-implemented-but-external-scripts-not-loaded-securely",
        "sri-not-implemented-but-external-scripts-loaded-securely",
        "sri-not-implemented-and-external-scripts-not-loaded-securely",
    ]
    result, foreign = None, False
    page_host = urlsplit(r.auto.url).hostname or ""
    for script in scripts:
        src = script.get("src")
        if not src:
            continue
        integrity = bool(script.get("integrity"))
        protocol_relative = src.startswith("//")
        absolute = src.startswith(("http://", "https://"))
        relative = not protocol_relative and not absolute
        same_site = relative or (
            absolute and _site(urlsplit(src).hostname or "") == _site(page_host)
        )
        secure_scheme = src.startswith("https://") or (relative and r.auto.url.startswith("https:"))
        if relative or (same_site and not protocol_relative):
            if integrity and secure_scheme and result is None:
                result = badness[0]  # a bonus even for scripts of our own
            continue
        foreign = True
        if integrity and not secure_scheme:
            found = "sri-implemented-but-external-scripts-not-loaded-securely"
        elif not integrity and secure_scheme:
            found = "sri-not-implemented-but-external-scripts-loaded-securely"
        elif not integrity:
            found = "sri-not-implemented-and-external-scripts-not-loaded-securely"
        else:
            continue
        if result is None or badness.index(found) > badness.index(result):
            result = found
    if result:
        return result
    if foreign:
        return "sri-implemented-and-external-scripts-loaded-securely"
    return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"


def x_content_type_options_test(r: Retrieval) -> str:
    header = r.auto.header("X-Content-Type-Options")
    if header is None:
        return "x-content-type-options-not-implemented"
    if header.strip().lower() == "nosniff":
        return "x-content-type-options-nosniff"
    return "x-content-type-options-header-invalid"


def x_frame_options_test(r: Retrieval) -> str:
    _result, csp = csp_test(r)
    if "frame-ancestors" in csp:
        return "x-frame-options-implemented-via-csp"
    header = (r.auto.header("X-Frame-Options") or "").strip().lower()
    if not header:
        return "x-frame-options-not-implemented"
    if header in ("deny", "sameorigin"):
        return "x-frame-options-sameorigin-or-deny"
    if header.startswith("allow-from"):
        return "x-frame-options-allow-from-origin"
    return "x-frame-options-header-invalid"


def corp_test(r: Retrieval) -> str:
    value = r.auto.header("Cross-Origin-Resource-Policy")
    if value is None:
        equiv = _page(r.auto).http_equiv.get("cross-origin-resource-policy")
        value = equiv[-1] if equiv else None
    if value is None:
        return "cross-origin-resource-policy-not-implemented"
    return {
        "same-origin": "cross-origin-resource-policy-implemented-with-same-origin",
        "same-site": "cross-origin-resource-policy-implemented-with-same-site",
        "cross-origin": "cross-origin-resource-policy-implemented-with-cross-origin",
    }.get(value.strip().lower(), "cross-origin-resource-policy-header-invalid")


TESTS = {
    "content-security-policy": lambda r: csp_test(r)[0],
    "cookies": cookies_test,
    "cross-origin-resource-sharing": cors_test,
    "redirection": redirection_test,
    "referrer-policy": referrer_policy_test,
    "strict-transport-security": hsts_test,
    "subresource-integrity": sri_test,
    "x-content-type-options": x_content_type_options_test,
    "x-frame-options": x_frame_options_test,
    "cross-origin-resource-policy": corp_test,
}


def grade(score: int) -> str:
    return next(letter for floor, letter in GRADES if score >= floor)


def score(r: Retrieval) -> dict:
    """{"score", "grade", "tests": {name: (result, modifier)}} of one retrieval."""
    if not 200 <= r.auto.status < 300:
        raise ValueError(f"{r.auto.url} answered {r.auto.status}: the Observatory gives up")
    tests = {name: (result := test(r), MODIFIERS[result]) for name, test in TESTS.items()}
    penalties = 100 + sum(m for _result, m in tests.values() if m < 0)
    with_bonuses = 100 + sum(m for _result, m in tests.values())
    total = max(with_bonuses if penalties >= MINIMUM_SCORE_FOR_EXTRA_CREDIT else penalties, 0)
    return {"score": total, "grade": grade(total), "tests": tests}


# Fetching through Django's test client -------------------------------------------------------


def _response(url: str, django_response) -> Response:
    headers = {name.lower(): [value] for name, value in django_response.headers.items()}
    cookies = [
        Cookie(name, bool(m["secure"]), bool(m["httponly"]), m["samesite"] or "")
        for name, m in django_response.cookies.items()
    ]
    body = django_response.content.decode(errors="replace") if _is_html_type(headers) else ""
    return Response(url, django_response.status_code, headers, cookies, body)


def _is_html_type(headers: dict[str, list[str]]) -> bool:
    return (headers.get("content-type") or [""])[0].startswith(("text/html", "application/xhtml"))


def retrieve(client, path: str, host: str = HOST) -> Retrieval:
    """The Observatory's requests for `path`, made with `client` (a django.test.Client);
    https is the proxy's X-Forwarded-Proto header."""

    def get(url: str, method: str = "GET", **headers) -> Response:
        parts = urlsplit(url)
        if parts.scheme == "https":
            headers["X-Forwarded-Proto"] = "https"
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        answer = client.generic(method, target, headers={"Host": parts.netloc, **headers})
        return _response(url, answer)

    def follow(url: str) -> list[Response]:
        route = [get(url, **ACCEPT_HTML)]
        while route[-1].status in (301, 302, 303, 307, 308) and len(route) < 10:
            location = route[-1].header("Location") or ""
            if location.startswith("/"):
                start = urlsplit(route[-1].url)
                location = f"{start.scheme}://{start.netloc}{location}"
            route.append(get(location, **ACCEPT_HTML))
        return route

    http_route = follow(f"http://{host}{path}")
    https_route = follow(f"https://{host}{path}")
    auto = https_route[-1]
    robots = get(f"https://{host}/robots.txt", Accept="text/plain,*/*;q=0.8")
    cors = get(auto.url, "OPTIONS", Origin=CORS_ORIGIN, **{"Access-Control-Request-Method": "GET"})
    cookies = {
        c.name: c for resp in [*http_route, *https_route, robots, cors] for c in resp.cookies
    }
    return Retrieval(http_route=http_route, auto=auto, cors=cors, cookies=list(cookies.values()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="*", help="default: / and an article page")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    for name, value in PRODUCTION_ENV.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("SECRET_KEY", "observatory-bench-only-" + "x1y2z3" * 8)
    os.environ.setdefault("ENV_FILE", "")  # a developer's .env changes nothing here
    os.environ["DJANGO_SETTINGS_MODULE"] = "runnerhub.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from articles.models import Article, Topic
    from runnerhub.models import User

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    try:
        author = User.objects.create(username="observatory", is_staff=True)
        topic = Topic.objects.create(name="Training", slug="training")
        article = Article.objects.create(
            title="Hill repeats", slug="hill-repeats", lead="Short, steep efforts.",
            body="<h2>Why</h2><p>Strength.</p><p>[video]</p>", author=author, topic=topic,
            video_url="https://youtu.be/dQw4w9WgXcQ", status="published",
            publish_at=timezone.now(),
        )  # fmt: skip
        paths = args.paths or ["/", article.get_absolute_url()]
        from django.conf import settings

        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}):
            results = {path: score(retrieve(Client(), path)) for path in paths}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    if args.json:
        print(json.dumps(results))
        return
    for path, result in results.items():
        print(f"{path}: {result['score']} ({result['grade']})")
        for name, (outcome, modifier) in result["tests"].items():
            print(f"  {modifier:+4d}  {name}: {outcome}")


if __name__ == "__main__":
    main()
