"""Polling the followed feeds: each new entry's page is fetched and added the way /add url: adds one. No Discord here.

A poll asks for a feed only if it changed (its ETag / Last-Modified), takes at most `MAX_ENTRIES_PER_POLL` new
entries (the newest), and never fetches an entry it took before. One broken feed or page is recorded (for
/feed list) and logged, and the others go on. Polls never overlap. Rebuilding the library after a poll that
added something is the caller's (once per poll, not once per entry).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import logging
from dataclasses import dataclass

from retrieval.followed_feeds import CONFIGURED, FeedListDamaged, FollowedFeed, FollowedFeeds
from retrieval.managed import ManagedArticles
from retrieval.readers import SkipFile
from retrieval.web import FeedEntry, FeedError, FetchError, new_entries, parse_feed

from .coordination import Coordination, LocalCoordination, renewed
from .web import WebReader, page_key

log = logging.getLogger(__name__)

# So that following a feed with years of entries cannot flood the bot: the rest are left out for good.
MAX_ENTRIES_PER_POLL = 20
# The scheduled poller's lease lasts this many intervals: its holder renews it at each of its polls, so it stays the
# poller while it lives, and one that dies is replaced within this many intervals.
POLLER_LEASE_INTERVALS = 1.5


@dataclass(frozen=True)
class FeedPoll:
    """What one poll of one feed did. `error` is why the feed itself could not be read; `failed` says why
    some entries' pages could not be added."""

    url: str
    added: tuple[str, ...] = ()  # the titles of the articles added
    failed: tuple[str, ...] = ()
    error: str | None = None
    not_modified: bool = False
    left_out: int = 0


class FeedRefused(Exception):
    """A change to the followed feeds was refused and nothing was changed; the message says why."""


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _newest_first(entries: list[FeedEntry]) -> list[FeedEntry]:
    # Entries without a date keep their place in the feed, after the dated ones (sorting is stable).
    return sorted(entries, key=lambda entry: entry.published or "", reverse=True)


class FeedPoller:
    """Polls the followed feeds. Of the bot's processes, one polls on schedule (`poll_scheduled`), the holder of the
    "feed-poller" lease of `coordination`; moderators' polls (/feed add, /reload) run wherever they are asked."""

    def __init__(self, followed: FollowedFeeds, managed: ManagedArticles, web: WebReader,
                 coordination: Coordination | None = None, interval_minutes: float = 60.0) -> None:
        self.followed = followed
        self.managed = managed
        self.web = web
        self._polling = asyncio.Lock()
        self._poller = (coordination or LocalCoordination()).lease(
            "feed-poller", interval_minutes * 60 * POLLER_LEASE_INTERVALS)

    async def feeds(self) -> list[FollowedFeed]:
        """The followed feeds. Raises `FeedListDamaged`."""
        return await asyncio.to_thread(self.followed.all)

    async def follow_configured(self, urls: list[str]) -> None:
        """Follow the feeds in the operator's settings that are not followed yet (at start-up)."""
        async with self._polling:
            for url in urls:
                if await asyncio.to_thread(self.followed.follow, url.strip(), CONFIGURED):
                    log.info("following the configured feed %s", url.strip())

    async def follow(self, url: str, added_by: str) -> FeedPoll:
        """Follow `url` and poll it at once. A feed that cannot be fetched or read is refused, and not followed."""
        url = url.strip()
        async with self._polling:
            try:
                if not await asyncio.to_thread(self.followed.follow, url, added_by):
                    raise FeedRefused(f"<{url}> is followed already: /feed list shows what it added.")
                poll = await self._poll_and_record(FollowedFeed(url=url, added_by=added_by))
                if poll.error:
                    await asyncio.to_thread(self.followed.unfollow, url)
                    raise FeedRefused(f"I couldn't follow <{url}>: {poll.error}. Nothing was changed.")
            except FeedListDamaged as exc:
                raise FeedRefused(f"Nothing was changed: {exc}.") from None
        return poll

    async def unfollow(self, url: str) -> FollowedFeed:
        """Stop following `url`, or the feed whose url starts with it when it is 100 characters long (all a
        Discord autocomplete value holds). What the feed added stays. A feed from the settings is the operator's."""
        url = url.strip()
        async with self._polling:
            try:
                feeds = await asyncio.to_thread(self.followed.all)
                feed = next((f for f in feeds if f.url == url), None) or next(
                    (f for f in feeds if len(url) == 100 and f.url.startswith(url)), None)
                if feed is None:
                    raise FeedRefused(f"<{url}> is not followed: /feed list shows the feeds that are.")
                if feed.added_by == CONFIGURED:
                    raise FeedRefused(f"<{feed.url}> is in the bot's settings (`feeds`), so it would be followed "
                                      "again at the next start: the operator removes it there. Nothing was changed.")
                await asyncio.to_thread(self.followed.unfollow, feed.url)
            except FeedListDamaged as exc:
                raise FeedRefused(f"Nothing was changed: {exc}.") from None
        return feed

    async def poll_all(self) -> list[FeedPoll]:
        """Poll every followed feed, one after the other. Raises `FeedListDamaged` (nothing is polled then)."""
        if not self.followed.path.exists():
            # No feed was ever followed: said without leaving the loop (a stat), so a /reload starts at once.
            return []
        async with self._polling:
            feeds = await asyncio.to_thread(self.followed.all)
            return [await self._poll_and_record(feed) for feed in feeds]

    async def poll_scheduled(self) -> list[FeedPoll] | None:
        """The scheduled poll of every feed, if this process is the bot's poller; None when another process is.
        Raises `FeedListDamaged`."""
        if not await self._poller.acquire():
            log.debug("scheduled feed poll left to the bot's process that holds the feed-poller lease")
            return None
        # Not released after the poll: kept, the lease makes this process the poller of the next interval too.
        async with renewed(self._poller):
            return await self.poll_all()

    async def stop_polling(self) -> None:
        """Give the scheduled polls up (this process stops): another process takes them over at its next one."""
        await self._poller.release()

    async def _poll_and_record(self, feed: FollowedFeed) -> FeedPoll:
        try:
            poll, polled = await self._poll(feed)
        except Exception as exc:  # a bug or a full disk must not stop the other feeds, nor the bot
            log.exception("polling the feed %s failed", feed.url)
            poll = FeedPoll(url=feed.url, error=f"unexpected error ({type(exc).__name__})")
            polled = dataclasses.replace(feed, last_poll=_now(), last_added=0, last_error=poll.error)
        try:
            await asyncio.to_thread(self.followed.update, polled)
        except (FeedListDamaged, OSError) as exc:
            log.error("could not record the poll of %s: %s", feed.url, exc)
        return poll

    async def _poll(self, feed: FollowedFeed) -> tuple[FeedPoll, FollowedFeed]:
        """One poll of `feed`: what it did, and the feed's new record."""
        polled_at = _now()
        try:
            fetched = await self.web.feed(feed.url, feed.etag, feed.last_modified)
            if fetched.not_modified:
                return (FeedPoll(url=feed.url, not_modified=True),
                        dataclasses.replace(feed, last_poll=polled_at, last_added=0, last_error=None))
            parsed = await asyncio.to_thread(parse_feed, fetched.body, fetched.url)
        except (FetchError, FeedError) as exc:
            log.warning("feed %s: %s", feed.url, exc)
            return (FeedPoll(url=feed.url, error=str(exc)),
                    dataclasses.replace(feed, last_poll=polled_at, last_added=0, last_error=str(exc)))
        fresh = _newest_first(new_entries(parsed, feed.taken))
        taken = {entry.key for entry in fresh[MAX_ENTRIES_PER_POLL:]}
        stored = set(await asyncio.to_thread(self.managed.keys))
        added: list[str] = []
        failed: list[str] = []
        retry = False
        for entry in fresh[:MAX_ENTRIES_PER_POLL]:
            if page_key(entry.link) in stored:  # added with /add url: (or by another feed) already
                taken.add(entry.key)
                continue
            try:
                page = await self.web.page(entry.link)
                await asyncio.to_thread(self.managed.put, page.key, [page.article], f"feed {feed.url}",
                                        site=page.site)
            except FetchError as exc:  # perhaps for a while only: tried again at the next poll
                failed.append(str(exc))
                retry = True
                continue
            except SkipFile as exc:  # the page holds no article: fetching it again would not change that
                failed.append(f"{entry.link}: {exc}")
            else:
                added.append(page.article.title)
                stored.add(page.key)
            taken.add(entry.key)
        for problem in failed:
            log.warning("feed %s: %s", feed.url, problem)
        in_feed = {entry.key for entry in parsed.entries}
        error = "; ".join(failed) or None
        polled = dataclasses.replace(
            feed, last_poll=polled_at, last_added=len(added), last_error=error,
            # Only the keys still in the feed are kept: the list stays as long as the feed.
            taken=tuple(key for key in (*feed.taken, *taken) if key in in_feed),
            # With an entry to try again, the next poll must get the whole feed, not "not modified".
            etag=feed.etag if retry else fetched.etag,
            last_modified=feed.last_modified if retry else fetched.last_modified,
        )
        return FeedPoll(url=feed.url, added=tuple(added), failed=tuple(failed),
                        left_out=max(0, len(fresh) - MAX_ENTRIES_PER_POLL)), polled
