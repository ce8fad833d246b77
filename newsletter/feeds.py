from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Issue

FEED_SIZE = 20


class NewsletterIssuesFeed(Feed):
    title = f"{settings.SITE_NAME}: the weekly newsletter"
    link = reverse_lazy("newsletter:archive")
    description = "Every issue of our weekly newsletter: gear, offers and events."

    def items(self):
        return Issue.objects.published().only("subject", "preheader", "started_at")[:FEED_SIZE]

    def item_title(self, item: Issue) -> str:
        return item.subject

    def item_description(self, item: Issue) -> str:
        return item.preheader

    def item_pubdate(self, item: Issue):
        return item.started_at


class NewsletterIssuesAtomFeed(NewsletterIssuesFeed):
    feed_type = Atom1Feed
    subtitle = NewsletterIssuesFeed.description
