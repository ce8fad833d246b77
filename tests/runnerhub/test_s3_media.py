"""Media on S3-compatible object storage (MEDIA_STORAGE=s3), against moto's S3 server on
loopback: uploads and renditions land in the bucket and pages link to the bucket."""

import json
import os
import re
import subprocess
import sys
import urllib.request
from email.message import Message
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from articles.models import Article
from runnerhub.images import media_base_url
from tests.articles.factories import TopicFactory
from tests.articles.test_admin import ADD_URL, form_data, jpeg
from tests.runnerhub.factories import StaffFactory, signed_in

if os.environ.get("CI"):  # CI installs the dev requirements: a missing moto is a failure
    import boto3
    import moto.server as moto_server
else:
    boto3 = pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "runnerhub-media"
pytestmark = pytest.mark.django_db


def _settings_env(**variables) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MEDIA_"))}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "runnerhub.settings",
        "SECRET_KEY": "test-only",
        "ENV_FILE": "",
        **variables,
    }


def _media_storage_from_settings(**variables) -> subprocess.CompletedProcess:
    code = (
        "import json, django; django.setup(); from django.conf import settings;"
        "print(json.dumps({'STORAGE': settings.STORAGES['default'],"
        " 'SERVE_MEDIA': settings.SERVE_MEDIA}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env=_settings_env(**variables),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    _client(endpoint).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def _client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


@pytest.fixture
def s3_media(settings, s3_endpoint):
    """The default storage exactly as settings.py builds it from the environment."""
    out = _media_storage_from_settings(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_ACL="public-read",
    )
    assert out.returncode == 0, out.stderr
    settings.STORAGES = {**settings.STORAGES, "default": json.loads(out.stdout)["STORAGE"]}
    client = _client(s3_endpoint)
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    return client


def _keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def _fetch(url: str) -> tuple[bytes, Message]:
    """What a reader's browser gets: no credentials."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers


def test_settings_choose_the_storage_from_the_environment():
    out = _media_storage_from_settings()
    assert out.returncode == 0, out.stderr
    default = json.loads(out.stdout)
    assert default["STORAGE"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}

    out = _media_storage_from_settings(
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="media-bucket",
        AWS_S3_REGION_NAME="eu-west-2",
        AWS_S3_CUSTOM_DOMAIN="media.example.com",
        AWS_LOCATION="uploads",
        DEBUG="1",
    )
    assert out.returncode == 0, out.stderr
    s3 = json.loads(out.stdout)
    assert s3["STORAGE"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "media-bucket",
            "region_name": "eu-west-2",
            "custom_domain": "media.example.com",
            "location": "uploads",
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    # Django does not serve media it does not have, even in the demo.
    assert s3["SERVE_MEDIA"] is False


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "Set the AWS_STORAGE_BUCKET_NAME environment variable"),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be filesystem or s3"),
    ],
)
def test_a_wrong_storage_setting_stops_the_start(variables, message):
    out = _media_storage_from_settings(**variables)
    assert out.returncode != 0
    assert message in out.stderr


def test_editor_upload_lands_in_the_bucket(client, s3_media, s3_endpoint, settings):
    client.force_login(StaffFactory())
    response = client.post("/editor/upload/", {"upload": jpeg(size=(2000, 1000))})
    assert response.status_code == 200, response.content
    url = response.json()["url"]
    base = f"{s3_endpoint}/{BUCKET}/"
    assert media_base_url() == base
    found = re.fullmatch(
        rf"{re.escape(base)}(editor/\d{{4}}/\d\d/[0-9a-f]{{16}})-1600x800\.jpg", url
    )
    assert found, url
    stem = found.group(1)
    assert _keys(s3_media) == {
        f"{stem}-{size}.jpg" for size in ("1600x800", "480x240", "800x400", "1200x600")
    }
    body, headers = _fetch(url)
    assert body.startswith(b"\xff\xd8") and headers["Content-Type"] == "image/jpeg"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert not (Path(settings.MEDIA_ROOT) / f"{stem}-1600x800.jpg").exists()


def test_an_article_with_a_hero_and_a_body_image_is_served_from_the_bucket(
    client, s3_media, s3_endpoint
):
    editor = signed_in(client, "Editors", username="s3-editor")
    upload = client.post("/editor/upload/", {"upload": jpeg(size=(1000, 600))}).json()["url"]
    body = f'<p>Like this:</p><figure class="image"><img src="{upload}" alt="A stretch"></figure>'
    data = form_data(TopicFactory(), editor, hero_image=jpeg(), hero_alt="Strides", body=body)
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="strides-for-beginners")

    # The hero and its renditions are objects in the bucket, with unique names.
    hero = article.hero_image.name
    assert re.fullmatch(r"heroes/\d{4}/\d\d/hero\.jpg", hero)
    keys = _keys(s3_media)
    assert hero in keys
    assert [(r["w"], r["name"] in keys) for r in article.hero_renditions] == [
        (480, True),
        (800, True),
        (1200, True),
        (1600, True),
    ]
    # The editor's image survived sanitizing (the bucket is its own, http here) and got its
    # srcset of renditions.
    assert f'src="{upload}"' in article.body_html and "srcset=" in article.body_html

    page = client.get(article.get_absolute_url()).content.decode()
    base = f"{s3_endpoint}/{BUCKET}/"
    hero_urls = re.findall(rf"{re.escape(base)}renditions/heroes/[^\s\"]+-\d+w\.webp", page)
    assert {url.rsplit("-", 1)[1] for url in hero_urls} >= {"480w.webp", "800w.webp", "1200w.webp"}
    assert f"{base}{hero} 1600w" in page
    assert upload in page and "/media/" not in page
    for url in hero_urls:  # WebP: RIFF, a length, WEBP
        assert _fetch(url)[0][8:12] == b"WEBP", url
    for url in {f"{base}{hero}", upload, upload.replace("-1000x600.jpg", "-480x288.jpg")}:
        assert _fetch(url)[0].startswith(b"\xff\xd8"), url


def test_two_uploads_of_the_same_name_do_not_replace_each_other(s3_media):
    first = default_storage.save("heroes/2026/01/hero.jpg", ContentFile(b"one"))
    second = default_storage.save("heroes/2026/01/hero.jpg", ContentFile(b"two"))
    assert first != second
    assert _keys(s3_media) == {first, second}
    with default_storage.open(first) as fh:
        assert fh.read() == b"one"
