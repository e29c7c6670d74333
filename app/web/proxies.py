"""Proxy headers trusted only from the reverse proxies named in TRUSTED_PROXIES.

werkzeug's ProxyFix believes X-Forwarded-For/-Proto/-Host from whoever connects. gunicorn bound to an address
that clients can reach would then let any client choose its own address (and so escape the login throttle and
the public rate limit, or pose as loopback). TrustedProxyFix applies ProxyFix only when the direct peer
(REMOTE_ADDR) is one of the configured proxies; from anyone else the headers are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def parse_networks(spec: str | Iterable[str]) -> tuple[Network, ...]:
    """Networks from a comma-separated list of addresses or CIDRs ("127.0.0.0/8,::1"); a bad entry raises."""
    items = spec.split(",") if isinstance(spec, str) else spec
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def address_in(address: str | None, networks: Iterable[Network]) -> bool:
    """True when `address` is a valid IP address inside one of `networks`."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in networks)


def peer_address(environ: dict) -> str | None:
    """The address of the direct peer of this connection, before any proxy header was applied."""
    original = environ.get("werkzeug.proxy_fix.orig") or {}
    return original.get("REMOTE_ADDR", environ.get("REMOTE_ADDR"))


def is_forwarded(environ: dict) -> bool:
    """True when the request names a client address in a forwarding header (it came through a proxy)."""
    return any(environ.get(name) for name in FORWARDING_HEADERS)


class TrustedProxyFix:
    """ProxyFix for requests whose direct peer is a trusted proxy; other requests pass through untouched."""

    def __init__(self, app, *, trusted: Iterable[Network], hops: int) -> None:
        self.app = app
        self.trusted = tuple(trusted)
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops, x_host=hops)

    def __call__(self, environ, start_response):
        if address_in(environ.get("REMOTE_ADDR"), self.trusted):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
