from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anymail.signals import tracking

        from runnerhub import pagecache, revisions

        from .models import Issue

        # Drafts keep revisions; a sent issue cannot be changed (IssueAdmin), so keeps none.
        revisions.register(Issue)

        from . import checks  # noqa: F401 - registers the system checks
        from .templatetags.newsletter_tags import HIDE_COOKIE
        from .webhooks import record_tracking_event

        # Which banner a page draws (whole, one line, none): each is a page of its own.
        pagecache.VARY_COOKIES.add(HIDE_COOKIE)
        # Providers' bounce and complaint reports (newsletter.webhooks verifies each post).
        tracking.connect(record_tracking_event, dispatch_uid="newsletter.webhooks")
