"""The index's arrays: one declared structure that building fills, searching reads and the store saves."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True, eq=False)
class BM25Arrays:
    """Per term, a CSR row of (passage, weight) postings, passages ascending, and bounds on its weights.

    Term t's postings are `indices[indptr[t]:indptr[t + 1]]` with `weights` at the same positions.
    Block-max bounds for the common terms: passage p is in block p >> block_shift, and
    `block_max[block_rows[t]]` holds term t's largest weight in each block (rounded up to float32);
    `block_rows[t]` is -1 for a term without them, which is bounded by `max_weight[t]`.

    And per passage, its forward row (`forward`): the distinct terms it is indexed by, in order of first
    appearance, with their frequencies, for the re-ranker's feedback words.
    """

    df: np.ndarray
    idf: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    max_weight: np.ndarray
    min_weight: np.ndarray
    block_rows: np.ndarray
    block_max: np.ndarray
    forward_indptr: np.ndarray
    forward_terms: np.ndarray
    forward_tf: np.ndarray
    doc_count: int
    block_shift: int
    avgdl: float  # the passages' mean length in tokens, as rank-bm25 divides it

    @classmethod
    def names(cls) -> list[str]:
        """The arrays' names, in order: the files a saved index holds (the two numbers go in its manifest)."""
        return [f.name for f in fields(cls) if f.type == "np.ndarray"]

    @property
    def block_count(self) -> int:
        return -(-self.doc_count >> self.block_shift) if self.doc_count else 0

    def row(self, term: int) -> slice:
        return slice(int(self.indptr[term]), int(self.indptr[term + 1]))

    def forward(self, passage: int) -> tuple[np.ndarray, np.ndarray]:
        """(the passage's distinct terms in order of first appearance, their frequencies)."""
        row = slice(int(self.forward_indptr[passage]), int(self.forward_indptr[passage + 1]))
        return self.forward_terms[row], self.forward_tf[row]

    def forward_rows(self, passages: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The passages' forward rows one after another: (terms, frequencies, the position in `passages` of each)."""
        at, row = ranges(self.forward_indptr[passages], self.forward_indptr[passages + 1])
        return self.forward_terms[at], self.forward_tf[at], row

    def postings(self, terms: np.ndarray) -> int:
        """How many postings the rows of `terms` hold together."""
        return int((self.indptr[terms + 1] - self.indptr[terms]).sum())

    def lookup(self, term: int, passages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in the term's row, whether the term is there) for each of `passages` (ascending)."""
        row = self.indices[self.row(term)]
        at = np.minimum(np.searchsorted(row, passages), len(row) - 1)
        return at, row[at] == passages

    def exact(self, terms: list[int], passages: np.ndarray) -> np.ndarray:
        """Scores of a few passages, summed in query order exactly as rank-bm25 sums them."""
        weight: dict[int, np.ndarray] = {}
        for term in dict.fromkeys(terms):
            at, hit = self.lookup(term, passages)
            weight[term] = np.where(hit, self.weights[self.row(term)][at], 0.0)
        values = np.zeros(len(passages))
        for term in terms:  # a repeated term is added again at its place, as rank-bm25 does
            values += weight[term]
        return values


def ranges(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the integers of every range start..end, one range after another; the range each comes from): the
    entries of several CSR rows at once."""
    lengths = ends - starts
    which = np.repeat(np.arange(len(starts)), lengths)
    return np.arange(int(lengths.sum())) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths), which
