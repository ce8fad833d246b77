from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from runnerhub.antispam import keep_render_time
from runnerhub.csrf import RESTORED_FIELD, restorable, restore_refused, restore_take
from runnerhub.models import SiteSettings
from runnerhub.ratelimit import client_ip, hit
from runnerhub.views import one_click_unsubscribe

from .forms import CommentForm, new_comment_form
from .models import Comment, comments_open
from .notifications import comment_from_token
from .services import comment_create, comment_unsubscribe
from .thread import remember_own_pending

RATE_LIMIT = 5
RATE_WINDOW = 60
# The browser's own comments, signed: moderation's proof of a returning commenter.
OWN_COOKIE = "rh_comments"
OWN_COOKIE_SALT = "comments.own"
OWN_COOKIE_AGE = 60 * 60 * 24 * 365
MAX_OWN_COOKIE_IDS = 20
RESTORABLE_FIELDS = ("article", "parent", "name", "email", "text", "notify", "rendered")


def own_comment_ids(request: HttpRequest) -> list[int]:
    """The ids in the browser's signed cookie (a forged or broken cookie counts as none)."""
    value = request.get_signed_cookie(
        OWN_COOKIE, default="", salt=OWN_COOKIE_SALT, max_age=OWN_COOKIE_AGE
    )
    parts = value.split(".") if value else []
    return [int(p) for p in parts if p.isascii() and p.isdigit() and len(p) < 19]


def _remember_own_comment(request, response: HttpResponse, comment: Comment) -> None:
    ids = [pk for pk in own_comment_ids(request) if pk != comment.pk] + [comment.pk]
    response.set_signed_cookie(
        OWN_COOKIE,
        ".".join(str(pk) for pk in ids[-MAX_OWN_COOKIE_IDS:]),
        salt=OWN_COOKIE_SALT,
        max_age=OWN_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _form_page(
    request, form, *, status: int, problem: str = "", article=None, parent=None
) -> HttpResponse:
    """The form again, with what the reader typed and what went wrong."""
    article = article or (
        form.cleaned_data.get("article") if hasattr(form, "cleaned_data") else None
    )
    return render(
        request,
        "comments/form_page.html",
        {
            "form": form,
            "problem": problem,
            "article": article,
            "parent": parent or _parent_of(form),
        },
        status=status,
    )


def _parent_of(form):
    return getattr(form, "_parent", None)


@restorable(fields=RESTORABLE_FIELDS, url_name="comments:restore")
@require_POST
def post_comment(request: HttpRequest) -> HttpResponse:
    form = CommentForm(request.POST, user=request.user)
    is_staff = request.user.is_authenticated and request.user.is_staff
    restored = request.POST.get(RESTORED_FIELD) == "1"
    form.restored = restored  # kept on every page that shows the form again
    if restored and request.user.is_authenticated:
        # Its text came from a request that failed the CSRF check, maybe another site's:
        # never sent in a signed-in person's name (they signed in after it was shown).
        return restore_refused(request)
    if not form.is_valid():
        return _form_page(request, form, status=400)  # a typo to fix is not a post: not counted
    data = form.cleaned_data
    article = data["article"]
    if not comments_open(article, SiteSettings.load().comments_close_after_days):
        return _form_page(request, form, status=403, problem="Comments are closed on this article.")
    key = data["submission_key"]
    if key and (earlier := Comment.objects.filter(submission_key=key).first()):
        return redirect(earlier)  # the same form posted twice (a double click): not counted
    # Only what is about to be posted counts towards the limit.
    if not is_staff and not hit(
        "comments", client_ip(request), limit=RATE_LIMIT, window=RATE_WINDOW
    ):
        return _form_page(
            request,
            form,
            status=429,
            problem="You have posted several comments in the last minute. Please wait a "
            "minute and press Post again: everything you typed is still here.",
        )
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
            looks_like_bot=form.looks_like_bot(request),
            # A form shown again after a CSRF failure may hold another site's text: it is
            # moderated like a first comment, whatever proof the browser holds.
            own_comment_ids=() if restored else own_comment_ids(request),
        )
    except IntegrityError:
        # The same form posted twice at the same moment: show the comment the first made.
        comment = Comment.objects.filter(submission_key=data["submission_key"]).first()
        if comment is None:
            raise
        return redirect(comment)
    if comment.state == Comment.State.PUBLISHED:
        messages.success(request, "Thanks! Your comment is published.")
    else:
        # Spam gets the same answer as a comment awaiting moderation: bots learn nothing.
        if comment.state == Comment.State.PENDING:
            remember_own_pending(request, comment)
        messages.info(
            request,
            "Thanks! Your comment is awaiting moderation. Only you can see it until a "
            "moderator approves it.",
        )
    response = redirect(comment if comment.state != Comment.State.SPAM else article)
    if not request.user.is_authenticated:
        # An account is its own proof; a cookie left behind by a signed-in person (a shop's
        # shared computer) would let the next person in that browser skip moderation.
        _remember_own_comment(request, response, comment)
    return response


@never_cache  # this browser's own text, with its token: never kept by any cache
@require_GET
def restore(request: HttpRequest, key: str) -> HttpResponse:
    """Where a comment that failed the CSRF check comes back (see runnerhub.csrf): the form,
    rendered by us, with what the reader typed, for them to read and post again."""
    typed = restore_take(request, key)
    if typed is None:
        return restore_refused(request)
    # Find the article and the comment replied to exactly as a post would.
    check = CommentForm(typed, user=None)
    check.is_valid()
    article, parent = check.cleaned_data.get("article"), check.cleaned_data.get("parent")
    form = new_comment_form(article, request.user, parent=parent)
    form.initial.update(
        name=typed["name"], email=typed["email"], text=typed["text"], notify=bool(typed["notify"])
    )
    keep_render_time(form, typed["rendered"], request)
    form.restored = True
    return _form_page(
        request,
        form,
        status=200,
        article=article,
        parent=parent,
        problem="Almost there: please check your comment below and press Post once more to "
        "confirm. For your security it is not posted yet, because it came without this "
        "site's security check (which happens when a page was sent without JavaScript, was "
        "open for a long time, or is on another website). If you did not write this, leave "
        "this page: nothing has been posted.",
    )


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
