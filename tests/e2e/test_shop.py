"""A reader follows a shop call to action and a product card out of an article; the clicks
show up in admin."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from shop.models import ClickCount
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.e2e.conftest import login, shot
from tests.runnerhub.factories import StaffFactory
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.usefixtures("transactional_db")
READER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)


class LocalShop(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"<!doctype html><title>Local shop</title><h1>Local shop {self.path}</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def local_shop():
    server = ThreadingHTTPServer(("127.0.0.1", 0), LocalShop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_reader_clicks_through_to_the_shop(page, new_context, local_shop, settings, screenshot_dir):
    settings.SHOP_ALLOWED_DOMAINS = []
    cache.clear()  # a click is counted once per reader, target and article in a window
    category = ShopCategoryFactory(
        name="Muscle recovery", slug="muscle-recovery", url=f"{local_shop}/c/recovery"
    )
    roller = ProductFactory(
        name="Foam roller", slug="foam-roller", category=category, url=f"{local_shop}/p/roller"
    )
    article = ArticleFactory(
        title="Hamstring strains",
        slug="hamstring-strains",
        body="<p>A foam roller helps.</p><p>[shop muscle-recovery]</p><p>[product foam-roller]</p>",
    )
    ArticleProductFactory(article=article, product=roller, note="Our physios' pick")

    # Headless Chrome says so in its user agent, and headless browsers are not counted as
    # readers: this one presents itself as the desktop Chrome a reader would use.
    reader = new_context(user_agent=READER_AGENT).new_page()
    reader.goto(article.get_absolute_url())
    shot(reader, screenshot_dir, "shop-1-article.png")
    reader.get_by_role("link", name="Shop muscle recovery").click()
    expect(reader.locator("h1")).to_contain_text("Local shop /c/recovery")
    landed = parse_qs(urlsplit(reader.url).query)
    assert landed == {
        "utm_source": ["runnerhub"],
        "utm_medium": ["article"],
        "utm_campaign": ["hamstring-strains"],
    }

    reader.goto(article.get_absolute_url())
    reader.locator(".article__body .product-card").get_by_role("link", name="View in shop").click()
    expect(reader.locator("h1")).to_contain_text("Local shop /p/roller")
    assert parse_qs(urlsplit(reader.url).query)["utm_campaign"] == ["hamstring-strains"]

    counts = {
        (c.product_id, c.category_id, c.article_id): c.count for c in ClickCount.objects.all()
    }
    assert counts == {(None, category.pk, article.pk): 1, (roller.pk, None, article.pk): 1}

    # The clicks appear in admin: on the product list and on the article's page.
    StaffFactory(username="boss", is_superuser=True)
    login(page, "boss")
    page.goto(f"{ADMIN}shop/product/")
    row = page.locator("tr", has_text="Foam roller")
    expect(row.locator("td.field-clicks_7")).to_have_text("1")
    page.goto(f"{ADMIN}articles/article/{article.pk}/change/")
    clicks = page.locator("table", has_text="Product or category")
    expect(clicks).to_contain_text("Foam roller")
    expect(clicks).to_contain_text("Muscle recovery (category)")
    shot(page, screenshot_dir, "shop-2-admin-article.png", load_lazy=False)
