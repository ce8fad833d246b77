from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import ListView

from runnerhub.antispam import keep_render_time, render_time_token
from runnerhub.csrf import restorable, restore_refused, restore_take
from runnerhub.ratelimit import client_ip, hit
from runnerhub.redirects import next_url
from runnerhub.views import one_click_unsubscribe
from shop.links import (  # the shop's click counting: the same readers and windows
    is_bot,
    is_shop_url,
    with_utm,
)
from shop.services import click_is_first, reader_is_new_to_issue

from .emails import MAX_COUNTED
from .forms import DEFAULT_SOURCE, SignupForm, local_path
from .models import Issue
from .services import (
    link_click_record,
    subscriber_confirm,
    subscriber_signup,
    subscriber_unsubscribe,
)
from .tokens import ConfirmResult, subscriber_from_confirm_token, subscriber_from_unsubscribe_token

RATE_LIMIT = 5
RATE_WINDOW = 600
# The same answer whatever the address's state, so nobody can learn who is subscribed.
THANKS = "Thanks! Check your inbox: we've sent you a link to confirm your subscription."
TOO_MANY = (
    "Too many sign-ups from your connection just now. Please wait a few minutes and press "
    "Join again: everything you typed is still here."
)
CHECK_FORM = (
    "You are not signed up yet: please correct what is marked. Everything you typed is still here."
)
CONFIRM_STATUS = {
    ConfirmResult.CONFIRMED: 200,
    ConfirmResult.ALREADY: 200,
    ConfirmResult.EXPIRED: 410,
    ConfirmResult.INVALID: 404,
    ConfirmResult.USED: 410,
}


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _typed(form: SignupForm) -> dict[str, str]:
    """What the reader typed, to give back with an answer that did not sign them up."""
    return {name: form.data.get(name, "") for name in ("email", "first_name")} | {
        "consent": bool(form.data.get("consent"))
    }


def _problem(request: HttpRequest, form: SignupForm, *, status: int, message: str):
    if _wants_json(request):
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse(
            {"ok": False, "message": message, "errors": errors, "values": _typed(form)},
            status=status,
        )
    return render(
        request, "newsletter/signup.html", {"form": form, "problem": message}, status=status
    )


@restorable(fields=("email", "first_name", "source", "rendered"), url_name="newsletter:restore")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """The /newsletter/ page; the banner on every page posts here too (with or without JS)."""
    if request.method == "GET":
        form = SignupForm(initial={"source": local_path(request.GET.get("from", DEFAULT_SOURCE))})
        # None on the cached page (forms.js fetches one); a fresh one for a private render.
        form.initial["rendered"] = render_time_token(request)
        response = render(request, "newsletter/signup.html", {"form": form})
        if "from" in request.GET:
            # One page per path a link names (any path at all): the reader's, not kept.
            response.page_cache_keep = False
        return response
    form = SignupForm(request.POST)
    if not hit("newsletter", client_ip(request), limit=RATE_LIMIT, window=RATE_WINDOW):
        form.is_valid()  # so that the page shows what is wrong as well
        return _problem(request, form, status=429, message=TOO_MANY)
    if not form.is_valid():
        return _problem(request, form, status=400, message=CHECK_FORM)
    if not form.looks_like_bot(request):
        subscriber_signup(
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            source=form.cleaned_data["source"] or DEFAULT_SOURCE,
        )
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": THANKS})
    messages.success(request, THANKS)
    return redirect("newsletter:signup")


@never_cache  # this browser's own text, with its token: never kept by any cache
@require_GET
def restore(request: HttpRequest, key: str) -> HttpResponse:
    """Where a sign-up that failed the CSRF check comes back (see runnerhub.csrf): the form
    with the address and name typed. The consent box is left for the person to tick."""
    typed = restore_take(request, key)
    if typed is None:
        return restore_refused(request)
    form = SignupForm(
        initial={
            "email": typed["email"],
            "first_name": typed["first_name"],
            "source": local_path(typed["source"]),
        }
    )
    keep_render_time(form, typed["rendered"], request)
    problem = (
        "Almost there: please check your address below, tick the box and press Join once "
        "more to confirm. For your security you are not signed up yet, because the form came "
        "without this site's security check (which happens when a page was sent without "
        "JavaScript, was open for a long time, or is on another website). If you did not "
        "type this, leave this page: nothing has been sent."
    )
    return render(request, "newsletter/signup.html", {"form": form, "problem": problem})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one Confirm button; only the POST confirms, so link scanners cannot."""
    subscriber, result = subscriber_from_confirm_token(token)
    confirmed = False
    if request.method == "POST" and result is ConfirmResult.CONFIRMED:
        subscriber_confirm(subscriber=subscriber)
        confirmed = True
    return render(
        request,
        "newsletter/confirm.html",
        {"result": result.value, "confirmed": confirmed, "subscriber": subscriber},
        status=CONFIRM_STATUS[result],
    )


@csrf_exempt  # RFC 8058: mail providers POST the one-click unsubscribe without any token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return one_click_unsubscribe(
        request,
        target=subscriber_from_unsubscribe_token(token),
        unsubscribe=lambda subscriber: subscriber_unsubscribe(subscriber=subscriber),
        template="newsletter/unsubscribe.html",
        name="subscriber",
    )


# The web version and the archive ----------------------------------------------------------


@require_GET
def issue_detail(request: HttpRequest, number: int) -> HttpResponse:
    """An issue as every subscriber got it, without anything personal (no name, no
    unsubscribe link): the page "View in your browser" opens, to share and to find."""
    issue = Issue.objects.published().filter(pk=number).first()
    if issue is None:
        raise Http404("No such newsletter issue.")
    return render(
        request,
        "newsletter/issue_detail.html",
        {"issue": issue, "callouts": list(issue.callouts.all())},
    )


class IssueArchiveView(ListView):
    """/newsletter/archive/: every issue that went out, newest first."""

    template_name = "newsletter/archive.html"
    paginate_by = 20
    context_object_name = "issues"

    def get_queryset(self):
        return Issue.objects.published().only("subject", "preheader", "started_at", "status")


@require_GET
def issue_link(request: HttpRequest, number: int) -> HttpResponse:
    """A link to one of our own pages in an issue's email: count it for the issue, then go
    there. Only paths on this site are followed (runnerhub.redirects.next_url); anything
    else goes to the issue's web version. Two queries at most: the issue, the upsert."""
    fallback = reverse("newsletter:issue", kwargs={"number": number})
    if "to" in request.GET:
        return _shop_link(request, number, request.GET["to"], fallback)
    target = next_url(request, default=fallback)
    # A path of ours only (a relative one would lead somewhere under this address), and
    # one the database can keep (no NUL or control characters).
    usable = target.startswith("/") and len(target) <= 300 and target.isprintable()
    path = target if usable else fallback
    if path != fallback and Issue.objects.published().filter(pk=number).exists():
        _count_click(request, number, path)
    return _uncached_redirect(path)


def _uncached_redirect(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _count_click(request: HttpRequest, number: int, path: str) -> None:
    agent, address = request.META.get("HTTP_USER_AGENT", ""), client_ip(request)
    if not is_bot(agent) and click_is_first(
        address=address,
        agent=agent,
        target=f"page {path}",
        article_id=None,
        medium="newsletter",
        issue_id=number,
    ):
        new_reader = reader_is_new_to_issue(address=address, agent=agent, issue_id=number)
        link_click_record(issue_id=number, path=path, new_reader=new_reader)


def _shop_link(request: HttpRequest, number: int, target: str, fallback: str) -> HttpResponse:
    """A link in an issue to a page of the shop that is not a stored product or category
    (?to=): counted for the issue like a page of ours, then sent on with the issue's UTM
    parameters. Only addresses on the shop's hosts are followed (shop.links.is_shop_url);
    anything else goes to the issue's web version, uncounted: never an open redirect."""
    if len(target) > MAX_COUNTED or not is_shop_url(target):
        return _uncached_redirect(fallback)
    issue = Issue.objects.published().filter(pk=number).only("pk", "subject").first()
    if issue is not None:
        _count_click(request, number, target)
    campaign = issue.campaign if issue else None
    return _uncached_redirect(with_utm(target, medium="newsletter", campaign=campaign))
