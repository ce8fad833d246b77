"""The newsletter email: HTML with inline styles, a plain-text part, absolute URLs, the
unsubscribe headers and a stable Message-ID per (issue, subscriber).

An issue is rendered once per worker (cached by its last change) with placeholders for the
reader's name and unsubscribe link; each message only fills them in."""

import re
from functools import lru_cache
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from runnerhub.sanitize import html_to_text

from .models import Issue, Subscriber
from .tokens import unsubscribe_headers, unsubscribe_url

NAME = "\x00NAME\x00"
UNSUBSCRIBE = "\x00UNSUBSCRIBE\x00"
_RELATIVE = re.compile(r'(src|href)="/(?!/)')
# Our links that are never counted: personal ones (never tracked), files, and those counted
# already.
UNCOUNTED = ("/newsletter/unsubscribe/", "/newsletter/confirm/", "/static/", "/media/", "/go/")
_GO_PATH = re.compile(r"/go/(?:shop/)?[-a-zA-Z0-9_]+/")
_SRCSET = re.compile(r'\s(?:srcset|sizes|loading|decoding)="[^"]*"')


# Mail clients ignore style sheets, so the body's elements carry their styles inline. The
# stored body has no style attributes (the sanitizer removes them), so these are all it has.
INLINE_STYLES = {
    "h2": "margin:24px 0 8px;font-size:22px;line-height:1.25;color:#0f1b2d",
    "h3": "margin:20px 0 6px;font-size:18px;line-height:1.3;color:#0f1b2d",
    "p": "margin:0 0 14px",
    "a": "color:#c2410c;text-decoration:underline",
    "ul": "margin:0 0 14px;padding-left:22px",
    "ol": "margin:0 0 14px;padding-left:22px",
    "li": "margin:0 0 6px",
    "blockquote": "margin:0 0 14px;padding:4px 0 4px 14px;border-left:4px solid #ff5a1f",
    "img": "max-width:100%;height:auto;border:0;border-radius:6px",
    "table": "border-collapse:collapse;margin:0 0 14px",
    "td": "border:1px solid #e6e1d8;padding:6px 8px",
    "th": "border:1px solid #e6e1d8;padding:6px 8px;text-align:left",
}
_OPENING = re.compile(r"<(" + "|".join(INLINE_STYLES) + r")\b(?![^>]*\sstyle=)")


def inline_styles(html: str) -> str:
    return _OPENING.sub(lambda m: f'<{m.group(1)} style="{INLINE_STYLES[m.group(1)]}"', html)


EMAIL_WIDTH = 552  # the 600 px layout less its padding
_IMG = re.compile(r"<img\b[^>]*>")
_SIZE = re.compile(r'\s(width|height)="([0-9]{1,6})"')  # bounded: int() of any size
_LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"[^>]*>(.*?)</a>', re.S)
_IMG_ALT = re.compile(r'<img\b[^>]*\balt="([^"]*)"[^>]*>')


def _fit_image(match: re.Match) -> str:
    """Outlook ignores max-width: an image wider than the layout gets smaller width and
    height attributes, in proportion."""
    tag = match.group(0)
    size = {name: int(value) for name, value in _SIZE.findall(tag)}
    width, height = size.get("width"), size.get("height")
    if not width or width <= EMAIL_WIDTH:
        return tag
    tag = tag.replace(f'width="{width}"', f'width="{EMAIL_WIDTH}"', 1)
    if height:
        tag = tag.replace(f'height="{height}"', f'height="{height * EMAIL_WIDTH // width}"', 1)
    return tag


def fit_images(html: str) -> str:
    return _IMG.sub(_fit_image, html)


def text_with_links(html: str) -> str:
    """The plain-text part keeps where each link leads and what each image shows."""
    html = _LINK.sub(
        lambda m: m.group(2) if m.group(1) in m.group(2) else f"{m.group(2)} ({m.group(1)})",
        html,
    )
    return _IMG_ALT.sub(lambda m: f"[{m.group(1)}]" if m.group(1) else "", html)


def absolute_urls(html: str) -> str:
    """Mail clients have no base URL: every image and link must be absolute. srcset is
    dropped: few mail clients read it, and its addresses are relative."""
    html = _SRCSET.sub("", html)
    return _RELATIVE.sub(lambda m: f'{m.group(1)}="{settings.SITE_URL}/', html)


_HREF = re.compile(r'href="([^"]*)"')
MAX_COUNTED = 300  # LinkClick.path: a longer shop address goes out as it is


def _counted(issue: Issue, hrefs: list[str]) -> dict[str, str]:
    """Where each of `hrefs` (as written in the HTML) goes instead: the counted redirect
    /go/ with the issue, for our /go/ links and for the stored shop address of an active
    product or category; /newsletter/<number>/go/ for the site's own pages (?next=) and
    for any other address on a shop host (?to=, shop.links.is_shop_url), which it sends on
    with the issue's UTM parameters. The unsubscribe and confirm links, files, and anyone
    else's links are left as they are."""
    from shop.links import is_shop_url, shop_hosts
    from shop.models import Product, ShopCategory  # the shop is optional to an issue

    site = settings.SITE_URL
    plain = {href: unescape(href) for href in hrefs}
    go = {}
    for product in Product.objects.active().filter(url__in=plain.values()).only("slug", "url"):
        go.setdefault(product.url, product.go_path)
    for category in (
        ShopCategory.objects.active().filter(url__in=plain.values()).only("slug", "url")
    ):
        go.setdefault(category.url, reverse("shop:go_category", kwargs={"slug": category.slug}))
    hosts = shop_hosts(fresh=True)
    link = reverse("newsletter:link", kwargs={"number": issue.pk})
    counted = {}
    for href, url in plain.items():
        parts = urlsplit(url)
        if url.startswith(f"{site}/go/") and _GO_PATH.fullmatch(parts.path):
            path, kept = parts.path, [(k, v) for k, v in parse_qsl(parts.query) if k == "a"]
        elif url in go:
            path, kept = go[url], []
        elif (
            url.startswith(f"{site}/")
            and not parts.path.startswith(UNCOUNTED)
            and len(url) - len(site) <= MAX_COUNTED
        ):
            # One of our pages: through the issue's own counted redirect.
            page = url[len(site) :]
            counted[href] = escape(f"{site}{link}?{urlencode({'next': page})}")
            continue
        elif len(url) <= MAX_COUNTED and is_shop_url(url, hosts):
            # Any other page of the shop: counted, and sent on with the issue's campaign.
            counted[href] = escape(f"{site}{link}?{urlencode({'to': url})}")
            continue
        else:
            continue
        query = urlencode([*kept, ("m", "newsletter"), ("i", issue.pk)])
        counted[href] = escape(f"{site}{path}?{query}")
    return counted


def track_links(issue: Issue, body: str, callouts: list) -> tuple[str, str]:
    """The body with its links to the shop and to our pages counted per issue (see
    _counted), and the counted link of the site's home page (the email's logo); each
    callout gets `href`, its button's link."""
    hrefs = list(dict.fromkeys(_HREF.findall(body)))
    home = escape(f"{settings.SITE_URL}/")
    counted = _counted(issue, [*hrefs, *(escape(c.url) for c in callouts if c.url), home])
    for callout in callouts:
        callout.href = unescape(counted.get(escape(callout.url), escape(callout.url)))
    body = _HREF.sub(lambda m: f'href="{counted.get(m.group(1), m.group(1))}"', body)
    return body, unescape(counted.get(home, home))


def _context(issue: Issue) -> dict:
    callouts = list(issue.callouts.all())
    body, home_url = track_links(issue, absolute_urls(issue.body), callouts)
    return {
        "home_url": home_url,
        "issue": issue,
        "body": inline_styles(fit_images(body)),
        "tracked_body": body,
        "callouts": callouts,
        "first_name": NAME,
        "unsubscribe_url": UNSUBSCRIBE,
        # The public web version (live once the send starts), with nothing personal in it.
        "web_url": settings.SITE_URL + issue.get_absolute_url(),
        "SITE_URL": settings.SITE_URL,
        "SITE_NAME": settings.SITE_NAME,
    }


def render_issue(issue: Issue) -> tuple[str, str, str]:
    """Subject, HTML and text of an issue, with the NAME and UNSUBSCRIBE placeholders."""
    context = _context(issue)
    html = render_to_string("newsletter/email/issue.html", context)
    text = render_to_string(
        "newsletter/email/issue.txt",
        {**context, "body_text": html_to_text(text_with_links(context["tracked_body"]))},
    )
    return " ".join(issue.subject.split()), html, text


@lru_cache(maxsize=8)
def _rendered(issue_id: int, stamp: str) -> tuple[str, str, str]:
    return render_issue(Issue.objects.get(pk=issue_id))


def _fill(template: str, *, name: str, link: str, html: bool) -> str:
    if html:
        name, link = escape(name), escape(link)
    return template.replace(NAME, name).replace(UNSUBSCRIBE, link)


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "runnerhub.local"


def message_id(issue: Issue, subscriber: Subscriber) -> str:
    return f"<issue-{issue.pk}.subscriber-{subscriber.pk}@{_domain()}>"


def list_id() -> str:
    """RFC 2919: the same for every issue, so mail systems know the list (and filter,
    rate and offer unsubscribing from it as one)."""
    return f"{settings.SITE_NAME} newsletter <newsletter.{_domain()}>"


def _message(*, subject, text, html, to, headers) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def build_issue_message(issue: Issue, subscriber: Subscriber) -> EmailMultiAlternatives:
    subject, html, text = _rendered(issue.pk, issue.updated_stamp)
    name = subscriber.first_name or "runner"
    link = unsubscribe_url(subscriber)
    return _message(
        subject=subject,
        text=_fill(text, name=name, link=link, html=False),
        html=_fill(html, name=name, link=link, html=True),
        to=[subscriber.email],
        headers={
            **unsubscribe_headers(subscriber),
            "Message-ID": message_id(issue, subscriber),
            "List-Id": list_id(),
        },
    )


def issue_preview_html(issue: Issue, *, first_name: str = "Alex") -> str:
    """The HTML email as a subscriber sees it, for the admin preview (no real link)."""
    _subject, html, _text = render_issue(issue)
    return _fill(html, name=first_name, link="#unsubscribe-preview", html=True)


def build_test_message(issue: Issue, *, email: str, first_name: str) -> EmailMultiAlternatives:
    """A test of the issue for an editor: the same email, marked [Test], with a dummy
    unsubscribe link (an editor is not necessarily a subscriber)."""
    subject, html, text = render_issue(issue)
    link = settings.SITE_URL + "/newsletter/"
    return _message(
        subject=f"[Test] {subject}",
        text=_fill(text, name=first_name or "runner", link=link, html=False),
        html=_fill(html, name=first_name or "runner", link=link, html=True),
        to=[email],
        headers={},
    )
