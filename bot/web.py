"""The bot's own web client for /add url: and feeds: `retrieval.web`'s fetching, guard and extraction, with one
session the bot opens in its event loop and closes when it stops. No Discord here.

A page is stored under its key: the canonical url the page names, else the url it was served from after any
redirects. So the link a moderator typed, the link it redirects to and the link a feed entry gives all land
on the same key, and adding the page again any of those ways replaces it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp
from yarl import URL

from retrieval import Article
from retrieval.readers import to_article
from retrieval.web import Fetched, FetchPolicy, extract_article, fetch, guarded_connector


def page_key(url: str) -> str:
    """`url` as a storage key: without its #fragment (the same page), host in lower case (yarl's form)."""
    return str(URL(url).with_fragment(None))


def _is_web_link(url: str | None) -> bool:
    try:
        return bool(url) and URL(url).scheme in ("http", "https") and bool(URL(url).host)
    except ValueError:
        return False


@dataclass(frozen=True)
class Page:
    """A fetched page's article, the key it is stored under, and the site that published it (if named)."""

    key: str
    article: Article
    site: str | None


class WebReader:
    """Fetches pages and feeds within `policy` (15 s, 5 redirects, 5 MB; only public addresses unless allowed)."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        """Build the session; in the running event loop (the bot's setup_hook), which aiohttp binds it to."""
        # Its own session, never discord.py's, and no trust_env: a proxy from the environment would
        # connect to addresses the guarded resolver never sees.
        self._session = aiohttp.ClientSession(connector=guarded_connector(self.policy))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("the web reader is not open (WebReader.open in the bot's setup_hook)")
        return self._session

    async def page(self, url: str) -> Page:
        """The article on the page at `url`. Raises `FetchError` or `SkipFile` saying why there is none."""
        fetched = await fetch(self.session, url, policy=self.policy, accept="html")
        # Extraction parses the whole page: CPU work, off the event loop.
        draft = await asyncio.to_thread(extract_article, fetched.body, fetched.url, fetched.url)
        key = page_key(draft.url if _is_web_link(draft.url) else fetched.url)
        draft.url = key
        return Page(key=key, article=to_article(draft, source=key, fallback_id="page"), site=draft.site)

    async def feed(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        """The feed at `url`, asked for only if changed since `etag` / `last_modified`. Raises `FetchError`."""
        return await fetch(self.session, url, policy=self.policy, accept="feed", etag=etag,
                           last_modified=last_modified)
