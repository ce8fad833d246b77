from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RunnerHubConfig(AppConfig):
    name = "runnerhub"
    verbose_name = _("Site and people")
    default_auto_field = "django.db.models.BigAutoField"
