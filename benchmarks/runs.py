"""One set's questions ranked by the library (and by the bm25s reference), as the quality benchmark reads them."""

from __future__ import annotations

import gzip
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from retrieval import Answer, Hit, Library, RetrievalSettings

from .judged import JudgedSet, Qrels, mean_metrics, read_judged_set

DEPTH = 100


def answerable_score(answer: Answer) -> float:
    """The no-answer model's score for an answer's best hit (`Answer.answerable`), the number the library
    compares with its threshold (`RetrievalSettings.min_coverage`); 0 without a hit.

    An answer about the articles (`Answer.kind` other than "passage") scores 1 when given, 0 when declined.
    """
    if not answer.hits:
        return 0.0
    if answer.kind != "passage":
        return 0.0 if answer.no_answer else 1.0
    return answer.answerable


@dataclass
class Ranked:
    """What the library made of one question: documents in rank order, its best hit, its coverage, and
    its no-answer decision (`Answer.no_answer`) with the model's score behind it (`answerable_score`)."""

    documents: list[str]
    best: Hit | None
    coverage: float
    declined: bool = False
    answerable: float = 0.0


def rank(library: Library, question: str, depth: int = DEPTH) -> Ranked:
    """The documents the library ranks for a question, each at its best passage, at most `depth`."""
    per_article = max(1.0, len(library.passages) / max(1, len(library.articles)))
    k = math.ceil(depth * per_article * 1.25)
    while True:
        answer = library.answer(question, k)
        documents = list(dict.fromkeys(hit.article.id for hit in answer.hits))
        if len(documents) >= depth or len(answer.hits) < k:
            return Ranked(documents[:depth], answer.hits[0] if answer.hits else None, answer.coverage,
                          answer.no_answer, answerable_score(answer))
        k *= 2


def rank_all(library: Library, judged: JudgedSet) -> dict[str, Ranked]:
    return {query: rank(library, question) for query, question in judged.queries.items()}


def reference_runs(judged: JudgedSet) -> dict[str, list[str]] | None:
    """The bm25s baseline of BASELINES.md (method A), run here to compare on any part of a set.

    None when bm25s (a test dependency) is not installed.
    """
    try:
        import bm25s
        import Stemmer
    except ImportError:
        return None
    with gzip.open(judged.corpus, "rt", encoding="utf-8") as lines:
        corpus = [json.loads(line) for line in lines]
    texts = [f"{d['title']} {d['text']}" if d.get("title") else d["text"] for d in corpus]
    stemmer = Stemmer.Stemmer("english")
    retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    retriever.index(bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False),
                    show_progress=False)
    queries = list(judged.queries)
    tokens = bm25s.tokenize([judged.queries[q] for q in queries], stopwords="en", stemmer=stemmer,
                            show_progress=False)
    found, _ = retriever.retrieve(tokens, k=min(DEPTH, len(corpus)), show_progress=False, n_threads=1)
    return {q: [corpus[i]["id"] for i in row] for q, row in zip(queries, found)}


@dataclass
class SetRun:
    """One set's questions ranked by the library, and by the bm25s reference when it is installed."""

    judged: JudgedSet
    library: Library
    ranked: dict[str, Ranked]
    reference: dict[str, list[str]] | None

    def metrics(self, qrels: Qrels) -> dict[str, float]:
        return mean_metrics({q: self.ranked[q].documents for q in qrels}, qrels)

    def reference_metrics(self, qrels: Qrels) -> dict[str, float] | None:
        return None if self.reference is None else mean_metrics(self.reference, qrels)


def run_set(data: Path, name: str, settings: RetrievalSettings) -> SetRun:
    folder, _, split = name.partition(":")
    judged = read_judged_set(data / folder, split or "test")
    library = Library.load(judged.corpus, settings)
    started = time.perf_counter()
    ranked = rank_all(library, judged)
    seconds = time.perf_counter() - started
    print(f"{judged.name}: {library.report.summary()}; {len(ranked)} questions in {seconds:.1f}s", file=sys.stderr)
    return SetRun(judged, library, ranked, reference_runs(judged))
