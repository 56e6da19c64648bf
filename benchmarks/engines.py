"""The engines under test, each built and queried in a fresh process so its peak memory is its own.

`python -m benchmarks.engines ENGINE FOLDER` loads the tokens saved in FOLDER, builds ENGINE's
index, times the queries one at a time, saves full score vectors for the exactness sample, and
prints one JSON line of results.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .common import rss_mb

ENGINES = ("ours", "rank-bm25", "bm25s")
# The field's fastest (Rust, block-max WAND), for reference only: its own BM25 (Lucene's, k1=1.2, b=0.75),
# so its latency is comparable and its scores are not. Measured when installed (the `test` extra).
REFERENCES = ("tantivy",)
# bm25s's own default scoring; rank-bm25 and ours are BM25Okapi (the Robertson idf with a floor).
BM25S_METHOD = "lucene"
K = 10


def save_tokens(passages: list[list[str]], queries: list[list[str]], folder: Path) -> None:
    """Tokens as one flat id array plus offsets: fast to load in each engine's process."""
    vocabulary: dict[str, int] = {}
    lengths = np.fromiter(map(len, passages), dtype=np.int64, count=len(passages))
    ids = np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for p in passages for t in p),
                      dtype=np.int32, count=int(lengths.sum()))
    np.save(folder / "ids.npy", ids)
    np.save(folder / "offsets.npy", np.concatenate(([0], np.cumsum(lengths))))
    (folder / "vocabulary.json").write_text(json.dumps(list(vocabulary)))
    (folder / "queries.json").write_text(json.dumps(queries))


def _load_passages(folder: Path, as_ids: bool) -> tuple[list[list], list[str]]:
    terms = json.loads((folder / "vocabulary.json").read_text())
    ids, offsets = np.load(folder / "ids.npy"), np.load(folder / "offsets.npy").tolist()
    # One object per term, shared by its tokens, as the analyzer's strings and the Library's ids are.
    shared = list(range(len(terms))) if as_ids else terms
    flat = list(map(shared.__getitem__, ids.tolist()))
    passages = [flat[a:b] for a, b in zip(offsets, offsets[1:])]
    return passages, terms


def _reset_peak() -> None:
    # Linux resets the peak RSS on "5"; without it the peak also counts loading the tokens.
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


Query = Callable[[list[str]], object]
Scores = Callable[[list[str]], np.ndarray]


def _build(engine: str, passages: list[list], terms: list[str], folder: Path) -> tuple[Query, Scores | None]:
    if engine == "ours":
        from retrieval.bm25 import BM25Index

        # Term ids, as the Library gives them (it numbers terms while analyzing) and as bm25s gets them.
        index = BM25Index.build(passages, vocabulary={t: i for i, t in enumerate(terms)})
        return (lambda q: index.top_k(q, K)), index.scores
    if engine == "rank-bm25":
        from rank_bm25 import BM25Okapi

        ranker = BM25Okapi(passages)

        def rank_query(q: list[str]) -> object:
            return np.argsort(ranker.get_scores(q))[::-1][:K]  # what BM25Okapi.get_top_n does

        return rank_query, ranker.get_scores
    if engine == "tantivy":
        return _tantivy(passages, folder / "tantivy"), None
    import bm25s

    retriever = bm25s.BM25(method=BM25S_METHOD)
    retriever.index(bm25s.tokenization.Tokenized(ids=passages, vocab={t: i for i, t in enumerate(terms)}),
                    show_progress=False)
    term_id = {t: i for i, t in enumerate(terms)}

    def bm25s_query(q: list[str]) -> object:
        # Its token-ids API; unknown words are dropped, as its own tokenizer would.
        return retriever.retrieve([[term_id[t] for t in q if t in term_id]], k=K, show_progress=False, n_threads=1)

    return bm25s_query, None


def _tantivy(passages: list[list[str]], path: Path) -> Query:
    import tantivy

    schema_builder = tantivy.SchemaBuilder()
    # Our tokens as they are: split on spaces only, term frequencies but no positions (BM25 needs no more).
    schema_builder.add_text_field("text", stored=False, tokenizer_name="whitespace", index_option="freq")
    schema = schema_builder.build()
    path.mkdir()  # its index lives on disk, memory-mapped, in the benchmark's temporary folder
    index = tantivy.Index(schema, path=str(path))
    # One thread, so one segment: searched by one thread, as the other engines are.
    writer = index.writer(heap_size=1_000_000_000, num_threads=1)
    for tokens in passages:
        writer.add_document(tantivy.Document(text=" ".join(tokens)))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def tantivy_query(q: list[str]) -> object:
        clauses = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "text", t)) for t in q]
        return searcher.search(tantivy.Query.boolean_query(clauses), K).hits

    return tantivy_query


def available_references() -> tuple[str, ...]:
    """The reference engines installed here."""
    return tuple(e for e in REFERENCES if importlib.util.find_spec(e) is not None)


def run(engine: str, folder: Path, timed: int, exact: int) -> dict:
    passages, terms = _load_passages(folder, as_ids=engine in ("ours", "bm25s"))
    queries = json.loads((folder / "queries.json").read_text())
    gc.collect()
    baseline = rss_mb()["rss"]
    _reset_peak()
    started = time.perf_counter()
    query, scores = _build(engine, passages, terms, folder)
    build_seconds = time.perf_counter() - started
    peak = rss_mb()["peak"] - baseline
    # No engine needs the tokens once built; held through the queries, they slowed ours (p95 +25 %).
    del passages
    gc.collect()

    for q in queries[:3]:
        query(q)  # warm caches and lazy imports before timing
    latencies = []
    for q in queries[:timed]:
        started = time.perf_counter()
        query(q)
        latencies.append((time.perf_counter() - started) * 1000)
    if scores is not None and exact:
        np.save(folder / f"scores-{engine}.npy", np.stack([scores(q) for q in queries[:exact]]))
    return {"engine": engine, "build_s": build_seconds, "peak_mb": peak, "latencies_ms": latencies}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("engine", choices=ENGINES + REFERENCES)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--timed", type=int, required=True, help="how many queries to time")
    parser.add_argument("--exact", type=int, default=0, help="how many queries' full scores to save")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.engine, args.folder, args.timed, args.exact)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
