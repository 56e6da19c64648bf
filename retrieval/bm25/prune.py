"""The pruned top-k: the passages that can reach a question's best k, found without scoring every posting.

Block-max MaxScore over `BM25Arrays`; `BM25Index.top_k` then scores the few contenders exactly.
"""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np

from .arrays import BM25Arrays

# Relative margin for sums added in a different order than rank-bm25's: far above their rounding
# error, far below any real difference between scores.
SLACK = 1e-9
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


class PrunedTopK:
    """Finds a superset of a question's exact top k among positive weights, with per-thread scratch scores."""

    def __init__(self, arrays: BM25Arrays) -> None:
        self.arrays = arrays
        # Per-thread scratch scores, zeroed again after each query: allocating and zeroing
        # doc_count floats per query costs more than a typical query at a million passages.
        self._scratch = threading.local()

    def _scores_buffer(self, low_precision: bool) -> np.ndarray:
        dtype = np.dtype(_SCRATCH if low_precision else np.float64)
        scores = getattr(self._scratch, dtype.name, None)
        if scores is None:
            # Padded to whole blocks, so that a threshold per block is one comparison per row.
            scores = np.zeros(self.arrays.block_count << self.arrays.block_shift, dtype)
            setattr(self._scratch, dtype.name, scores)
        return scores

    def contenders(self, terms: list[int], k: int) -> np.ndarray:
        """Passages, ascending, that include every passage of the exact top k (and a few more).

        Block-max MaxScore: the rarest terms are summed first, and the exact scores of the passages
        they favour give a floor for the final k-th score. The commonest terms whose maximum weights add up to less
        than that floor in every block of passages cannot lift an unseen passage into the top k, so
        their long posting lists are only consulted for the passages still in the running: those
        whose partial score plus what the skipped terms can add in their block reaches the floor.
        Needs all weights positive. Sums here are in any order, and in float32 unless a weight is too
        small for it; `margin` keeps every passage whose exact score could tie.
        """
        # A question's few terms: counted in Python, a tenth of np.unique's cost at this size.
        counts = Counter(terms)
        distinct = np.array(sorted(counts), dtype=np.int64)
        repeats = np.array([counts[t] for t in distinct.tolist()], dtype=np.int64)
        scores = self._scores_buffer(self.arrays.min_weight[distinct].min() >= _SCRATCH_SMALLEST)
        margin = 1 - SLACK - (4 * (len(distinct) + 1) * _SCRATCH_ROUNDING if scores.dtype == _SCRATCH else 0)
        lengths = self.arrays.indptr[distinct + 1] - self.arrays.indptr[distinct]
        bounds = self.arrays.max_weight[distinct] * repeats * (1 + SLACK)
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
            floor = kth_largest(self.arrays.exact(terms, favoured), k)
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
                term, row = distinct[i], self.arrays.row(distinct[i])
                if len(passages) < _FILTER_RATIO * (row.stop - row.start):
                    passages = passages[scores[passages] >= (floor * margin - remaining)[
                        passages >> self.arrays.block_shift]]
                    if k <= len(passages) <= _RAISE_FLOOR_UP_TO:
                        # Partial scores are lower bounds of the final ones: the floor can only rise.
                        floor = max(floor, kth_largest(scores[passages], k))
                if len(passages) * _LOOKUP_COST < row.stop - row.start:
                    at, hit = self.arrays.lookup(term, passages)
                    scores[passages[hit]] += self.arrays.weights[row][at[hit]] * repeats[i]
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
        return passages[partial >= kth_largest(partial, k) * margin]

    def _favoured(self, scores: np.ndarray, terms: np.ndarray, m: int) -> np.ndarray:
        """About m passages (ascending) among the best scores so far, from the rows of `terms`.

        With more than a few postings, the best passage of each of the m best blocks stands in for
        them: scanning every score costs about as much as selecting among a 30th as many postings.
        """
        if self.arrays.postings(terms) * 30 > self.arrays.doc_count:
            blocks = scores.reshape(self.arrays.block_count, -1)
            best = _largest(blocks.max(axis=1), m)
            return np.sort((best << self.arrays.block_shift) + blocks[best].argmax(axis=1))
        rows = np.concatenate([self.arrays.indices[self.arrays.row(term)] for term in terms])
        # A passage is in up to one row per term: enough postings for m distinct passages.
        return _sorted_unique(rows[_largest(scores[rows], m * len(terms))])

    def _block_bound(self, term: int, repeats: int) -> np.ndarray:
        """The most `term` (asked `repeats` times) adds to a passage, per block of passages."""
        row = self.arrays.block_rows[term]
        if row < 0:
            return np.full(self.arrays.block_count, self.arrays.max_weight[term] * repeats * (1 + SLACK))
        # In float64: a float32 product would round to nearest and could fall below a weight.
        return self.arrays.block_max[row].astype(np.float64) * (repeats * (1 + SLACK))

    def _skippable(self, terms: np.ndarray, repeats: np.ndarray, floor: float) -> tuple[int, np.ndarray]:
        """How many of `terms` (by ascending bound) can be skipped: the longest prefix whose bounds,
        summed per block, stay below the floor in every block; and those sums."""
        total = np.zeros(self.arrays.block_count)
        for n, (term, times) in enumerate(zip(terms.tolist(), repeats.tolist())):
            more = total + self._block_bound(term, times)
            if more.max() >= floor * (1 - SLACK):
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
        postings = self.arrays.postings(terms)
        if postings * 16 > self.arrays.doc_count:
            if per_block:
                # The scratch scores fill whole blocks, so each block's threshold applies to one row.
                blocks = scores.reshape(self.arrays.block_count, -1) >= threshold[:, None]
                return np.flatnonzero(blocks)
            return np.flatnonzero(scores >= threshold) if threshold > 0 else np.flatnonzero(scores != 0)
        if len(terms) == 1 and not per_block and threshold <= 0:
            return np.asarray(self.arrays.indices[self.arrays.row(terms[0])], dtype=np.int64)
        rows = np.concatenate([self.arrays.indices[self.arrays.row(term)] for term in terms]).astype(np.int64)
        if per_block:
            rows = rows[scores[rows] >= threshold[rows >> self.arrays.block_shift]]
        elif threshold > 0:
            rows = rows[scores[rows] >= threshold]
        return _sorted_unique(rows)

    def _clear(self, scores: np.ndarray, terms: np.ndarray) -> None:
        """Zero the scratch scores again after adding the rows of `terms`."""
        if self.arrays.postings(terms) * 16 > self.arrays.doc_count:
            scores.fill(0.0)
        else:
            for term in terms:
                scores[self.arrays.indices[self.arrays.row(term)]] = 0.0

    def _add_row(self, scores: np.ndarray, term: int, repeats: int) -> None:
        row = self.arrays.row(term)
        weights = self.arrays.weights[row] if repeats == 1 else self.arrays.weights[row] * repeats
        # Same dtypes on both sides, or np.add.at takes its slow path.
        np.add.at(scores, self.arrays.indices[row], weights.astype(scores.dtype, copy=False))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.unique hashes first in numpy 2.3+, several times slower than sorting for these arrays.
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _largest(values: np.ndarray, m: int) -> np.ndarray:
    """Positions of the m largest values, in no order (all of them when there are fewer)."""
    if len(values) <= m:
        return np.arange(len(values))
    return np.argpartition(-values, m - 1)[:m]


def kth_largest(values: np.ndarray, k: int) -> float:
    """The k-th largest value, or 0 when there are fewer than k. Partitions negated values because
    argpartition(x, -k) degrades when most x are equal."""
    if len(values) < k:
        return 0.0
    return float(-np.partition(-values, k - 1)[k - 1])
