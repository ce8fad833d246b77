import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from . import outages
from .antispam import fetched_time_token
from .csrf import Restorable, restore_redirect
from .images import save_editor_image
from .middleware import in_admin, view_mark


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when the database answers (with the cache's
    state: "degraded" while it is away, since the site keeps working without it), 503 when
    the database does not."""
    database, cache = outages.database_state(), outages.cache_state()
    if database != "ok":
        status, code = "unavailable", 503
    else:
        status, code = ("ok" if cache == "ok" else "degraded"), 200
    return JsonResponse({"status": status, "database": database, "cache": cache}, status=code)


def bench_floor(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor (mounted only with the BENCH setting): the same middleware as every
    page, no query, no template."""
    return HttpResponse(b"ok", content_type="text/plain")


@never_cache  # no-store: one browser's token, never kept by anyone
@require_GET
def form_token(request: HttpRequest) -> JsonResponse:
    """A CSRF token (and its cookie), a fresh key against double posts and the time trap's
    render time, for a form on a page that may be cached and so carries none of them
    (runnerhub/pagecache.py). forms.js asks for them when the form is first used: the time
    trap counts from now (runnerhub/antispam.py), and `minSeconds` lets forms.js hold back a
    post sent sooner rather than have it taken for a bot's."""
    return JsonResponse(
        {
            "csrfToken": get_token(request),
            "formKey": str(uuid.uuid4()),
            "rendered": fetched_time_token(request),
            "minSeconds": settings.ANTISPAM_MIN_SECONDS,
        }
    )


@require_GET
@cache_control(public=True, max_age=60 * 60)  # a proxy or CDN may keep it; nothing to cache here
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    if settings.ADMIN_URL == "admin/":
        # Django's usual address is no secret; a moved admin is not announced to every
        # reader of this file (its pages say noindex themselves).
        lines.append("Disallow: /admin/")
    lines += [
        "Disallow: /search/",
        "Disallow: /editor/",
        "",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def one_click_unsubscribe(
    request: HttpRequest, *, target, unsubscribe, template: str, name: str
) -> HttpResponse:
    """RFC 8058: a GET shows one button; a POST, from the person or from their mail
    provider (no login, no CSRF token: the caller is csrf_exempt), unsubscribes at once.
    `target` is what the link's signed token names, or None for a bad link."""
    if target is None:
        return render(request, template, {"invalid": True}, status=404)
    context = {name: target}
    if request.method == "POST":
        unsubscribe(target)
        context["done"] = True
    return render(request, template, context)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for /favicon.ico whatever the page links: send them to the
    site's (hashed, long-cached) icon instead of a 404."""
    return redirect(static("runnerhub/img/favicon.svg"), permanent=True)


@require_POST
def editor_image_upload(request: HttpRequest) -> JsonResponse:
    """Image uploads from CKEditor: staff only, validated and re-encoded like every image."""
    if not (request.user.is_authenticated and request.user.is_staff):
        return JsonResponse(
            {"error": {"message": "Please log in as staff to upload images."}}, status=403
        )
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse({"error": {"message": "No image was received."}}, status=400)
    try:
        url = save_editor_image(upload)
    except ValidationError as error:
        return JsonResponse({"error": {"message": error.messages[0]}}, status=400)
    return JsonResponse({"url": url})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid CSRF token: an old tab, blocked cookies, or another
    site posting in the person's name. Nothing of the request is ever re-posted from here.
    A public form keeps what the reader typed (see runnerhub.csrf); in admin, from a
    signed-in user, or for a script (it falls back to a plain post), nothing is shown."""
    restorable = _restorable_view(request)
    if restorable is not None and (response := restore_redirect(request, restorable)):
        return response
    return render(
        request,
        "403_csrf.html",
        {"cookies_missing": not request.COOKIES, "signed_in": request.user.is_authenticated},
        status=403,
    )


def _restorable_view(request: HttpRequest) -> Restorable | None:
    if request.method != "POST" or request.user.is_authenticated:
        return None
    if request.headers.get("Accept", "").startswith("application/json"):
        return None
    if in_admin(request):
        return None
    return view_mark(request.path_info, "csrf_restorable")
