"""A pretend network for the shop tests: no real DNS and no traffic off this machine.

- `network.names` is the DNS: a name maps to a list of addresses, or to a function returning
  one (for answers that change between lookups). Numbers are read as the system resolver
  reads them (without any lookup); an unknown name is "not found".
- `network.routes` maps a public (address, port) to a loopback server, so a test can run a
  "public" shop on 127.0.0.1 while the code under test sees, checks and connects to the
  public address. A connection to a loopback address goes through as usual (so a listener
  there sees whatever the code wrongly sends it); one to any other address is refused here.
- `network.connections` records every (host, port) the code asked to connect to.
"""

import ipaddress
import socket
import socketserver
import threading

import pytest
from django.core.cache import cache

from shop.models import _host_verdict
from tests.admin_paths import ADMIN

# What shop names resolve to in these tests: a public address, but every connection to it is
# routed to a loopback server by the pretend network, so nothing ever leaves the machine.
PUBLIC_IP = "93.184.215.14"

_real_getaddrinfo = socket.getaddrinfo
_real_create_connection = socket.create_connection


class PretendNetwork:
    def __init__(self):
        self.names: dict[str, object] = {"localhost": ["127.0.0.1", "::1"]}
        self.routes: dict[tuple[str, int], tuple[str, int]] = {}
        self.connections: list[tuple[str, int]] = []
        self.lookups: list[str] = []

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        if isinstance(host, bytes):
            host = host.decode("ascii")
        try:  # a number: the real resolver reads it without asking anyone
            return _real_getaddrinfo(
                host, port, family, socket.SOCK_STREAM, proto, socket.AI_NUMERICHOST
            )
        except socket.gaierror:
            pass
        self.lookups.append(host)
        answer = self.names.get(host.lower().rstrip("."))
        addresses = answer() if callable(answer) else answer
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        port = int(port or 0)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port, 0, 0))
            if ":" in a
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    def create_connection(self, address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, *args, **kw):
        host, port = address[0], int(address[1])
        self.connections.append((host, port))
        for *_, sockaddr in self.getaddrinfo(host, port):
            ip = sockaddr[0]
            if (ip, port) in self.routes:
                return _real_create_connection(self.routes[(ip, port)], timeout)
            if ipaddress.ip_address(ip.split("%")[0]).is_loopback:
                return _real_create_connection((ip, port), timeout)
        raise ConnectionRefusedError(111, "Connection refused (pretend network)")


@pytest.fixture(autouse=True)
def network(monkeypatch):
    pretend = PretendNetwork()
    monkeypatch.setattr(socket, "getaddrinfo", pretend.getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", pretend.create_connection)
    _host_verdict.cache_clear()  # the forms' short memory of DNS answers
    yield pretend
    _host_verdict.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # click de-duplication keys
    yield
    cache.clear()


class _Recorder(socketserver.BaseRequestHandler):
    def handle(self):
        self.server.seen.append(self.client_address)
        self.request.settimeout(1)
        try:
            self.request.recv(4096)
            self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            pass


class _RecordingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _RecordingServer6(_RecordingServer):
    address_family = socket.AF_INET6


class Listener:
    """A TCP listener on 127.0.0.1 (and ::1 where there is IPv6) that answers 200 and
    records every connection it accepts: an open port on the machine's own loopback."""

    def __init__(self):
        self.servers = []
        self.port = self._start(_RecordingServer, "127.0.0.1")
        try:
            self.port6 = self._start(_RecordingServer6, "::1")
        except OSError:
            self.port6 = None

    def _start(self, cls, host) -> int:
        server = cls((host, 0), _Recorder)
        server.seen = []
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        self.servers.append(server)
        return server.server_address[1]

    @property
    def connections(self) -> list:
        return [peer for server in self.servers for peer in server.seen]

    def close(self):
        for server in self.servers:
            server.shutdown()
            server.server_close()


@pytest.fixture
def listener():
    recorder = Listener()
    yield recorder
    recorder.close()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_product(client, category, url="https://shop.example.com/roller", **fields):
    """Post admin's add-product form for a roller in `category`; `fields` add to it or
    override it, `follow` is passed on."""
    follow = fields.pop("follow", False)
    data = {
        "name": "Roller",
        "slug": "roller",
        "category": category.pk,
        "url": url,
        "currency": "GBP",
        **fields,
    }
    return client.post(f"{ADMIN}shop/product/add/", data, follow=follow)
