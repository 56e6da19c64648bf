"""A built library saved on disk next to a fingerprint of its content, loaded back in well under a second.

Layout of the index folder::

    current/            the saved library; replaced only as a whole, by renaming a finished folder
        manifest.json   format, content fingerprint, and every file's size and checksum
        *.npy           the BM25 arrays and passage offsets, memory-mapped on load
        articles.jsonl  one article per line; an article is parsed only when it is looked at
        *.json          vocabulary, article ids, subheadings, the load report, the ids of added articles
    .tmp-PID-*/         a save in progress (or one killed half-way: removed by a later save)
    .old-PID-*/         the previous index while the new one is renamed into place

A save writes and fsyncs every file into a temporary folder, then renames it into place, so a
save killed at any point leaves the previous index or none. A load checks the manifest's own
checksum, the fingerprint, each file's size and checksum and each array's shape; any mismatch
is logged with its reason and the library is rebuilt instead.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mmap
import os
import secrets
import shutil
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from .bm25 import BM25Arrays, BM25Index, BM25Settings
from .ingest import content_files
from .models import Article, LoadReport, Passage, relative_source
from .sentence_index import SentenceArrays, SentenceIndex
from .settings import RetrievalSettings
from .stored_views import StoredArticles, StoredPassages

log = logging.getLogger(__name__)

# Bump whenever the layout or the meaning of a saved file changes.
FORMAT_VERSION = 4
CURRENT = "current"
MANIFEST = "manifest.json"
# Files up to this size are checksummed whole; larger ones (the BM25 arrays, the articles) by
# evenly spread samples, so that loading a million passages stays within a second.
_FULL_CHECKSUM_BYTES = 8 * 2**20
_SAMPLES, _SAMPLE_BYTES = 64, 64 * 2**10
# Parsed articles kept for reuse: a question looks at a few dozen. Unbounded, the cache grew with
# every article ever quoted (GBs over a day at a million passages) and each full garbage collection
# walked all of them, holding the event loop for over a second.
PARSED_ARTICLES = 512


class StoreError(Exception):
    """A saved index that cannot be used; the message is the reason, for the log."""


def _code_digest() -> str:
    # Any change to the retrieval code (readers, analyzer, passages, scoring) can change the index.
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def index_settings(settings: RetrievalSettings) -> dict[str, Any]:
    """The parts of `RetrievalSettings` that shape the index (not, say, the answer threshold)."""
    return {part: getattr(settings, part).model_dump() for part in ("analyzer", "passages", "bm25")}


def _files(path: Path, root: Path) -> list[list[Any]]:
    """[relative path, size, mtime] of every content file under `path`."""
    files = []
    for file in content_files(path):
        try:
            stat = file.stat()
            files.append([relative_source(file, root), stat.st_size, stat.st_mtime_ns])
        except OSError:
            files.append([relative_source(file, root), None, None])
    return files


def fingerprint(path: Path, settings: dict[str, Any], added: Path | None = None,
                hidden: Collection[str] = ()) -> dict[str, Any]:
    """What the index depends on: every content file's relative path, size and mtime (the operator's and
    the added articles' folder's), the hidden article ids, the settings, the retrieval code and the format.
    Equal fingerprints mean the saved index is still right."""
    kind = "folder" if path.is_dir() else "file" if path.exists() else "missing"
    return {"format": FORMAT_VERSION, "code": _code_digest(), "settings": settings, "kind": kind,
            "files": _files(path, path if path.is_dir() else path.parent),
            "added": _files(added, added.parent) if added is not None and added.is_dir() else [],
            "hidden": sorted(hidden)}


def _difference(saved: dict[str, Any], current: dict[str, Any]) -> str:
    """Why a saved fingerprint no longer matches, in words."""
    for key, what in (("format", "index format"), ("code", "retrieval code"), ("settings", "settings"),
                      ("kind", "content path"), ("hidden", "hidden articles")):
        if saved.get(key) != current[key]:
            return f"{what} changed"
    before = {name: (size, mtime) for name, size, mtime in saved.get("files", []) + saved.get("added", [])}
    after = {name: (size, mtime) for name, size, mtime in current["files"] + current["added"]}
    added = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    modified = sorted(n for n in after.keys() & before.keys() if after[n] != before[n])
    parts = [f"{len(names)} {label} (e.g. {names[0]})" for names, label in
             ((added, "added"), (removed, "removed"), (modified, "modified")) if names]
    return "content changed: " + ", ".join(parts) if parts else "content changed"


def _checksum(path: Path, size: int) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as file:
        if size <= _FULL_CHECKSUM_BYTES:
            digest.update(file.read())
        else:
            for i in range(_SAMPLES + 1):
                file.seek((size - _SAMPLE_BYTES) * i // _SAMPLES)
                digest.update(file.read(_SAMPLE_BYTES))
    return digest.hexdigest()


def _write_durably(path: Path, write: Callable[[BinaryIO], object]) -> int:
    """Write a file and fsync it; its size."""
    with open(path, "wb") as file:
        write(file)
        file.flush()
        os.fsync(file.fileno())
    return path.stat().st_size


# Mapped article lines are written this many bytes at a time (a multiple of any page size).
_LINES_SLICE = 64 << 20


def _write_lines(file: BinaryIO, lines: mmap.mmap | bytes) -> None:
    """Write saved article lines; mapped ones a slice at a time, each slice's pages let go once written.

    Written whole, a mapping stays resident: at a million passages its 0.55 GB were part of the first start's
    peak (`parallel_load` hands its merged lines over mapped). Letting go of clean file pages loses nothing:
    they are read back from the file when next looked at.
    """
    if not isinstance(lines, mmap.mmap) or not hasattr(mmap, "MADV_DONTNEED"):  # madvise: Unix only
        file.write(lines)
        return
    with memoryview(lines) as view:
        for start in range(0, len(lines), _LINES_SLICE):
            file.write(view[start:start + _LINES_SLICE])
            lines.madvise(mmap.MADV_DONTNEED, start, min(_LINES_SLICE, len(lines) - start))


def fsync_path(path: Path) -> None:
    """Make a written file or folder durable: a rename must never expose unwritten data."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sealed(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True)
    return json.dumps({"body": body, "checksum": hashlib.blake2b(text.encode(), digest_size=16).hexdigest()})


def _unsealed(text: str) -> dict[str, Any]:
    try:
        sealed = json.loads(text)
        body = sealed["body"]
        checksum = hashlib.blake2b(json.dumps(body, sort_keys=True).encode(), digest_size=16).hexdigest()
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"manifest unreadable ({exc})") from None
    if checksum != sealed.get("checksum"):
        raise StoreError("manifest checksum mismatch")
    return body


@dataclass
class StoredLibrary:
    """Everything a Library needs to answer, as loaded from the index folder."""

    articles: Mapping[str, Article]
    passages: Sequence[Passage]
    passage_counts: dict[str, int]
    index: BM25Index
    sentences: SentenceIndex
    report: LoadReport
    added_ids: frozenset[str] = field(default_factory=frozenset)


class IndexCache:
    """The saved index for one content path (with the added articles' folder and the hidden ids, see
    `fingerprint`) and one set of settings, in `folder`."""

    def __init__(self, folder: Path, content: Path, settings: dict[str, Any], *, added: Path | None = None,
                 hidden: Collection[str] = ()) -> None:
        self.folder = folder
        self.fingerprint = fingerprint(content, settings, added, hidden)

    def load(self) -> StoredLibrary | None:
        """The saved library if it is complete and still matches the content; else None, reason logged."""
        try:
            stored = self._read(self.folder / CURRENT)
        except StoreError as exc:
            log.info("index in %s not used, rebuilding: %s", self.folder, exc)
            return None
        except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError) as exc:
            log.warning("index in %s is damaged, rebuilding: %s", self.folder, exc)
            return None
        log.info("index loaded from %s", self.folder)
        return stored

    def _read(self, current: Path) -> StoredLibrary:
        try:
            body = _unsealed((current / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StoreError("no saved index") from None
        if body.get("fingerprint") != self.fingerprint:
            raise StoreError(_difference(body.get("fingerprint") or {}, self.fingerprint))
        for name, expected in body["files"].items():
            path = current / name
            size = path.stat().st_size
            if size != expected["size"] or _checksum(path, size) != expected["checksum"]:
                raise StoreError(f"{name} is truncated or corrupted")
        arrays = {}
        for name, (dtype, shape) in body["arrays"].items():
            array = np.load(current / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            if array.dtype.str != dtype or list(array.shape) != shape:
                raise StoreError(f"{name}.npy has the wrong shape or type")
            # A plain ndarray view of the same mapping: np.memmap's own indexing runs Python code,
            # microseconds each time, and a question indexes these arrays hundreds of times.
            arrays[name] = np.asarray(array)

        def text(name: str) -> Any:
            return json.loads((current / name).read_text(encoding="utf-8"))

        terms = text("vocabulary.json")
        index = BM25Index(
            BM25Settings.model_validate(body["bm25"]), dict(zip(terms, range(len(terms)))),
            BM25Arrays(doc_count=body["doc_count"], block_shift=body["block_shift"], avgdl=body["avgdl"],
                       **{name: arrays[name] for name in BM25Arrays.names()}),
        )
        sentences = SentenceIndex(SentenceArrays(**{name: arrays[name] for name in SentenceArrays.names()}),
                                  index.vocabulary, text("extra_terms.json"))
        ids = text("article_ids.json")
        with open(current / "articles.jsonl", "rb") as file:
            empty = not body["files"]["articles.jsonl"]["size"]  # an empty file cannot be mapped
            lines = b"" if empty else mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        articles = StoredArticles(ids, lines, arrays["article_offsets"], PARSED_ARTICLES)
        first = arrays["first_passage"]
        passages = StoredPassages(articles, first, arrays["passage_spans"], arrays["passage_headings"],
                                  text("headings.json"))
        counts = dict(zip(ids, np.diff(first).tolist()))
        report = LoadReport.model_validate_json((current / "report.json").read_text(encoding="utf-8"))
        if len(passages) != index.doc_count or len(first) != len(ids) + 1:
            raise StoreError("passages and index disagree")
        return StoredLibrary(articles, passages, counts, index, sentences, report, frozenset(text("added_ids.json")))

    def save(self, articles: Iterable[Article] | StoredArticles, passages: Sequence[Passage], index: BM25Index,
             sentences: SentenceIndex, report: LoadReport, added_ids: Collection[str] = ()) -> None:
        """Save atomically (`added_ids`: the articles added from the data folder); a failure is logged and
        leaves any previous index in place."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._remove_leftovers()
            work = self.folder / f".tmp-{os.getpid()}-{secrets.token_hex(4)}"
            work.mkdir()
            try:
                self._write(work, articles, passages, index, sentences, report, added_ids)
                self._swap_in(work)
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                raise
        except OSError as exc:
            log.warning("could not save the index in %s: %s", self.folder, exc)

    def _write(self, work: Path, articles: Iterable[Article] | StoredArticles, passages: Sequence[Passage],
               index: BM25Index, sentences: SentenceIndex, report: LoadReport, added_ids: Collection[str]) -> None:
        files: dict[str, dict[str, Any]] = {}
        arrays: dict[str, tuple[str, list[int]]] = {}

        def put(name: str, write: Callable[[BinaryIO], object]) -> None:
            size = _write_durably(work / name, write)
            files[name] = {"size": size, "checksum": _checksum(work / name, size)}

        def put_array(name: str, array: np.ndarray) -> None:
            array = np.ascontiguousarray(array)
            put(f"{name}.npy", lambda file: np.save(file, array, allow_pickle=False))
            arrays[name] = (array.dtype.str, list(array.shape))

        def put_json(name: str, value: Any) -> None:
            put(name, lambda file: file.write(json.dumps(value).encode()))

        if isinstance(articles, StoredArticles):  # held as saved already (parallel_load): written as it is
            put("articles.jsonl", lambda file: _write_lines(file, articles.lines))
            put_array("article_offsets", articles.offsets)
            ids = list(articles)
        else:
            articles = list(articles)
            offsets = [0]

            def write_articles(file: BinaryIO) -> None:
                for article in articles:
                    line = article.model_dump_json().encode() + b"\n"
                    file.write(line)
                    offsets.append(offsets[-1] + len(line))

            put("articles.jsonl", write_articles)
            put_array("article_offsets", np.asarray(offsets, dtype=np.int64))
            ids = [a.id for a in articles]
        put_json("article_ids.json", ids)
        put_json("added_ids.json", sorted(added_ids))
        if isinstance(passages, StoredPassages):
            put_array("first_passage", passages.first_passage)
            put_array("passage_spans", passages.spans)
            put_array("passage_headings", passages.heading_ids)
            put_json("headings.json", passages.headings)
        else:
            position = {article_id: i for i, article_id in enumerate(ids)}
            first = np.zeros(len(ids) + 1, dtype=np.int64)
            np.add.at(first, [position[p.article_id] + 1 for p in passages], 1)
            put_array("first_passage", np.cumsum(first))
            put_array("passage_spans",
                      np.asarray([(p.start, p.end) for p in passages], dtype=np.int64).reshape(-1, 2))
            headings: dict[str, int] = {}
            put_array("passage_headings", np.asarray(
                [-1 if p.heading is None else headings.setdefault(p.heading, len(headings)) for p in passages],
                dtype=np.int32))
            put_json("headings.json", list(headings))
        put_json("vocabulary.json", list(index.vocabulary))
        for name in BM25Arrays.names():
            put_array(name, getattr(index.arrays, name))
        for name in SentenceArrays.names():
            put_array(name, getattr(sentences.arrays, name))
        put_json("extra_terms.json", sentences.extra_terms)
        put("report.json", lambda file: file.write(report.model_dump_json().encode()))
        body = {"format": FORMAT_VERSION, "fingerprint": self.fingerprint, "files": files, "arrays": arrays,
                "bm25": index.settings.model_dump(), "doc_count": index.doc_count,
                "block_shift": index.arrays.block_shift, "avgdl": index.arrays.avgdl}
        # The manifest goes last: a folder without one is never loaded.
        _write_durably(work / MANIFEST, lambda file: file.write(_sealed(body).encode()))
        fsync_path(work)

    def _swap_in(self, work: Path) -> None:
        current = self.folder / CURRENT
        old = None
        if current.exists():
            old = self.folder / f".old-{os.getpid()}-{secrets.token_hex(4)}"
            os.rename(current, old)
        os.rename(work, current)
        fsync_path(self.folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _remove_leftovers(self) -> None:
        """Remove the temporary folders of saves whose process is gone (killed half-way)."""
        for leftover in [*self.folder.glob(".tmp-*"), *self.folder.glob(".old-*")]:
            pid = leftover.name.split("-")[1]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
