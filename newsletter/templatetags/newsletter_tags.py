from django import template

from ..forms import SignupForm, local_path

register = template.Library()

# Set by newsletter.js: "seen" once a page has shown the banner (later pages show it on one
# line on phones), "hidden" when the reader dismisses it or signs up with it (later pages leave
# it out). The server decides, so neither ever makes a page jump.
HIDE_COOKIE = "newsletter_banner"
HIDE_VALUE = "hidden"
SEEN_VALUE = "seen"


def _form(request, prefix: str) -> SignupForm:
    """An unbound form (no queries), with ids of its own so that two forms on a page never
    share an id."""
    source = local_path(request.path if request is not None else "/", default="/")
    form = SignupForm(initial={"source": source}, auto_id=f"{prefix}-%s")
    form.fields["email"].widget.attrs["placeholder"] = "Your email address"
    form.fields["first_name"].widget.attrs["placeholder"] = "First name (optional)"
    return form


@register.inclusion_tag("newsletter/includes/_banner.html", takes_context=True)
def newsletter_banner(context):
    """The site-wide call to action under the header."""
    request = context.get("request")
    state = request.COOKIES.get(HIDE_COOKIE) if request is not None else None
    return {
        "form": None if state == HIDE_VALUE else _form(request, "nl-banner"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "variant": "banner",
        "article": False,
        "collapsed": state == SEEN_VALUE,
        "prefix": "nl-banner",
    }


@register.inclusion_tag("newsletter/includes/_banner.html", takes_context=True)
def newsletter_cta(context):
    """The compact call to action at the end of an article."""
    request = context.get("request")
    return {
        "form": _form(request, "nl-article"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "variant": "article",
        "article": True,
        "prefix": "nl-article",
    }
