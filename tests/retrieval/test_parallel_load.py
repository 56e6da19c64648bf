"""A first start read in worker processes gives the library one process gives, and loses no file to a bad one."""

from __future__ import annotations

import json
import mmap
from pathlib import Path

import numpy as np
import pytest

from retrieval import store
from retrieval.bm25 import BM25Arrays
from retrieval.ingest import listed_files, read_collection
from retrieval.library import Library
from retrieval.parallel_load import POOL_BYTES, pool_size
from retrieval.sentence_index import SentenceArrays

QUESTIONS = ["Who won the cup final?", "harvest rain farmers", "the bank raised interest rates again",
             "what did the minister say about the bridge", "who wrote it?", "qqzx unknown"]


def write_records(path: Path, topic: str, count: int, first_id: int = 0) -> None:
    records = [
        {"id": f"story-{first_id + i}", "title": f"{topic.title()} report {i}",
         "text": f"The {topic} story number {i} begins here, about {topic} and the minister.\n\n"
                 f"## A subheading on {topic}\n\nLater the bank raised interest rates; the cup final was won "
                 f"by story {i}'s team, and rain fell on the farmers' harvest. " * (1 + i % 3)}
        for i in range(count)
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """Several files, with ids repeated across them (renamed "story-1-2") and words first seen in later files."""
    folder = tmp_path / "content"
    (folder / "news").mkdir(parents=True)
    write_records(folder / "sport.jsonl", "sport", 6)
    write_records(folder / "news" / "farming.jsonl", "farming", 5, first_id=1)
    write_records(folder / "news" / "money.jsonl", "money", 7, first_id=3)
    (folder / "bridge.md").write_text("# The new bridge\n\nThe minister opened a bridge over the river in spring.\n\n"
                                      "## Costs\n\nIt cost more than the old ferry.\n", encoding="utf-8")
    # A word longer than a passage is cut in two: its pieces are sentence terms no passage is indexed by.
    wall = "# A wall of text\n\n" + "wallofwords" * 90 + " ends here.\n"
    (folder / "news" / "wall.md").write_text(wall, encoding="utf-8")
    # A copy in the next file: its first passage is indexed by the same text as the last one of the file before.
    (folder / "news" / "wall2.md").write_text(wall, encoding="utf-8")
    return folder


def loaded(content: Path, workers: int, **kwargs) -> Library:
    return Library.load(content, workers=workers, **kwargs)


def assert_same(library: Library, other: Library) -> None:
    assert [p.model_dump() for p in library.passages] == [p.model_dump() for p in other.passages]
    assert list(library.articles) == list(other.articles)
    assert [library.articles[i] for i in library.articles] == [other.articles[i] for i in other.articles]
    assert library.index.vocabulary == other.index.vocabulary
    for name in BM25Arrays.names():
        assert np.array_equal(getattr(library.index.arrays, name), getattr(other.index.arrays, name)), name
    for name in SentenceArrays.names():
        ours, theirs = getattr(library.sentence_index.arrays, name), getattr(other.sentence_index.arrays, name)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), name
    assert library.sentence_index.extra_terms == other.sentence_index.extra_terms
    assert library.sentence_index.extra_terms  # the wall's pieces
    assert (library.sentence_index.arrays.indexed_like != np.arange(len(library.passages))).sum() == 3  # the walls
    assert [library.answer(q) for q in QUESTIONS] == [other.answer(q) for q in QUESTIONS]


def test_a_library_read_by_workers_is_the_one_read_in_process(content, tmp_path):
    added = tmp_path / "added"
    added.mkdir()
    write_records(added / "extra.jsonl", "harvest", 3, first_id=2)
    hidden = {"story-4", "story-1-2"}  # one hidden in a file whose other articles are kept, one renamed
    pooled = loaded(content, 2, added=added, hidden=hidden)
    in_process = loaded(content, 1, added=added, hidden=hidden)
    assert_same(pooled, in_process)
    assert pooled.added_ids == in_process.added_ids == {"story-2-3", "story-3-4", "story-4-4"}
    assert pooled.report.model_dump(exclude={"seconds"}) == in_process.report.model_dump(exclude={"seconds"})
    # And both are the library built from the articles as read, in one list.
    read = read_collection(content, added=added, hidden=hidden)
    built = Library.build(read.articles)
    assert_same(pooled, built)
    assert "story-4" not in pooled.articles and "story-1-2" not in pooled.articles


def test_a_library_read_by_workers_is_saved_and_loaded_back_the_same(content, tmp_path, monkeypatch):
    # The workers' article lines are saved from a mapping a slice at a time: here a page, so several slices.
    monkeypatch.setattr(store, "_LINES_SLICE", mmap.PAGESIZE)
    index_dir = tmp_path / ".index"
    cold = loaded(content, 2, index_dir=index_dir)
    assert (index_dir / "current" / "articles.jsonl").stat().st_size > 2 * mmap.PAGESIZE
    warm = loaded(content, 2, index_dir=index_dir)
    assert warm.report.from_cache and not cold.report.from_cache
    assert_same(warm, cold)
    assert_same(warm, loaded(content, 1))


def test_a_broken_file_among_many_is_reported_by_name_and_the_rest_are_loaded(content):
    (content / "news" / "broken.jsonl.gz").write_bytes(b"not gzip at all")
    (content / "bad-line.jsonl").write_text('{"id": "ok", "title": "Fine", "text": "A fine record."}\n{not json\n',
                                            encoding="utf-8")
    pooled = loaded(content, 2)
    in_process = loaded(content, 1)
    assert pooled.report.skipped == in_process.report.skipped
    assert {s.path for s in pooled.report.skipped} == {"news/broken.jsonl.gz", "bad-line.jsonl"}
    assert "ok" in pooled.articles and len(pooled.articles) == 1 + 18 + 1 + 2
    assert_same(pooled, in_process)


def test_only_a_large_collection_of_several_files_gets_a_pool(content, monkeypatch):
    files = listed_files(content)
    assert pool_size(files, None) == 0  # a few KB: read in this process
    assert pool_size(files, 1) == 0
    assert pool_size(files, 2) == 2
    assert pool_size(files, 64) == len(files)
    assert pool_size(files[:1], 2) == 0
    monkeypatch.setattr("retrieval.parallel_load.POOL_BYTES", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 3)
    assert POOL_BYTES > 1 and pool_size(files, None) == 3
