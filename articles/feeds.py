from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from runnerhub.images import media_base_url
from runnerhub.templatetags.runnerhub_tags import absolute

from .body_blocks import BLOCK_LINE
from .models import Article, Tag, Topic

FEED_SIZE = 20
MAX_SLUG_LENGTH = 200


class LatestArticlesFeed(Feed):
    title = f"{settings.SITE_NAME}: running advice"
    link = reverse_lazy("articles:home")
    description = "New articles on training, injuries and gear from the shop's experts."

    def full_content(self) -> bool:
        return settings.FEED_FULL_CONTENT

    def articles(self, obj):
        return Article.objects.public().for_lists()

    def items(self, obj=None):
        articles = self.articles(obj)
        if self.full_content():
            articles = articles.defer(None).defer("body", "body_text")
        return articles[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        if not self.full_content():
            return item.lead
        # The sanitized body, without the block lines ([video], [product ...]) that only the
        # page turns into boxes; media addresses made absolute for feed readers.
        html = BLOCK_LINE.sub("", item.body_html)
        base = media_base_url()
        if base.startswith("/"):
            html = html.replace(f'="{base}', f'="{absolute(base)}')
        return html

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.author.public_name

    def item_author_link(self, item: Article) -> str | None:
        return absolute(item.author.get_absolute_url()) or None

    def item_categories(self, item: Article):
        return [item.topic.name]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    """The newest articles of one topic or tag: the lead only, whatever the setting."""

    model = Topic

    def full_content(self) -> bool:
        return False

    def get_object(self, request, slug: str):
        if len(slug) > MAX_SLUG_LENGTH:  # as the pages: an absurd length is simply not found
            raise Http404("No such feed.")
        return get_object_or_404(self.model, slug=slug)

    def title(self, obj) -> str:
        return f"{obj.name} · {settings.SITE_NAME}"

    def link(self, obj) -> str:
        return obj.get_absolute_url()

    def description(self, obj) -> str:
        return getattr(obj, "description", "") or f"New articles on {obj.name}."

    subtitle = description

    def articles(self, obj):
        section = {"topic": obj} if self.model is Topic else {"tags": obj}
        return super().articles(obj).filter(**section)


class TopicFeed(SectionFeed):
    pass


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed


class TagFeed(SectionFeed):
    model = Tag


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
