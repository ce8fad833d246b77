from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Article

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    title = f"{settings.SITE_NAME}: running advice"
    link = reverse_lazy("articles:home")
    description = "New articles on training, injuries and gear from the shop's experts."

    def items(self):
        return Article.objects.public().for_lists()[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.lead

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author.public_name

    def item_categories(self, item: Article):
        return [item.topic.name]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
