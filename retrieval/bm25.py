"""BM25 with rank-bm25's exact scores, stored as a term x passage weight matrix (CSR).

rank-bm25 scans every document for every query term. Here the per-(term, passage) weights are
computed once at build time, with the same formulas and the same order of floating-point
operations, so a query only touches the postings of its own terms and the scores equal
`BM25Okapi.get_scores` (and `BM25L`, `BM25Plus`) to the last bit or nearly so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator


class BM25Settings(BaseModel):
    """rank-bm25's parameters; `delta` defaults to rank-bm25's own (0.5 for BM25L, 1 for BM25Plus)."""

    model_config = ConfigDict(frozen=True)

    variant: Literal["okapi", "bm25l", "bm25plus"] = "okapi"
    k1: float = 1.5
    b: float = 0.75
    epsilon: float = 0.25
    delta: float | None = None

    @model_validator(mode="after")
    def _default_delta(self) -> BM25Settings:
        if self.delta is None:
            object.__setattr__(self, "delta", {"okapi": 0.0, "bm25l": 0.5, "bm25plus": 1.0}[self.variant])
        return self


class BM25Index:
    """The whole index: vocabulary, idf, and one CSR row of weights per term."""

    def __init__(
        self,
        settings: BM25Settings,
        vocabulary: dict[str, int],
        df: np.ndarray,
        idf: np.ndarray,
        indptr: np.ndarray,
        indices: np.ndarray,
        weights: np.ndarray,
        doc_count: int,
    ) -> None:
        self.settings = settings
        self.vocabulary = vocabulary
        self.df = df
        self.idf = idf
        self.indptr = indptr
        self.indices = indices
        self.weights = weights
        self.doc_count = doc_count
        # BM25Plus gives every passage idf * delta for each known query term, matched or not.
        self._floor = idf * settings.delta if settings.variant == "bm25plus" else None

    @classmethod
    def build(cls, corpus: Iterable[Sequence[str]], settings: BM25Settings | None = None) -> BM25Index:
        settings = settings or BM25Settings()
        vocabulary: dict[str, int] = {}
        term_ids: list[np.ndarray] = []
        lengths: list[int] = []
        for tokens in corpus:
            # Ids in order of first appearance: the order rank-bm25's dicts see the terms in.
            term_ids.append(np.fromiter((vocabulary.setdefault(t, len(vocabulary)) for t in tokens),
                                        dtype=np.int64, count=len(tokens)))
            lengths.append(len(tokens))
        doc_count = len(lengths)
        doc_len = np.asarray(lengths, dtype=np.float64)
        vocab_size = len(vocabulary)
        if doc_count == 0 or vocab_size == 0:
            empty = np.zeros(0)
            return cls(settings, vocabulary, np.zeros(vocab_size, np.int64), np.zeros(vocab_size),
                       np.zeros(vocab_size + 1, np.int64), np.zeros(0, np.int32), empty, doc_count)

        # Count (term, doc) pairs with one sort of a combined key: term-major, so rows come out in order.
        docs = np.repeat(np.arange(doc_count, dtype=np.int64), lengths)
        keys = np.concatenate(term_ids) * doc_count + docs
        del docs
        keys, tf = np.unique(keys, return_counts=True)
        terms = keys // doc_count
        indices = (keys - terms * doc_count).astype(np.int32)
        del keys
        df = np.bincount(terms, minlength=vocab_size)
        indptr = np.zeros(vocab_size + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])

        idf = cls._idf(settings, df.astype(np.float64), doc_count)
        weights = cls._weights(settings, idf[terms], tf.astype(np.float64), doc_len[indices], doc_len.mean())
        return cls(settings, vocabulary, df, idf, indptr, indices, weights, doc_count)

    @staticmethod
    def _idf(s: BM25Settings, df: np.ndarray, n: int) -> np.ndarray:
        if s.variant == "okapi":
            idf = np.log(n - df + 0.5) - np.log(df + 0.5)
            # rank-bm25 averages in first-seen order, one term at a time: cumsum adds the same way.
            average = np.cumsum(idf)[-1] / len(idf)
            return np.where(idf < 0, s.epsilon * average, idf)
        if s.variant == "bm25l":
            return np.log(n + 1) - np.log(df + 0.5)
        return np.log((n + 1) / df)

    @staticmethod
    def _weights(s: BM25Settings, idf: np.ndarray, tf: np.ndarray, dl: np.ndarray, avgdl: float) -> np.ndarray:
        # Each expression mirrors rank-bm25's operation order, so rounding matches too.
        k1, b, delta = s.k1, s.b, s.delta
        if s.variant == "okapi":
            return idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)))
        if s.variant == "bm25l":
            ctd = tf / (1 - b + b * dl / avgdl)
            return idf * tf * (k1 + 1) * (ctd + delta) / (k1 + ctd + delta)
        # BM25Plus: store only what a match adds on top of the floor every passage gets.
        return idf * (delta + (tf * (k1 + 1)) / (k1 * (1 - b + b * dl / avgdl) + tf)) - idf * delta

    def term_ids(self, tokens: Iterable[str]) -> list[int]:
        """Known terms of a query, duplicates kept (rank-bm25 counts a repeated term twice)."""
        vocabulary = self.vocabulary
        return [vocabulary[t] for t in tokens if t in vocabulary]

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Every passage's score: exactly `rank_bm25.<variant>.get_scores(tokens)`."""
        scores = np.zeros(self.doc_count)
        for term in self.term_ids(tokens):
            row = slice(self.indptr[term], self.indptr[term + 1])
            scores[self.indices[row]] += self.weights[row]
            if self._floor is not None:
                scores += self._floor[term]
        return scores

    def top_k(self, tokens: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(passage ids, scores) of the best `k` passages that match at least one query term.

        Best first; equal scores in passage order. Cost follows the query terms' postings.
        """
        terms = self.term_ids(tokens)
        if not terms or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0)
        scores = np.zeros(self.doc_count)
        floor = 0.0
        rows = []
        for term in terms:
            row = slice(self.indptr[term], self.indptr[term + 1])
            scores[self.indices[row]] += self.weights[row]
            rows.append(self.indices[row])
            if self._floor is not None:
                floor += self._floor[term]
        candidates = rows[0] if len(set(terms)) == 1 else np.unique(np.concatenate(rows))
        values = scores[candidates] + floor
        if len(candidates) > k:
            # Partition the negated scores: argpartition(x, -k) degrades when most x are equal.
            best = np.argpartition(-values, k - 1)[:k]
            candidates, values = candidates[best], values[best]
        order = np.lexsort((candidates, -values))
        return candidates[order].astype(np.int64), values[order]

    def contains(self, term: int, passage: int) -> bool:
        row = self.indices[self.indptr[term]:self.indptr[term + 1]]
        at = np.searchsorted(row, passage)
        return bool(at < len(row) and row[at] == passage)

    def match_weight(self, term: int | None) -> float:
        """A positive per-term weight (Lucene's idf) for judging how much of a question a passage covers.

        rank-bm25's own idf can be zero or negative on small collections, so it cannot serve here.
        `None` stands for a term the collection has never seen: the rarest possible.
        """
        df = 0 if term is None else int(self.df[term])
        return float(np.log1p((self.doc_count - df + 0.5) / (df + 0.5)))
