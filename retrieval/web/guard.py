"""The address guard against server-side request forgery: only public addresses are fetched.

A member can hand the bot any link. Without the guard, a link (or a redirect, or a name whose DNS
answer changes between check and connect) could make the bot read the host's own services or the
cloud's metadata endpoint (169.254.169.254) and quote them back. So every address is checked where
it is used: literal addresses in each url hop (`url_refusal`), and names in the resolver the
connection itself uses (`GuardedResolver`), so the address checked is the address connected to.
"""

from __future__ import annotations

import ipaddress
import socket

from aiohttp import TCPConnector
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# DNS64 gateways put an IPv4 address in the last 32 bits of this prefix (RFC 6052).
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class AddressRefused(Exception):
    """A url or a resolved name points at an address that is not public."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries traffic to (mapped, 6to4, NAT64), if any."""
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address: Address) -> str | None:
    """Why `address` may not be fetched ("127.0.0.1 is a loopback address"), or None when it is public."""
    embedded = _embedded_ipv4(address) if address.version == 6 else None
    target = embedded or address
    kinds = (
        ("an unspecified", target.is_unspecified),
        ("a loopback", target.is_loopback),
        ("a link-local", target.is_link_local),
        ("a multicast", target.is_multicast),
        ("a private", target.is_private),
        ("a reserved", target.is_reserved),
        ("a non-public", not target.is_global),
    )
    kind = next((name for name, applies in kinds if applies), None)
    if kind is None:
        return None
    return f"{address}{f' ({embedded})' if embedded else ''} is {kind} address"


def _literal_address(host: str) -> Address | None:
    """`host` as an address when it is written as one, legacy IPv4 forms ("0x7f.1", "2130706433") included."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    # inet_aton reads the forms resolvers accept for IPv4 (octal, hex, fewer than four parts); it is pure
    # parsing, no lookup.
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def url_refusal(url: URL, allow_private: bool = False) -> str | None:
    """Why `url` may not be fetched as written (no lookup: names are the resolver's), or None."""
    if url.scheme not in ("http", "https"):
        return f"only http and https links can be fetched, not {url.scheme or 'a link without a scheme'}"
    if url.user is not None or url.password is not None:
        return "links with a user name or password in them are refused"
    host = (url.host or "").rstrip(".").lower()
    if not host:
        return "the link has no host"
    if allow_private:
        return None
    # RFC 6761: "localhost" and every name under it mean this machine, whatever DNS says.
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is this machine"
    address = _literal_address(host)
    return address_refusal(address) if address is not None else None


class GuardedResolver(AbstractResolver):
    """Resolves with aiohttp's resolver and refuses a name when any address it gives is not public."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or DefaultResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            refusal = address_refusal(ipaddress.ip_address(result["host"]))
            if refusal:
                raise AddressRefused(f"{host} resolves to {refusal}")
        return results

    async def close(self) -> None:
        await self._inner.close()


class GuardedConnector(TCPConnector):
    """A connector whose name lookups go through `GuardedResolver`; `fetch` insists on one."""

    def __init__(self, *, resolver: AbstractResolver | None = None, **kwargs) -> None:
        super().__init__(resolver=GuardedResolver(resolver), **kwargs)
