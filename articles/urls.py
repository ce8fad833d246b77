from django.urls import path

from runnerhub.pagecache import public_page

from . import feeds, views

PAGED = ("page",)

app_name = "articles"

urlpatterns = [
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("articles/", public_page(views.ArticleListView.as_view(), params=PAGED), name="list"),
    path(
        "articles/<slug:slug>/",
        public_page(views.ArticleDetailView.as_view(), params=("cpage", "corder")),
        name="detail",
    ),
    path("topics/<slug:slug>/", public_page(views.TopicView.as_view(), params=PAGED), name="topic"),
    path("tags/<slug:slug>/", public_page(views.TagView.as_view(), params=PAGED), name="tag"),
    path(
        "authors/<slug:slug>/",
        public_page(views.AuthorView.as_view(), params=PAGED),
        name="author",
    ),
    path(
        "search/",
        public_page(views.SearchView.as_view(), params=("q", "page"), store=False),
        name="search",
    ),
    path("feed/", public_page(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", public_page(feeds.LatestArticlesAtomFeed()), name="feed_atom"),
    path("topics/<slug:slug>/feed/", public_page(feeds.TopicFeed()), name="topic_feed"),
    path(
        "topics/<slug:slug>/feed/atom/", public_page(feeds.TopicAtomFeed()), name="topic_feed_atom"
    ),
    path("tags/<slug:slug>/feed/", public_page(feeds.TagFeed()), name="tag_feed"),
    path("tags/<slug:slug>/feed/atom/", public_page(feeds.TagAtomFeed()), name="tag_feed_atom"),
]
