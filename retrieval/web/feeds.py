"""RSS and Atom feeds, parsed with feedparser: the feed's title and its entries, each with a stable key."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urljoin

import feedparser


@dataclass(frozen=True)
class FeedEntry:
    """One entry. `key` is its id (Atom id, RSS guid), else its link: what says "already taken" across polls."""

    key: str
    link: str
    title: str
    published: str | None = None


@dataclass(frozen=True)
class Feed:
    title: str
    entries: tuple[FeedEntry, ...]


class FeedError(Exception):
    """The body is not a feed that can be read; the message says why."""


def _iso_date(moment: time.struct_time | None) -> str | None:
    return time.strftime("%Y-%m-%d", moment) if moment else None


def _entry(raw: feedparser.FeedParserDict, url: str) -> FeedEntry | None:
    link = (raw.get("link") or "").strip()
    if not link:
        return None  # nothing to fetch: the bot takes an entry's page, not the feed's summary
    link = urljoin(url, link)
    return FeedEntry(
        key=(raw.get("id") or "").strip() or link,
        link=link,
        title=" ".join((raw.get("title") or "").split()) or link,
        published=_iso_date(raw.get("published_parsed") or raw.get("updated_parsed")),
    )


def parse_feed(body: bytes, url: str) -> Feed:
    """The feed in `body`, fetched from `url` (relative links resolve against it). Raises `FeedError`.

    Entries without a link are left out; an entry repeated under the same key counts once.
    """
    # Bytes, never a str: feedparser would fetch a str that looks like a url itself.
    parsed = feedparser.parse(bytes(body))
    if not parsed.entries:
        problem = f" ({parsed.bozo_exception})" if parsed.bozo else ""
        if not parsed.get("version"):
            raise FeedError(f"{url} is not an RSS or Atom feed{problem}")
        if problem:
            raise FeedError(f"{url} is not a readable feed{problem}")
    entries: dict[str, FeedEntry] = {}
    for raw in parsed.entries:
        entry = _entry(raw, url)
        if entry is not None:
            entries.setdefault(entry.key, entry)
    return Feed(title=" ".join((parsed.feed.get("title") or "").split()) or url, entries=tuple(entries.values()))


def new_entries(feed: Feed, taken: Collection[str]) -> list[FeedEntry]:
    """The entries of `feed` whose keys are not in `taken`, in the feed's order."""
    return [entry for entry in feed.entries if entry.key not in taken]
