"""The link checker and the shop address forms never reach the site's own network.

A real listener on loopback (127.0.0.1 and ::1) records every connection; with the default
settings it must see none, whatever the address looks like, wherever a redirect points and
whatever DNS answers. The pretend network (conftest.py) routes the public test address to
servers on loopback, so "public shop" tests run here without any traffic leaving the machine.
"""

import contextlib
import ipaddress
import shutil
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from shop import linkcheck, models
from shop.linkcheck import REFUSED, REFUSED_REDIRECT, check_url
from shop.models import Product, validate_shop_url
from shop.services import links_check
from tests.admin_paths import ADMIN
from tests.shop.conftest import PUBLIC_IP, add_product
from tests.shop.factories import ProductFactory, ShopCategoryFactory

pytestmark = pytest.mark.django_db


class PublicShop(BaseHTTPRequestHandler):
    """The shop "on the internet": answers /ok, redirects /to?<url> and /moved."""

    protocol_version = "HTTP/1.0"
    requests: list  # (method, path, Host header), set per server

    def do_HEAD(self):
        self.respond()

    def do_GET(self):
        self.respond()

    def respond(self):
        self.server.requests.append((self.command, self.path, self.headers.get("Host")))
        if self.path.startswith("/to?"):
            self.send_response(302)
            self.send_header("Location", self.path[4:])
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def public_shop(network):
    """http://shop.example/ resolves to PUBLIC_IP, which the pretend network routes here."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), PublicShop)
    server.daemon_threads = True
    server.requests = []
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    network.names["shop.example"] = [PUBLIC_IP]
    network.routes[(PUBLIC_IP, 80)] = server.server_address[:2]
    yield server
    server.shutdown()
    server.server_close()


def loopback_forms(listener) -> list[str]:
    port = listener.port
    forms = [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://LocalHost.:{port}/",
        f"http://2130706433:{port}/",  # decimal
        f"http://0x7f000001:{port}/",  # hex
        f"http://0x7f.1:{port}/",
        f"http://0177.0.0.1:{port}/",  # octal
        f"http://127.1:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",  # IPv4-mapped IPv6
        f"http://0.0.0.0:{port}/",
        f"https://127.0.0.1:{port}/",
    ]
    if listener.port6:
        forms += [f"http://[::1]:{listener.port6}/", f"http://localhost:{listener.port6}/"]
    return forms


def test_no_loopback_spelling_reaches_the_listener(listener, network):
    for url in loopback_forms(listener):
        assert check_url(url, timeout=1) == (True, REFUSED), url
    assert listener.connections == []
    assert network.connections == []  # refused before any connection was even tried


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example\\@shop.example.com/x",  # evil.example to a browser
        "https://127.0.0.1\\@shop.example.com/",
        "https://shop.example.com\\evil/",
        "https://user@shop.example.com/",
        "https://user:pass@shop.example.com/",
        "https://shop.example.com/a b",
        "https://shop.example.com/\x00",
    ],
)
def test_addresses_browsers_would_read_otherwise_are_refused(settings, url):
    settings.SHOP_ALLOWED_DOMAINS = ["shop.example.com"]
    with pytest.raises(ValidationError) as refused:
        validate_shop_url(url)
    assert refused.value.code in ("shop_url_ambiguous", "shop_url_scheme")


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://10.0.0.5/",
        "http://192.168.1.1/admin",
        "http://172.16.0.1/",
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://255.255.255.255/",
        "http://[::]/",
        "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 around 10.0.0.1
        "http://[fec0::1]/",  # site-local
        "http://app.localhost/",
    ],
)
def test_private_and_special_addresses_are_refused_before_connecting(network, url):
    assert check_url(url, timeout=1) == (True, REFUSED)
    assert network.connections == []


def test_a_name_that_resolves_to_loopback_is_refused(listener, network):
    network.names["shop-internal.example"] = ["127.0.0.1"]
    network.names["mixed.example"] = [PUBLIC_IP, "127.0.0.1"]  # one bad answer is enough
    network.names["v6.example"] = ["::1"]
    for host in ("shop-internal.example", "mixed.example"):
        assert check_url(f"http://{host}:{listener.port}/", timeout=1) == (True, REFUSED)
    assert check_url(f"http://v6.example:{listener.port6 or 80}/", timeout=1) == (True, REFUSED)
    assert listener.connections == []
    assert network.connections == []


def test_open_and_closed_ports_look_the_same(listener, closed_port):
    """No port-scan oracle: the stored status never depends on what listens there."""
    category = ShopCategoryFactory(url=f"http://127.0.0.1:{listener.port}/internal")
    ProductFactory(category=category, url=f"http://127.0.0.1:{closed_port}/internal")
    links_check(timeout=1)
    statuses = {(p.link_broken, p.link_status) for p in Product.objects.all()}
    category.refresh_from_db()
    statuses.add((category.link_broken, category.link_status))
    assert statuses == {(True, REFUSED)}
    assert listener.connections == []


def test_a_redirect_to_loopback_is_not_followed(public_shop, listener, network):
    network.names["shop-internal.example"] = ["127.0.0.1"]
    port = listener.port
    for target in (
        f"http://127.0.0.1:{port}/internal",
        f"http://localhost:{port}/",
        f"http://shop-internal.example:{port}/",
        f"http://2130706433:{port}/",
        "http://169.254.169.254/latest/meta-data/",
    ):
        assert check_url(f"http://shop.example/to?{target}", timeout=1) == (
            True,
            REFUSED_REDIRECT,
        ), target
    assert listener.connections == []
    assert set(network.connections) == {(PUBLIC_IP, 80)}


def test_with_localhost_as_a_shop_domain_nothing_changes(public_shop, listener, settings):
    """The issue's case: SHOP_ALLOWED_DOMAINS=localhost, a 302 from there to 127.0.0.1."""
    settings.SHOP_ALLOWED_DOMAINS = ["localhost"]
    assert check_url(f"http://localhost:{listener.port}/", timeout=1) == (True, REFUSED)
    with pytest.raises(ValidationError) as refused:
        validate_shop_url(f"http://localhost:{listener.port}/internal")
    assert refused.value.code == "shop_url_private"
    assert listener.connections == []


def test_redirects_on_the_shop_are_followed_and_head_stays_head(public_shop):
    assert check_url("http://shop.example/moved", timeout=1) == (False, "HTTP 200")
    assert public_shop.requests == [
        ("HEAD", "/moved", "shop.example"),
        ("HEAD", "/ok", "shop.example"),
    ]


def test_dns_rebinding_cannot_move_the_connection(public_shop, listener, network):
    """The name is resolved once and the connection goes to the address that was checked,
    however DNS answers afterwards."""
    answers = iter([[PUBLIC_IP]])
    network.names["rebind.example"] = lambda: next(answers, ["127.0.0.1"])
    network.routes[(PUBLIC_IP, listener.port)] = public_shop.server_address[:2]
    assert check_url(f"http://rebind.example:{listener.port}/ok", timeout=1) == (
        False,
        "HTTP 200",
    )
    assert network.lookups == ["rebind.example"]
    assert network.connections == [(PUBLIC_IP, listener.port)]
    assert public_shop.requests == [("HEAD", "/ok", f"rebind.example:{listener.port}")]
    assert listener.connections == []
    # Whatever DNS says by the next check is judged again.
    assert check_url(f"http://rebind.example:{listener.port}/ok", timeout=1) == (True, REFUSED)
    assert listener.connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://[",
        "http://[::1",
        "http://]/",
        "http://shop.example:99999/",
        "http://shop.example:port/",
        "http://" + "a" * 10_000 + ".example/",
        "http://" + "é" * 70 + ".example/",
        "http://exa\x00mple.com/",
        "http://shop.example/\x00/\r\nX-Injected: 1",
        "http://\ud800.example/",
        "http://xn--/",
        "http://a..b/",
        "http://例え.テスト/",
        "http://[fe80::1%25eth0]/",
        "http://user:pass@/",
        "ftp://shop.example/",
        "javascript:alert(1)",
        "",
        "http://shop.example/" + "é" * 5000,
    ],
)
def test_hostile_addresses_never_raise_in_the_checker(public_shop, network, url):
    broken, status = check_url(url, timeout=1)
    assert isinstance(broken, bool) and 0 < len(status) <= 60
    assert all(host == PUBLIC_IP for host, _port in network.connections)
    assert all("\r" not in request[1] for request in public_shop.requests)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8398/internal",
        "http://[::1]/",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/",
        "http://0x7f.1/",
        "http://0177.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://0.0.0.0/",
        "http://shop.localhost/",
        "https://shop-internal.example/roller",
        "https://mixed.example/roller",
    ],
)
def test_the_address_validator_refuses_local_addresses(network, url):
    network.names["shop-internal.example"] = ["10.1.2.3"]
    network.names["mixed.example"] = [PUBLIC_IP, "::1"]
    with pytest.raises(ValidationError) as refused:
        validate_shop_url(url)
    assert refused.value.code == "shop_url_private"
    assert "public internet" in str(refused.value.message)
    assert network.connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8398/internal",
        "http://[::1]/",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "https://shop-internal.example/roller",
    ],
)
def test_admin_refuses_local_addresses_with_a_clear_message(admin_client, network, url):
    network.names["shop-internal.example"] = ["192.168.0.10"]
    category = ShopCategoryFactory()
    response = add_product(admin_client, category, url)
    assert response.status_code == 200
    assert "is or leads to a local or private network address" in response.content.decode()
    assert not Product.objects.exists()
    change = admin_client.post(
        f"{ADMIN}shop/shopcategory/{category.pk}/change/",
        {"name": category.name, "slug": category.slug, "url": url, "is_active": "on"},
    )
    assert "local or private network address" in change.content.decode()
    category.refresh_from_db()
    assert category.url.startswith("https://shop.example.com/")


def test_a_public_shop_is_accepted_quietly(admin_client, network):
    network.names["shop.example.com"] = [PUBLIC_IP]
    category = ShopCategoryFactory()
    response = add_product(admin_client, category, follow=True)
    assert Product.objects.get().url == "https://shop.example.com/roller"
    assert "could not be looked up" not in response.content.decode()
    assert network.lookups == ["shop.example.com"]  # once per save, not once per check


def test_a_name_that_does_not_resolve_is_saved_with_a_warning(admin_client):
    category = ShopCategoryFactory()
    response = add_product(admin_client, category, "https://new-shop.example/roller", follow=True)
    assert Product.objects.get().url == "https://new-shop.example/roller"
    assert "new-shop.example could not be looked up just now" in response.content.decode()


def test_a_slow_lookup_does_not_hold_the_form(network, monkeypatch):
    release = threading.Event()

    def slow(*args, **kwargs):
        release.wait(10)
        raise OSError("too late")

    monkeypatch.setattr(models, "SHOP_URL_LOOKUP_SECONDS", 0.2)
    monkeypatch.setattr(linkcheck, "_getaddrinfo", slow)
    started = time.monotonic()
    try:
        validate_shop_url("https://slow-dns.example/roller")  # accepted, not stuck
    finally:
        release.set()
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "url",
    [
        "http://[",
        "http://[::1",
        "http://shop.example.com:99999/",
        "http://shop.example.com:port/",
        "http://" + "a" * 10_000 + ".example/",
        "http://" + "é" * 70 + ".example/",
        "http://exa\x00mple.com/",
        "http://\ud800.example/",
        "http://xn--/",
        "http://a..b/",
        "http://例え.テスト/",
        "http://[fe80::1%25eth0]/",
        "",
    ],
)
def test_hostile_addresses_are_a_validation_error_or_accepted(url):
    with contextlib.suppress(ValidationError):  # anything else (a 500 in admin) fails
        validate_shop_url(url)


@pytest.mark.parametrize(
    "url", ["http://[", "http://shop.example.com:99999/", "http://" + "a" * 600 + ".example/"]
)
def test_hostile_addresses_in_admin_are_a_form_error(admin_client, url):
    category = ShopCategoryFactory()
    response = add_product(admin_client, category, url)
    assert response.status_code == 200
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("::ffff:93.184.215.14", True),
        ("64:ff9b::5db8:d70e", True),  # NAT64 around a public address
        ("127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("::7f00:1", False),  # IPv4-compatible (deprecated)
        ("2001::1", False),  # Teredo
        ("2001:db8::1", False),  # documentation
        ("192.0.2.1", False),
        ("198.18.0.1", False),  # benchmarking
        ("ff02::1", False),
    ],
)
def test_public_means_globally_routable_unicast(address, public):
    assert linkcheck.is_public(ipaddress.ip_address(address)) is public


# TLS: the connection goes to the checked address, SNI and the certificate check use the name.


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def tls_shop(tmp_path, network):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    _openssl(
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=Test CA",
        "-keyout", "ca.key", "-out", "ca.pem", cwd=tmp_path,
    )  # fmt: skip
    _openssl(
        "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=shop.example",
        "-keyout", "shop.key", "-out", "shop.csr", cwd=tmp_path,
    )  # fmt: skip
    (tmp_path / "san.ext").write_text("subjectAltName=DNS:shop.example\n")
    _openssl(
        "x509", "-req", "-in", "shop.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "1", "-extfile", "san.ext", "-out", "shop.pem", cwd=tmp_path,
    )  # fmt: skip
    server = ThreadingHTTPServer(("127.0.0.1", 0), PublicShop)
    server.daemon_threads = True
    server.requests = []
    server.sni = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "shop.pem", tmp_path / "shop.key")
    context.sni_callback = lambda sock, name, ctx: server.sni.append(name)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    for name in ("shop.example", "other.example"):
        network.names[name] = [PUBLIC_IP]
    network.routes[(PUBLIC_IP, 443)] = server.server_address[:2]
    client = ssl.create_default_context(cafile=str(tmp_path / "ca.pem"))
    yield server, client
    server.shutdown()
    server.server_close()


def test_https_is_checked_against_the_name_at_the_pinned_address(tls_shop, network):
    server, trusting = tls_shop
    assert check_url("https://shop.example/ok", timeout=2, context=trusting) == (False, "HTTP 200")
    assert server.sni == ["shop.example"]
    assert server.requests == [("HEAD", "/ok", "shop.example")]
    assert network.connections == [(PUBLIC_IP, 443)]
    # A certificate for another name, or from an unknown authority, is not accepted.
    broken, status = check_url("https://other.example/ok", timeout=2, context=trusting)
    assert broken and status.startswith("unreachable: bad certificate")
    broken, status = check_url("https://shop.example/ok", timeout=2)
    assert broken and status.startswith("unreachable: bad certificate")
