from django.urls import path

from runnerhub.canonical import canonical_query
from runnerhub.pagecache import public_page
from runnerhub.site_url import on_site_url

from . import feeds, views, webhooks

app_name = "newsletter"

urlpatterns = [
    path("", public_page(views.signup, params=("from",)), name="signup"),
    path(
        "archive/",
        public_page(canonical_query(views.IssueArchiveView.as_view(), "page"), params=("page",)),
        name="archive",
    ),
    path("archive/feed/", public_page(on_site_url(feeds.NewsletterIssuesFeed())), name="feed"),
    path(
        "archive/feed/atom/",
        public_page(on_site_url(feeds.NewsletterIssuesAtomFeed())),
        name="feed_atom",
    ),
    path("<id:number>/", public_page(views.issue_detail), name="issue"),
    path("<id:number>/go/", views.issue_link, name="link"),
    path("restore/<str:key>/", views.restore, name="restore"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("webhooks/<slug:provider>/", webhooks.tracking, name="webhook"),
]
