"""A local web server on 127.0.0.1 with the pages, feeds and misbehaving endpoints the fetch tests need."""

import asyncio
import gzip
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from retrieval.web import FetchPolicy, guarded_connector

DATA = Path(__file__).parent / "data"
# The test server is on loopback, so the tests that fetch from it allow private addresses.
OPEN = FetchPolicy(allow_private=True)
LAST_MODIFIED = "Tue, 05 Mar 2024 07:30:00 GMT"
ETAG = '"bridge-v1"'


@dataclass
class Site:
    base: str
    requests: list[web.Request] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path


# What the server holds as is: path -> (file in data/, the content type it is served as).
FILES = {
    "/news": ("news.html", "text/html"),
    "/feed.rss": ("feed.rss", "application/rss+xml"),
    "/feed.atom": ("feed.atom", "application/atom+xml"),
    "/feed-as-html": ("feed.rss", "text/html"),
}


def _file(path: str) -> web.Response:
    name, content_type = FILES[path]
    return web.Response(body=(DATA / name).read_bytes(), content_type=content_type)


def _app(site: Site, release: asyncio.Event) -> web.Application:
    routes = web.RouteTableDef()

    @web.middleware
    async def record(request, handler):
        site.requests.append(request)
        return await handler(request)

    async def as_is(request):
        return _file(request.path)

    for path in FILES:
        routes.get(path)(as_is)

    @routes.get("/report.pdf")
    async def pdf(request):
        return web.Response(body=b"%PDF-1.7\n", content_type="application/pdf")

    @routes.get("/broken")
    async def broken(request):
        raise web.HTTPInternalServerError()

    @routes.get("/hop/{n}")
    async def hop(request):
        n = int(request.match_info["n"])
        if n == 0:
            return _file("/news")
        raise web.HTTPFound(f"/hop/{n - 1}")

    @routes.get("/conditional")
    async def conditional(request):
        validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
        if request.headers.get("If-None-Match") == ETAG or request.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return web.Response(status=304, headers=validators)
        response = _file("/news")
        response.headers.update(validators)
        return response

    @routes.get("/slow")
    async def slow(request):
        await release.wait()
        return _file("/news")

    @routes.get("/declared-huge")
    async def declared_huge(request):
        # Says 6 MB, sends a few bytes and then nothing: only the header can end this quickly.
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = 6 * 1024 * 1024
        await response.prepare(request)
        await response.write(b"<html>")
        await release.wait()
        return response

    @routes.get("/inflating")
    async def inflating(request):
        # A few kilobytes on the wire that inflate to 2 MB of page.
        body = gzip.compress(b"<p>" + b" " * (2 * 1024 * 1024) + b"</p>")
        return web.Response(body=body, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})

    @routes.get("/endless")
    async def endless(request):
        # Chunked, no Content-Length, and more than any cap: only counting what arrives can stop it.
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        try:
            for _ in range(1000):
                await response.write(b"<p>" + b"x" * 65536 + b"</p>")
        except ConnectionError:
            pass
        return response

    app = web.Application(middlewares=[record])
    app.add_routes(routes)
    return app


@pytest.fixture
async def site():
    release = asyncio.Event()
    served = Site(base="")
    runner = web.AppRunner(_app(served, release))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    served.base = f"http://{host}:{port}"
    yield served
    release.set()
    await runner.cleanup()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession(connector=guarded_connector(OPEN)) as client:
        yield client
