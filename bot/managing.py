"""What moderators do to the collection, without Discord: add the articles of a file or the article on a web page,
remove and restore one.

Each action changes the data folder (`retrieval.managed`), then rebuilds the library the way /reload does
(`ContentStore.reload`: off the event loop, swapped in whole; a failure keeps the old library answering),
and says what happened in a message for the moderator. What is refused is refused before anything is written.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from retrieval import Article, Library
from retrieval.managed import HiddenListDamaged, Stored, read_upload
from retrieval.readers import SUPPORTED_SUFFIXES, SkipFile, format_suffix
from retrieval.web import FetchError

from .content import ContentStore, ReloadFailed
from .fit import CONTENT_LIMIT, escaped_fit, trim
from .reloading import ReloadInProgress, Reloads
from .web import WebReader

log = logging.getLogger(__name__)

# How many added titles a reply lists before "and n more".
SHOWN_TITLES = 10


class Refused(Exception):
    """The action was refused and nothing was changed; the message says why, for the moderator."""


def _title(article: Article) -> str:
    return f"*{escaped_fit(article.title or article.id, 200)}*"


def _passages(library: Library, article: Article) -> str:
    count = library.passage_count(article.id)
    return f"{count} passage{'' if count == 1 else 's'}"


class Managing:
    """Moderators' changes to the collection served by `content`."""

    def __init__(self, content: ContentStore, reloads: Reloads, max_upload_bytes: int, web: WebReader) -> None:
        self.content = content
        self.reloads = reloads
        self.max_upload_bytes = max_upload_bytes
        self.web = web

    def check_upload(self, filename: str, size: int) -> None:
        """Refuse a file by its name and size alone, before it is downloaded."""
        if size > self.max_upload_bytes:
            raise Refused(f"That file is too large to add ({size / 2**20:.1f} MB; the limit is "
                          f"{self.max_upload_bytes / 2**20:.1f} MB). Nothing was added.")
        if format_suffix(Path(filename)) is None:
            raise Refused(f"I can't read that type of file. Files I can add: {', '.join(SUPPORTED_SUFFIXES)}, "
                          "each optionally .gz. Nothing was added.")

    async def add_file(self, filename: str, data: bytes, added_by: str) -> str:
        """Add the articles in an uploaded file, replacing those added from a file of the same name before."""
        self.check_upload(filename, len(data))
        scratch = self.content.managed.root
        try:
            articles, problems = await asyncio.to_thread(read_upload, data, filename, scratch)
        except SkipFile as exc:
            raise Refused(f"I couldn't add {escaped_fit(filename, 200)}: {escaped_fit(str(exc), 500)}. "
                          "Nothing was added.") from None
        async with self._turn():
            stored = await asyncio.to_thread(self.content.managed.put, f"file:{Path(filename).name}", articles,
                                             added_by)
            log.info("added %d article(s) from %s (%d replaced)", len(stored.sources), filename, stored.replaced)
            skipped = f" Skipped part of the file: {escaped_fit('; '.join(problems), 300)}." if problems else ""
            return await self._reloaded(lambda library: self._added_message(library, stored, "that file") + skipped,
                                        f"Saved {escaped_fit(filename, 200)}")

    async def add_url(self, url: str, added_by: str) -> str:
        """Add the article on the page at `url`, replacing the one added from the same page before."""
        try:
            page = await self.web.page(url.strip())
        except (FetchError, SkipFile) as exc:
            raise Refused(f"I couldn't add <{escaped_fit(url.strip(), 500)}>: {escaped_fit(str(exc), 1000)}. "
                          "Nothing was added.") from None
        async with self._turn():
            stored = await asyncio.to_thread(self.content.managed.put, page.key, [page.article], added_by,
                                             site=page.site)
            log.info("added the article at %s (%d replaced)", page.key, stored.replaced)
            return await self._reloaded(lambda library: self._added_message(library, stored, "that page"),
                                        f"Saved <{escaped_fit(page.key, 500)}>")

    def _added_message(self, library: Library, stored: Stored, origin: str) -> str:
        sources = set(stored.sources)
        added = sorted((library.articles[i] for i in library.added_ids if library.articles[i].source in sources),
                       key=lambda a: a.title)
        listed = ", ".join(f"{_title(a)} ({_passages(library, a)})" for a in added[:SHOWN_TITLES])
        more = f" and {len(added) - SHOWN_TITLES} more" if len(added) > SHOWN_TITLES else ""
        verb = "Replaced" if stored.replaced else "Added"
        earlier = f", replacing what was added from {origin} before ({stored.replaced})" if stored.replaced else ""
        return f"{verb} {listed}{more}{earlier}. Now answering from {len(library.articles)} articles."

    async def remove(self, article_id: str) -> str:
        """Delete an added article; hide one of the operator's (until /restore)."""
        library = self.content.library
        # An id too long for an autocomplete value comes as its title (cut at 100): only an exact match counts.
        article = library.articles.get(article_id) or next(
            (a for a in library.find_articles(article_id) if a.title[:100] == article_id), None)
        if article is None:
            raise Refused(f"No article has the id \u201c{escaped_fit(article_id, 200)}\u201d: pick one from the list.")
        if len(library.articles) == 1:
            # The rebuild would have nothing to answer from and fail, leaving the article in service anyway.
            raise Refused(f"{_title(article)} is the only article left, so it stays: add another first.")
        added = library.is_added(article.id)
        async with self._turn():
            if added:
                await asyncio.to_thread(self.content.managed.delete, article.source)
                done = f"Removed {_title(article)}: the added article is deleted"
            else:
                await asyncio.to_thread(self._hide, article)
                done = f"Hid {_title(article)}; /restore brings it back"
            log.info("removed article %s (%s)", article.id, "deleted" if added else "hidden")
            return await self._reloaded(lambda new: f"{done}. Now answering from {len(new.articles)} articles.",
                                        done)

    def _hide(self, article: Article) -> None:
        try:
            self.content.hidden.hide(article.id, article.title)
        except HiddenListDamaged as exc:
            raise Refused(f"Nothing was changed: {escaped_fit(str(exc), 1500)}.") from None

    async def restore(self, article_id: str) -> str:
        """Bring back an article hidden by /remove."""
        async with self._turn():
            try:
                title = await asyncio.to_thread(self._restore, article_id)
            except HiddenListDamaged as exc:
                raise Refused(f"Nothing was changed: {escaped_fit(str(exc), 1500)}.") from None
            if title is None:
                raise Refused(f"No hidden article has the id \u201c{escaped_fit(article_id, 200)}\u201d: pick one "
                              "from the list.")
            log.info("restored article %s", article_id)
            done = f"Restored *{escaped_fit(title, 200)}*"
            return await self._reloaded(lambda new: f"{done}: it is answered again. Now answering from "
                                                    f"{len(new.articles)} articles.", done)

    def _restore(self, value: str) -> str | None:
        titles = self.content.hidden.titles()
        # An id too long for an autocomplete value comes as its title (cut at 100).
        article_id = value if value in titles else next((i for i, t in titles.items() if t[:100] == value), value)
        return self.content.hidden.restore(article_id)

    def hidden_matching(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        """For autocomplete: (value, title) of the hidden articles whose titles hold every word of `typed`, by
        title; the value is the id, or the title when the id is too long to be one. None while the list is
        damaged (/restore says why)."""
        try:
            titles = self.content.hidden.titles()
        except HiddenListDamaged:
            return []
        library = self.content.library
        words = library.words(typed)
        found = sorted((t, i) for i, t in titles.items() if all(w in " ".join(library.words(t)) for w in words))
        return [(i if len(i) <= 100 else t[:100], t[:100]) for t, i in found[:limit]]

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """The change and its rebuild as one reload among the bot's processes: refused, before anything is written,
        while another process reloads. One change at a time in this process too (hidden.json is read, changed and
        written whole)."""
        try:
            async with self.reloads.turn():
                yield
        except ReloadInProgress as exc:
            raise Refused(f"{exc} Nothing was changed.") from None

    async def _reloaded(self, message: Callable[[Library], str], done: str) -> str:
        """Rebuild the library (within a turn); `message(new library)` on success, and whether the bot's other
        processes serve it, else what was done and why it is not in service yet."""
        try:
            rebuilt = await self.reloads.rebuild()
        except ReloadFailed as exc:
            log.error("rebuild after a moderator's change failed: %s", exc)
            return trim(f"{done}, but rebuilding the library failed, so the change takes effect at the next "
                        f"successful /reload; still answering from the previous articles: "
                        f"{escaped_fit(str(exc), 1000)}", CONTENT_LIMIT)
        log.info("rebuilt: %s", rebuilt.result.report.summary())
        served = f" {rebuilt.served}" if rebuilt.served else ""
        return trim(message(self.content.library), CONTENT_LIMIT - len(served)) + served
