import io
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.test import override_settings
from django.urls import path
from PIL import Image

from tests.admin_paths import ADMIN
from tests.runnerhub.factories import StaffFactory, UserFactory, signed_in

ROOT = Path(__file__).resolve().parents[2]


def _boom(request):
    raise RuntimeError("kaput")


urlpatterns = [path("boom/", _boom)]


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_database(client):
    with mock.patch("runnerhub.outages.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_with_a_database_that_is_really_down():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "runnerhub.test_settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing",
    }
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.strip().splitlines()[-1] == "503", out.stderr


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    # Django's usual admin address is no secret; a moved one is not announced here.
    assert ("Disallow: /admin/" in body) == (ADMIN == "/admin/")
    assert "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.django_db
def test_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_friendly_500(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.content.decode()


def test_secret_key_is_required_without_debug():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DJANGO_SETTINGS_MODULE"] = "runnerhub.settings"
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in out.stderr


@pytest.mark.django_db
def test_role_groups_exist_with_the_right_permissions():
    editors = Group.objects.get(name="Editors")
    moderators = Group.objects.get(name="Moderators")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {
        "add_article",
        "change_article",
        "delete_article",
        "change_topic",
        "add_tag",
    } <= codenames
    assert "change_sitesettings" in codenames
    # Editors never manage users or groups.
    assert not editors.permissions.filter(content_type__app_label="auth").exists()
    assert not editors.permissions.filter(codename__endswith="_user").exists()
    assert moderators is not None


@pytest.mark.django_db
def test_editors_cannot_manage_users(client):
    editor = signed_in(client, "Editors")
    assert client.get(f"{ADMIN}articles/article/").status_code == 200
    assert client.get(f"{ADMIN}runnerhub/user/").status_code == 403
    assert client.get(f"{ADMIN}auth/group/").status_code == 403
    assert client.get(f"{ADMIN}runnerhub/user/{editor.pk}/change/").status_code == 403


@pytest.mark.django_db
def test_admin_is_branded(admin_client):
    response = admin_client.get(ADMIN)
    assert "RunnerHub admin" in response.content.decode()


@pytest.mark.django_db
def test_site_settings_is_a_single_row(admin_client):
    response = admin_client.get(f"{ADMIN}runnerhub/sitesettings/")
    assert response.status_code == 302
    assert admin_client.get(response["Location"]).status_code == 200
    assert admin_client.get(f"{ADMIN}runnerhub/sitesettings/add/").status_code == 403


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 500), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.django_db
class TestEditorImageUpload:
    url = "/editor/upload/"

    def test_staff_can_upload(self, client):
        client.force_login(StaffFactory())
        response = client.post(self.url, {"upload": io.BytesIO(_jpeg())})
        assert response.status_code == 200
        assert response.json()["url"].endswith("-1000x500.jpg")

    def test_readers_cannot(self, client):
        assert client.post(self.url, {"upload": io.BytesIO(_jpeg())}).status_code == 403
        client.force_login(UserFactory())
        assert client.post(self.url, {"upload": io.BytesIO(_jpeg())}).status_code == 403

    def test_not_an_image_is_a_clear_error(self, client):
        client.force_login(StaffFactory())
        upload = io.BytesIO(b"<?php evil(); ?>")
        upload.name = "shell.jpg"
        response = client.post(self.url, {"upload": upload})
        assert response.status_code == 400
        assert "not an image" in response.json()["error"]["message"]

    def test_missing_file(self, client):
        client.force_login(StaffFactory())
        response = client.post(self.url, {})
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "No image was received."

    def test_csrf_is_enforced(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(StaffFactory())
        assert client.post(self.url, {"upload": io.BytesIO(_jpeg())}).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        f"{ADMIN}comments/comment/?state__exact=%00",
        f"{ADMIN}articles/article/?q=%00",
        f"{ADMIN}autocomplete/?term=%00&app_label=articles&model_name=article&field_name=tags",
        f"{ADMIN}newsletter/subscriber/?status__exact=%00",
        f"{ADMIN}comments/comment/inbox/?topic=%00",
    ],
)
def test_admin_addresses_with_a_nul_byte_are_a_400(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "That address doesn’t look right" in response.content.decode()


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("runnerhub/img/favicon.svg")


@pytest.mark.django_db
def test_the_public_name_in_sql_agrees_with_the_property():
    from runnerhub.models import User

    users = [
        UserFactory(username="a1", display_name="Coach Kim", first_name="K", last_name="L"),
        UserFactory(username="a2", display_name="", first_name="Ann", last_name="Lee"),
        UserFactory(username="a3", display_name="", first_name="", last_name="Solo"),
        UserFactory(username="a4", display_name="", first_name="", last_name=""),
        UserFactory(username="a5", display_name="", first_name=" ", last_name=" "),
    ]
    in_sql = dict(
        User.objects.filter(pk__in=[u.pk for u in users])
        .annotate(name=User.public_name_sql())
        .values_list("username", "name")
    )
    assert in_sql == {u.username: u.public_name for u in users}
