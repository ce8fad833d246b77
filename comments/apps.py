from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Reader questions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from runnerhub import pagecache

        from .views import OWN_COOKIE

        # The returning commenter's proof: their pages are their own, never cached.
        pagecache.PRIVATE_COOKIES.add(OWN_COOKIE)
