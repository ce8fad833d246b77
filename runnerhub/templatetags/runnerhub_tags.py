import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from runnerhub import dashboard, dates, stylesheets
from runnerhub.fragments import fill, fragment, slot
from runnerhub.images import img_tag
from runnerhub.pagecache import is_public_request

register = template.Library()

# Same escapes as django.utils.html.json_script: the JSON can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def responsive_image(renditions, alt, sizes="100vw", lazy=True, css_class="") -> SafeString:
    # img_tag() escapes every value it puts in the tag.
    html = img_tag(renditions or [], alt, sizes=sizes, lazy=lazy, css_class=css_class)
    return mark_safe(html)  # nosec B308, B703


@register.simple_tag
def ld_json(data) -> SafeString:
    """A JSON-LD <script> block for structured data."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    html = f'<script type="application/ld+json">{payload}</script>'
    return mark_safe(html)  # nosec B308, B703


@register.simple_tag
def stylesheet(name: str) -> SafeString:
    """The one <link> of a page's stylesheet bundle (runnerhub/stylesheets.py)."""
    if name not in stylesheets.BUNDLES:
        known = ", ".join(stylesheets.BUNDLES)
        raise template.TemplateSyntaxError(f"no stylesheet bundle {name!r} (there are: {known})")
    return format_html('<link rel="stylesheet" href="{}">', static(f"{stylesheets.OUT}/{name}.css"))


@register.filter
def machine(moment) -> str:
    """A moment for a `<time datetime>` or a meta tag (runnerhub.dates.machine)."""
    return dates.machine(moment) if moment else ""


@register.filter
def absolute(path: str) -> str:
    """An absolute URL on this site, for canonical links, feeds and sharing tags."""
    if not path or path.startswith(("http://", "https://")):
        return path or ""
    return settings.SITE_URL + path


@register.simple_tag(takes_context=True)
def admin_dashboard(context) -> list[dict]:
    return dashboard.items(context["request"])


@register.simple_tag(takes_context=True)
def admin_dashboard_panels(context) -> list[dict]:
    return dashboard.panels(context["request"])


@register.simple_tag(takes_context=True)
def form_token(context) -> SafeString:
    """A form's CSRF field. On a page that may be cached it is empty, for forms.js to fill
    from `form_token` when the form is used (without JavaScript the post fails the check and
    comes back with a token: runnerhub/csrf.py); elsewhere it holds the token, as
    {% csrf_token %} does."""
    request = context.get("request")
    if request is not None and is_public_request(request):
        return format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="" data-form-token="{}">',
            reverse("form_token"),
        )
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token")
    )


@register.tag("fragment")
def do_fragment(parser, token):
    """{% fragment "name" "scope other-scope" vary1 vary2 slot=value %}…{% endfragment %}:
    the HTML inside, kept in the cache while the scopes' versions and the vary values stay the
    same (runnerhub/fragments.py); only ever on public pages. Nothing of one reader may be
    inside, but for `{% slot "name" %}` marks: each `name=value` fills its slot, escaped, on
    every render (a value of the request that must never be part of a key)."""
    bits = token.split_contents()
    args, slots = [], {}
    for bit in bits[1:]:
        name, equals, value = bit.partition("=")
        if equals and name.isidentifier():
            slots[name] = parser.compile_filter(value)
        else:
            args.append(parser.compile_filter(bit))
    if len(args) < 2:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a name and its scopes.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, *args, slots=slots)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, scopes, *vary, slots):
        self.nodelist, self.name, self.scopes, self.vary = nodelist, name, scopes, vary
        self.slots = slots

    def render(self, context) -> SafeString:
        html = fragment(
            context.get("request"),
            str(self.name.resolve(context)),
            scopes=str(self.scopes.resolve(context)).split(),
            vary=[value.resolve(context) for value in self.vary],
            render=lambda: self.nodelist.render(context),
        )
        if not self.slots:
            return html
        return fill(html, {name: value.resolve(context) for name, value in self.slots.items()})


@register.simple_tag(name="slot")
def slot_mark(name: str) -> str:
    """Where the value of the enclosing {% fragment %}'s `name=value` goes."""
    return slot(name)
