"""Checking shop addresses without letting them reach the site's own network.

Whoever can edit a product can make the link checker request any address, so the checker
(and the admin forms, which refuse such addresses early) only ever talk to public internet
addresses:

- every address a host stands for is judged, whatever its spelling: an IP literal, a legacy
  numeric form (`2130706433`, `0x7f.1`), IPv4 inside IPv6 (`::ffff:127.0.0.1`, 6to4,
  NAT64), or a name, refused if any address it resolves to is not public;
- the connection goes to exactly the address that was judged (the name is resolved once,
  here), so DNS that changes between the check and the connect cannot move it; the request
  still carries the name in its Host header and TLS verifies the certificate against it;
- redirects are never followed by a library: each hop is judged again, at most
  MAX_REDIRECTS of them, and HEAD stays HEAD.

The standard library does all of it (ipaddress, socket, http.client, ssl), so no extra
dependency: the SSRF-guard packages we looked at were unmaintained, async-only or GET-only.
"""

import concurrent.futures
import functools
import http.client
import ipaddress
import re
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.utils.encoding import iri_to_uri

LINK_TIMEOUT_SECONDS = 5
MAX_REDIRECTS = 5
USER_AGENT = "RunnerHub link checker (+https://runnerhub.test/)"
REDIRECTS = (301, 302, 303, 307, 308)

REFUSED = "refused: not a public address"
REFUSED_REDIRECT = "refused: redirect to a non-public address"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# What inet_aton (and so getaddrinfo) reads as an IPv4 address: 2130706433, 0x7f.1, 0177.1
_LEGACY_IPV4 = re.compile(r"[0-9a-fA-FxX.]+")
# Lookups run here so a slow resolver cannot hold a form or a check past its timeout.
_resolver = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="shop-dns")


class AddressRefused(Exception):
    """The host is, or resolves to, an address that is not on the public internet."""


class LookupFailed(Exception):
    """The host name is malformed, unknown, or its lookup took too long."""


def is_public(ip: IPAddress) -> bool:
    """True only for a globally routable unicast address, judging IPv4 addresses carried
    inside IPv6 (mapped, 6to4, NAT64) by the IPv4 address they carry."""
    if ip.version == 6:
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        elif ip.sixtofour:
            ip = ip.sixtofour
        elif ip in _NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        elif ip.is_site_local:
            return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _literal(host: str) -> IPAddress | None:
    """The address a host written as a number stands for, read the way the resolver
    would read it; None for a name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):
            return None
    return None


def ascii_host(host: str) -> str:
    """The host as the resolver and the Host header need it (IDNA for non-ASCII names)."""
    if not host or len(host) > 253 or "\x00" in host:
        raise LookupFailed("invalid host name")
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise LookupFailed("invalid host name") from error


def _getaddrinfo(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def public_addresses(host: str, port: int = 443, *, timeout: float = 2.0) -> list[str]:
    """Every address `host` stands for, when all of them are public.

    Raises AddressRefused when any is not (one private answer among public ones is enough:
    a client could connect to any of them), LookupFailed when the name cannot be resolved
    within `timeout` seconds."""
    literal = _literal(host)
    if literal is not None:
        if not is_public(literal):
            raise AddressRefused(host)
        return [str(literal)]
    name = ascii_host(host).rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):  # RFC 6761: always loopback
        raise AddressRefused(host)
    try:
        found = _resolver.submit(_getaddrinfo, name, port).result(timeout=timeout)
    except concurrent.futures.TimeoutError as error:
        raise LookupFailed("lookup timed out") from error
    except (OSError, UnicodeError, ValueError) as error:
        raise LookupFailed("name not found") from error
    if not found:
        raise LookupFailed("name not found")
    for address in found:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError as error:
            raise AddressRefused(host) from error
        if not is_public(ip):
            raise AddressRefused(host)
    return found


@functools.cache
def _default_tls() -> ssl.SSLContext:
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to `host` that connects to the addresses already checked for it
    and never resolves the name again."""

    def __init__(self, host: str, port: int, *, addresses: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def _pinned_socket(self) -> socket.socket:
        error: OSError = OSError("no address")
        for address in self._addresses:
            try:
                return socket.create_connection((address, self.port), self.timeout)
            except OSError as failure:
                error = failure
        raise error

    def connect(self) -> None:
        self.sock = self._pinned_socket()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def __init__(self, *args, context: ssl.SSLContext, **kwargs):
        super().__init__(*args, **kwargs)
        self._context = context

    def connect(self) -> None:
        super().connect()
        # SNI and certificate verification against the name, not the address.
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


def _request(
    url: str, method: str, timeout: float, context: ssl.SSLContext
) -> tuple[int, str | None]:
    """One request to a public address: (status, Location header)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LookupFailed("not an http(s) address")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = public_addresses(parts.hostname, port, timeout=timeout)
    host = ascii_host(parts.hostname)
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(
            host, port, addresses=addresses, timeout=timeout, context=context
        )
    else:
        connection = _PinnedHTTPConnection(host, port, addresses=addresses, timeout=timeout)
    target = iri_to_uri(parts.path or "/") + (f"?{iri_to_uri(parts.query)}" if parts.query else "")
    try:
        connection.request(method, target, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        response = connection.getresponse()
        return response.status, response.getheader("Location")
    finally:
        connection.close()  # the body is never read


def _follow(
    url: str, method: str, timeout: float, context: ssl.SSLContext, deadline: float
) -> tuple[bool, str, int]:
    """(broken, status, code) after following at most MAX_REDIRECTS redirects by hand."""
    for hop in range(MAX_REDIRECTS + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        try:
            code, location = _request(url, method, min(timeout, left), context)
        except AddressRefused:
            return True, REFUSED if hop == 0 else REFUSED_REDIRECT, 0
        if code in REDIRECTS and location:
            url = urljoin(url, location.strip())
            continue
        return code >= 300, f"HTTP {code}", code
    return True, "redirect loop", 0


def check_url(
    url: str, timeout: float = LINK_TIMEOUT_SECONDS, *, context: ssl.SSLContext | None = None
) -> tuple[bool, str]:
    """(broken, status) for one address: HEAD first, GET when HEAD is refused.

    Never raises: whatever the address or the server does comes back as a status. Each
    step (lookup, connect, each read) may take `timeout` seconds, and all the requests of
    one check together three times that."""
    context = context or _default_tls()
    deadline = time.monotonic() + 3 * timeout
    try:
        for method in ("HEAD", "GET"):
            broken, status, code = _follow(url, method, timeout, context, deadline)
            if method == "HEAD" and code in (403, 405, 501):
                continue  # some shops refuse HEAD: ask again with GET
            return broken, status
    except LookupFailed as error:
        return True, f"unreachable: {error}"
    except ssl.SSLCertVerificationError as error:
        return True, f"unreachable: bad certificate ({error.verify_message})"[:60]
    except TimeoutError:
        return True, "timeout"
    except (OSError, http.client.HTTPException, ValueError, UnicodeError) as error:
        if "timed out" in str(error):
            return True, "timeout"
        return True, f"unreachable: {str(error)[:40] or type(error).__name__}"
    return True, "no answer"
