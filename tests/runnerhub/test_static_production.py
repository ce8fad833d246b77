"""In production (DEBUG off) static files are collected with hashed names and served by
WhiteNoise with far-future, immutable caching, compressed ahead of time (brotli and gzip)."""

import json
import subprocess
import sys
import textwrap

from tests.runnerhub.test_production import ROOT, production_env

PROBE = textwrap.dedent(
    """
    import json, sys
    import django
    from django.conf import settings
    settings.STATIC_ROOT = sys.argv[1]
    django.setup()
    from django.core.management import call_command
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.templatetags.static import static
    from django.test import RequestFactory
    from whitenoise.middleware import WhiteNoiseMiddleware

    middleware = WhiteNoiseMiddleware(lambda request: None)
    found = {}
    for name in ("runnerhub/css/site.css", "runnerhub/fonts/inter-wght-core.woff2",
                 "comments/comments.js"):
        url = static(name)
        response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING="br, gzip"))
        unhashed = middleware(RequestFactory().get("/static/" + name))
        found[name] = {
            "url": url,
            "status": response.status_code,
            "cache_control": response.get("Cache-Control"),
            "encoding": response.get("Content-Encoding"),
            "unhashed_cache_control": unhashed.get("Cache-Control"),
        }
    print(json.dumps(found))
    """
)


def test_static_files_have_hashed_names_and_immutable_far_future_caching(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "static")],
        env=production_env(DJANGO_SETTINGS_MODULE="runnerhub.settings"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    for name, served in found.items():
        stem, _, extension = name.rpartition(".")
        assert served["url"].startswith(f"/static/{stem}.")
        assert served["url"].endswith(f".{extension}") and len(served["url"]) > len(name) + 16
        assert served["status"] == 200
        control = served["cache_control"]
        assert "immutable" in control and "public" in control, name
        assert int(control.split("max-age=")[1].split(",")[0]) >= 365 * 24 * 3600, name
        # The name without its hash may change any day: never cached for long.
        assert "immutable" not in (served["unhashed_cache_control"] or ""), name
    assert found["runnerhub/css/site.css"]["encoding"] == "br"
    assert found["comments/comments.js"]["encoding"] == "br"
    assert found["runnerhub/fonts/inter-wght-core.woff2"]["encoding"] is None  # already compressed
