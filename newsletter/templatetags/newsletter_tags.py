from django import template

from ..forms import SignupForm, local_path

register = template.Library()

# Set by newsletter.js when a reader dismisses the banner or signs up with it: the server then
# leaves the banner out, so hiding it never makes the page jump.
HIDE_COOKIE = "newsletter_banner"
HIDE_VALUE = "hidden"


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
    hidden = request is not None and request.COOKIES.get(HIDE_COOKIE) == HIDE_VALUE
    return {
        "form": None if hidden else _form(request, "nl-banner"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "variant": "banner",
        "article": False,
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
