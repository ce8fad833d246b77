"""Production's static storage (runnerhub/static_storage.py): the hashed URL of each name is
worked out once per process, and is the one the manifest storage gives."""

import json

import pytest
from whitenoise.storage import CompressedManifestStaticFilesStorage

from runnerhub.static_storage import StaticFilesStorage

MANIFEST = {
    "paths": {"runnerhub/css/site.css": "runnerhub/css/site.0123456789ab.css"},
    "version": "1.1",
    "hash": "x",
}


@pytest.fixture
def root(tmp_path, settings):
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    settings.DEBUG = False
    return tmp_path


def test_each_url_is_worked_out_once_and_is_the_manifests(root, monkeypatch):
    storage = StaticFilesStorage(location=root, base_url="/static/")
    plain = CompressedManifestStaticFilesStorage(location=root, base_url="/static/")
    expected = plain.url("runnerhub/css/site.css")
    assert expected == "/static/runnerhub/css/site.0123456789ab.css"
    lookups = []
    stored_name = StaticFilesStorage.stored_name
    monkeypatch.setattr(
        StaticFilesStorage,
        "stored_name",
        lambda self, name: lookups.append(name) or stored_name(self, name),
    )
    assert [storage.url("runnerhub/css/site.css") for _ in range(3)] == [expected] * 3
    assert lookups == ["runnerhub/css/site.css"]


def test_a_name_missing_from_the_manifest_still_raises_each_time(root):
    storage = StaticFilesStorage(location=root, base_url="/static/")
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("runnerhub/css/missing.css")


def test_a_manifest_read_again_forgets_the_urls(root):
    storage = StaticFilesStorage(location=root, base_url="/static/")
    storage.url("runnerhub/css/site.css")
    manifest = {
        **MANIFEST,
        "paths": {"runnerhub/css/site.css": "runnerhub/css/site.fedcba987654.css"},
    }
    (root / "staticfiles.json").write_text(json.dumps(manifest))
    storage.hashed_files, storage.manifest_hash = storage.load_manifest()
    assert storage.url("runnerhub/css/site.css") == "/static/runnerhub/css/site.fedcba987654.css"
