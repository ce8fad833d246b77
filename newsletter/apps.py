from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    name = "newsletter"
    verbose_name = _("Newsletter")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from anymail.signals import tracking
        from django.db.models import Subquery

        from runnerhub import pagecache, revisions
        from shop import sources

        from .models import Issue, issue_campaign

        # /go/ names the issue a click came from (shop/sources.py): a public issue only.
        sources.register_issues(
            sources.IssueSource(
                subject=lambda pk: Subquery(
                    Issue.objects.published().filter(pk=pk).values("subject")[:1]
                ),
                campaign=issue_campaign,
            )
        )

        # Drafts keep revisions; a sent issue cannot be changed (IssueAdmin), so keeps none.
        revisions.register(Issue)

        from . import checks  # noqa: F401 - registers the system checks
        from .templatetags.newsletter_tags import HIDE_COOKIE, HIDE_VALUE, SEEN_VALUE
        from .webhooks import record_tracking_event

        # Which banner a page draws (whole, one line, none): each is a page of its own.
        pagecache.VARY_COOKIES[HIDE_COOKIE] = frozenset({HIDE_VALUE, SEEN_VALUE})
        # Providers' bounce and complaint reports (newsletter.webhooks verifies each post).
        tracking.connect(record_tracking_event, dispatch_uid="newsletter.webhooks")
