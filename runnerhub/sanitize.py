"""Server-side sanitizing of rich text, shared by every app that stores editor HTML.

Whatever the editor (or a pasted body, or a crafted request) sends, only this allowlist is
stored: nothing that can run script survives, and links get rel="noopener".
"""

import posixpath
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import nh3
from django.conf import settings

from .images import media_base_url

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "mark", "code", "pre", "blockquote", "ul", "ol", "li", "a", "figure", "figcaption",
    "img", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "reversed"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
# CKEditor 5 marks image and table wrappers with these classes; nothing else gets a class.
ALLOWED_CLASSES = {
    "figure": {"image", "table", "image_resized", "image-style-side", "image-style-align-left"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _in_media(path: str, media: str | None = None) -> bool:
    """Whether a URL path names a file under `media` (MEDIA_URL's path), as a server would
    resolve it.

    Checked on the resolved path, not on the string: "/media/../go/x/" starts with
    "/media/" but is /go/x/. Anything a server might resolve differently from us is
    refused outright: a backslash, "//", a "." or ".." segment (also percent-encoded), or a
    "%" left after decoding once (a server that decodes twice would see what we did not)."""
    media = urlsplit(settings.MEDIA_URL).path if media is None else media
    decoded = unquote(path)
    if "\\" in path or "\\" in decoded or "%" in decoded or "//" in decoded:
        return False
    if any(segment in (".", "..") for segment in decoded.split("/")):
        return False
    return posixpath.normpath(decoded).startswith(media)


# Someone else's image host: a dotted DNS name. An IP address or a one-label name such as
# localhost would point every reader's browser into their own network.
_DNS_NAME = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")


def _plain_host(value: str, parts) -> str | None:
    """The host of an absolute image address when it is spelled one way only (ASCII, IDNs as
    punycode, no user name, percent sign or backslash), without a trailing dot; else None.
    Browsers read percent-encoded, full-width or ideographic-dot spellings, a trailing dot
    or a "\\@" as our own host, or as another host than the one we checked."""
    if "\\" in value or "@" in parts.netloc or "%" in parts.netloc:
        return None
    host = (parts.hostname or "").removesuffix(".")
    return host if host.isascii() else None


def _is_ours(host: str) -> bool:
    """Whether a host name serves this site (SITE_URL, MEDIA_URL, ALLOWED_HOSTS, including
    its ".example.com" wildcards)."""
    exact = {urlsplit(settings.SITE_URL).hostname, urlsplit(settings.MEDIA_URL).hostname}
    patterns = [h.lower() for h in settings.ALLOWED_HOSTS if h != "*"]
    return (
        host in exact
        or host in patterns
        or any(p.startswith(".") and (host == p[1:] or host.endswith(p)) for p in patterns)
    )


def image_src(value: str) -> str | None:
    """`value` if an image may load from it, else None.

    Only our own uploads or someone else's https address: a src on this site outside
    MEDIA_URL would make every reader's browser request that address (a /go/ link would
    count a click per reader, an admin URL would run with the reader's session)."""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:  # an unbalanced "[" read as an IPv6 host
        return None
    base = urlsplit(media_base_url())
    if base.netloc and (parts.scheme, parts.netloc) == (base.scheme, base.netloc):
        # Media on a host of their own (an S3 bucket, a CDN; maybe plain http in development).
        return value if _in_media(parts.path, base.path) else None
    if parts.scheme == "https" and host:
        host = _plain_host(value, parts)
        if host is not None and _is_ours(host):
            return value if _in_media(parts.path) else None
        return value if host is not None and _DNS_NAME.match(host) else None
    relative = not parts.scheme and not parts.netloc
    return value if relative and not base.netloc and _in_media(parts.path) else None


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return image_src(value)
    return value


CLEAN_CONTENT_TAGS = {"script", "style", "template", "noscript", "iframe", "object"}


# Passes at most: stripping a tag can leave markup the parser rebuilds differently when it
# reads it again ("<h2><x><h2>" becomes a heading inside a heading, which a browser reads as
# two headings). Two passes settle everything seen so far; the rest is a safety margin.
MAX_PASSES = 4


def _clean_once(value: str) -> str:
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        # "*": none on every tag. Without it nh3 keeps lang and title on any tag (ammonia's
        # default), which the allowlist above does not name.
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        attribute_filter=_attribute_filter,
        strip_comments=True,
    ).strip()


def sanitize_html(value: str | None) -> str:
    """Return `value` reduced to the allowlist (empty string for None).

    Cleaned until cleaning changes nothing, so that what is stored is exactly what a
    browser builds from it: the allowlist holds for the markup readers' browsers see."""
    if not value:
        return ""
    cleaned = _clean_once(value.replace("\x00", ""))
    for _ in range(MAX_PASSES - 1):
        again = _clean_once(cleaned)
        if again == cleaned:
            break
        cleaned = again
    return cleaned


# Left open, each of these takes the rest of the text with it: the parser reads the content
# of the raw-text elements as text up to their end tag (<plaintext> has none), and the
# sanitizer drops CLEAN_CONTENT_TAGS with their content. So does an unclosed comment.
SHOWN_AS_CODE = {"textarea", "title", "xmp", "noembed", "noframes", "plaintext"}
SWALLOWING = CLEAN_CONTENT_TAGS | SHOWN_AS_CODE
_OPENER = re.compile(r"<!--|<(" + "|".join(sorted(SWALLOWING)) + r")(?=[\s/>])", re.I)
_END_MARK = "runnerhub-end-of-text-4f1c"


def lost_tail(value: str) -> str | None:
    """What would make sanitize_html() lose or garble the rest of `value`: "<style>",
    "<!--", … ("" when the culprit cannot be named), or None when nothing is lost.

    The verdict is the sanitizer's own: a paragraph added at the end must come out as a
    paragraph. The scan below only names the culprit for the message."""
    if not value or "<" not in value:
        return None
    cleaned = sanitize_html(value + f"<p>{_END_MARK}</p>")
    if _END_MARK in cleaned and f"&gt;{_END_MARK}" not in cleaned:
        return None
    return _first_unclosed(value) or ""


def _first_unclosed(value: str) -> str | None:
    position = 0
    while found := _OPENER.search(value, position):
        if found.group() == "<!--":
            end = value.find("-->", found.end())
            if end < 0:
                return "<!--"
            position = end + 3
            continue
        name = found.group(1).lower()
        tag_end = value.find(">", found.end())
        if name == "plaintext" or tag_end < 0:
            return f"<{name}>"
        if name in ("template", "object"):  # ordinary markup inside: these nest
            depth, position = 1, tag_end + 1
            pattern = re.compile(rf"<(/?){name}(?=[\s/>])", re.I)
            while depth and (tag := pattern.search(value, position)):
                depth += -1 if tag.group(1) else 1
                position = tag.end()
            if depth:
                return f"<{name}>"
            continue
        close = re.compile(rf"</{name}(?=[\s/>])", re.I).search(value, tag_end + 1)
        if close is None:
            return f"<{name}>"
        position = close.end()
    start = value.rfind("<")
    if start >= 0 and ">" not in value[start:]:  # a tag cut off at the end
        return value[start : start + 40]
    return None


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "tr", "figcaption", "br", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(value: str) -> str:
    """Plain text of an HTML fragment, one line per block, for search and reading time."""
    parser = _TextExtractor()
    parser.feed(value or "")
    parser.close()
    text = unescape("".join(parser.parts))
    # Only printable characters: search snippets rely on control characters never occurring.
    text = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text)
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
