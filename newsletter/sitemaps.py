from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.db.models.functions import Coalesce

from .models import Issue


class NewsletterIssueSitemap(Sitemap):
    """The web versions of the issues that went out (the archive is linked from each)."""

    changefreq = "never"  # a sent issue never changes
    priority = 0.3

    def items(self):
        return Issue.objects.published().only("pk", "started_at", "finished_at")

    def lastmod(self, item: Issue):
        return item.finished_at or item.started_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item; the index needs only the newest.
        return self.items().aggregate(latest=Max(Coalesce("finished_at", "started_at")))["latest"]
