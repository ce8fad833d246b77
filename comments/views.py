from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from runnerhub.models import SiteSettings
from runnerhub.ratelimit import client_ip, hit
from runnerhub.views import one_click_unsubscribe

from .forms import CommentForm, new_comment_form
from .models import Comment, comments_open
from .notifications import comment_from_token
from .services import comment_create, comment_unsubscribe
from .thread import permalink

RATE_LIMIT = 5
RATE_WINDOW = 60
OWN_PENDING_KEY = "comments_own_pending"
MAX_OWN_PENDING = 50


def own_pending_ids(request: HttpRequest) -> list[int]:
    return request.session.get(OWN_PENDING_KEY, []) if hasattr(request, "session") else []


def _form_page(request, form, *, status: int, problem: str = "", article=None) -> HttpResponse:
    """The form again, with what the reader typed and what went wrong."""
    article = article or (
        form.cleaned_data.get("article") if hasattr(form, "cleaned_data") else None
    )
    return render(
        request,
        "comments/form_page.html",
        {"form": form, "problem": problem, "article": article, "parent": _parent_of(form)},
        status=status,
    )


def _parent_of(form):
    return getattr(form, "_parent", None)


@require_POST
def post_comment(request: HttpRequest) -> HttpResponse:
    form = CommentForm(request.POST, user=request.user)
    is_staff = request.user.is_authenticated and request.user.is_staff
    if not is_staff and not hit(
        "comments", client_ip(request), limit=RATE_LIMIT, window=RATE_WINDOW
    ):
        form.is_valid()  # so that the page can show the article and keep every field
        return _form_page(
            request,
            form,
            status=429,
            problem="You have posted several comments in the last minute. Please wait a "
            "minute and press Post again: everything you typed is still here.",
        )
    if not form.is_valid():
        return _form_page(request, form, status=400)
    data = form.cleaned_data
    article = data["article"]
    if not comments_open(article, SiteSettings.load().comments_close_after_days):
        return _form_page(request, form, status=403, problem="Comments are closed on this article.")
    try:
        comment = comment_create(
            article=article,
            parent=data["parent"],
            name=data["name"],
            email=data["email"],
            text=data["text"],
            notify=data["notify"],
            user=request.user,
            ip_address=client_ip(request) if client_ip(request) != "unknown" else None,
            submission_key=data["submission_key"],
            looks_like_bot=form.looks_like_bot(),
        )
    except IntegrityError:
        # The same form posted twice (a double click): show the comment the first post made.
        comment = Comment.objects.filter(submission_key=data["submission_key"]).first()
        if comment is None:
            raise
        return redirect(permalink(comment))
    if comment.state == Comment.State.PUBLISHED:
        messages.success(request, "Thanks! Your comment is published.")
    else:
        # Spam gets the same answer as a comment awaiting moderation: bots learn nothing.
        if comment.state == Comment.State.PENDING:
            own = [pk for pk in own_pending_ids(request) if pk != comment.pk]
            request.session[OWN_PENDING_KEY] = [*own, comment.pk][-MAX_OWN_PENDING:]
        messages.info(
            request,
            "Thanks! Your comment is awaiting moderation. Only you can see it until a "
            "moderator approves it.",
        )
    return redirect(permalink(comment) if comment.state != Comment.State.SPAM else article)


def reply_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Without JavaScript, a Reply link leads here: the comment and a form under it."""
    parent = Comment.objects.published().select_related("article").filter(pk=pk).first()
    if parent is None or not parent.article.is_public:
        raise Http404("This comment cannot be found.")
    form = new_comment_form(parent.article, request.user, parent=parent)
    return render(
        request,
        "comments/form_page.html",
        {
            "form": form,
            "article": parent.article,
            "parent": parent,
            "open": comments_open(parent.article, SiteSettings.load().comments_close_after_days),
        },
    )


@csrf_exempt  # RFC 8058: mail providers POST the one-click unsubscribe without any token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    return one_click_unsubscribe(
        request,
        target=comment_from_token(token),
        unsubscribe=lambda comment: comment_unsubscribe(comment=comment),
        template="comments/unsubscribe.html",
        name="comment",
    )
