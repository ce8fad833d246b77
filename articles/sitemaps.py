from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from newsletter.sitemaps import NewsletterIssueSitemap

from .models import Article, Tag, Topic


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Article.objects.public().only("slug", "updated_at").order_by("-publish_at")

    def lastmod(self, item: Article):
        return item.updated_at


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Topic.objects.filter(articles__in=Article.objects.public()).distinct()


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return Tag.objects.filter(articles__in=Article.objects.public()).distinct()


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["articles:home", "articles:list"]

    def location(self, item: str) -> str:
        return reverse(item)


sitemaps = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "tags": TagSitemap,
    "newsletter": NewsletterIssueSitemap,
}
