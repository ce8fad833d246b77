from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.urls import include, path, re_path
from django.views.static import serve

from articles.sitemaps import section_page
from articles.sitemaps import sitemaps as article_sitemaps
from newsletter.sitemaps import NewsletterIssueSitemap

from . import csp_reports, outages, views
from .canonical import canonical_query
from .pagecache import public_page
from .site_url import on_site_url

# Every app's sections of the sitemap; composed here, where imports may run upwards.
sitemaps = {**article_sitemaps, "newsletter": NewsletterIssueSitemap}

# A database that cannot be reached answers 503 with Retry-After, anything else 500.
handler500 = outages.server_error

urlpatterns = [
    # Inside the admin's address, before admin's own catch-all.
    path(f"{settings.ADMIN_URL}two-factor/", include("runnerhub.signin.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("editor/upload/", views.editor_image_upload, name="editor_image_upload"),
    path("healthz", views.healthz, name="healthz"),
    path(settings.VIOLATION_REPORTS_PATH.lstrip("/"), csp_reports.csp_report, name="csp_report"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("forms/token/", views.form_token, name="form_token"),
    # An index of paged section sitemaps (articles.sitemaps), each page a public page of its own.
    path(
        "sitemap.xml",
        public_page(on_site_url(sitemap_index)),
        {"sitemaps": sitemaps, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<slug:section>.xml",
        public_page(on_site_url(canonical_query(section_page, "p")), params=("p",)),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path("comments/", include("comments.urls")),
    path("newsletter/", include("newsletter.urls")),
    path("", include("shop.urls")),
    path("", include("articles.urls")),
]

if settings.BENCH:  # `make bench` only: the floor every page is measured against
    urlpatterns.insert(0, path("bench/floor/", views.bench_floor, name="bench_floor"))

if settings.SERVE_MEDIA:
    # The demo and the test server serve uploads themselves; production uses object storage
    # or the web server (see README).
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]
