"""Settings for the test suite: fast hashing, in-memory email, immediate tasks, temp media."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# The suite never reads a developer's .env (it would change what is tested: a DATABASE_URL,
# S3 media, JSON logs); only the real environment counts, as in CI. Subprocesses inherit this.
os.environ.setdefault("ENV_FILE", "")

from runnerhub.settings import *  # noqa: F403
from runnerhub.settings import INSTALLED_APPS, STORAGES

# The suite tests the demo too, so it installs the demo app whatever DEBUG is.
if "demo" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "demo"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="runnerhub-test-media-")
SERVE_MEDIA = True
STORAGES = {
    **STORAGES,
    # Tests that need S3 switch to it themselves (tests/runnerhub/test_s3_media.py).
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Admin tests sign staff in without a second step; the two-factor tests ask for it.
ADMIN_2FA_REQUIRED = "none"
