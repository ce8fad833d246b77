import pytest

from runnerhub.sanitize import html_to_text, sanitize_html

DANGEROUS = [
    ("<script>alert(1)</script><p>ok</p>", ["<script", "alert(1)"]),
    ('<img src="x.png" onerror="alert(1)">', ["onerror", "alert"]),
    ('<p onclick="steal()" onmouseover="x()">hi</p>', ["onclick", "onmouseover", "steal"]),
    ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript", "JaVaScRiPt"]),
    ('<a href="&#106;avascript:alert(1)">x</a>', ["avascript"]),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', ["data:"]),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', ["data:", "<script"]),
    ("<style>body{display:none}</style><p>ok</p>", ["<style", "display:none"]),
    ('<p style="background:url(javascript:alert(1))">x</p>', ["style=", "javascript"]),
    (
        '<form action="/steal"><input name="pw"><button>Go</button></form>',
        ["<form", "<input", "<button"],
    ),
    ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil"]),
    ('<svg onload="alert(1)"><circle/></svg>', ["<svg", "onload"]),
    ('<object data="x.swf"></object><embed src="x.swf">', ["<object", "<embed"]),
    ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>', ["javascript", "<math"]),
    ("<p>a\x00b</p>", ["\x00"]),
]


@pytest.mark.parametrize(("html", "forbidden"), DANGEROUS)
def test_nothing_that_can_run_script_survives(html, forbidden):
    cleaned = sanitize_html(html)
    for needle in forbidden:
        assert needle.lower() not in cleaned.lower()


def test_links_get_noopener_and_keep_their_address():
    cleaned = sanitize_html('<a href="https://example.com/shoes" target="_blank">shoes</a>')
    assert cleaned == '<a href="https://example.com/shoes" rel="noopener">shoes</a>'


def test_editor_formatting_survives():
    html = (
        "<h2>1. Overstriding</h2><h3>Why</h3><p><strong>Bold</strong> and <em>italic</em> "
        '<a href="/topics/training/">a link</a></p><ul><li>one</li></ul><ol><li>two</li></ol>'
        "<blockquote><p>Quote</p></blockquote>"
        '<figure class="table"><table><thead><tr><th>Band</th></tr></thead>'
        "<tbody><tr><td>Light</td></tr></tbody></table></figure>"
        '<figure class="image"><img src="/media/editor/x.jpg" alt="A stretch">'
        "<figcaption>Caption</figcaption></figure>"
    )
    cleaned = sanitize_html(html)
    for fragment in [
        "<h2>1. Overstriding</h2>",
        "<h3>Why</h3>",
        "<strong>Bold</strong>",
        "<em>italic</em>",
        '<a href="/topics/training/" rel="noopener">a link</a>',
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote><p>Quote</p></blockquote>",
        '<figure class="table"><table><thead><tr><th>Band</th></tr></thead>',
        '<img src="/media/editor/x.jpg" alt="A stretch">',
        "<figcaption>Caption</figcaption>",
    ]:
        assert fragment in cleaned


def test_unknown_classes_are_dropped():
    assert sanitize_html('<figure class="image evil"><p class="x">t</p></figure>') == (
        '<figure class="image"><p>t</p></figure>'
    )


def test_empty_input():
    assert sanitize_html(None) == ""
    assert sanitize_html("") == ""


def test_html_to_text_keeps_blocks_and_drops_controls():
    text = html_to_text("<h2>Title</h2><p>One &amp; two\x02</p><ul><li>a</li><li>b</li></ul>")
    assert text == "Title\nOne & two\na\nb"


def test_images_only_from_our_uploads_or_https():
    cleaned = sanitize_html(
        '<img src="x" alt="a"><img src="/media/editor/a.jpg" alt="b">'
        '<img src="https://cdn.example/a.jpg" alt="c"><img src="http://e.example/a.jpg" alt="d">'
    )
    assert cleaned == (
        '<img alt="a"><img src="/media/editor/a.jpg" alt="b">'
        '<img src="https://cdn.example/a.jpg" alt="c"><img alt="d">'
    )
