from django.contrib.sitemaps import Sitemap

from .models import Issue


class NewsletterIssueSitemap(Sitemap):
    """The web versions of the issues that went out (the archive is linked from each)."""

    changefreq = "never"  # a sent issue never changes
    priority = 0.3

    def items(self):
        return Issue.objects.published().only("pk", "started_at", "finished_at")

    def lastmod(self, item: Issue):
        return item.finished_at or item.started_at
