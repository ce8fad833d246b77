"""gunicorn's settings, read from the working directory by `gunicorn runnerhub.wsgi`
(`make serve`, production). Everything else is given on the command line or in
GUNICORN_CMD_ARGS.

gunicorn's own lines (start-up, worker timeouts and restarts) go through the same handler
and formats as Django's (LOG_FORMAT, LOG_LEVEL), so that with LOG_FORMAT=json the process
writes nothing but JSON lines.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "runnerhub.settings")

from django.conf import settings

logconfig_dict = {
    "filters": settings.LOGGING["filters"],
    "formatters": settings.LOGGING["formatters"],
    "handlers": settings.LOGGING["handlers"],
    "root": settings.LOGGING["root"],
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}
