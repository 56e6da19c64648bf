"""The library the bot answers from, and reloading it without ever leaving the bot without one."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from retrieval import Answer, ContentError, Library, LoadReport
from retrieval.diff import LibraryDiff, diff_articles

from .settings import Settings

log = logging.getLogger(__name__)

# Above this many passages a search can take milliseconds: run it on a worker thread so the
# gateway heartbeat and other members' questions are never held up.
THREADED_SEARCH_PASSAGES = 200_000


@contextmanager
def _no_full_collections() -> Iterator[None]:
    """Keep the garbage collector from walking a library while one is being built.

    A build allocates millions of objects; each full collection it triggers walks all of them and
    the library in service too, holding the event loop for hundreds of milliseconds (measured at
    100k passages). Libraries hold no reference cycles, so reference counting frees them; once the
    new one is in place it is frozen out of all future collections.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
    gc.freeze()


class ReloadFailed(Exception):
    """A reload that could not produce a usable library; the old one keeps answering."""


@dataclass(frozen=True)
class ReloadResult:
    diff: LibraryDiff
    report: LoadReport
    seconds: float


class ContentStore:
    """Holds the current `Library`. Reloads build a new one off the event loop and swap it in whole."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._library: Library | None = None
        self._reload_lock = asyncio.Lock()
        self._was_folder: bool | None = None

    @property
    def library(self) -> Library:
        if self._library is None:
            raise RuntimeError("the content has not been loaded yet")
        return self._library

    @property
    def reloading(self) -> bool:
        return self._reload_lock.locked()

    def _build(self) -> Library:
        path = self.settings.content_path
        if self._was_folder and path.exists() and not path.is_dir():
            # A folder swapped for a file is an accident, not a new collection of one article.
            raise ReloadFailed(f"content path {str(path)!r} was a folder and is now a file")
        try:
            library = Library.load(path, self.settings.retrieval(), index_dir=self.settings.index_path)
        except ContentError as exc:
            raise ReloadFailed(str(exc)) from None
        except OSError as exc:
            raise ReloadFailed(f"reading {self.settings.content_path} failed: {exc}") from None
        if not library.articles:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in library.report.skipped[:5])
            raise ReloadFailed(
                f"no usable article in {self.settings.content_path}" + (f" (skipped {reasons})" if reasons else "")
            )
        return library

    async def load(self) -> LoadReport:
        """The first load, at start-up. Raises `ReloadFailed` when there is nothing to answer from."""
        with _no_full_collections():
            self._library = await asyncio.to_thread(self._build)
        self._was_folder = self.settings.content_path.is_dir()
        return self._library.report

    async def reload(self) -> ReloadResult:
        """Rebuild from the content path; concurrent reloads run one after the other.

        Questions keep being answered from the old library until the new one is complete.
        """
        async with self._reload_lock:
            started = time.perf_counter()
            old = self._library
            with _no_full_collections():
                new, diff = await asyncio.to_thread(self._build_and_diff, old)
            self._library = new
            return ReloadResult(diff=diff, report=new.report, seconds=time.perf_counter() - started)

    def _build_and_diff(self, old: Library | None) -> tuple[Library, LibraryDiff]:
        # The diff touches every article: on a large collection that is CPU work for the worker thread too.
        new = self._build()
        return new, diff_articles(old.articles if old else {}, new.articles)

    async def answer(self, question: str, k: int) -> Answer:
        library = self.library
        if len(library.passages) >= THREADED_SEARCH_PASSAGES:
            return await asyncio.to_thread(library.answer, question, k)
        return library.answer(question, k)
