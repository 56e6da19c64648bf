"""The saved index: reused when nothing changed, rebuilt on any change or damage, never half-written."""

from __future__ import annotations

import gc
import json
import logging
import os
import signal
import weakref
from pathlib import Path

import numpy as np
import pytest

from retrieval import store
from retrieval.bm25 import BM25Arrays, BM25Settings
from retrieval.library import Library, RetrievalSettings
from retrieval.models import Article
from retrieval.sentence_index import SentenceArrays

QUESTIONS = ["Who won the cup final?", "harvest rain farmers", "central bank interest rates", "qqzx unknown"]


SUBJECTS = ["who won the cup final", "harvest rain for the farmers", "the central bank and its interest rates",
            "a new bridge over the river", "elections in the spring"]


def write_articles(path: Path, topic: str, count: int) -> None:
    records = [
        {"id": f"{topic}-{i}", "title": f"{topic.title()} report {i}",
         "text": f"The {topic} story number {i} begins here with some detail about {topic}.\n\n"
                 f"A later paragraph is about {SUBJECTS[i % len(SUBJECTS)]}, in story {i} of {count}."}
        for i in range(count)
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    write_articles(folder / "sport.jsonl", "sport", 6)
    write_articles(folder / "farming.jsonl", "farming", 5)
    write_articles(folder / "money.jsonl", "money", 7)
    return folder


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / ".index"


def answers(library: Library) -> list:
    return [library.answer(q, k=5) for q in QUESTIONS]


def assert_same_library(loaded: Library, built: Library) -> None:
    assert answers(loaded) == answers(built)
    for name in BM25Arrays.names():
        assert np.array_equal(getattr(loaded.index.arrays, name), getattr(built.index.arrays, name)), name
    assert loaded.index.arrays.block_shift == built.index.arrays.block_shift
    for name in SentenceArrays.names():
        assert np.array_equal(getattr(loaded.sentence_index.arrays, name), getattr(built.sentence_index.arrays, name))
    assert loaded.sentence_index.extra_terms == built.sentence_index.extra_terms
    assert list(loaded.passages) == list(built.passages)
    assert dict(loaded.articles) == dict(built.articles)
    assert all(loaded.passage_count(a) == built.passage_count(a) for a in built.articles)
    drop = {"seconds", "from_cache"}
    assert loaded.report.model_dump(exclude=drop) == built.report.model_dump(exclude=drop)


def test_a_restart_loads_the_saved_index_with_identical_answers(content, index_dir):
    built = Library.load(content, index_dir=index_dir)
    assert not built.report.from_cache
    loaded = Library.load(content, index_dir=index_dir)
    assert loaded.report.from_cache
    assert_same_library(loaded, built)
    assert_same_library(loaded, Library.load(content))
    assert loaded.search("central bank interest rates")


def test_a_loaded_index_stays_on_disk_and_is_indexed_as_plain_arrays(content, index_dir):
    # Mapped, so a restart reads nothing it does not touch; plain ndarray views of the mapping, since
    # np.memmap's own indexing runs Python code each time (hundreds of times a question).
    Library.load(content, index_dir=index_dir)
    loaded = Library.load(content, index_dir=index_dir)
    index, sentences = loaded.index.arrays, loaded.sentence_index.arrays
    for array in (index.indptr, index.indices, index.weights, index.block_max, index.forward_terms,
                  sentences.row_terms):
        assert type(array) is np.ndarray
        assert isinstance(array.base, np.memmap)


def test_a_long_running_bot_keeps_only_recent_articles_parsed(tmp_path, index_dir, monkeypatch):
    # Memory and garbage-collection time must not grow with every article ever quoted.
    monkeypatch.setattr(store, "PARSED_ARTICLES", 4)
    content = tmp_path / "ledger.jsonl"
    write_articles(content, "ledger", 12)  # ids no other test's articles have
    built = Library.load(content, index_dir=index_dir)
    articles, passages = dict(built.articles), list(built.passages)
    del built
    loaded = Library.load(content, index_dir=index_dir)
    for _ in range(2):  # the second round parses again what the first let go
        assert [loaded.articles[i] for i in articles] == list(articles.values())
        assert list(loaded.passages) == passages
    del articles, passages
    gc.collect()
    parsed = [o for o in gc.get_objects() if isinstance(o, Article) and o.id.startswith("ledger-")]
    assert 0 < len(parsed) <= 4


@pytest.mark.parametrize("stored", [False, True])
def test_a_library_let_go_is_freed_at_once_without_the_garbage_collector(content, index_dir, stored):
    # The bot freezes what it holds out of the collector's reach after each load, so a library it
    # replaces must be freed by reference counting alone, or every reload would leak the old one.
    Library.load(content, index_dir=index_dir)
    library = Library.load(content, index_dir=index_dir if stored else None)
    assert library.report.from_cache == stored
    library.answer("central bank interest rates")  # fill its caches
    gone = weakref.ref(library)
    gc.disable()
    try:
        del library
        assert gone() is None
    finally:
        gc.enable()


def test_no_index_dir_means_no_saving(content, tmp_path):
    Library.load(content)
    assert not (tmp_path / ".index").exists()


@pytest.mark.parametrize("change", ["modified", "added", "removed"])
def test_changed_content_is_rebuilt(content, index_dir, change, caplog):
    Library.load(content, index_dir=index_dir)
    if change == "modified":
        write_articles(content / "sport.jsonl", "tennis", 6)
    elif change == "added":
        write_articles(content / "weather.jsonl", "weather", 3)
    else:
        (content / "money.jsonl").unlink()
    with caplog.at_level(logging.INFO, logger="retrieval.store"):
        reloaded = Library.load(content, index_dir=index_dir)
    assert not reloaded.report.from_cache
    assert f"1 {change}" in caplog.text
    assert_same_library(reloaded, Library.load(content))
    assert Library.load(content, index_dir=index_dir).report.from_cache


def test_a_touched_file_with_the_same_size_is_rebuilt(content, index_dir):
    Library.load(content, index_dir=index_dir)
    stat = (content / "sport.jsonl").stat()
    os.utime(content / "sport.jsonl", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert not Library.load(content, index_dir=index_dir).report.from_cache


def test_changed_settings_are_rebuilt(content, index_dir):
    Library.load(content, index_dir=index_dir)
    other = RetrievalSettings(bm25=BM25Settings(k1=1.2))
    reloaded = Library.load(content, other, index_dir=index_dir)
    assert not reloaded.report.from_cache
    assert_same_library(reloaded, Library.load(content, other))
    # Only what shapes the index counts: the answer threshold does not.
    assert Library.load(content, RetrievalSettings(bm25=BM25Settings(k1=1.2), min_coverage=0.3),
                        index_dir=index_dir).report.from_cache


def test_a_single_file_can_be_cached(content, index_dir):
    Library.load(content / "sport.jsonl", index_dir=index_dir)
    assert Library.load(content / "sport.jsonl", index_dir=index_dir).report.from_cache
    assert not Library.load(content, index_dir=index_dir).report.from_cache


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [
    ("weights.npy", truncate), ("indices.npy", flip_a_byte), ("weights.npy", flip_a_byte),
    ("vocabulary.json", flip_a_byte), ("articles.jsonl", flip_a_byte), ("passage_spans.npy", truncate),
    ("manifest.json", flip_a_byte), ("manifest.json", truncate), ("report.json", Path.unlink),
    ("indptr.npy", Path.unlink),
])
def test_damaged_files_are_rebuilt_not_trusted(content, index_dir, damage, caplog):
    name, harm = damage
    Library.load(content, index_dir=index_dir)
    harm(index_dir / store.CURRENT / name)
    with caplog.at_level(logging.INFO, logger="retrieval.store"):
        reloaded = Library.load(content, index_dir=index_dir)
    assert not reloaded.report.from_cache
    assert "rebuilding" in caplog.text
    assert_same_library(reloaded, Library.load(content))
    assert Library.load(content, index_dir=index_dir).report.from_cache  # and the rebuild was saved again


def test_an_unwritable_index_dir_only_costs_the_cache(content, tmp_path, caplog):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger="retrieval.store"):
        library = Library.load(content, index_dir=blocked)
    assert library.search("central bank interest rates")
    assert "could not save" in caplog.text


def save_killed_at(step: int, content: Path, index_dir: Path) -> bool:
    """Load (and so save) in a child process that SIGKILLs itself at its `step`-th write, fsync or
    rename. Whether the save got that far."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            calls = 0

            def hook() -> None:
                nonlocal calls
                calls += 1
                if calls == step:
                    os.kill(os.getpid(), signal.SIGKILL)

            def around(function):
                def wrapped(*args, **kwargs):
                    hook()
                    result = function(*args, **kwargs)
                    hook()
                    return result
                return wrapped

            class KillingOs:
                rename = staticmethod(around(os.rename))

                def __getattr__(self, name):
                    return getattr(os, name)

            store._write_durably = around(store._write_durably)
            store.fsync_path = around(store.fsync_path)
            store.os = KillingOs()
            Library.load(content, index_dir=index_dir)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)


def test_a_save_killed_at_any_point_leaves_the_old_index_or_none(tmp_path):
    old_content, new_content = tmp_path / "old", tmp_path / "new"
    for folder, topic in ((old_content, "sport"), (new_content, "money")):
        folder.mkdir()
        write_articles(folder / "articles.jsonl", topic, 5)
    fresh = {folder: answers(Library.load(folder)) for folder in (old_content, new_content)}
    index_dir = tmp_path / ".index"
    outcomes = set()
    step = 1
    while True:
        Library.load(old_content, index_dir=index_dir)  # the previous, good index
        killed = save_killed_at(step, new_content, index_dir)
        for folder in (old_content, new_content):
            survivor = store.IndexCache(index_dir, folder, store.index_settings(RetrievalSettings())).load()
            if survivor is not None:
                outcomes.add((step, folder.name))
                assert answers(Library.from_saved(survivor, RetrievalSettings(), survivor.report)) == fresh[folder]
        assert len({name for at, name in outcomes if at == step}) <= 1
        for folder in (new_content, old_content):
            assert answers(Library.load(folder, index_dir=index_dir)) == fresh[folder]
        if not killed:
            break
        step += 1
    assert step > 20  # every write, fsync and rename of a save was a kill point
    assert (1, "old") in outcomes and (step, "new") in outcomes
    leftovers = [p.name for p in index_dir.iterdir() if p.name != store.CURRENT]
    assert leftovers == []  # later saves removed what the killed ones left



def test_a_saved_library_finds_an_authors_articles_without_parsing_them_all(tmp_path, index_dir):
    # The authors are read from the saved lines ("authors" fields), a name holding "]" from its parsed article.
    for n, authors in enumerate(["Ana Lima, Bo Chen", "Bo Chen", "Cy [the elder] Roe", ""]):
        byline = f"authors: [{', '.join(repr(a.strip()) for a in authors.split(',') if a)}]\n" if authors else ""
        (tmp_path / f"a{n}.md").write_text(f"---\ntitle: Article {n}\n{byline}---\nText of article number {n}.\n")
    built = Library.load(tmp_path, index_dir=index_dir)
    loaded = Library.load(tmp_path, index_dir=index_dir)
    assert loaded.report.from_cache
    for name in ("Bo Chen", "Chen", "Ana Lima", "Cy [the elder] Roe", "Roe", "Nobody Here"):
        assert [a.title for a in loaded.written_by(name)] == [a.title for a in built.written_by(name)], name
    assert [a.title for a in loaded.written_by("Bo Chen")] == ["Article 0", "Article 1"]
    assert [a.title for a in loaded.written_by("Cy the elder Roe")] == ["Article 2"]
