from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import ids


class RunnerHubConfig(AppConfig):
    name = "runnerhub"
    verbose_name = _("Site and people")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .signin import checks  # noqa: F401 - registers the system checks

        ids.register()  # before any URLconf (the apps' and the admin's) is loaded
