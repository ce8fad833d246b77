"""Stored XSS: every script payload of the corpus (tests/hostile.py XSS), stored wherever
someone can put text, is inert on every page that shows it, in a real Chromium.

What is stored: comment names and texts, a staff reply (through the inbox's Reply as staff),
an article's title, lead, body, SEO fields, alt text, reviewer and FAQ (through the admin's
change form, so through its validation and the sanitizer), a topic, a tag, a shop category
and product, a newsletter issue with an offer, subscribers' names and the staff's own
names. Each page is loaded with a dialog listener, and the DOM (same-origin iframes too) is
searched for anything that came from a payload: an on* attribute, a javascript:, vbscript:
or data:text/html address, a script whose code holds a payload's call, JSON-LD that no
longer parses, a <base> or a meta refresh."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment
from newsletter.models import Issue, Subscriber
from newsletter.tokens import confirm_token
from runnerhub.sanitize import lost_tail
from tests.articles.factories import TagFactory, TopicFactory
from tests.comments.factories import CommentFactory
from tests.e2e.conftest import login, post_around_the_editor, shot, watch_dialogs
from tests.hostile import XSS, XSS_MARKERS
from tests.newsletter.factories import (
    CalloutFactory,
    IssueFactory,
    PendingSubscriberFactory,
    SubscriberFactory,
)
from tests.runnerhub.factories import StaffFactory
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.usefixtures("transactional_db")

ARTICLES = 3
# What can be stored: every form refuses NUL (PostgreSQL cannot hold it in text), so the
# payloads that carry one are stored without it.
XSS = list(dict.fromkeys(payload.replace("\x00", "") for payload in XSS))

# Everything that would run, or make the page go elsewhere, if it came from a payload.
FIND_ACTIVE_CONTENT = r"""markers => {
    const found = [];
    const urlAttributes = ["href", "src", "action", "formaction", "data", "xlink:href",
                           "background", "poster", "srcset", "ping"];
    function scan(doc, where) {
        for (const el of doc.querySelectorAll("*")) {
            const tag = el.tagName.toLowerCase();
            const label = where + "<" + tag + (el.id ? "#" + el.id : "") + ">";
            for (const attr of el.attributes) {
                const name = attr.name.toLowerCase();
                if (name.startsWith("on")) {
                    found.push(label + " " + name + "=" + attr.value.slice(0, 80));
                } else if (urlAttributes.includes(name)) {
                    // The address as this browser reads it, not as the string looks.
                    let url = null;
                    try { url = new URL(attr.value, doc.baseURI); } catch (e) { url = null; }
                    const scheme = url ? url.protocol : "";
                    if (scheme === "javascript:" || scheme === "vbscript:"
                        || (scheme === "data:" && /^data:text\/html/i.test(url.href))) {
                        found.push(label + " " + name + "=" + attr.value.slice(0, 80));
                    }
                }
            }
            if (tag === "script") {
                const type = (el.getAttribute("type") || "").toLowerCase();
                const code = el.textContent;
                if (type.endsWith("json")) {
                    try { JSON.parse(code); } catch (e) {
                        found.push(label + " JSON that does not parse: " + code.slice(0, 80));
                    }
                } else if (markers.some(m => code.includes(m) || (el.src || "").includes(m))) {
                    found.push(label + " " + (el.src || code.slice(0, 80)));
                }
            }
            if (tag === "base" && el.hasAttribute("href")) {
                found.push(label + " " + el.getAttribute("href"));
            }
            if (tag === "meta" && (el.httpEquiv || "").toLowerCase() === "refresh") {
                found.push(label + " refresh " + el.content);
            }
            if (tag === "iframe") {
                let inner = null;
                try { inner = el.contentDocument; } catch (e) { inner = null; }
                if (inner) scan(inner, label + " ");
            }
        }
    }
    scan(document, "");
    return found;
}"""
# The site's own inline handlers, which are not a payload's: none (a strict CSP forbids them).
OWN_HANDLERS: set[str] = set()


def packed(payloads, limit: int, start: int = 0) -> str:
    """As many payloads as fit in `limit` characters, from `start` on, around the list."""
    text = ""
    for i in range(len(payloads)):
        payload = payloads[(start + i) % len(payloads)]
        if len(text) + len(payload) + 1 > limit:
            break
        text = f"{text} {payload}" if text else payload
    return text or payloads[start % len(payloads)][:limit]


class _FormFields(HTMLParser):
    """The fields of the change form on an admin page, with their current values."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = self._textarea = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value") or default)
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def post_admin_form(client: Client, url: str, values: dict[str, str]) -> None:
    """Fill the admin form at `url` as a browser would (every field as shown, these changed)
    and save it; the form must accept it."""
    fields = _FormFields()
    fields.feed(client.get(url).content.decode())
    data = {name: value for name, value in fields.data.items() if value}
    data.update({name: [value] for name, value in values.items()})
    data["_save"] = ["Save"]
    response = client.post(url, data)
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())
    assert response.status_code == 302, errors


def rich_body(payloads) -> str:
    """The payloads as paragraphs, leaving out those the admin refuses to save because they
    would swallow the rest of the body (an unclosed <script>: tested on the refused form)."""
    keep = [p for p in payloads if lost_tail(f"<p>{p}</p>") is None]
    return "".join(f"<p>{p}</p>" for p in keep)


@pytest.fixture
def stored(live_server):
    """The XSS corpus stored in every place, as the people who write there would."""
    root = StaffFactory(
        username="root",
        is_superuser=True,
        first_name=XSS[0][:150],
        display_name=packed(XSS, 80, 1),
        public_title=packed(XSS, 60, 2),
    )
    admin = Client()
    admin.force_login(root)
    topic = TopicFactory(name=packed(XSS, 80, 3), slug="xss-topic", description=packed(XSS, 500))
    tag = TagFactory(name=packed(XSS, 50, 4), slug="xss-tag")
    category = ShopCategoryFactory(
        name=packed(XSS, 80, 5),
        slug="xss-category",
        cta_label=packed(XSS, 60, 6),
        description=packed(XSS, 600, 7),
    )
    product = ProductFactory(
        name=packed(XSS, 120, 8),
        slug="xss-product",
        brand=packed(XSS, 80, 9),
        category=category,
        short_description=packed(XSS, 240, 10),
        image_alt=packed(XSS, 200, 11),
    )

    share = len(XSS) // ARTICLES + 1
    for n in range(ARTICLES):
        mine = XSS[n * share : (n + 1) * share]
        post_admin_form(
            admin,
            "/admin/articles/article/add/",
            {
                "title": packed(XSS, 200, 12 + n * 5),
                "slug": f"xss-{n}",
                "lead": packed(XSS, 600, 13 + n * 7),
                "body": rich_body(mine),
                "topic": str(topic.pk),
                "tags": str(tag.pk),
                "author": str(root.pk),
                "status": "published",
                "hero_alt": packed(XSS, 200, 14 + n),
                "reviewed_by": packed(XSS, 120, 15 + n),
                "seo_title": packed(XSS, 70, 16 + n),
                "seo_description": packed(XSS, 160, 17 + n),
                "faqs-TOTAL_FORMS": "2",
                "faqs-0-question": packed(mine, 300),
                "faqs-0-answer": packed(XSS, 3000, n * share),
                "faqs-0-order": "0",
                "faqs-1-question": packed(mine, 300, 3),
                "faqs-1-answer": packed(mine, 3000, 5),
                "faqs-1-order": "1",
            },
        )
    articles = list(Article.objects.order_by("slug"))
    assert [a.slug for a in articles] == [f"xss-{n}" for n in range(ARTICLES)]
    ArticleProductFactory(article=articles[0], product=product, note=packed(XSS, 200, 18))

    # The thread: one comment per payload (its name cut to the field's 80 characters), as
    # questions, replies and replies to replies; the first questions answered by staff.
    article = articles[0]
    questions = []
    for i, payload in enumerate(XSS):
        if i % 3 == 0:
            questions.append(CommentFactory(article=article, name=payload[:80], text=payload))
        else:
            parent = questions[-1] if i % 3 == 1 else Comment.objects.latest("pk")
            CommentFactory(article=article, parent=parent, name=payload[:80], text=payload)
    for i, question in enumerate(questions[:5]):
        response = admin.post(
            f"/admin/comments/comment/{question.pk}/reply/", {"text": packed(XSS, 5000, i * 9)}
        )
        assert response.status_code == 302
    assert Comment.objects.filter(is_staff_reply=True).count() == 5

    issue = IssueFactory(
        subject=packed(XSS, 150, 19), preheader=packed(XSS, 150, 20), body=rich_body(XSS)
    )
    CalloutFactory(
        issue=issue,
        title=packed(XSS, 120, 21),
        text=packed(XSS, 600, 22),
        when=packed(XSS, 80, 23),
        button=packed(XSS, 40, 24),
    )
    for i in range(3):
        SubscriberFactory(first_name=packed(XSS, 80, 25 + i * 11))
    waiting = PendingSubscriberFactory(first_name=packed(XSS, 80, 60))
    return {
        "articles": articles,
        "question": questions[0],
        "issue": issue,
        "category": category,
        "product": product,
        "confirm": confirm_token(waiting),
    }


def _assert_inert(page, url: str, dialogs: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    page.wait_for_timeout(150)  # let autofocus and load events fire
    found = page.evaluate(FIND_ACTIVE_CONTENT, list(XSS_MARKERS))
    active = [a for a in found if a not in OWN_HANDLERS]
    assert active == [], f"{url}: {active[:10]}"
    assert dialogs == [], f"{url}: {dialogs[:10]}"


def test_the_xss_corpus_is_inert_on_public_pages(stored, new_context, screenshot_dir):
    reader = new_context().new_page()
    dialogs = watch_dialogs(reader)
    article = stored["articles"][0]
    urls = [
        "/",
        "/articles/",
        *(a.get_absolute_url() for a in stored["articles"]),
        "/topics/xss-topic/",
        "/tags/xss-tag/",
        "/search/?q=alert",
        "/shop/xss-category/",
        f"/comments/reply/{stored['question'].pk}/",
        "/newsletter/",
        # The issue, sent: its web version, the archive and its feed are public.
        f"/newsletter/{stored['issue'].pk}/",
        "/newsletter/archive/",
    ]
    Issue.objects.filter(pk=stored["issue"].pk).update(
        status=Issue.Status.SENT, started_at=timezone.now()
    )
    for url in urls:
        _assert_inert(reader, url, dialogs)
    # The payloads really are on the page, as text.
    assert reader.goto(f"/newsletter/{stored['issue'].pk}/").status == 200
    expect(reader.locator(".nl-callout")).to_contain_text("alert(")
    reader.goto(article.get_absolute_url())
    expect(reader.locator(".comment").first).to_contain_text("alert(1)")
    assert reader.locator(".comment").count() >= len(XSS) // 2
    shot(reader, screenshot_dir, "stored-xss-article.png", load_lazy=False)
    reader.goto("/search/?q=alert")
    shot(reader, screenshot_dir, "stored-xss-search.png", load_lazy=False)

    # A subscriber's name, shown back after confirming.
    _assert_inert(reader, f"/newsletter/confirm/{stored['confirm']}/", dialogs)
    reader.get_by_role("button", name="Confirm").click()
    expect(reader.locator(".nl-page__lead")).to_contain_text("Thanks for confirming")
    reader.wait_for_timeout(150)
    assert reader.evaluate(FIND_ACTIVE_CONTENT, list(XSS_MARKERS)) == []
    assert dialogs == []


def test_the_xss_corpus_is_inert_in_admin(stored, page, screenshot_dir):
    dialogs = watch_dialogs(page)
    login(page, "root")
    article, issue = stored["articles"][0], stored["issue"]
    comment = Comment.objects.filter(is_staff_reply=False).order_by("pk").first()
    subscriber = Subscriber.objects.order_by("pk").first()
    urls = [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        "/admin/articles/topic/",
        "/admin/articles/tag/",
        "/admin/comments/comment/",
        f"/admin/comments/comment/{comment.pk}/change/",
        "/admin/comments/comment/inbox/",
        "/admin/shop/product/",
        f"/admin/shop/product/{stored['product'].pk}/change/",
        "/admin/shop/shopcategory/",
        f"/admin/shop/shopcategory/{stored['category'].pk}/change/",
        "/admin/newsletter/issue/",
        f"/admin/newsletter/issue/{issue.pk}/change/",
        f"/admin/newsletter/issue/{issue.pk}/preview/",
        f"/admin/newsletter/issue/{issue.pk}/preview/email/",
        f"/admin/newsletter/issue/{issue.pk}/fill/",
        "/admin/newsletter/subscriber/",
        f"/admin/newsletter/subscriber/{subscriber.pk}/change/",
        "/admin/runnerhub/user/",
    ]
    for url in urls:
        _assert_inert(page, url, dialogs)
        if url.endswith("/preview/"):
            shot(page, screenshot_dir, "stored-xss-issue-preview.png", load_lazy=False)
        if url.endswith("/inbox/"):
            shot(page, screenshot_dir, "stored-xss-inbox.png", load_lazy=False)


def test_a_refused_article_body_comes_back_inert(stored, page):
    """A body the admin refuses (an unclosed <script> would swallow the rest) is shown back
    to the editor in the editor, with the message: nothing in it runs there either."""
    dialogs = watch_dialogs(page)
    login(page, "root")
    page.goto("/admin/articles/article/add/")
    expect(page.locator(".ck-editor__editable")).to_be_visible()
    page.locator("#id_title").fill("Refused body")
    body = "".join(f"<p>{p}</p>" for p in XSS) + "<p><script>alert('unclosed')</p>"
    post_around_the_editor(page, body)
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-body .errorlist")).to_contain_text("<script>")
    page.wait_for_timeout(300)
    found = page.evaluate(FIND_ACTIVE_CONTENT, list(XSS_MARKERS))
    # CKEditor keeps an image's address in its editing view (it makes unsafe link addresses
    # safe, not image ones). A javascript: image address is never run by a browser: it is
    # requested as an image and fails. Saved, the sanitizer drops it (test_sanitize.py).
    editing_view_images = [f for f in found if re.fullmatch(r"<img> src=javascript:.*", f)]
    assert [f for f in found if f not in editing_view_images] == []
    assert dialogs == []


def test_the_checks_see_a_payload_that_runs(page):
    """The same checks on a page where the payloads were not made inert: each is seen."""
    dialogs = watch_dialogs(page)
    page.set_content(
        '<img src="/nowhere.png" onerror="alert(1)"><a href="java&#9;script:alert(2)">x</a>'
        '<script>window.ran = "alert(3)"</script><base href="https://evil.example/">'
        '<script type="application/ld+json">{"name": "</script>'
    )
    page.wait_for_timeout(300)
    found = page.evaluate(FIND_ACTIVE_CONTENT, list(XSS_MARKERS))
    assert [f.split(" ")[0] for f in found] == ["<img>", "<a>", "<script>", "<base>", "<script>"]
    assert dialogs == ["alert: 1"]
