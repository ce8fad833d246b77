from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from runnerhub import pagecache

        from .models import Article

        # A scheduled article goes live with no job running: no cached page outlives that.
        pagecache.change_times.append(
            lambda: (
                Article.objects.scheduled()
                .order_by("publish_at")
                .values_list("publish_at", flat=True)
                .first()
            )
        )
