"""The Content Security Policy, Permissions-Policy and the other headers of our pages, and
templates that keep working under them (no inline script, no event handler attribute)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory

from runnerhub.middleware import ContentSecurityPolicyMiddleware
from tests.articles.factories import ArticleFactory
from tests.runnerhub.factories import StaffFactory

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ("runnerhub", "articles", "comments", "newsletter", "shop", "demo")


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def article(db):
    return ArticleFactory(video_url="https://youtu.be/dQw4w9WgXcQ")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/articles/", "/newsletter/", "/search/?q=knee", "/nope/"])
def test_every_page_has_the_policy(client, url):
    csp = policy(client.get(url))
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"][0] == "'self'"
    assert not {"'unsafe-inline'", "'unsafe-eval'", "data:", "https:", "*"} & set(csp["script-src"])
    assert csp["style-src"] == ["'self'", "'report-sample'"]  # not even styles inline
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["frame-src"] == settings.VIDEO_EMBED_ORIGINS
    assert csp["report-uri"] == ["/csp-report/"]
    assert csp["report-to"] == ["csp"]


def test_the_article_page_has_the_policy(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_frame_src_names_exactly_the_players_the_video_script_loads():
    script = (ROOT / "articles/static/articles/video.js").read_text()
    loaded = set(re.findall(r'"(https://[^/"]+)/', script))
    assert loaded == set(settings.VIDEO_EMBED_ORIGINS)


@pytest.mark.django_db
def test_admin_pages_may_use_inline_styles_never_inline_scripts(client):
    client.force_login(StaffFactory(is_superuser=True))
    for url in ("/admin/login/", "/admin/", "/admin/articles/article/add/"):
        csp = policy(client.get(url))
        assert "'unsafe-inline'" in csp["style-src"], url
        assert "blob:" in csp["img-src"]  # CKEditor's upload placeholder
        assert "'unsafe-inline'" not in csp["script-src"]
        assert csp["frame-ancestors"] == ["'none'"]


class _NonceView:
    """A page with an inline script that carries the request's nonce."""

    def __call__(self, request):
        template = engines["django"].from_string(
            '<script nonce="{{ request.csp_nonce }}">go()</script>'
        )
        return HttpResponse(template.render({"request": request}))


def test_an_inline_script_with_the_requests_nonce_is_allowed():
    request = RequestFactory().get("/")
    response = ContentSecurityPolicyMiddleware(_NonceView())(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert len(nonce) >= 22  # 128 bits
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]


@pytest.mark.django_db
def test_the_other_security_headers(client):
    response = client.get("/")
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Reporting-Endpoints"] == 'csp="/csp-report/"'
    features = dict(item.split("=", 1) for item in response["Permissions-Policy"].split(", "))
    assert features["camera"] == features["geolocation"] == features["microphone"] == "()"
    # The video player's iframe asks for these with allow="..."; the page must have them.
    players = " ".join(f'"{origin}"' for origin in settings.VIDEO_EMBED_ORIGINS)
    for feature in ("autoplay", "fullscreen", "picture-in-picture", "encrypted-media"):
        assert features[feature] == f"(self {players})"


def test_static_files_and_feeds_get_no_page_headers(client, db):
    response = client.get("/robots.txt")
    assert "Permissions-Policy" not in response
    assert "Cross-Origin-Resource-Policy" not in response  # emails and readers load media


def _frame_settings(x_frame_options: str) -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.X_FRAME_OPTIONS, "
        "*settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['frame-ancestors'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {
        "DJANGO_SETTINGS_MODULE": "runnerhub.test_settings",
        "DATABASE_URL": "sqlite:///:memory:",
        "X_FRAME_OPTIONS": x_frame_options,
    }
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )


def test_x_frame_options_sameorigin_lets_our_own_pages_frame_each_other():
    out = _frame_settings("sameorigin")
    assert out.stdout.strip() == "SAMEORIGIN 'self'", out.stderr
    out = _frame_settings("ALLOW-FROM https://evil.example")
    assert "X_FRAME_OPTIONS must be DENY or SAMEORIGIN" in out.stderr


# Templates ----------------------------------------------------------------------------------


def _templates():
    for app in PROJECT_APPS:
        yield from (ROOT / app).glob("templates/**/*.html")


def _is_email(template: Path) -> bool:
    return "/email/" in template.as_posix()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/(?:ld\+)?json\")")
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


@pytest.mark.parametrize("template", list(_templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_an_inline_script_or_an_event_handler(template):
    """The policy refuses both; a script belongs in a static file (or, if it really must be
    inline, carries nonce="{{ request.csp_nonce }}")."""
    text = template.read_text()
    for match in INLINE_SCRIPT.finditer(text):
        assert "csp_nonce" in text[match.start() : text.index(">", match.start())], (
            "inline <script> without the nonce"
        )
    assert not EVENT_HANDLER.search(text)


@pytest.mark.parametrize(
    "template",
    [t for t in _templates() if "templates/admin/" not in t.as_posix() and not _is_email(t)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_public_templates_have_no_inline_style(template):
    """The public policy has no 'unsafe-inline' for styles (only admin's has); emails are
    not web pages."""
    text = template.read_text()
    assert not re.search(r"\sstyle=|<style", text)


def test_json_ld_is_a_data_block_which_the_policy_does_not_apply_to():
    """CSP's script-src governs scripts that run; a JSON-LD block never runs, so it needs no
    nonce (and the browser tests see no violation on the article page that has one)."""
    template = engines["django"].from_string("{% load runnerhub_tags %}{% ld_json data %}")
    html = template.render({"data": {"name": "</script><script>alert(1)</script>"}})
    assert html.startswith('<script type="application/ld+json">')
    assert html.count("</script>") == 1
