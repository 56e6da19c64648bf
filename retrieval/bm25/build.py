"""Building the index's arrays from tokenized passages, in chunks whose memory stays bounded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

import numpy as np

from .arrays import BM25Arrays
from .scoring import BM25Settings, idf, pair_weights

# Passages are counted in chunks of about this many tokens, so the sort that counts (term, passage)
# pairs never needs more than a few tens of MB, whatever the size of the collection.
CHUNK_TOKENS = 2_000_000
# Block-max bounds: passages are grouped in blocks of 2**shift passages, at most about this many blocks.
_BLOCKS = 8192
_MIN_BLOCK_SHIFT = 6


class Vocabulary(dict[str, int]):
    """Term -> id, where looking up a new term gives it the next id.

    Ids so follow first appearance: the order rank-bm25's dicts see the terms in, which decides
    the rounding of its average idf. Lookups of known terms run at plain dict speed.
    """

    def __missing__(self, term: str) -> int:
        self[term] = term_id = len(self)
        return term_id


class _PairCounts:
    """(term, passage, term frequency) for one chunk of passages, term-major, passages ascending; and the
    order of the pairs by first appearance (passage after passage), for the passages' forward rows."""

    def __init__(self, passages: list[Sequence[str]] | list[Sequence[int]], first: int,
                 vocabulary: Vocabulary | None) -> None:
        self.first = first
        self.lengths = np.fromiter(map(len, passages), dtype=np.int64, count=len(passages))
        tokens = chain.from_iterable(passages)
        # Term ids as given, or numbered here (a dict lookup per token: over half of a build from strings).
        ids = np.fromiter(tokens if vocabulary is None else map(vocabulary.__getitem__, tokens), dtype=np.int64,
                          count=int(self.lengths.sum()))
        local = np.repeat(np.arange(len(passages), dtype=np.int64), self.lengths)
        keys, at, tf = np.unique(ids * len(passages) + local, return_index=True, return_counts=True)
        del ids, local
        terms = keys // len(passages)
        self.passages = (keys - terms * len(passages) + first).astype(np.int32)
        self.terms = terms.astype(np.int32)
        self.tf = tf.astype(np.int32)
        # Tokens run passage after passage, so the first token of each pair orders them as the forward rows do.
        self.forward = np.argsort(at).astype(np.int32)


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


def build_arrays(
    corpus: Iterable[Sequence[str]] | Iterable[Sequence[int]], settings: BM25Settings,
    vocabulary: Mapping[str, int] | None, chunk_tokens: int, block_shift: int | None,
) -> tuple[dict[str, int], BM25Arrays]:
    """(vocabulary, arrays) for tokenized passages; see `BM25Index.build`."""
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
    # Passage p's forward row: its distinct terms in order of first appearance and their frequencies, at
    # forward_terms[forward_indptr[p]:forward_indptr[p + 1]]. A frequency fits 16 bits unless a passage
    # repeats a word 65,536 times: a quarter of the memory of the weights' own 64 bits.
    forward_indptr = np.zeros(doc_count + 1, dtype=np.int64)
    if chunks:
        np.cumsum(np.concatenate([np.bincount(c.passages - c.first, minlength=len(c.lengths)) for c in chunks]),
                  out=forward_indptr[1:])
    forward_terms = np.empty(indptr[-1], dtype=np.int32)
    widest = max((int(c.tf.max(initial=0)) for c in chunks), default=0)
    forward_tf = np.empty(indptr[-1], dtype=np.uint16 if widest <= np.iinfo(np.uint16).max else np.int32)
    if doc_count == 0 or vocab_size == 0:
        nothing = np.zeros(vocab_size)
        return vocabulary, BM25Arrays(df, nothing, indptr, np.zeros(0, np.int32), np.zeros(0), nothing, nothing,
                                      np.full(vocab_size, -1, np.int32), np.zeros((0, 0), np.float32),
                                      forward_indptr, forward_terms, forward_tf, doc_count, block_shift, 0.0)

    term_idf = idf(settings, df.astype(np.float64), doc_count)
    # rank-bm25 divides the integer token total by the passage count.
    avgdl = int(lengths.sum()) / doc_count
    doc_len = lengths.astype(np.float64)
    del lengths
    indices = np.empty(indptr[-1], dtype=np.int32)
    weights = np.empty(indptr[-1], dtype=np.float64)
    # Chunks hold ascending passages, so appending each chunk's pairs to the end of their term's
    # row (a counting sort) leaves every row sorted without a global sort.
    row_end = indptr[:-1].copy()
    forward_end = 0
    while chunks:
        chunk = chunks.pop(0)
        pairs = slice(forward_end, forward_end + len(chunk.terms))
        forward_terms[pairs], forward_tf[pairs] = chunk.terms[chunk.forward], chunk.tf[chunk.forward]
        forward_end = pairs.stop
        counts = np.bincount(chunk.terms, minlength=vocab_size)
        first_in_chunk = np.cumsum(counts) - counts
        at = row_end[chunk.terms] + (np.arange(len(chunk.terms)) - first_in_chunk[chunk.terms])
        indices[at] = chunk.passages
        weights[at] = pair_weights(settings, term_idf[chunk.terms], chunk.tf.astype(np.float64),
                                   doc_len[chunk.passages], avgdl)
        row_end += counts
        del chunk, at
    # Every term has at least one posting, so no row is empty.
    max_weight = np.maximum.reduceat(weights, indptr[:-1])
    min_weight = np.minimum.reduceat(weights, indptr[:-1])
    block_rows, block_max = _block_maxima(indptr, indices, weights, doc_count, block_shift)
    return vocabulary, BM25Arrays(df, term_idf, indptr, indices, weights, max_weight, min_weight, block_rows,
                                  block_max, forward_indptr, forward_terms, forward_tf, doc_count, block_shift, avgdl)


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
