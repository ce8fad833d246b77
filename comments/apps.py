from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Reader questions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from runnerhub import canonical, pagecache

        from .pages import comment_order, comment_page
        from .views import OWN_COOKIE

        # The returning commenter's proof: their pages are their own, never cached.
        pagecache.PRIVATE_COOKIES.add(OWN_COOKIE)
        # The article page's thread parameters, one spelling each (comments/pages.py).
        canonical.RULES.update(cpage=comment_page, corder=comment_order)
