from django import template
from django.template.loader import render_to_string
from django.urls import reverse

from runnerhub.fragments import form_fragment, fragment, slot
from runnerhub.models import SiteSettings
from runnerhub.pagecache import expire_by, is_public_request

from ..forms import new_comment_form
from ..models import answered_by, comments_close_at, comments_open
from ..pages import asked, redirect_past_the_end
from ..render import render_items, staff_badge
from ..thread import build_thread, own_pending_ids, thread_scope

register = template.Library()

COMMENT_FORM_TEMPLATE = "comments/includes/_form.html"


def _comment_form_html(request) -> str:
    """The blank comment form of a public page, with a slot for the article
    (runnerhub/fragments.py form_fragment). No render time: forms.js fetches one when the
    form is used (runnerhub/antispam.py), as it does the CSRF token."""
    form = new_comment_form(None, request.user)
    form.initial.update(article=slot("article"), rendered="", submission_key="")
    return render_to_string(
        COMMENT_FORM_TEMPLATE, {"form": form, "request": request, "user": request.user}
    )


@register.inclusion_tag("comments/includes/_thread.html", takes_context=True)
def comment_thread(context, article, site_settings=None):
    """The article's questions and answers, and the form to ask one."""
    request = context["request"]
    site_settings = site_settings or SiteSettings.load()
    own_ids = own_pending_ids(request)
    is_open = comments_open(article, site_settings.comments_close_after_days)
    public = is_public_request(request)
    form = form_html = None
    if is_open and public:
        # One HTML for every article's form, kept; the article is filled in. One cached
        # page serves many readers: each gets a double-post key and a render time of their
        # own from forms.js (none without JavaScript, whose post comes back on the restore
        # page with both), so both are left blank.
        form_html = form_fragment(
            request,
            "comment-form",
            render=lambda: _comment_form_html(request),
            values={"article": article.pk},
        )
    elif is_open:
        form = new_comment_form(article, request.user)
    if is_open:
        expire_by(request, comments_close_at(article, site_settings.comments_close_after_days))
    # The view redirected every other spelling (comments/pages.py): these are the raw values.
    page_number, order = asked(request)

    def listing() -> str:
        thread = build_thread(article, own_ids=own_ids, page_number=page_number, order=order)
        # Only known once the thread is built; a page past the end is never kept (its
        # fragment neither), so this runs on every such request.
        redirect_past_the_end(request, thread, page_number)
        # One reversal for the whole thread; each Reply link appends its comment's id.
        reply_base = reverse("comments:reply", args=[1])[:-2]
        return render_to_string(
            "comments/includes/_thread_list.html",
            {
                "thread": thread,
                "open": is_open,
                "thread_html": render_items(
                    thread.comments, can_reply=is_open, reply_base=reply_base
                ),
            },
        )

    return {
        "request": request,
        "user": request.user,
        "article": article,
        "open": is_open,
        "form": form,
        "form_html": form_html,
        # A fragment (public pages only, where no comment of the reader's own awaits
        # moderation): it changes when a comment shown under the article does.
        "listing": fragment(
            request,
            "thread",
            scopes=(thread_scope(article.pk), "site"),
            vary=(article.pk, page_number, order, is_open),
            render=listing,
        ),
    }


register.simple_tag(staff_badge, name="staff_badge")

ANSWERS_SHOWN = 10


@register.inclusion_tag("comments/includes/_staff_answers.html")
def staff_answers(author):
    """The questions a staff member answered, newest answer first (their author page)."""
    return {"author": author, "answers": answered_by(author)[:ANSWERS_SHOWN]}
