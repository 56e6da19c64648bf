"""BM25 with rank-bm25's exact scores, stored as a term x passage weight matrix (CSR).

rank-bm25 scans every document for every query term. Here the per-(term, passage) weights are
computed once at build time, with the same formulas and the same order of floating-point
operations, so a query only touches the postings of its own terms and the scores equal
`BM25Okapi.get_scores` (and `BM25L`, `BM25Plus`) to the last bit or nearly so.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

# Passages are counted in chunks of about this many tokens, so the sort that counts (term, passage)
# pairs never needs more than a few tens of MB, whatever the size of the collection.
CHUNK_TOKENS = 2_000_000
# Relative margin for sums added in a different order than rank-bm25's: far above their rounding
# error, far below any real difference between scores.
_SLACK = 1e-9
# Pruning sums partial scores in float32: half the memory traffic of float64 on the scratch array,
# which the common terms' long rows sweep end to end. A float32 sum of n weights (each rounded, then
# added) is within 2n units of float32 rounding (2**-24) of the exact sum; a margin of twice that
# covers a floor raised from such a sum as well as the sum compared with it.
_SCRATCH = np.float32
_SCRATCH_ROUNDING = float(np.finfo(_SCRATCH).eps) / 2
# Weights below this would lose precision in float32 (or vanish): such queries prune in float64.
_SCRATCH_SMALLEST = 1e-30
# A binary-search lookup costs about this many postings of a dense pass.
_LOOKUP_COST = 16
# The floor comes from the exact scores of this many times k passages.
_FLOOR_SAMPLE = 4
# Raising the floor from partial scores is worth a selection among at most this many passages.
_RAISE_FLOOR_UP_TO = 8192
# Dropping passages out of the running costs about this many times less per passage than adding a
# posting, and only pays before a lookup.
_FILTER_RATIO = 4
# Block-max bounds: passages are grouped in blocks of 2**shift passages, at most about this many blocks.
_BLOCKS = 8192
_MIN_BLOCK_SHIFT = 6


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


class Vocabulary(dict[str, int]):
    """Term -> id, where looking up a new term gives it the next id.

    Ids so follow first appearance: the order rank-bm25's dicts see the terms in, which decides
    the rounding of its average idf. Lookups of known terms run at plain dict speed.
    """

    def __missing__(self, term: str) -> int:
        self[term] = term_id = len(self)
        return term_id


class _PairCounts:
    """(term, passage, term frequency) for one chunk of passages, term-major, passages ascending."""

    def __init__(self, passages: list[Sequence[str]] | list[Sequence[int]], first: int,
                 vocabulary: Vocabulary | None) -> None:
        self.lengths = np.fromiter(map(len, passages), dtype=np.int64, count=len(passages))
        tokens = chain.from_iterable(passages)
        # Term ids as given, or numbered here (a dict lookup per token: over half of a build from strings).
        ids = np.fromiter(tokens if vocabulary is None else map(vocabulary.__getitem__, tokens), dtype=np.int64,
                          count=int(self.lengths.sum()))
        local = np.repeat(np.arange(len(passages), dtype=np.int64), self.lengths)
        keys, tf = np.unique(ids * len(passages) + local, return_counts=True)
        del ids, local
        terms = keys // len(passages)
        self.passages = (keys - terms * len(passages) + first).astype(np.int32)
        self.terms = terms.astype(np.int32)
        self.tf = tf.astype(np.int32)


def _count_pairs(corpus: Iterable[Sequence[str]] | Iterable[Sequence[int]], vocabulary: Vocabulary | None,
                 chunk_tokens: int) -> list[_PairCounts]:
    chunks: list[_PairCounts] = []
    pending: list[Sequence[str]] = []
    pending_tokens = passages = 0
    for tokens in corpus:
        pending.append(tokens)
        pending_tokens += len(tokens)
        if pending_tokens >= chunk_tokens:
            chunks.append(_PairCounts(pending, passages, vocabulary))
            passages += len(pending)
            pending, pending_tokens = [], 0
    if pending:
        chunks.append(_PairCounts(pending, passages, vocabulary))
    return chunks


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
        max_weight: np.ndarray,
        min_weight: np.ndarray,
        block_shift: int,
        block_rows: np.ndarray,
        block_max: np.ndarray,
    ) -> None:
        self.settings = settings
        self.vocabulary = vocabulary
        self.df = df
        self.idf = idf
        self.indptr = indptr
        self.indices = indices
        self.weights = weights
        self.doc_count = doc_count
        # Each term's largest and smallest weight: bounds that let a query skip most postings.
        self.max_weight = max_weight
        self.min_weight = min_weight
        # Block-max bounds for the common terms: passage p is in block p >> block_shift, and
        # block_max[block_rows[t]] holds term t's largest weight in each block (rounded up to
        # float32); block_rows[t] is -1 for a term without them, which is bounded by max_weight.
        self.block_shift = block_shift
        self.block_rows = block_rows
        self.block_max = block_max
        self.block_count = -(-doc_count >> block_shift) if doc_count else 0
        # BM25Plus gives every passage idf * delta for each known query term, matched or not.
        self._floor = idf * settings.delta if settings.variant == "bm25plus" else None
        # Per-thread scratch scores, zeroed again after each query: allocating and zeroing
        # doc_count floats per query costs more than a typical query at a million passages.
        self._scratch = threading.local()

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
        growing = Vocabulary() if vocabulary is None else None
        chunks = _count_pairs(corpus, growing, chunk_tokens)
        vocabulary = dict(growing if vocabulary is None else vocabulary)
        del growing
        lengths = np.concatenate([c.lengths for c in chunks]) if chunks else np.zeros(0, np.int64)
        doc_count, vocab_size = len(lengths), len(vocabulary)
        df = np.zeros(vocab_size, np.int64)
        for chunk in chunks:
            if len(chunk.terms) and not 0 <= chunk.terms.min() <= chunk.terms.max() < vocab_size:
                raise ValueError(f"term ids must lie in 0..{vocab_size - 1}, the vocabulary's")
            df += np.bincount(chunk.terms, minlength=vocab_size)
        if not df.all():
            raise ValueError(f"{int((df == 0).sum())} vocabulary term(s) occur in no passage")
        indptr = np.zeros(vocab_size + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        if block_shift is None:
            block_shift = max(_MIN_BLOCK_SHIFT, int(np.ceil(np.log2(max(doc_count, 1) / _BLOCKS))))
        if doc_count == 0 or vocab_size == 0:
            nothing = np.zeros(vocab_size)
            return cls(settings, vocabulary, df, nothing, indptr, np.zeros(0, np.int32), np.zeros(0), doc_count,
                       nothing, nothing, block_shift, np.full(vocab_size, -1, np.int32), np.zeros((0, 0), np.float32))

        idf = cls._idf(settings, df.astype(np.float64), doc_count)
        # rank-bm25 divides the integer token total by the passage count.
        avgdl = int(lengths.sum()) / doc_count
        doc_len = lengths.astype(np.float64)
        del lengths
        indices = np.empty(indptr[-1], dtype=np.int32)
        weights = np.empty(indptr[-1], dtype=np.float64)
        # Chunks hold ascending passages, so appending each chunk's pairs to the end of their term's
        # row (a counting sort) leaves every row sorted without a global sort.
        row_end = indptr[:-1].copy()
        while chunks:
            chunk = chunks.pop(0)
            counts = np.bincount(chunk.terms, minlength=vocab_size)
            first_in_chunk = np.cumsum(counts) - counts
            at = row_end[chunk.terms] + (np.arange(len(chunk.terms)) - first_in_chunk[chunk.terms])
            indices[at] = chunk.passages
            weights[at] = cls._weights(settings, idf[chunk.terms], chunk.tf.astype(np.float64),
                                       doc_len[chunk.passages], avgdl)
            row_end += counts
            del chunk, at
        # Every term has at least one posting, so no row is empty.
        max_weight = np.maximum.reduceat(weights, indptr[:-1])
        min_weight = np.minimum.reduceat(weights, indptr[:-1])
        block_rows, block_max = cls._block_maxima(indptr, indices, weights, doc_count, block_shift)
        return cls(settings, vocabulary, df, idf, indptr, indices, weights, doc_count, max_weight, min_weight,
                   block_shift, block_rows, block_max)

    @staticmethod
    def _block_maxima(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, doc_count: int,
                      shift: int) -> tuple[np.ndarray, np.ndarray]:
        """(block_rows, block_max) for the terms with at least one posting per block on average: those
        long rows are the ones a query skips, and the rule caps their memory at a third of the postings'."""
        blocks = -(-doc_count >> shift)
        lengths = np.diff(indptr)
        common = np.flatnonzero(lengths >= max(2, blocks))
        rows = np.full(len(lengths), -1, np.int32)
        rows[common] = np.arange(len(common), dtype=np.int32)
        block_max = np.zeros((len(common), blocks), np.float32)
        for row, term in enumerate(common.tolist()):
            span = slice(int(indptr[term]), int(indptr[term + 1]))
            highest = np.zeros(blocks)
            np.maximum.at(highest, indices[span] >> shift, weights[span])
            # float32 halves the memory; rounding up keeps every value an upper bound.
            rounded = highest.astype(np.float32)
            block_max[row] = np.where(rounded < highest, np.nextafter(rounded, np.float32(np.inf)), rounded)
        return rows, block_max

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

    def _postings(self, terms: np.ndarray) -> int:
        """How many postings the rows of `terms` hold together."""
        return int((self.indptr[terms + 1] - self.indptr[terms]).sum())

    def _row(self, term: int) -> slice:
        return slice(int(self.indptr[term]), int(self.indptr[term + 1]))

    def _scores_buffer(self, low_precision: bool) -> np.ndarray:
        dtype = np.dtype(_SCRATCH if low_precision else np.float64)
        scores = getattr(self._scratch, dtype.name, None)
        if scores is None:
            # Padded to whole blocks, so that a threshold per block is one comparison per row.
            scores = np.zeros(self.block_count << self.block_shift, dtype)
            setattr(self._scratch, dtype.name, scores)
        return scores

    def _matches(self, terms: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(passages containing a query term, ascending; their summed weights, added in query order).

        The reference computation: every posting of every query term is visited.
        """
        if len(set(terms)) == 1:
            # One distinct term: its row is the answer; a repeated term adds its weight again.
            row = self._row(terms[0])
            values = np.array(self.weights[row])
            for _ in terms[1:]:
                values += self.weights[row]
            return np.asarray(self.indices[row]), values
        scores = np.zeros(self.doc_count)
        touched = np.zeros(self.doc_count, dtype=bool)
        for term in terms:
            row = self._row(term)
            np.add.at(scores, self.indices[row], self.weights[row])
            touched[self.indices[row]] = True
        passages = np.flatnonzero(touched)
        return passages, scores[passages]

    def _contenders(self, terms: list[int], k: int) -> np.ndarray:
        """Passages, ascending, that include every passage of the exact top k (and a few more).

        Block-max MaxScore: the rarest terms are summed first, and the exact scores of the passages
        they favour give a floor for the final k-th score. The commonest terms whose maximum weights add up to less
        than that floor in every block of passages cannot lift an unseen passage into the top k, so
        their long posting lists are only consulted for the passages still in the running: those
        whose partial score plus what the skipped terms can add in their block reaches the floor.
        Needs all weights positive. Sums here are in any order, and in float32 unless a weight is too
        small for it; `margin` keeps every passage whose exact score could tie.
        """
        distinct, repeats = np.unique(np.asarray(terms), return_counts=True)
        scores = self._scores_buffer(self.min_weight[distinct].min() >= _SCRATCH_SMALLEST)
        margin = 1 - _SLACK - (4 * (len(distinct) + 1) * _SCRATCH_ROUNDING if scores.dtype == _SCRATCH else 0)
        lengths = self.indptr[distinct + 1] - self.indptr[distinct]
        bounds = self.max_weight[distinct] * repeats * (1 + _SLACK)
        by_rarity = np.argsort(lengths, kind="stable")
        seeds = int(np.searchsorted(np.cumsum(lengths[by_rarity]), lengths.sum() // 8, side="right")) or 1
        added: list[int] = []
        looked_up = np.zeros(0, np.int64)
        try:
            for i in by_rarity[:seeds]:
                self._add_row(scores, distinct[i], repeats[i])
                added.append(i)
            # The exact scores of the passages the rarest terms favour give a floor close to the final
            # k-th score at once: any k real scores are a lower bound for it.
            favoured = self._favoured(scores, distinct[added], _FLOOR_SAMPLE * k)
            floor = _kth_largest(self._exact(terms, favoured), k)
            pending = by_rarity[seeds:]
            # Lowest bounds first: the longest prefix that stays below the floor can be skipped.
            pending = pending[np.argsort(bounds[pending], kind="stable")]
            skippable, remaining = self._skippable(distinct[pending], repeats[pending], floor)
            for i in pending[skippable:]:
                self._add_row(scores, distinct[i], repeats[i])
                added.append(i)
            pending = pending[:skippable]
            # The skipped terms, highest bound first: each one lowers the best that the rest can add,
            # so fewer passages stay in the running, and the commonest terms come last, when few
            # passages are left to look up in their long lists.
            skipped = pending[::-1]
            passages = self._reaching(scores, distinct[added], floor * margin - remaining)
            looked_up = passages
            for i in skipped:
                term, row = distinct[i], self._row(distinct[i])
                if len(passages) < _FILTER_RATIO * (row.stop - row.start):
                    passages = passages[scores[passages] >= (floor * margin - remaining)[
                        passages >> self.block_shift]]
                    if k <= len(passages) <= _RAISE_FLOOR_UP_TO:
                        # Partial scores are lower bounds of the final ones: the floor can only rise.
                        floor = max(floor, _kth_largest(scores[passages], k))
                if len(passages) * _LOOKUP_COST < row.stop - row.start:
                    at, hit = self._lookup(term, passages)
                    scores[passages[hit]] += self.weights[row][at[hit]] * repeats[i]
                else:
                    self._add_row(scores, term, repeats[i])
                    added.append(i)
                remaining = remaining - self._block_bound(term, repeats[i])
            passages = passages[scores[passages] >= floor * margin]
            partial = scores[passages]
        except BaseException:
            delattr(self._scratch, scores.dtype.name)  # stopped half-way: never reuse a buffer that may be dirty
            raise
        self._clear(scores, distinct[added])
        scores[looked_up] = 0.0
        return passages[partial >= _kth_largest(partial, k) * margin]

    def _favoured(self, scores: np.ndarray, terms: np.ndarray, m: int) -> np.ndarray:
        """About m passages (ascending) among the best scores so far, from the rows of `terms`.

        With more than a few postings, the best passage of each of the m best blocks stands in for
        them: scanning every score costs about as much as selecting among a 30th as many postings.
        """
        if self._postings(terms) * 30 > self.doc_count:
            blocks = scores.reshape(self.block_count, -1)
            best = _largest(blocks.max(axis=1), m)
            return np.sort((best << self.block_shift) + blocks[best].argmax(axis=1))
        rows = np.concatenate([self.indices[self._row(term)] for term in terms])
        # A passage is in up to one row per term: enough postings for m distinct passages.
        return np.unique(rows[_largest(scores[rows], m * len(terms))])

    def _block_bound(self, term: int, repeats: int) -> np.ndarray:
        """The most `term` (asked `repeats` times) adds to a passage, per block of passages."""
        row = self.block_rows[term]
        if row < 0:
            return np.full(self.block_count, self.max_weight[term] * repeats * (1 + _SLACK))
        # In float64: a float32 product would round to nearest and could fall below a weight.
        return self.block_max[row].astype(np.float64) * (repeats * (1 + _SLACK))

    def _skippable(self, terms: np.ndarray, repeats: np.ndarray, floor: float) -> tuple[int, np.ndarray]:
        """How many of `terms` (by ascending bound) can be skipped: the longest prefix whose bounds,
        summed per block, stay below the floor in every block; and those sums."""
        total = np.zeros(self.block_count)
        for n, (term, times) in enumerate(zip(terms.tolist(), repeats.tolist())):
            more = total + self._block_bound(term, times)
            if more.max() >= floor * (1 - _SLACK):
                return n, total
            total = more
        return len(terms), total

    def _reaching(self, scores: np.ndarray, terms: np.ndarray, threshold: float | np.ndarray) -> np.ndarray:
        """Passages (ascending) in the rows of `terms` whose score is at least `threshold` (one value,
        or one per block of passages), or simply in those rows when the threshold is not positive.

        Weights are positive, so a passage in no row has score 0. Scanning every score costs about
        a sixteenth of gathering, filtering and sorting a posting (measured), hence the choice.
        """
        per_block = np.ndim(threshold) > 0
        if per_block:
            # Never a passage no term is in, yet every positive score, subnormal ones included (a tiny
            # epsilon floors idf far below float's smallest normal number).
            threshold = np.maximum(threshold, np.finfo(float).smallest_subnormal)
        postings = self._postings(terms)
        if postings * 16 > self.doc_count:
            if per_block:
                # The scratch scores fill whole blocks, so each block's threshold applies to one row.
                blocks = scores.reshape(self.block_count, -1) >= threshold[:, None]
                return np.flatnonzero(blocks)
            return np.flatnonzero(scores >= threshold) if threshold > 0 else np.flatnonzero(scores != 0)
        if len(terms) == 1 and not per_block and threshold <= 0:
            return np.asarray(self.indices[self._row(terms[0])], dtype=np.int64)
        rows = np.concatenate([self.indices[self._row(term)] for term in terms]).astype(np.int64)
        if per_block:
            rows = rows[scores[rows] >= threshold[rows >> self.block_shift]]
        elif threshold > 0:
            rows = rows[scores[rows] >= threshold]
        return _sorted_unique(rows)

    def _clear(self, scores: np.ndarray, terms: np.ndarray) -> None:
        """Zero the scratch scores again after adding the rows of `terms`."""
        if self._postings(terms) * 16 > self.doc_count:
            scores.fill(0.0)
        else:
            for term in terms:
                scores[self.indices[self._row(term)]] = 0.0

    def _add_row(self, scores: np.ndarray, term: int, repeats: int) -> None:
        row = self._row(term)
        weights = self.weights[row] if repeats == 1 else self.weights[row] * repeats
        # Same dtypes on both sides, or np.add.at takes its slow path.
        np.add.at(scores, self.indices[row], weights.astype(scores.dtype, copy=False))

    def _lookup(self, term: int, passages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in the term's row, whether the term is there) for each of `passages` (ascending)."""
        row = self.indices[self._row(term)]
        at = np.minimum(np.searchsorted(row, passages), len(row) - 1)
        return at, row[at] == passages

    def _exact(self, terms: list[int], passages: np.ndarray) -> np.ndarray:
        """Scores of a few passages, summed in query order exactly as rank-bm25 sums them."""
        weight: dict[int, np.ndarray] = {}
        for term in dict.fromkeys(terms):
            at, hit = self._lookup(term, passages)
            weight[term] = np.where(hit, self.weights[self._row(term)][at], 0.0)
        values = np.zeros(len(passages))
        for term in terms:  # a repeated term is added again at its place, as rank-bm25 does
            values += weight[term]
        return values

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
        return self._exact(terms, np.asarray(passages, dtype=np.int64)) + self._floor_total(terms)

    def top_k(self, tokens: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """(passage ids, scores) of the best `k` passages that match at least one query term.

        Best first, equal scores in passage order: the head of a stable sort of `scores(tokens)`
        restricted to matching passages, with the very same score values.
        """
        terms = self.term_ids(tokens)
        if not terms or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0)
        if len(set(terms)) > 1 and self.min_weight[terms].min() > 0:
            passages = self._contenders(terms, k)
            values = self._exact(terms, passages)
        else:
            passages, values = self._matches(terms)
        floor = self._floor_total(terms)
        if floor:
            values = values + floor
        if len(passages) > k:
            # Everything above the k-th best value, then the earliest passages equal to it.
            kth = _kth_largest(values, k)
            above = np.flatnonzero(values > kth)
            level = np.flatnonzero(values == kth)[: k - len(above)]
            chosen = np.concatenate((above, level))
            passages, values = passages[chosen], values[chosen]
        order = np.lexsort((passages, -values))
        return passages[order].astype(np.int64), values[order]

    def contains(self, term: int, passage: int) -> bool:
        row = self.indices[self._row(term)]
        at = np.searchsorted(row, passage)
        return bool(at < len(row) and row[at] == passage)

    def match_weight(self, term: int | None) -> float:
        """A positive per-term weight (Lucene's idf) for judging how much of a question a passage covers.

        rank-bm25's own idf can be zero or negative on small collections, so it cannot serve here.
        `None` stands for a term the collection has never seen: the rarest possible.
        """
        df = 0 if term is None else int(self.df[term])
        return float(np.log1p((self.doc_count - df + 0.5) / (df + 0.5)))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.unique hashes first in numpy 2.3+, several times slower than sorting for these arrays.
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _largest(values: np.ndarray, m: int) -> np.ndarray:
    """Positions of the m largest values, in no order (all of them when there are fewer)."""
    if len(values) <= m:
        return np.arange(len(values))
    return np.argpartition(-values, m - 1)[:m]


def _kth_largest(values: np.ndarray, k: int) -> float:
    """The k-th largest value, or 0 when there are fewer than k. Partitions negated values because
    argpartition(x, -k) degrades when most x are equal."""
    if len(values) < k:
        return 0.0
    return float(-np.partition(-values, k - 1)[k - 1])
