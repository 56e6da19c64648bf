"""The library the bot answers from, and reloading it without ever leaving the bot without one."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import multiprocessing
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from retrieval import Answer, ContentError, Library, LoadReport, RetrievalSettings
from retrieval.diff import LibraryDiff, diff_articles
from retrieval.ingest import content_files
from retrieval.managed import HiddenArticles, HiddenListDamaged, ManagedArticles
from retrieval.store import fingerprint, index_settings
from retrieval.understand import FollowUp

from .answer_queue import AnswerQueue
from .settings import Settings

log = logging.getLogger(__name__)

# About 15,000 passages of text. Below it a build takes a second or two on a worker thread; above it,
# a thread's build competes with the event loop for the GIL for minutes (seconds-long stalls were
# measured at a million passages), so the build moves to a child process.
CHILD_BUILD_BYTES = 16 * 2**20


def content_bytes(path: Path) -> int:
    """Total size of the files the readers read under `path`: a cheap forecast of how long building will take."""
    total = 0
    for file in content_files(path):
        with suppress(OSError):
            total += file.stat().st_size
    return total


def _save_index(path: Path, settings: RetrievalSettings, index_dir: Path, added: Path, hidden: frozenset[str]
                ) -> None:
    """In the child process: build the library and save its index."""
    Library.load(path, settings, index_dir=index_dir, added=added, hidden=hidden)


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
    finished_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    elsewhere: bool = False  # built and saved by another of the bot's processes; this one loaded it


class ContentStore:
    """Holds the current `Library`. Reloads build a new one off the event loop and swap it in whole.

    Questions are answered from the current library through `queue` (an `AnswerQueue`). The library is the
    content folder's articles and those moderators added (`managed`), less those they hid (`hidden`).
    """

    def __init__(self, settings: Settings, queue: AnswerQueue | None = None) -> None:
        self.settings = settings
        self.queue = queue or AnswerQueue()
        self._library: Library | None = None
        self._fingerprint: str | None = None
        self._reload_lock = asyncio.Lock()
        self._was_folder: bool | None = None
        self.managed = ManagedArticles(settings.data_path)
        self.hidden = HiddenArticles(settings.data_path)
        self.last_reload: ReloadResult | None = None  # the last one that succeeded, for /status

    @property
    def library(self) -> Library:
        if self._library is None:
            raise RuntimeError("the content has not been loaded yet")
        return self._library

    @property
    def fingerprint(self) -> str | None:
        """The library in service, as a short digest of what it was built from (the saved index's own fingerprint:
        content files, added and hidden articles, index settings, retrieval code): processes serving equal
        fingerprints answer alike. None before the first load."""
        return self._fingerprint

    def _content_fingerprint(self, hidden: frozenset[str]) -> str:
        seen = fingerprint(self.settings.content_path, index_settings(self.settings.retrieval), self.managed.folder,
                           hidden)
        return hashlib.blake2b(json.dumps(seen, sort_keys=True).encode(), digest_size=8).hexdigest()

    def _build(self) -> tuple[Library, str]:
        """The library and its fingerprint (taken just before the build reads the files, as the saved index's is)."""
        path = self.settings.content_path
        if self._was_folder and path.exists() and not path.is_dir():
            # A folder swapped for a file is an accident, not a new collection of one article.
            raise ReloadFailed(f"content path {str(path)!r} was a folder and is now a file")
        settings, index_dir, added = self.settings.retrieval, self.settings.index_path, self.managed.folder
        try:
            hidden = self.hidden.ids()
            built_from = self._content_fingerprint(hidden)
            if index_dir is not None and content_bytes(path) + content_bytes(added) >= CHILD_BUILD_BYTES:
                # A large build runs in a child process, with its own memory and its own GIL, and
                # saves the index; the bot then maps the saved index in well under a second.
                with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
                    child.submit(_save_index, path, settings, index_dir, added, hidden).result()
            library = Library.load(path, settings, index_dir=index_dir, added=added, hidden=hidden)
        except (ContentError, HiddenListDamaged) as exc:
            raise ReloadFailed(str(exc)) from None
        except OSError as exc:
            raise ReloadFailed(f"reading {self.settings.content_path} failed: {exc}") from None
        if not library.articles:
            reasons = "; ".join(f"{s.path}: {s.reason}" for s in library.report.skipped[:5])
            raise ReloadFailed(
                f"no usable article in {self.settings.content_path}" + (f" (skipped {reasons})" if reasons else "")
            )
        return library, built_from

    async def load(self) -> LoadReport:
        """The first load, at start-up. Raises `ReloadFailed` when there is nothing to answer from."""
        with _no_full_collections():
            self._library, self._fingerprint = await asyncio.to_thread(self._build)
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
                (new, self._fingerprint), diff = await asyncio.to_thread(self._build_and_diff, old)
            self._library = new
            self.last_reload = ReloadResult(diff=diff, report=new.report, seconds=time.perf_counter() - started)
            return self.last_reload

    async def follow(self, library: str) -> ReloadResult | None:
        """Serve the library another process built and saved, whose fingerprint is `library`: loaded from the saved
        index off the event loop and swapped in whole. None, logged, when this process already serves it, sees other
        content than that process did (the folders are not shared), or cannot load it (the old one answers on)."""
        async with self._reload_lock:
            if library == self._fingerprint:
                return None
            try:
                seen = await asyncio.to_thread(lambda: self._content_fingerprint(self.hidden.ids()))
            except HiddenListDamaged as exc:
                log.error("could not load the library another process of the bot saved: %s", exc)
                return None
            if seen != library:
                log.warning("another process of the bot reloaded the library (%s), but this process sees other "
                            "content (%s): its content_path and data_path must be the same folders; still answering "
                            "from the library it had", library, seen)
                return None
            started = time.perf_counter()
            old = self._library
            try:
                with _no_full_collections():
                    (new, self._fingerprint), diff = await asyncio.to_thread(self._build_and_diff, old)
            except ReloadFailed as exc:
                log.error("could not load the library another process of the bot saved; still answering from the "
                          "previous one: %s", exc)
                return None
            self._library = new
            self.last_reload = ReloadResult(diff=diff, report=new.report, seconds=time.perf_counter() - started,
                                            elsewhere=True)
            log.info("now serving the library another process saved (%s): %s", library, new.report.summary())
            return self.last_reload

    def _build_and_diff(self, old: Library | None) -> tuple[tuple[Library, str], LibraryDiff]:
        # The diff touches every article: on a large collection that is CPU work for the worker thread too.
        built = self._build()
        return built, diff_articles(old.articles if old else {}, built[0].articles)

    async def answer(self, question: str, k: int, follow_up: FollowUp | None = None) -> Answer:
        """Answer from the current library (`Library.answer`: `follow_up` is the answer the question replies to);
        raises `Busy` when the question would wait too long."""
        return await self.queue.answer(self.library, question, k, follow_up)

    def close(self) -> None:
        self.queue.close()
