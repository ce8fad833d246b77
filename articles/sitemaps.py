"""The sitemap: /sitemap.xml is an index (django.contrib.sitemaps' index view) of one
sitemap per section, each paged at SITEMAP_LIMIT URLs (the protocol allows 50,000), so no
page grows with the site and each costs a count and one page of rows."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from .models import Article, Tag, Topic

# URLs per sitemap page: a tenth of the protocol's 50,000, so a page renders in a few
# milliseconds even at 10,000 articles (bench/site.py measures it).
SITEMAP_LIMIT = 5_000


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = SITEMAP_LIMIT

    def items(self):
        # -id too, so that the pages never overlap when two articles share a publish time.
        return Article.objects.public().only("slug", "updated_at").order_by("-publish_at", "-id")

    def lastmod(self, item: Article):
        return item.updated_at

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item (all 10,000 rows for the index).
        return Article.objects.public().aggregate(latest=Max("updated_at"))["latest"]


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = SITEMAP_LIMIT

    def items(self):
        return Topic.objects.filter(articles__in=Article.objects.public()).distinct()


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4
    limit = SITEMAP_LIMIT

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
}
