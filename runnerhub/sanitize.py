"""Server-side sanitizing of rich text, shared by every app that stores editor HTML.

Whatever the editor (or a pasted body, or a crafted request) sends, only this allowlist is
stored: nothing that can run script survives, and links get rel="noopener".
"""

from html import unescape
from html.parser import HTMLParser

import nh3

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


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    # Images only from our own uploads (wherever media are stored) or a full https address: a
    # bare relative src would make every reader's browser request an arbitrary address on
    # this site.
    if element == "img" and attribute == "src":
        return value if value.startswith((media_base_url(), "https://")) else None
    return value


def sanitize_html(value: str | None) -> str:
    """Return `value` reduced to the allowlist (empty string for None)."""
    if not value:
        return ""
    value = value.replace("\x00", "")
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object"},
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        attribute_filter=_attribute_filter,
        strip_comments=True,
    ).strip()


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
