"""The production setup README documents: `check --deploy` has nothing to warn about, and the
headers score A+ by the MDN HTTP Observatory's rules (bench/observatory.py)."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("observatory", ROOT / "bench" / "observatory.py")
observatory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(observatory)


def production_env(**extra) -> dict:
    """The real environment without anything that would change the settings, then the
    production settings README's "Production" section lists; SQLite in memory (the checks
    touch no database, and the bench makes its own throw-away one)."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "SECURE_", "X_FRAME", "DEBUG", "ALLOWED_HOSTS"))
    }
    return (
        keep
        | observatory.PRODUCTION_ENV
        | {
            "DJANGO_SETTINGS_MODULE": "runnerhub.settings",
            "DATABASE_URL": "sqlite:///:memory:",
            "SECRET_KEY": "production-check-only-" + "Kq7vX2pL9z" * 5,
            "ENV_FILE": "",
            **extra,
        }
    )


def check_deploy(**extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(**extra),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warning_in_production():
    out = check_deploy()
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues" in out.stdout
    assert "WARNING" not in out.stderr


def test_check_deploy_would_say_what_is_missing():
    """The test above can fail: without the HSTS subdomain and preload settings, and with a
    frameable site, Django warns."""
    out = check_deploy(
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0", SECURE_HSTS_PRELOAD="0", X_FRAME_OPTIONS="SAMEORIGIN"
    )
    assert out.returncode != 0
    for warning in ("security.W005", "security.W021", "security.W019"):
        assert warning in out.stderr


def test_the_production_headers_score_a_plus():
    """bench/observatory.py on the home page and an article page, as README says to run it."""
    out = subprocess.run(
        [sys.executable, "bench/observatory.py", "--json"],
        env=production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout)
    assert [path for path in results if path.startswith("/articles/")], results
    assert "/" in results
    for path, result in results.items():
        assert result["score"] >= 100, (path, result)
        assert result["grade"] == "A+"
        tests = {name: outcome for name, (outcome, _modifier) in result["tests"].items()}
        assert tests["content-security-policy"] == "csp-implemented-with-no-unsafe-default-src-none"
        assert tests["redirection"] == "redirection-to-https"
        assert tests["strict-transport-security"] == "hsts-implemented-max-age-at-least-six-months"


# The scorer itself, on made-up sites ---------------------------------------------------------


def site(headers: dict[str, str], body: str = "<p>hi</p>", redirects: bool = True, cookies=()):
    page = observatory.Response(
        "https://a.example/",
        200,
        {k.lower(): [v] for k, v in ({"Content-Type": "text/html"} | headers).items()},
        list(cookies),
        body,
    )
    http = observatory.Response("http://a.example/", 301 if redirects else 200, {}, [])
    route = [http, page] if redirects else [http]
    return observatory.Retrieval(route, page, observatory.Response(page.url, 200, {}, []), cookies)


STRONG = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def test_a_site_with_no_security_headers_fails():
    result = observatory.score(site({}, redirects=False))
    assert result["score"] == 100 - 25 - 20 - 20 - 5 - 20  # CSP, redirect, HSTS, XCTO, XFO
    assert result["grade"] == "F"


def test_a_strong_site_gets_every_bonus():
    result = observatory.score(site(STRONG))
    assert result["score"] == 100 + 10 + 5 + 5 + 10  # CSP, referrer, XFO via CSP, CORP


@pytest.mark.parametrize(
    ("csp", "expected"),
    [
        ("default-src 'self'", "csp-implemented-with-no-unsafe"),
        (
            "default-src 'none'; script-src 'self' 'unsafe-inline'",
            "csp-implemented-with-unsafe-inline",
        ),
        (
            "default-src 'none'; script-src 'self' 'nonce-abc' 'unsafe-inline'",
            "csp-implemented-with-no-unsafe-default-src-none",
        ),
        ("default-src 'none'; script-src 'self' 'unsafe-eval'", "csp-implemented-with-unsafe-eval"),
        (
            "default-src 'none'; style-src 'self' 'unsafe-inline'",
            "csp-implemented-with-unsafe-inline-in-style-src-only",
        ),
        (
            "default-src 'none'; img-src http:",
            "csp-implemented-with-insecure-scheme-in-passive-content-only",
        ),
        ("script-src 'self'", "csp-implemented-with-unsafe-inline"),  # object-src not restricted
        ("default-src 'none'; default-src 'self'", "csp-header-invalid"),
    ],
)
def test_csp_results(csp, expected):
    assert observatory.csp_test(site({"Content-Security-Policy": csp}))[0] == expected


def test_bonuses_count_only_from_an_a():
    almost = {k: v for k, v in STRONG.items() if k != "X-Content-Type-Options"}  # -5
    assert observatory.score(site(almost))["score"] == 100 - 5 + 30
    weaker = almost | {"Strict-Transport-Security": "max-age=60"}  # -10: 85, below an A
    assert observatory.score(site(weaker))["score"] == 100 - 5 - 10  # no bonus at all


def test_cookies():
    secure = observatory.Cookie("csrftoken", secure=True, httponly=False, samesite="Lax")
    session = observatory.Cookie("sessionid", secure=True, httponly=False, samesite="Lax")
    plain = observatory.Cookie("banner", secure=False, httponly=False, samesite="")
    assert observatory.cookies_test(site(STRONG, cookies=[secure])) == (
        "cookies-secure-with-httponly-sessions-and-samesite"
    )
    assert observatory.cookies_test(site(STRONG, cookies=[secure, session])) == (
        "cookies-session-without-httponly-flag"
    )
    assert observatory.cookies_test(site(STRONG, cookies=[plain])) == (
        "cookies-without-secure-flag-but-protected-by-hsts"
    )


def test_third_party_scripts_without_sri_cost_points():
    body = (
        '<script src="https://cdn.example.net/x.js"></script><script src="/static/a.js"></script>'
    )
    assert observatory.sri_test(site(STRONG, body)) == (
        "sri-not-implemented-but-external-scripts-loaded-securely"
    )
    assert observatory.sri_test(site(STRONG, '<script src="/static/a.js"></script>')) == (
        "sri-not-implemented-but-all-scripts-loaded-from-secure-origin"
    )
