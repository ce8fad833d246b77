from django.urls import path

from runnerhub.canonical import canonical_query
from runnerhub.pagecache import public_page
from runnerhub.site_url import on_site_url

from . import feeds, views

PAGED = ("page",)


def paged(view):
    """A public list page: ?page=N, one spelling per page (runnerhub/canonical.py)."""
    return public_page(canonical_query(view, *PAGED), params=PAGED)


app_name = "articles"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("articles/", paged(views.ArticleListView.as_view()), name="list"),
    path(
        "articles/<slug:slug>/",
        # The comment thread's page and order (comments/pages.py has their rules).
        public_page(
            canonical_query(views.ArticleDetailView.as_view(), "cpage", "corder"),
            params=("cpage", "corder"),
        ),
        name="detail",
    ),
    path("topics/<slug:slug>/", paged(views.TopicView.as_view()), name="topic"),
    path("tags/<slug:slug>/", paged(views.TagView.as_view()), name="tag"),
    path(
        "authors/<slug:slug>/",
        paged(views.AuthorView.as_view()),
        name="author",
    ),
    path(
        "search/",
        public_page(views.SearchView.as_view(), params=("q", "page"), store=False),
        name="search",
    ),
    path("feed/", public_page(on_site_url(feeds.LatestArticlesFeed())), name="feed"),
    path("feed/atom/", public_page(on_site_url(feeds.LatestArticlesAtomFeed())), name="feed_atom"),
    path(
        "topics/<slug:slug>/feed/", public_page(on_site_url(feeds.TopicFeed())), name="topic_feed"
    ),
    path(
        "topics/<slug:slug>/feed/atom/",
        public_page(on_site_url(feeds.TopicAtomFeed())),
        name="topic_feed_atom",
    ),
    path("tags/<slug:slug>/feed/", public_page(on_site_url(feeds.TagFeed())), name="tag_feed"),
    path(
        "tags/<slug:slug>/feed/atom/",
        public_page(on_site_url(feeds.TagAtomFeed())),
        name="tag_feed_atom",
    ),
]
