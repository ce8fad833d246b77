"""The admin's address for tests: wherever ADMIN_URL puts it (Django's usual /admin/ by
default), so the suite passes with the admin moved too."""

from django.conf import settings

ADMIN = f"/{settings.ADMIN_URL}"
