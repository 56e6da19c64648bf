"""A first start on every core: content files read, split and analyzed in worker processes, merged in file order.

Reading and analyzing text was almost all of a first start (benchmarks/README.md, "Saved index: cold build vs
warm load"), one file at a time in one process. Here each worker takes whole files and sends back compact
results: each article as the saved index keeps it (its JSON line), its passages' offsets, their (term,
passage) pairs counted (`bm25.build.ForwardRows`) and the terms of their sentences, as ids in the file's own
vocabulary. The parent numbers the terms as one process reading file after file would (in order of first
appearance), so the index and the sentence index are the same to the last bit, places the pairs in the index
file after file, and keeps the articles as those JSON lines (in a temporary file, mapped), parsed when looked
at, as a library loaded from its saved index does: at a million passages the articles and passages as Python
objects were over 2.5 GB.

Workers are started with 'spawn', which runs the main script again in each of them: a script that loads a
large collection must keep its work under `if __name__ == "__main__":`, as multiprocessing asks. One that
does not still loads (its workers fail to start, and the files are read in this process, with a warning).
"""

from __future__ import annotations

import ctypes
import logging
import mmap
import multiprocessing
import os
import sys
import tempfile
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping, MutableMapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from .analyzer import Analyzer, AnalyzerSettings
from .bm25 import BM25Index, Vocabulary
from .bm25.build import ForwardRows, arrays_from_rows, forward_rows, ranks
from .bm25.arrays import ranges
from .ingest import ArticleIds, ContentFile, Progress, listed_files, read_articles
from .models import Article, LoadReport, SkippedFile
from .passages import PassageSettings, indexed_text, paragraph_span, split_passages
from .progress import PassageProgress
from .sentence_index import SentenceArrays, SentenceIndex
from .sentences import sentence_spans
from .settings import RetrievalSettings
from .store import PARSED_ARTICLES, StoredLibrary
from .stored_views import StoredArticles, StoredPassages

log = logging.getLogger(__name__)
# glibc's, where there is one: see `_give_back_freed_memory`.
_MALLOC_TRIM = getattr(ctypes.CDLL(None), "malloc_trim", None) if sys.platform.startswith("linux") else None
T = TypeVar("T")

# Below this much content a pool costs more than it saves: starting a worker (a fresh interpreter importing
# numpy and pydantic) takes about a second, and one process reads a few MB of text a second.
POOL_BYTES = 16 * 2**20


def pool_size(files: list[ContentFile], workers: int | None) -> int:
    """How many worker processes to read `files` with: `workers` if given, else one per core for a large
    collection of several files, else none (read in this process). Never more than there are files."""
    if workers is None:
        size = 0
        for file in files:
            try:
                size += file.path.stat().st_size
            except OSError:
                pass  # reported when read
        workers = (os.cpu_count() or 1) if size >= POOL_BYTES else 1
    return 0 if workers <= 1 or len(files) <= 1 else min(workers, len(files))


@dataclass(frozen=True)
class PreparedFile:
    """One file read, split and analyzed: what a worker sends back, arrays rather than objects."""

    skipped: list[SkippedFile]
    ids: list[str]
    lines: list[bytes]  # each article as the saved index keeps it: `model_dump_json()` and a newline
    passage_counts: np.ndarray  # per article
    spans: np.ndarray  # (start, end) of each passage in its article's text
    headings: list[str]  # the file's subheadings, numbered by first appearance...
    heading_ids: np.ndarray  # ...each passage's, or -1
    terms: list[str]  # the terms of the passages' indexed text, numbered by first appearance...
    pairs: ForwardRows  # ...and each passage's, counted: what the index is built from
    same_as_previous: np.ndarray  # per passage: indexed by the same text as the passage before it in the file
    # The sentence index's rows (`sentence_index.SentenceIndex.build`), in the order it analyzes them: an
    # article's title (if it has passages), then its passages' sentences.
    sentence_counts: np.ndarray  # per passage
    sentence_spans: np.ndarray  # (start, end) of each sentence in its passage's text
    row_terms: list[str]  # the rows' terms, numbered by first appearance...
    row_lengths: np.ndarray  # ...how many each row has...
    row_ids: np.ndarray  # ...and those terms, row after row
    row_titles: np.ndarray  # whether a row is a title


def prepare_file(file: ContentFile, passage_settings: PassageSettings,
                 analyzer_settings: AnalyzerSettings) -> PreparedFile:
    """Read one file, split its articles into passages and analyze their indexed text and their sentences,
    as `Library` does.

    Each text is analyzed once, all of them together (`Analyzer.numbering_many`): an article's title, each
    subheading and each sentence. A passage's indexed text is its title's terms, its subheading's and its
    paragraph's, which are its sentences' (`_Texts.paragraph`): a text's terms are its parts' cut at whitespace.
    """
    articles, skipped = read_articles(file)
    window = passage_settings.max_chars
    texts, headings, heading_texts = _Texts(), Vocabulary(), {}
    counts, spans, heading_ids = array("q"), array("q"), array("i")
    same_as_previous, previous, parts = array("b"), None, []
    sentence_counts, sentence_spans_ = array("q"), array("i")
    # Which texts make each row of the sentence index and each passage's indexed text.
    rows, row_titles, indexed_parts, part_counts = array("q"), array("b"), array("q"), array("q")
    for article in articles:
        text = article.text
        passages = split_passages(article, passage_settings)
        counts.append(len(passages))
        if not passages:
            continue
        title = texts.add(article.title)
        rows.append(title)
        row_titles.append(True)
        sentences = []  # (start, end) in the article's text, and its text's number
        for passage in passages:
            found = sentence_spans(passage.text)
            sentence_counts.append(len(found))
            for start, end in found:
                sentence_spans_.extend((start, end))
                rows.append(number := texts.add(passage.text[start:end]))
                row_titles.append(False)
                sentences.append((passage.start + start, passage.start + end, number))
        sentence_ends = [end for _, end, _ in sentences]
        for passage in passages:
            spans.extend((passage.start, passage.end))
            heading_ids.append(-1 if passage.heading is None else headings[passage.heading])
            indexed = indexed_text(article, text, passage, window)
            same_as_previous.append(indexed == previous)
            if indexed != previous:  # else the same terms again
                parts = [title]
                if passage.heading:
                    if passage.heading not in heading_texts:
                        heading_texts[passage.heading] = texts.add(passage.heading)
                    parts.append(heading_texts[passage.heading])
                start, end = paragraph_span(text, passage, window)
                parts += texts.paragraph(text, start, end, sentences, bisect_right(sentence_ends, start))
            previous = indexed
            indexed_parts.extend(parts)
            part_counts.append(len(parts))
    article_ids, lines = [a.id for a in articles], [a.model_dump_json().encode() + b"\n" for a in articles]
    del articles
    vocabulary = Vocabulary()
    ids, lengths = Analyzer(analyzer_settings).numbering_many(vocabulary)(texts.texts)
    del texts
    names = list(vocabulary)
    starts = np.cumsum(lengths) - lengths
    row_texts = np.frombuffer(rows, np.int64)
    row_lengths = lengths[row_texts]
    row_terms, row_ids = _by_first_appearance(ids[ranges(starts[row_texts], starts[row_texts] + row_lengths)[0]],
                                              names)
    indexed_texts = np.frombuffer(indexed_parts, np.int64)
    terms, term_ids = _by_first_appearance(ids[ranges(starts[indexed_texts], starts[indexed_texts]
                                                      + lengths[indexed_texts])[0]], names)
    passage_parts = np.frombuffer(part_counts, np.int64)
    term_counts = (np.add.reduceat(lengths[indexed_texts], np.cumsum(passage_parts) - passage_parts)
                   if len(passage_parts) else np.zeros(0, np.int64))
    # Counted here, on every core: in the parent, counting pairs was most of the index build.
    pairs = forward_rows(term_ids, term_counts)
    return PreparedFile(
        skipped, article_ids, lines,
        np.frombuffer(counts, np.int64), np.frombuffer(spans, np.int64).reshape(-1, 2), list(headings),
        np.frombuffer(heading_ids, np.int32), terms, pairs,
        np.frombuffer(same_as_previous, np.bool_), np.frombuffer(sentence_counts, np.int64),
        np.frombuffer(sentence_spans_, np.int32).reshape(-1, 2), row_terms, row_lengths,
        row_ids, np.frombuffer(row_titles, np.bool_),
    )


class _Texts:
    """The texts of a file to analyze, numbered in order."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def add(self, text: str) -> int:
        self.texts.append(text)
        return len(self.texts) - 1

    def paragraph(self, text: str, start: int, end: int, sentences: list[tuple[int, int, int]],
                  first: int) -> list[int]:
        """The texts whose terms, one after another, are those of `text[start:end]`: the `sentences` within it
        (from the `first` that ends after `start`; (start, end, text number) in `text`, in order), the parts of
        those it cuts, and whatever lies between them but whitespace. Exact where every cut between two of them
        is at whitespace; else the whole span is one more text."""
        parts, cuts, at = [], [], start
        for sentence_start, sentence_end, number in sentences[first:]:
            if sentence_start >= end:
                break
            within = max(sentence_start, start), min(sentence_end, end)
            if within[0] > at and not text[at:within[0]].isspace():
                parts.append(self.add(text[at:within[0]]))
            parts.append(number if within == (sentence_start, sentence_end) else self.add(text[slice(*within)]))
            cuts.extend(within)
            at = within[1]
        if at < end and not text[at:end].isspace():
            parts.append(self.add(text[at:end]))
        if all(text[cut - 1].isspace() or text[cut].isspace() for cut in cuts if start < cut < end):
            return parts
        return [self.add(text[start:end])]


def _by_first_appearance(ids: np.ndarray, names: list[str]) -> tuple[list[str], np.ndarray]:
    """(the names `ids` hold, in order of first appearance; `ids` numbered in that order)."""
    first = np.full(len(names), len(ids), np.int64)
    np.minimum.at(first, ids, np.arange(len(ids)))
    present = np.flatnonzero(first < len(ids))
    order = present[np.argsort(first[present])]
    renumbered = np.empty(len(names), np.int32)
    renumbered[order] = np.arange(len(order), dtype=np.int32)
    return [names[n] for n in order.tolist()], renumbered[ids]


class _Merged:
    """The prepared files, added in file order: the articles kept (ids made unique, hidden ones left out),
    their passages, and every passage's terms renumbered in the library's vocabulary."""

    def __init__(self, hidden: Collection[str]) -> None:
        self.ids = ArticleIds(hidden)
        self.article_ids: list[str] = []
        # The articles' JSON lines go to a temporary file, mapped once all are in: at a million passages they
        # are 0.6 GB that would otherwise stay in this process's memory through the index build.
        self.lines = tempfile.TemporaryFile()
        self.offsets = array("q", [0])
        self.passage_counts: list[np.ndarray] = []
        self.spans: list[np.ndarray] = []
        self.headings = Vocabulary()
        self.heading_ids: list[np.ndarray] = []
        self.vocabulary = Vocabulary()
        self.pairs: list[ForwardRows] = []
        self.same_as_previous: list[np.ndarray] = []
        # The passages whose passage before them in the library is not the one before them in their file (the
        # first of a file, the first after a hidden article): whether they are indexed by the same text is
        # told once every passage is in place.
        self.unsure: list[int] = []
        self.passage_total = 0
        self.sentence_counts: list[np.ndarray] = []
        self.sentence_spans: list[np.ndarray] = []
        # Renumbered once the index's vocabulary is whole: (lengths, ids, whether a title's, the file's terms,
        # whether the file was kept whole).
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, list[str], bool]] = []
        self.skipped: list[SkippedFile] = []

    def add(self, file: ContentFile, prepared: PreparedFile) -> None:
        self.skipped.extend(prepared.skipped)
        kept = np.ones(len(prepared.ids), bool)
        for n, (article_id, line) in enumerate(zip(prepared.ids, prepared.lines)):
            kept_id = self.ids.accept(article_id, file.operator)
            if kept_id is None:
                kept[n] = False
                continue
            if kept_id != article_id:
                line = Article.model_validate_json(line).model_copy(update={"id": kept_id}).model_dump_json().encode()
                line += b"\n"
            self.article_ids.append(kept_id)
            self.lines.write(line)
            self.offsets.append(self.offsets[-1] + len(line))
        whole = bool(kept.all())
        passages = np.repeat(kept, prepared.passage_counts)
        after_gap = np.flatnonzero(passages & ~np.concatenate([[False], passages[:-1]]))
        self.unsure.extend((np.cumsum(passages)[after_gap] - 1 + self.passage_total).tolist())
        if not whole:
            prepared = _kept(prepared, kept)
        self.passage_total += len(prepared.pairs.counts)
        self.same_as_previous.append(prepared.same_as_previous)
        self.passage_counts.append(prepared.passage_counts)
        self.spans.append(prepared.spans)
        heading_ids = prepared.heading_ids.copy()
        named = heading_ids >= 0
        heading_ids[named] = _renumbered(heading_ids[named], prepared.headings, self.headings, whole)
        self.heading_ids.append(heading_ids)
        pairs = prepared.pairs
        self.pairs.append(replace(pairs, terms=_renumbered(pairs.terms, prepared.terms, self.vocabulary, whole)))
        self.sentence_counts.append(prepared.sentence_counts)
        self.sentence_spans.append(prepared.sentence_spans)
        self.rows.append((prepared.row_lengths, prepared.row_ids, prepared.row_titles, prepared.row_terms, whole))

    def indexed_like(self, indexed: Callable[[int], str]) -> np.ndarray:
        """Each passage's first passage before it, one after another, indexed by the same text (`indexed(p)`
        is passage p's), as `SentenceIndex.build` notes it."""
        same = np.concatenate([np.zeros(0, bool), *self.same_as_previous])
        for passage in self.unsure:
            same[passage] = passage > 0 and indexed(passage) == indexed(passage - 1)
        return np.maximum.accumulate(np.where(same, 0, np.arange(len(same)))).astype(np.int32)

    def sentence_index(self, vocabulary: Mapping[str, int], passage_counts: np.ndarray,
                       indexed_like: np.ndarray) -> SentenceIndex:
        """The sentence index `SentenceIndex.build` makes of these passages, over the index's `vocabulary`."""
        numbered = Vocabulary(vocabulary)  # a term the index lacks is numbered past its vocabulary
        sentence_rows: list[np.ndarray] = []
        title_rows: list[np.ndarray] = []
        for lengths, _, titles, _, _ in self.rows:
            sentence_rows.append(lengths[~titles])
            title_rows.append(lengths[titles])
        # Filled file by file as each is renumbered and let go: at a million passages these are hundreds of MB.
        row_bounds = _starts(sentence_rows + title_rows)
        row_terms = np.empty(row_bounds[-1], np.int32)
        sentence_end, title_end = 0, int(row_bounds[sum(map(len, sentence_rows))])
        while self.rows:
            lengths, ids, titles, names, whole = self.rows.pop(0)
            ids = _renumbered(ids, names, numbered, whole)
            in_title = np.repeat(titles, lengths)
            sentence_part, title_part = ids[~in_title], ids[in_title]
            row_terms[sentence_end:sentence_end + len(sentence_part)] = sentence_part
            row_terms[title_end:title_end + len(title_part)] = title_part
            sentence_end += len(sentence_part)
            title_end += len(title_part)
        first_sentence = _starts(self.sentence_counts)
        titled = passage_counts[passage_counts > 0]  # one title row each, after every sentence row
        arrays = SentenceArrays(
            first_sentence=first_sentence,
            sentence_spans=np.concatenate([np.zeros((0, 2), np.int32), *self.sentence_spans]),
            row_bounds=row_bounds, row_terms=row_terms,
            title_row=np.repeat(np.arange(len(titled)), titled) + first_sentence[-1], indexed_like=indexed_like,
        )
        return SentenceIndex(arrays, vocabulary, list(numbered)[len(vocabulary):])


def _give_back_freed_memory() -> None:
    """Return the free pages inside the C heap to the system. Once an array of a few MB has been freed, glibc
    carves arrays up to that size from the heap, and the holes the files' arrays leave there as they are merged
    and let go stay in this process's memory: at a million passages, 0.5-0.7 GB of its peak."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


def _starts(counts: list[np.ndarray]) -> np.ndarray:
    """Where each of the counted things starts, one after another, and where the last ends."""
    return np.cumsum(np.concatenate([np.zeros(1, np.int64), *counts]))


def _kept(prepared: PreparedFile, kept: np.ndarray) -> PreparedFile:
    """`prepared` without the articles not `kept` (hidden ones), their passages, sentences and rows."""
    counts = prepared.passage_counts
    passages = np.repeat(kept, counts)
    # An article's rows: its title's, if it has passages, and its passages' sentences'.
    sentences = np.bincount(np.repeat(np.arange(len(counts)), counts), prepared.sentence_counts, len(counts))
    rows = np.repeat(kept, (counts > 0) + sentences.astype(np.int64))
    return replace(
        prepared, passage_counts=counts[kept], spans=prepared.spans[passages],
        heading_ids=prepared.heading_ids[passages], pairs=_kept_pairs(prepared.pairs, passages),
        same_as_previous=prepared.same_as_previous[passages],
        sentence_counts=prepared.sentence_counts[passages],
        sentence_spans=prepared.sentence_spans[np.repeat(passages, prepared.sentence_counts)],
        row_lengths=prepared.row_lengths[rows], row_ids=prepared.row_ids[np.repeat(rows, prepared.row_lengths)],
        row_titles=prepared.row_titles[rows],
    )


def _kept_pairs(pairs: ForwardRows, passages: np.ndarray) -> ForwardRows:
    """`pairs` of the `passages` kept, ranked anew."""
    kept = np.repeat(passages, pairs.counts)
    terms = pairs.terms[kept]
    return ForwardRows(pairs.lengths[passages], pairs.counts[passages], terms, pairs.tf[kept], ranks(terms))


def _renumbered(local: np.ndarray, names: list[str], numbering: MutableMapping[str, int], whole: bool) -> np.ndarray:
    """`local` ids of `names` as ids in `numbering`, which numbers a name it lacks (a `Vocabulary`) in the
    order the names first appear in `local`. `whole`: `local` is all the file had, so its ids, numbered by
    first appearance in it, already are in that order."""
    if whole:
        order = list(range(len(names)))
    else:
        present, first = np.unique(local, return_index=True)
        order = present[np.argsort(first, kind="stable")].tolist()
    lookup = np.full(len(names), -1, np.int32)
    lookup[order] = [numbering[names[n]] for n in order]
    return lookup[local]


def _prepared(files: list[ContentFile], settings: RetrievalSettings, workers: int) -> Iterator[PreparedFile]:
    """`prepare_file` of each file, in order: in this process, or in a pool of `workers` processes.

    A worker that dies (killed, out of memory) costs time, not content: the files not yet read are read here.
    """
    def here(files: list[ContentFile]) -> Iterator[PreparedFile]:
        for file in files:
            yield _noting(file, prepare_file, file, settings.passages, settings.analyzer)

    if not workers:
        yield from here(files)
        return
    # 'spawn', not 'fork': Library.load runs on a thread of the bot's event loop, and a forked child of a
    # threaded process can inherit a lock held by another thread.
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = deque(pool.submit(prepare_file, file, settings.passages, settings.analyzer) for file in files)
        for done, file in enumerate(files):
            # Each result let go once merged: held by its future, every file's would be held to the end.
            future = futures.popleft()
            try:
                prepared = _noting(file, future.result)
            except BrokenProcessPool:
                log.warning("a worker process died while reading %s: reading the rest in this process", file.source)
                break
            del future
            yield prepared
        else:
            return
    finally:
        pool.shutdown(cancel_futures=True)
    yield from here(files[done:])


def _noting(file: ContentFile, call: Callable[..., T], *args: object) -> T:
    """`call(*args)`; an error it raises (not a bad file, which is skipped: a bug) names the file it came from."""
    try:
        return call(*args)
    except Exception as exc:
        if not isinstance(exc, BrokenProcessPool):
            exc.add_note(f"while reading {file.source}")
        raise


def build_collection(
    path: Path, settings: RetrievalSettings, progress: Progress | None = None, *, added: Path | None = None,
    hidden: Collection[str] = (), workers: int | None = None, indexing: PassageProgress | None = None,
) -> StoredLibrary:
    """Read `path` (and `added`, less `hidden`) as `read_collection` does, split and index it as `Library`
    does, with `pool_size(files, workers)` worker processes; held as a saved library is, in memory.

    `progress` hears of each file once it is read, `indexing` of the passages indexed.
    """
    files = listed_files(path, added)
    merged = _Merged(hidden)
    for done, (file, prepared) in enumerate(zip(files, _prepared(files, settings, pool_size(files, workers))),
                                            start=1):
        merged.add(file, prepared)
        if progress:
            progress(file.source, done, len(files))
    _give_back_freed_memory()
    counts = np.concatenate([np.zeros(0, np.int64), *merged.passage_counts])
    first_passage = _starts([counts])
    vocabulary = dict(merged.vocabulary)

    def placed(done: int, total: int) -> None:
        _give_back_freed_memory()  # each file's pairs, let go once placed
        if indexing:
            indexing(done, total)

    index = BM25Index(settings.bm25, vocabulary, arrays_from_rows(merged.pairs, len(vocabulary), settings.bm25,
                                                                  None, placed))
    with merged.lines:
        merged.lines.flush()
        lines = mmap.mmap(merged.lines.fileno(), 0, access=mmap.ACCESS_READ) if merged.offsets[-1] else b""
    articles = StoredArticles(merged.article_ids, lines, np.frombuffer(merged.offsets, np.int64),
                              PARSED_ARTICLES)
    passages = StoredPassages(articles, first_passage, np.concatenate([np.zeros((0, 2), np.int64), *merged.spans]),
                              np.concatenate([np.zeros(0, np.int32), *merged.heading_ids]), list(merged.headings))

    def indexed(passage: int) -> str:
        found = passages[passage]
        article = articles[found.article_id]
        return indexed_text(article, article.text, found, settings.passages.max_chars)

    _give_back_freed_memory()
    sentences = merged.sentence_index(index.vocabulary, counts, merged.indexed_like(indexed))
    report = LoadReport(root=str(path), files=len(files), articles=len(articles), passages=len(passages),
                        skipped=merged.skipped)
    added_ids = frozenset(merged.ids.added)
    del merged  # its files' arrays, copied into the library's
    _give_back_freed_memory()
    return StoredLibrary(articles, passages, dict(zip(articles, counts.tolist())), index, sentences, report,
                         added_ids)
