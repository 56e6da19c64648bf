"""BM25 with rank-bm25's exact scores, stored as a term x passage weight matrix (CSR).

rank-bm25 scans every document for every query term. Here the per-(term, passage) weights are
computed once at build time (`build.py`), with the same formulas and the same order of floating-point
operations (`scoring.py`), so a query only touches the postings of its own terms and the scores equal
`BM25Okapi.get_scores` (and `BM25L`, `BM25Plus`) to the last bit or nearly so. `top_k` asks the pruned
search (`prune.py`) for the few passages that can make the best k and scores only those.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from .arrays import BM25Arrays
from .build import CHUNK_TOKENS, build_arrays
from .prune import PrunedTopK, kth_largest
from .scoring import BM25Settings, pair_weights

# How many passages' distinct terms `BM25Index.contains` keeps: those of the last few answers.
RECENT_PASSAGES = 64


def _distinct_terms(arrays: BM25Arrays, passage: int) -> frozenset[int]:
    """The terms the passage is indexed by: its forward row, which holds a term exactly when the term's row
    of postings holds the passage (both are the build's (term, passage) pairs)."""
    return frozenset(arrays.forward(passage)[0].tolist())


# How many terms' match weights `BM25Index.match_weight` keeps.
RECENT_TERMS = 4096


def _match_weight(arrays: BM25Arrays, term: int | None) -> float:
    df = 0 if term is None else int(arrays.df[term])
    return float(np.log1p((arrays.doc_count - df + 0.5) / (df + 0.5)))


class BM25Index:
    """The whole index: vocabulary, settings, and the arrays (`BM25Arrays`) holding one row of weights per term."""

    def __init__(self, settings: BM25Settings, vocabulary: dict[str, int], arrays: BM25Arrays) -> None:
        self.settings = settings
        self.vocabulary = vocabulary
        self.arrays = arrays
        self.doc_count = arrays.doc_count
        # BM25Plus gives every passage idf * delta for each known query term, matched or not.
        self._floor = arrays.idf * settings.delta if settings.variant == "bm25plus" else None
        self._pruned = PrunedTopK(arrays)
        # The distinct terms of the passages asked about lately: judging an answer asks whether its best passage
        # holds each of a dozen terms, a set look-up each instead of a binary search in the term's row. Not a
        # bound method, so that a replaced index is freed without waiting for the garbage collector.
        self._terms_of: Callable[[int], frozenset[int]] = functools.lru_cache(maxsize=RECENT_PASSAGES)(
            functools.partial(_distinct_terms, arrays))
        # An answer weighs each of its question's terms four times over (ranking, highlight, coverage, the
        # no-answer features), and the same words come back from question to question.
        self._match_weight: Callable[[int | None], float] = functools.lru_cache(maxsize=RECENT_TERMS)(
            functools.partial(_match_weight, arrays))

    @classmethod
    def build(
        cls, corpus: Iterable[Sequence[str]] | Iterable[Sequence[int]], settings: BM25Settings | None = None, *,
        vocabulary: Mapping[str, int] | None = None, chunk_tokens: int = CHUNK_TOKENS, block_shift: int | None = None,
    ) -> BM25Index:
        """Index tokenized passages: each one's terms, or with `vocabulary` their ids in it.

        Ids must run from 0 with every term used; numbered in order of first appearance (as
        `Vocabulary` numbers them) they give rank-bm25's scores to the last bit, as terms do.
        `chunk_tokens` trades build memory for fewer, larger sorts; `block_shift` sets the size of
        the blocks of block-max bounds (by default from the passage count).
        """
        settings = settings or BM25Settings()
        terms, arrays = build_arrays(corpus, settings, vocabulary, chunk_tokens, block_shift)
        return cls(settings, terms, arrays)

    def term_ids(self, tokens: Iterable[str]) -> list[int]:
        """Known terms of a query, duplicates kept (rank-bm25 counts a repeated term twice)."""
        vocabulary = self.vocabulary
        return [vocabulary[t] for t in tokens if t in vocabulary]

    def _matches(self, terms: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(passages containing a query term, ascending; their summed weights, added in query order).

        The reference computation: every posting of every query term is visited.
        """
        a = self.arrays
        if len(set(terms)) == 1:
            # One distinct term: its row is the answer; a repeated term adds its weight again.
            row = a.row(terms[0])
            values = np.array(a.weights[row])
            for _ in terms[1:]:
                values += a.weights[row]
            return np.asarray(a.indices[row]), values
        scores = np.zeros(self.doc_count)
        touched = np.zeros(self.doc_count, dtype=bool)
        for term in terms:
            row = a.row(term)
            np.add.at(scores, a.indices[row], a.weights[row])
            touched[a.indices[row]] = True
        passages = np.flatnonzero(touched)
        return passages, scores[passages]

    def _floor_total(self, terms: list[int]) -> float:
        if self._floor is None:
            return 0.0
        return float(np.sum(self._floor[terms])) if terms else 0.0

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """Every passage's score: exactly `rank_bm25.<variant>.get_scores(tokens)` (BM25Plus within rounding)."""
        terms = self.term_ids(tokens)
        scores = np.full(self.doc_count, self._floor_total(terms))
        if terms:
            passages, values = self._matches(terms)
            scores[passages] += values
        return scores

    def scores_of(self, tokens: Sequence[str], passages: Sequence[int] | np.ndarray) -> np.ndarray:
        """`scores(tokens)[passages]`, at a cost that follows the passages asked about, not the collection."""
        terms = self.term_ids(tokens)
        return self.arrays.exact(terms, np.asarray(passages, dtype=np.int64)) + self._floor_total(terms)

    def scores_each(self, terms: Sequence[int], passages: np.ndarray) -> np.ndarray:
        """`scores_of([term], passages)` for each of `terms` (distinct ids, known), a row each, at once.

        Read from the passages' forward rows: a term's weight in a passage is computed from its frequency
        and the passage's length exactly as the build computed it, so the values are the same to the bit.
        """
        a = self.arrays
        found, tf, row = a.forward_rows(passages)
        order = np.argsort(terms)
        wanted = np.asarray(terms)[order]
        at = np.minimum(np.searchsorted(wanted, found), len(wanted) - 1)
        held = wanted[at] == found
        tf = tf.astype(np.float64)
        length = np.bincount(row, weights=tf, minlength=len(passages))  # whole numbers: exact
        scores = np.zeros((len(terms), len(passages)))
        scores[order[at[held]], row[held]] = pair_weights(self.settings, a.idf[found[held]], tf[held],
                                                          length[row[held]], a.avgdl)
        if self._floor is not None:
            scores += self._floor[np.asarray(terms)][:, None]
        return scores

    def top_k(self, tokens: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(passage ids, scores) of the best `k` passages that match at least one query term.

        Best first, equal scores in passage order: the head of a stable sort of `scores(tokens)`
        restricted to matching passages, with the very same score values.
        """
        terms = self.term_ids(tokens)
        if not terms or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0)
        if len(set(terms)) > 1 and self.arrays.min_weight[terms].min() > 0:
            passages = self._pruned.contenders(terms, k)
            values = self.arrays.exact(terms, passages)
        else:
            passages, values = self._matches(terms)
        floor = self._floor_total(terms)
        if floor:
            values = values + floor
        if len(passages) > k:
            # Everything above the k-th best value, then the earliest passages equal to it.
            kth = kth_largest(values, k)
            above = np.flatnonzero(values > kth)
            level = np.flatnonzero(values == kth)[: k - len(above)]
            chosen = np.concatenate((above, level))
            passages, values = passages[chosen], values[chosen]
        order = np.lexsort((passages, -values))
        return passages[order].astype(np.int64), values[order]

    def contains(self, term: int, passage: int) -> bool:
        return term in self._terms_of(passage)

    def match_weight(self, term: int | None) -> float:
        """A positive per-term weight (Lucene's idf) for judging how much of a question a passage covers.

        rank-bm25's own idf can be zero or negative on small collections, so it cannot serve here.
        `None` stands for a term the collection has never seen: the rarest possible.
        """
        return self._match_weight(term)
