"""The sitemap: /sitemap.xml is an index (django.contrib.sitemaps' index view) of one
sitemap per section, each paged at SITEMAP_LIMIT URLs (the protocol allows 50,000), so no
page grows with the site.

A section page is written by `section_page`, one Python loop over rows fetched as tuples,
rather than by Django's sitemap view: at 5,000 URLs a page, that view spends most of a
second in reverse() and the template engine (bench/RESULTS.md). A test keeps the two
outputs identical, byte for byte."""

from functools import cached_property
from html import escape

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import x_robots_tag
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from .models import Article, Tag, Topic, people_with_author_pages

# URLs per sitemap page: a tenth of the protocol's 50,000, so that a page stays small and
# quick to write at any size of the site.
SITEMAP_LIMIT = 5_000


class SlugRowsSitemap(Sitemap):
    """A section whose items are (slug, lastmod) tuples, not model instances: its addresses
    are `url_name`'s with the slug put in."""

    url_name = ""
    limit = SITEMAP_LIMIT

    @cached_property
    def prefix(self) -> str:
        # One reverse() for the whole page (an instance serves one request): the address is
        # the same but for the slug.
        placeholder = "slug-placeholder"
        return reverse(self.url_name, kwargs={"slug": placeholder}).split(placeholder)[0]

    def location(self, item: tuple) -> str:
        return self.prefix + item[0] + "/"

    def lastmod(self, item: tuple):
        return item[1]


class ArticleSitemap(SlugRowsSitemap):
    changefreq = "weekly"
    priority = 0.8
    url_name = "articles:detail"

    def items(self):
        # -id too, so that pages never overlap when two articles share a publish time.
        return (
            Article.objects.public()
            .order_by("-publish_at", "-id")
            .values_list("slug", "updated_at")
        )

    def get_latest_lastmod(self):
        # Django's default calls lastmod() on every item (all 10,000 rows for the index).
        return Article.objects.public().aggregate(latest=Max("updated_at"))["latest"]


def _with_public_articles(queryset, field: str):
    return queryset.filter(Exists(Article.objects.public().filter(**{field: OuterRef("pk")})))


class TopicSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = SITEMAP_LIMIT

    def items(self):
        return _with_public_articles(Topic.objects.only("slug"), "topic")


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4
    limit = SITEMAP_LIMIT

    def items(self):
        return _with_public_articles(Tag.objects.only("slug"), "tags")


class AuthorSitemap(SlugRowsSitemap):
    """Author pages: exactly the people who have one (people_with_author_pages, the rule
    of the author view's 404). Lastmod: the newest change of their public articles (none
    for a staff member who has written nothing yet)."""

    changefreq = "weekly"
    priority = 0.5
    url_name = "articles:author"

    def items(self):
        latest = (
            Article.objects.public()
            .filter(author=OuterRef("pk"))
            .order_by("-updated_at")
            .values("updated_at")[:1]
        )
        return (
            people_with_author_pages()
            .annotate(lastmod=Subquery(latest))
            .order_by("slug")
            .values_list("slug", "lastmod")
        )

    def get_latest_lastmod(self):
        return (
            Article.objects.public()
            .filter(author__in=people_with_author_pages())
            .aggregate(latest=Max("updated_at"))["latest"]
        )


class PagesSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["articles:home", "articles:list", "newsletter:archive"]

    def location(self, item: str) -> str:
        return reverse(item)


sitemaps = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)


@x_robots_tag
def section_page(request: HttpRequest, sitemaps: dict, section: str) -> HttpResponse:
    """One page (?p=N) of one section: what django.contrib.sitemaps.views.sitemap writes
    with its sitemap.xml template, written directly."""
    if section not in sitemaps:
        raise Http404("No sitemap available for this section.")
    sitemap = sitemaps[section]()
    try:
        items = sitemap.paginator.page(request.GET.get("p", 1)).object_list
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such sitemap page.") from error
    base = f"{sitemap.get_protocol(request.scheme)}://{request.get_host()}"
    changefreq = f"<changefreq>{sitemap.changefreq}</changefreq>" if sitemap.changefreq else ""
    priority = f"<priority>{sitemap.priority}</priority>" if sitemap.priority is not None else ""
    has_lastmod = callable(getattr(sitemap, "lastmod", None))
    zone = timezone.get_current_timezone()  # once: the loop below runs 5,000 times
    latest = None
    parts = [_HEAD]
    for item in items:
        lastmod = ""
        if has_lastmod and (moment := sitemap.lastmod(item)) is not None:
            latest = moment if latest is None else max(latest, moment)
            lastmod = f"<lastmod>{moment.astimezone(zone).date().isoformat()}</lastmod>"
        parts.append(
            # html.escape: what Django's escape() does, without its wrapper's cost per call.
            f"<url><loc>{escape(base + sitemap.location(item))}</loc>"
            f"{lastmod}{changefreq}{priority}</url>"
        )
    parts.append("\n</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml")
    if latest is not None:
        response["Last-Modified"] = http_date(latest.timestamp())
    return response
