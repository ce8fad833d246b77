from django import template
from django.template.loader import render_to_string

from runnerhub.fragments import form_fragment, slot
from runnerhub.pagecache import is_public_request

from ..forms import SignupForm, local_path

register = template.Library()

# Set by newsletter.js: "seen" once a page has shown the banner (later pages show it on one
# line on phones), "hidden" when the reader dismisses it or signs up with it (later pages leave
# it out). The server decides, so neither ever makes a page jump.
HIDE_COOKIE = "newsletter_banner"
HIDE_VALUE = "hidden"
SEEN_VALUE = "seen"
TEMPLATE = "newsletter/includes/_banner.html"


def _form(request, prefix: str) -> SignupForm:
    """An unbound form (no queries), with ids of its own so that two forms on a page never
    share an id."""
    source = local_path(request.path if request is not None else "/", default="/")
    form = SignupForm(initial={"source": source}, auto_id=f"{prefix}-%s")
    form.fields["email"].widget.attrs["placeholder"] = "Your email address"
    form.fields["first_name"].widget.attrs["placeholder"] = "First name (optional)"
    return form


def _render(context, variant: str, *, collapsed: bool = False) -> str:
    """One of the calls to action. On a public page its HTML is kept (the same for every
    page and reader) and only the page it is on is filled in; its render time is left
    blank, for forms.js to fetch with the CSRF token (runnerhub/antispam.py)."""
    request = context.get("request")
    prefix = f"nl-{variant}"

    def values(form) -> dict:
        return {
            "form": form,
            "request": request,
            "csrf_token": context.get("csrf_token"),
            "variant": variant,
            "article": variant == "article",
            "collapsed": collapsed,
            "prefix": prefix,
        }

    if request is None or not is_public_request(request):
        return render_to_string(TEMPLATE, values(_form(request, prefix)))

    def render() -> str:
        form = _form(None, prefix)
        form.initial.update(source=slot("source"), rendered="")
        return render_to_string(TEMPLATE, values(form))

    return form_fragment(
        request,
        f"newsletter-{variant}",
        vary=(collapsed,),
        render=render,
        values={"source": local_path(request.path, default="/")},
    )


@register.simple_tag(takes_context=True)
def newsletter_banner(context) -> str:
    """The site-wide call to action under the header."""
    request = context.get("request")
    state = request.COOKIES.get(HIDE_COOKIE) if request is not None else None
    if state == HIDE_VALUE:
        return ""
    return _render(context, "banner", collapsed=state == SEEN_VALUE)


@register.simple_tag(takes_context=True)
def newsletter_cta(context) -> str:
    """The compact call to action at the end of an article."""
    return _render(context, "article")
