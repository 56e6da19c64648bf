"""A local news site on 127.0.0.1 for /add url: and /feed: article pages, feeds that change, and broken ones.

The bot tests that fetch from it set `allow_private_urls` (the site is on loopback). Every request is
recorded with its headers, so a test can say what the bot asked for and what it did not.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.storage.sql import database_url
from tests.conftest import SEEDS
from tests.retrieval.web.conftest import DATA

# slug -> (headline, ISO date, paragraphs): each story has facts no other article has, to ask about.
STORIES = {
    "tides": ("Tidal Turbines Power the Island", "2026-12-03", [
        "The island's tidal turbines now power four thousand homes through the winter months.",
        "Engineers anchored six turbines to the seabed in the channel north of the harbour last spring.",
        "The council expects the turbines to pay for themselves within eleven years.",
    ]),
    "library": ("Town Library Stays Open Late", "2026-11-20", [
        "The town library will stay open until ten o'clock on weekdays from January.",
        "Volunteers from the reading club offered to staff the evening desk twice a week.",
        "The longer hours were the most requested change in the library's autumn survey.",
    ]),
    "ferry": ("New Ferry Route Links Three Islands", "2026-11-25", [
        "A new ferry route links the harbour with three outlying islands twice a day.",
        "The crossing to the farthest island takes seventy minutes in calm weather.",
        "Islanders had campaigned for a direct route for more than a decade.",
    ]),
    "market": ("Winter Market Returns to the Square", "2026-12-01", [
        "The winter market returns to the square with forty stalls selling food and crafts.",
        "The organisers moved the market's opening to the first Saturday of December this year.",
        "A brass band from the harbour school will play on the opening evening.",
    ]),
}


def story_html(slug: str) -> str:
    title, date, paragraphs = STORIES[slug]
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<meta property="og:title" content="{escape(title)}">'
            f'<meta property="article:published_time" content="{date}T08:00:00Z"></head>'
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>{body}</article></body></html>")


def _published(slug: str) -> str:
    day = STORIES[slug][1] if slug in STORIES else "2026-01-01"
    return format_datetime(datetime.fromisoformat(day).replace(tzinfo=timezone.utc))


@dataclass
class Site:
    """The site's address, what it serves that tests change, and every request it got."""

    base: str = ""
    feeds: dict[str, list[str]] = field(default_factory=dict)  # feed name -> story slugs, newest first
    broken: dict[str, str] = field(default_factory=dict)  # feed name -> "500" or "malformed"
    requests: list[web.Request] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base + path

    def feed_url(self, name: str) -> str:
        return self.url(f"/feeds/{name}.rss")

    def fetched(self, path: str) -> list[web.Request]:
        return [r for r in self.requests if r.path == path]

    def rss(self, name: str) -> str:
        # A slug that is not a story is an entry whose page answers 404.
        items = "".join(
            f"<item><title>{escape(STORIES.get(slug, (slug,))[0])}</title><link>{self.url('/story/' + slug)}</link>"
            f"<guid isPermaLink='false'>{name}-{slug}</guid>"
            f"<pubDate>{_published(slug)}</pubDate></item>"
            for slug in self.feeds[name])
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{name} news</title>'
                f"<link>{self.base}</link>{items}</channel></rss>")


def _app(site: Site) -> web.Application:
    routes = web.RouteTableDef()

    @web.middleware
    async def record(request, handler):
        site.requests.append(request)
        return await handler(request)

    @routes.get("/news")
    async def news(request):
        return web.Response(body=(DATA / "news.html").read_bytes(), content_type="text/html")

    @routes.get("/old-news")
    async def old_news(request):
        raise web.HTTPMovedPermanently("/news")

    @routes.get("/story/{slug}")
    async def story(request):
        slug = request.match_info["slug"]
        if slug not in STORIES:
            raise web.HTTPNotFound()
        return web.Response(text=story_html(slug), content_type="text/html")

    @routes.get("/moved/{slug}")
    async def moved(request):
        raise web.HTTPFound(f"/story/{request.match_info['slug']}")

    @routes.get("/front-page")
    async def front_page(request):
        return web.Response(body=(DATA / "no_article.html").read_bytes(), content_type="text/html")

    @routes.get("/report.pdf")
    async def pdf(request):
        return web.Response(body=b"%PDF-1.7\n", content_type="application/pdf")

    @routes.get("/huge")
    async def huge(request):
        return web.Response(body=b"<p>" + b"word " * (1024 * 1024 + 10) + b"</p>", content_type="text/html")

    @routes.get("/feeds/{name}.rss")
    async def feed(request):
        name = request.match_info["name"]
        if site.broken.get(name) == "500":
            raise web.HTTPInternalServerError()
        if site.broken.get(name) == "malformed":
            return web.Response(text='<rss version="2.0"><channel><title>Cut off', content_type="application/rss+xml")
        if name not in site.feeds:
            raise web.HTTPNotFound()
        body = site.rss(name)
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(text=body, content_type="application/rss+xml", headers={"ETag": etag})

    app = web.Application(middlewares=[record])
    app.add_routes(routes)
    return app


@pytest.fixture
async def news_site():
    served = Site()
    runner = web.AppRunner(_app(served))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    served.base = f"http://{host}:{port}"
    yield served
    await runner.cleanup()


@pytest.fixture
def content(tmp_path):
    """A content folder with the seed articles (a test module may define its own)."""
    folder = tmp_path / "content"
    folder.mkdir()
    for seed in SEEDS.iterdir():
        shutil.copy(seed, folder)
    return folder


@dataclass(frozen=True)
class Database:
    """Where a test's bot keeps its records: `setting` is its `database_url` (None: SQLite in `data`, the
    default), `url` the database it resolves to."""

    setting: str | None
    data: Path

    @property
    def url(self) -> str:
        return database_url(self.setting, self.data)

    async def sql(self, statement: str) -> list[dict]:
        """Run a statement on the database as an operator would, committed; the rows it reads."""
        engine = create_async_engine(self.url)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(statement))
                return [dict(row) for row in result.mappings()] if result.returns_rows else []
        finally:
            await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The records database of the test's bot (data folder `tmp_path/data`, next to `content`): the SQLite
    default, then a fresh PostgreSQL database."""
    setting = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    return Database(setting, tmp_path / "data")
