import io
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from shop.linkcheck import check_url
from shop.models import ClickCount, Product, ShopCategory
from tests.admin_paths import ADMIN
from tests.articles.factories import ArticleFactory
from tests.runnerhub.factories import signed_in, warm_page_cache
from tests.shop.conftest import PUBLIC_IP, add_product
from tests.shop.factories import ArticleProductFactory, ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db


class FakeShop(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.respond()

    def do_GET(self):
        self.respond()

    def respond(self):
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/gone":
            self.send_response(404)
        elif self.path == "/boom":
            self.send_response(500)
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif self.path == "/no-head":
            self.send_response(200)
        elif self.path.startswith("/loop"):
            self.send_response(302)
            self.send_header("Location", "/loop-again" if self.path == "/loop" else "/loop")
        elif self.path == "/slow":
            time.sleep(3)
            self.send_response(200)
        else:
            self.send_response(400)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def fake_shop_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeShop)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def fake_shop(fake_shop_server, network):
    """The shop at a public name and address, served (through the pretend network) by the
    fake shop on loopback: the checker's default rules apply unchanged."""
    network.names["shop.example"] = [PUBLIC_IP]
    network.routes[(PUBLIC_IP, 80)] = fake_shop_server.server_address[:2]
    return "http://shop.example"


@pytest.mark.parametrize(
    ("path", "broken", "status"),
    [
        ("/ok", False, "HTTP 200"),
        ("/no-head", False, "HTTP 200"),
        ("/gone", True, "HTTP 404"),
        ("/boom", True, "HTTP 500"),
        ("/loop", True, "redirect loop"),
        ("/slow", True, "timeout"),
    ],
)
def test_check_url(fake_shop, path, broken, status):
    assert check_url(fake_shop + path, timeout=1) == (broken, status)


def test_unreachable_host(fake_shop):
    broken, status = check_url("http://shop.example:1/", timeout=1)
    assert broken and status.startswith("unreachable")
    assert check_url("http://no-such-shop.example/", timeout=1) == (
        True,
        "unreachable: name not found",
    )


def test_command_marks_broken_links_and_falls_back(fake_shop, settings, capsys, client):
    settings.SHOP_ALLOWED_DOMAINS = []
    category = ShopCategoryFactory(slug="recovery", url=fake_shop + "/ok")
    ok = ProductFactory(slug="ok", category=category, url=fake_shop + "/ok")
    gone = ProductFactory(slug="gone", category=category, url=fake_shop + "/gone")
    looping = ProductFactory(slug="loop", category=category, url=fake_shop + "/loop")
    ProductFactory(slug="off", category=category, url=fake_shop + "/gone", is_active=False)
    call_command("check_shop_links", timeout=1)
    out = capsys.readouterr().out
    assert "[4/4]" in out and "Checked 4 links: 2 broken." in out
    states = dict(Product.objects.values_list("slug", "link_broken"))
    assert states == {"ok": False, "gone": True, "loop": True, "off": False}
    gone.refresh_from_db()
    assert gone.link_status == "HTTP 404" and gone.link_checked_at is not None
    assert ok.link_status == "" and looping  # refreshed below
    # A broken product's calls to action lead to its category.
    article = ArticleFactory(body="<p>[product gone]</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/go/shop/recovery/?a={article.pk}"' in html
    assert "See" in html and "in the shop" in html


def test_admin_lists_broken_links_and_checks_from_an_action(fake_shop, admin_client):
    category = ShopCategoryFactory(url=fake_shop + "/ok")
    product = ProductFactory(name="Dead link roller", category=category, url=fake_shop + "/gone")
    response = admin_client.post(
        f"{ADMIN}shop/product/",
        {"action": "check_links", "_selected_action": [product.pk]},
        follow=True,
    )
    assert "Checked 1 link: 1 broken." in response.content.decode()
    broken = admin_client.get(f"{ADMIN}shop/product/", {"link": "broken"}).content.decode()
    assert "Dead link roller" in broken and "HTTP 404" in broken


def test_admin_gives_the_check_time_in_the_sites_zone_and_format(admin_client):
    checked = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)  # 1pm in London (BST)
    ProductFactory(link_checked_at=checked, link_status="HTTP 200", link_broken=False)
    listed = admin_client.get(f"{ADMIN}shop/product/").content.decode()
    assert 'title="checked June 10, 2026 at 1:00pm"' in listed  # once UTC: "10 Jun 12:00"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Enter a full shop address"),
        ("data:text/html,hi", "Enter a full shop address"),
        ("//evil.example/path", "is not one of the shop"),
        ("ftp://shop.example.com/x", "Enter a full shop address"),
        ("https://evil.example/roller", "is not one of the shop"),
        ("https://shop.example.com.evil.example/x", "is not one of the shop"),
    ],
)
def test_bad_product_urls_are_refused_in_admin(admin_client, settings, url, message):
    settings.SHOP_ALLOWED_DOMAINS = ["shop.example.com"]
    category = ShopCategoryFactory()
    response = add_product(admin_client, category, url, is_active="on")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Product.objects.exists()


def test_good_product_with_image_and_subdomain(admin_client, settings):
    settings.SHOP_ALLOWED_DOMAINS = ["example.com"]
    category = ShopCategoryFactory()
    buffer = io.BytesIO()
    Image.new("RGB", (900, 900), "teal").save(buffer, "JPEG")
    response = add_product(
        admin_client,
        category,
        price="19.50",
        is_active="on",
        image=SimpleUploadedFile("r.jpg", buffer.getvalue()),
        image_alt="A foam roller",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    product = Product.objects.get()
    assert [r["w"] for r in product.image_renditions] == [480, 800, 900]


def test_product_image_that_is_not_an_image(admin_client):
    category = ShopCategoryFactory()
    response = add_product(
        admin_client,
        category,
        image=SimpleUploadedFile("r.jpg", b"MZ\x90\x00 an exe"),
        image_alt="x",
    )
    assert "not an image" in response.content.decode()


def test_click_counts_in_admin(client):
    signed_in(client, "Editors")
    article = ArticleFactory(title="Calf strains")
    popular = ProductFactory(name="Popular roller")
    quiet = ProductFactory(name="Quiet ball")
    today = timezone.localdate()
    ClickCount.objects.create(
        key="1", product=popular, article=article, day=today, medium="article", count=5
    )
    ClickCount.objects.create(
        key="2",
        product=popular,
        article=article,
        day=today - timedelta(days=20),
        medium="article",
        count=7,
    )
    ClickCount.objects.create(
        key="3",
        product=quiet,
        article=None,
        day=today - timedelta(days=40),
        medium="article",
        count=9,
    )
    html = client.get(f"{ADMIN}shop/product/", {"o": "-10"}).content.decode()
    assert html.index("Popular roller") < html.index("Quiet ball")
    row = html[html.index("Popular roller") :]
    assert (
        '<td class="field-clicks_7">5</td>' in row and '<td class="field-clicks_30">12</td>' in row
    )
    page = client.get(f"{ADMIN}articles/article/{article.pk}/change/").content.decode()
    assert "Shop clicks from this article" in page
    assert "<td>Popular roller</td><td>5</td><td>12</td>" in page
    assert client.get(f"{ADMIN}shop/clickcount/").status_code == 200


def test_gear_box_and_body_blocks_on_the_article_page(client, django_assert_num_queries):
    category = ShopCategoryFactory(slug="muscle-recovery", name="Muscle recovery")
    roller = ProductFactory(slug="roller", name="Foam roller", category=category)
    stick = ProductFactory(slug="stick", name="Massage stick", category=category, is_sponsored=True)
    article = ArticleFactory(
        body="<p>Rolling helps.</p><p>[shop muscle-recovery]</p><p>[product roller]</p>"
        "<p>[product stick]</p><p>[product nope]</p><p>[nothing here]</p>"
    )
    ArticleProductFactory(article=article, product=stick, note="Best for calves")
    ArticleProductFactory(article=article, product=roller)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'href="/go/shop/muscle-recovery/?a={article.pk}"' in html
    assert "Shop muscle recovery" in html
    assert f'href="/go/roller/?a={article.pk}" rel="nofollow noopener"' in html
    assert f'href="/go/stick/?a={article.pk}" rel="sponsored nofollow noopener"' in html
    assert "[product" not in html and "[nothing" not in html and "[shop" not in html
    box = html[html.index("Gear in this article") :]
    assert box.index("Massage stick") < box.index("Foam roller")
    assert "Best for calves" in box


def test_admin_refuses_unknown_blocks(admin_client):
    ShopCategoryFactory(slug="muscle-recovery")
    article = ArticleFactory(body="<p>Hi</p>")
    response = admin_client.get(f"{ADMIN}articles/article/{article.pk}/change/")
    assert response.status_code == 200
    from articles.admin import ArticleAdminForm

    form = ArticleAdminForm(
        instance=article,
        data={"body": "<p>[product missing-roller]</p><p>[shop muscle-recovery]</p><p>[gizmo]</p>"},
    )
    form.is_valid()
    errors = form.errors["body"]
    assert "[product missing-roller]: nothing is called “missing-roller”." in errors
    assert any("[gizmo] is not a block we know" in e for e in errors)
    assert not any("muscle-recovery" in e for e in errors)


def test_article_page_queries_do_not_grow_with_blocks(client, django_assert_num_queries):
    from runnerhub.models import SiteSettings

    SiteSettings.load()
    category = ShopCategoryFactory(slug="recovery")
    products = [ProductFactory(category=category) for _ in range(6)]
    one = ArticleFactory(body=f"<p>[product {products[0].slug}]</p><p>[shop recovery]</p>")
    many = ArticleFactory(
        body="".join(f"<p>[product {p.slug}]</p>" for p in products) + "<p>[shop recovery]</p>"
    )
    for p in products:
        ArticleProductFactory(article=many, product=p)
    ArticleProductFactory(article=one, product=products[0])
    # Article, menu, products, categories, thread, related; nothing kept (the two pages
    # would share the kept menu).
    cache.clear()
    warm_page_cache()
    with django_assert_num_queries(6) as few:
        client.get(one.get_absolute_url())
    cache.clear()
    warm_page_cache()
    with django_assert_num_queries(len(few)):
        client.get(many.get_absolute_url())


def test_category_and_product_sanity(settings):
    settings.SHOP_ALLOWED_DOMAINS = []
    category = ShopCategory(name="Supports & tape", slug="s", url="https://x.example/")
    assert category.button_text == "Shop supports & tape"
    category.cta_label = "Shop supports & tape now"
    assert category.button_text == "Shop supports & tape now"
