"""The feeds the bot follows, and what each poll of them learned, in `<data_path>/feeds.json`.

    {"feeds": [{"url", "added_by", "etag", "last_modified", "taken", "last_poll", "last_added", "last_error"}]}

`added_by` is the moderator who followed the feed, or "settings" for a feed the operator configured; `taken`
holds the keys of the entries already taken, so that no entry's page is fetched twice. The file is written
atomically and whole (`write_atomically`); a damaged one is reported and kept as it is, never overwritten,
until someone fixes it or moves it aside.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from .managed import write_atomically

log = logging.getLogger(__name__)

FEEDS = "feeds.json"
CONFIGURED = "settings"  # `added_by` of the feeds in the operator's settings


@dataclass(frozen=True)
class FollowedFeed:
    """One followed feed. `last_poll` is an ISO date-time in UTC, None before the first poll."""

    url: str
    added_by: str
    etag: str | None = None
    last_modified: str | None = None
    taken: tuple[str, ...] = ()
    last_poll: str | None = None
    last_added: int = 0
    last_error: str | None = None


_TEXT_OR_NONE = ("etag", "last_modified", "last_poll", "last_error")


def _feed(entry: object) -> FollowedFeed:
    """One record of feeds.json; raises TypeError or KeyError for anything the bot would not have written."""
    if not isinstance(entry, dict) or not isinstance(entry.get("taken", []), list):
        raise TypeError("a feed is not an object with a list of the entries taken")
    feed = FollowedFeed(url=entry["url"], added_by=entry["added_by"], taken=tuple(entry.get("taken", [])),
                        last_added=entry.get("last_added", 0),
                        **{name: entry.get(name) for name in _TEXT_OR_NONE})
    if not (isinstance(feed.url, str) and isinstance(feed.added_by, str) and isinstance(feed.last_added, int)
            and all(isinstance(key, str) for key in feed.taken)
            and all(isinstance(getattr(feed, name), str | None) for name in _TEXT_OR_NONE)):
        raise TypeError(f"a field of the feed {feed.url!r} has the wrong type")
    return feed


class FeedListDamaged(Exception):
    """feeds.json cannot be read. It is kept as it is, and not changed, until someone fixes or moves it."""


class FollowedFeeds:
    """The followed feeds in feeds.json, in the order they were followed. Every change reads and writes the whole
    file: callers make one change at a time."""

    def __init__(self, data_path: Path) -> None:
        self.path = data_path / FEEDS

    def all(self) -> list[FollowedFeed]:
        """Every followed feed; [] when none was ever followed. Raises `FeedListDamaged`."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise self._damaged(exc.strerror or str(exc)) from None
        try:
            entries = json.loads(raw)["feeds"]
            if not isinstance(entries, list):
                raise TypeError("feeds is not a list")
            feeds = [_feed(entry) for entry in entries]
        except (ValueError, KeyError, TypeError) as exc:
            raise self._damaged(f"not the list the bot writes: {exc!r}") from None
        return feeds

    def get(self, url: str) -> FollowedFeed | None:
        return next((feed for feed in self.all() if feed.url == url), None)

    def follow(self, url: str, added_by: str) -> bool:
        """Follow `url`; False when it is followed already."""
        feeds = self.all()
        if any(feed.url == url for feed in feeds):
            return False
        self._save([*feeds, FollowedFeed(url=url, added_by=added_by)])
        return True

    def unfollow(self, url: str) -> FollowedFeed | None:
        """Stop following `url`; what was followed, or None when it was not."""
        feeds = self.all()
        gone = next((feed for feed in feeds if feed.url == url), None)
        if gone is not None:
            self._save([feed for feed in feeds if feed.url != url])
        return gone

    def update(self, polled: FollowedFeed) -> None:
        """Record what a poll learned about a feed; nothing when it was unfollowed while it was being polled."""
        feeds = self.all()
        if any(feed.url == polled.url for feed in feeds):
            self._save([polled if feed.url == polled.url else feed for feed in feeds])

    def _save(self, feeds: list[FollowedFeed]) -> None:
        entries = [{**dataclasses.asdict(feed), "taken": list(feed.taken)} for feed in feeds]
        write_atomically(self.path, json.dumps({"feeds": entries}, ensure_ascii=False, indent=1).encode())

    def _damaged(self, reason: str) -> FeedListDamaged:
        message = (f"the list of followed feeds ({self.path}) cannot be read ({reason}). It is kept as it is and "
                   "will not be changed: fix it or move it aside")
        log.error("%s", message)
        return FeedListDamaged(message)
