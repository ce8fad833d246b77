"""The stylesheet bundles in a real browser: a page styled by its one bundle looks exactly as
it did with the six source stylesheets (every computed style of every element, ::before and
::after included, at desktop and phone widths), each source still counts in it, and the
admin, which keeps its own stylesheets, is untouched."""

import pytest
from playwright.sync_api import expect

from runnerhub.stylesheets import BUNDLES, OUT
from tests.admin_paths import ADMIN
from tests.comments.factories import CommentFactory
from tests.e2e.conftest import DESKTOP, PHONE, login, rich_article, shot
from tests.runnerhub.factories import UserFactory
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Every computed style of every element of <body> (and of its ::before and ::after), kept
# in the page as text; with `compare`, the differences from the kept one instead.
STYLES_JS = """compare => {
    const styles = [];
    const all = [document.documentElement, document.body, ...document.body.querySelectorAll("*")];
    for (const el of all) {
        let text = "";
        for (const pseudo of [null, "::before", "::after"]) {
            const cs = getComputedStyle(el, pseudo);
            for (const name of cs) text += `${pseudo || ""}${name}:${cs.getPropertyValue(name)};`;
        }
        if ((window.__skippable || []).includes(el)) text += "(content-visibility:auto)";
        styles.push([el.tagName.toLowerCase() + (el.className ? "." + el.className : ""), text]);
    }
    if (!compare) { window.__styles = styles; return styles.length; }
    const before = window.__styles, diffs = [];
    if (before.length !== styles.length) return [`${before.length} elements, now ${styles.length}`];
    styles.forEach(([name, text], i) => {
        if (text === before[i][1]) return;
        const was = before[i][1].split(";"), now = text.split(";");
        const changed = now.filter((decl, j) => decl !== was[j]).slice(0, 3);
        diffs.push(`${name}: ${changed.join("; ")}`);
    });
    return diffs;
}"""

# Makes every element's computed style final before it is read: opens every <details> (the
# FAQ), renders each list the stylesheets give `content-visibility: auto` (the comment
# thread; `visible` set through the CSSOM, which the CSP allows, and the list remembered so
# that STYLES_JS still compares that value), then finishes every transition and waits two
# frames. The browser skips what closed details and off-screen lists hold, and the computed
# sizes and colours of skipped elements are stale until a frame renders them.
SETTLE_JS = """async () => {
    for (const details of document.querySelectorAll("details")) details.open = true;
    if (!window.__skippable) {
        window.__skippable = [...document.querySelectorAll("*")].filter(
            el => getComputedStyle(el).contentVisibility === "auto");
    }
    for (const el of window.__skippable) el.style.contentVisibility = "visible";
    for (const animation of document.getAnimations()) animation.finish();
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""

# Puts `hrefs` where the page's one stylesheet link is, waits for them, and removes it.
SWAP_JS = """async hrefs => {
    const links = document.querySelectorAll('link[rel="stylesheet"]');
    if (links.length !== 1) throw new Error(`${links.length} stylesheets`);
    await Promise.all(hrefs.map(href => new Promise((loaded, failed) => {
        const link = Object.assign(document.createElement("link"), {rel: "stylesheet", href});
        link.onload = loaded;
        link.onerror = () => failed(new Error(href));
        links[0].before(link);
    })));
    links[0].remove();
    await document.fonts.ready;
}"""


@pytest.fixture
def site():
    category = ShopCategoryFactory(slug="muscle-recovery", name="Muscle recovery")
    roller = ProductFactory(slug="roller", category=category, name="Foam roller")
    article = rich_article()
    article.body += "<p>[shop muscle-recovery]</p><p>[product roller]</p>"
    article.save()
    ArticleProductFactory(article=article, product=roller)
    question = CommentFactory(article=article, name="Jo", text="Does this work for calves too?")
    CommentFactory(article=article, parent=question, name="Sam", text="Yes, roll them gently.")
    return {"home": "/", "article": article.get_absolute_url(), "shop": category.get_absolute_url()}


def _open(context, url: str):
    """Opens `url`: the page, and the bundle its one stylesheet link names."""
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.evaluate("document.fonts.ready")
    links = page.locator('link[rel="stylesheet"]')
    expect(links).to_have_count(1)
    href = links.get_attribute("href")
    assert href.startswith(f"/static/{OUT}/"), href
    return page, href.removeprefix(f"/static/{OUT}/").removesuffix(".css")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_page_looks_the_same_with_its_bundle_as_with_the_sources(
    new_context, site, viewport, screenshot_dir
):
    context = new_context(viewport=viewport, reduced_motion="reduce")
    width = viewport["width"]
    for name, url in site.items():
        page, bundle = _open(context, url)
        assert bundle == {"home": "list", "article": "article", "shop": "shop"}[name]
        shot(page, screenshot_dir, f"stylesheets-{name}-{width}.png")
        sources = [f"/static/{path}" for path in BUNDLES[bundle]]
        page.evaluate(SETTLE_JS)
        assert page.evaluate(STYLES_JS, False) > 50
        page.evaluate(SWAP_JS, sources)
        page.evaluate(SETTLE_JS)
        assert page.evaluate(STYLES_JS, True) == [], f"{name} at {width}px"
        page.close()


def test_each_source_counts_in_the_bundle(new_context, site):
    """The article's bundle holds all six sources: without any one of them, the page
    looks different (so the comparison above would see a source missing from a bundle)."""
    context = new_context(reduced_motion="reduce")
    sources = [f"/static/{path}" for path in BUNDLES["article"]]
    for missing in sources:
        page, _ = _open(context, site["article"])
        page.evaluate(SETTLE_JS)
        page.evaluate(STYLES_JS, False)
        page.evaluate(SWAP_JS, [source for source in sources if source != missing])
        page.evaluate(SETTLE_JS)
        assert page.evaluate(STYLES_JS, True), f"the article looks the same without {missing}"
        page.close()


def test_the_fonts_and_the_parts_of_every_app_are_styled(new_context, site):
    page, _ = _open(new_context(), site["article"])
    faces = page.evaluate(
        """() => [...document.fonts].filter(f => f.status === "loaded")
            .map(f => f.family.replaceAll('"', ""))"""
    )
    assert {"Inter", "Barlow Condensed"} <= set(faces)
    style = "(el, name) => getComputedStyle(el).getPropertyValue(name)"
    assert page.locator("body").evaluate(style, "font-family").startswith("Inter")
    assert page.locator("h1").first.evaluate(style, "font-family").startswith('"Barlow Condensed"')
    # site.css: the header's navy; newsletter.css, articles.css, comments.css, shop.css: the
    # layout of their parts (unstyled, each would be a plain block).
    assert page.locator(".site-header").evaluate(style, "background-color") == "rgb(15, 27, 45)"
    assert page.locator(".prose").first.evaluate(style, "line-height") != "normal"
    assert page.locator(".comment").first.evaluate(style, "display") == "grid"
    assert page.locator(".nl-banner__inner").first.evaluate(style, "display") == "grid"
    assert page.locator(".gear-box").first.evaluate(style, "margin-top") != "0px"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_admin_keeps_its_own_stylesheets(new_context, site, viewport, screenshot_dir):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    page = new_context(viewport=viewport).new_page()
    login(page, "boss")
    page.goto(f"{ADMIN}articles/article/")
    hrefs = page.locator('link[rel="stylesheet"]').evaluate_all("links => links.map(l => l.href)")
    assert not [href for href in hrefs if f"/{OUT}/" in href], hrefs
    assert any(href.endswith("/static/admin/css/base.css") for href in hrefs), hrefs
    assert any(href.endswith("/static/runnerhub/css/admin-site.css") for href in hrefs), hrefs
    expect(page.locator("#result_list")).to_be_visible()
    shot(page, screenshot_dir, f"stylesheets-admin-{viewport['width']}.png", load_lazy=False)
