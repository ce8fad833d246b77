from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    # No models: only the `load_demo` command and the content it loads.
    name = "demo"
    verbose_name = _("Demo content")
