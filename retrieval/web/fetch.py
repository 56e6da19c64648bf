"""Fetching one page or feed over HTTP, within limits, with a reason a moderator can act on when it fails.

Build the session once with `guarded_connector(policy)` and pass it to every `fetch`:

    async with aiohttp.ClientSession(connector=guarded_connector(policy)) as session:
        fetched = await fetch(session, url, policy=policy, accept="html")

Redirects are followed here, one hop at a time, so that every hop is checked like the first link.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

import aiohttp
from yarl import URL

from .guard import AddressRefused, GuardedConnector, url_refusal

USER_AGENT = "newsroom-qa-bot/0.1 (Discord question-answering bot; fetches the pages and feeds its moderators add)"
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

Accept = Literal["html", "feed"]
_ACCEPT_HEADER = {
    "html": "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
    "feed": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",
}
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Many sites serve their feed as text/html or text/plain; the feed parser decides whether it is one.
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                         "text/xml", "text/html", "text/plain"})


@dataclass(frozen=True)
class FetchPolicy:
    """What one fetch may do. `allow_private` lets tests and closed networks fetch non-public addresses."""

    timeout: float = 15.0
    max_redirects: int = 5
    max_bytes: int = 5 * 1024 * 1024
    allow_private: bool = False


@dataclass(frozen=True)
class Fetched:
    """A fetched response. `not_modified` is a 304 to a conditional request: `body` is then empty."""

    url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class FetchError(Exception):
    """A page or feed could not be fetched; the message says why, for the moderator who asked."""


def guarded_connector(policy: FetchPolicy, **kwargs) -> aiohttp.TCPConnector:
    """The connector for the session `fetch` uses: name lookups refuse non-public addresses unless allowed."""
    return aiohttp.TCPConnector(**kwargs) if policy.allow_private else GuardedConnector(**kwargs)


def _checked(url: URL, policy: FetchPolicy) -> URL:
    refusal = url_refusal(url, policy.allow_private)
    if refusal:
        raise FetchError(f"{url} was refused: {refusal}")
    return url


def _check_type(response: aiohttp.ClientResponse, accept: Accept) -> None:
    allowed = _HTML_TYPES if accept == "html" else _FEED_TYPES
    if response.content_type not in allowed and not (accept == "feed" and response.content_type.endswith("+xml")):
        wanted = "a web page (HTML)" if accept == "html" else "a feed (RSS, Atom or XML)"
        raise FetchError(f"{response.url} is not {wanted}: the server says it is {response.content_type}")


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    too_large = f"{response.url} is larger than the {max_bytes / 2**20:g} MB limit"
    if response.content_length is not None and response.content_length > max_bytes:
        raise FetchError(too_large)
    # The header can be absent or lie, and compressed bodies grow as they are read: count what arrives.
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(too_large)
    return bytes(body)


async def _answer(response: aiohttp.ClientResponse, policy: FetchPolicy, accept: Accept) -> Fetched:
    headers = response.headers
    if response.status == 304:
        body = b""
    elif response.status >= 400:
        raise FetchError(f"{response.url} answered {response.status} {response.reason or ''}".rstrip())
    else:
        _check_type(response, accept)
        body = await _read_capped(response, policy.max_bytes)
    return Fetched(url=str(response.url), status=response.status, content_type=response.content_type, body=body,
                   etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"),
                   not_modified=response.status == 304)


async def _follow(session: aiohttp.ClientSession, url: URL, headers: dict[str, str], policy: FetchPolicy,
                  accept: Accept) -> Fetched:
    hop = url
    for _ in range(policy.max_redirects + 1):
        async with session.get(_checked(hop, policy), headers=headers, allow_redirects=False) as response:
            location = response.headers.get("Location")
            if response.status not in _REDIRECTS or not location:
                return await _answer(response, policy, accept)
            hop = response.url.join(URL(location))
    raise FetchError(f"{url} was not fetched: more than {policy.max_redirects} redirects (the next to {hop})")


def _connection_failure(url: str, exc: aiohttp.ClientError) -> FetchError:
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return FetchError(f"{url}: the name {exc.host} could not be found (DNS lookup failed)")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return FetchError(f"{url}: could not connect to {exc.host} port {exc.port} ({exc.strerror or exc.os_error})")
    if isinstance(exc, aiohttp.InvalidURL):
        return FetchError(f"{url} is not a valid link ({exc.description or exc.url})")
    return FetchError(f"{url}: the connection failed ({exc or type(exc).__name__})")


async def fetch(session: aiohttp.ClientSession, url: str, *, policy: FetchPolicy, accept: Accept,
                etag: str | None = None, last_modified: str | None = None) -> Fetched:
    """Fetch `url` ("html": a page; "feed": RSS, Atom or XML) within `policy`, or raise `FetchError` saying why.

    With `etag` or `last_modified` from an earlier fetch, the request is conditional: an unchanged
    resource gives `Fetched.not_modified`. The session must use `guarded_connector(policy)`.
    """
    if not (policy.allow_private or isinstance(session.connector, GuardedConnector)):
        raise TypeError("fetch needs a session built with guarded_connector(policy), or policy.allow_private")
    headers = {"User-Agent": USER_AGENT, "Accept": _ACCEPT_HEADER[accept]}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(policy.timeout):
            return await _follow(session, URL(url), headers, policy, accept)
    except TimeoutError:
        raise FetchError(f"{url} did not answer within {policy.timeout:g} seconds") from None
    except AddressRefused as exc:
        raise FetchError(f"{url} was refused: {exc}") from None
    except aiohttp.ClientError as exc:
        raise _connection_failure(url, exc) from None
    except ValueError as exc:
        # yarl's verdict on a link (or a redirect's Location) that is not a url at all.
        raise FetchError(f"{url} is not a valid link, or redirects to one ({exc})") from None
