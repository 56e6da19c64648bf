"""Building the index's arrays from tokenized passages, in chunks whose memory stays bounded."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from .arrays import BM25Arrays
from .scoring import BM25Settings, idf, pair_weights

# Passages are counted in chunks of about this many tokens, so the sort that counts (term, passage)
# pairs never needs more than a few tens of MB, whatever the size of the collection.
CHUNK_TOKENS = 2_000_000
# Pairs placed in the postings at a time.
PLACED_TOGETHER = 1 << 19
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


@dataclass(frozen=True, eq=False)
class ForwardRows:
    """A run of consecutive passages as the index's forward rows hold them, and where their pairs go in the
    postings: what a build holds per (term, passage) pair until every run is in, 8 bytes rather than 16.

    `lengths` and `counts`: each passage's tokens and distinct terms; then, passage after passage, each distinct
    term in order of first appearance (`terms`), its frequency (`tf`), and its `rank` among the run's pairs of
    that term: its place in the term's postings, after those of the runs before.
    """

    lengths: np.ndarray
    counts: np.ndarray
    terms: np.ndarray
    tf: np.ndarray
    rank: np.ndarray


def forward_rows(ids: np.ndarray, lengths: np.ndarray) -> ForwardRows:
    """The forward rows of passages whose term ids, passage after passage, are `ids` (`lengths` of them each)."""
    passages = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    low = min(int(ids.min(initial=0)), 0)  # refused later, but counted apart here
    width = int(ids.max(initial=0)) - low + 1
    keys, first, tf = np.unique(passages * width + (ids - low), return_index=True, return_counts=True)
    # Tokens run passage after passage, so a pair's first token, in token order, orders the pairs as the rows do.
    is_first = np.zeros(len(ids), bool)
    is_first[first] = True
    tf_at = np.zeros(len(ids), _narrowest(int(tf.max(initial=0))))
    tf_at[first] = tf
    terms = ids[is_first].astype(np.int32)
    return ForwardRows(np.asarray(lengths, np.int64), np.bincount(keys // width, minlength=len(lengths)), terms,
                       tf_at[is_first], ranks(terms))


def ranks(terms: np.ndarray) -> np.ndarray:
    """Each of `terms`' rank among the equal terms before it."""
    # A stable sort of 16-bit values is a radix sort, several times faster: a file's terms mostly fit.
    order = np.argsort(terms.astype(_narrowest(int(terms.max(initial=0)))), kind="stable")
    ordered = terms[order]
    starts = np.flatnonzero(np.diff(ordered, prepend=-1))
    rank = np.empty(len(terms), np.int64)
    rank[order] = np.arange(len(terms)) - np.repeat(starts, np.diff(starts, append=len(terms)))
    return rank.astype(_narrowest(int(rank.max(initial=0))))


def _narrowest(largest: int) -> type:
    # 16 bits for frequencies unless a passage repeats a word 65,536 times: a quarter of the weights' memory.
    return np.uint16 if largest <= np.iinfo(np.uint16).max else np.int32


def _runs(corpus: Iterable[Sequence[str]] | Iterable[Sequence[int]], vocabulary: Vocabulary | None,
          chunk_tokens: int) -> Iterator[ForwardRows]:
    pending: list[Sequence[str]] | list[Sequence[int]] = []
    pending_tokens = 0
    for tokens in chain(corpus, [None]):
        if tokens is not None:
            pending.append(tokens)
            pending_tokens += len(tokens)
        if pending and (tokens is None or pending_tokens >= chunk_tokens):
            lengths = np.fromiter(map(len, pending), dtype=np.int64, count=len(pending))
            flat = chain.from_iterable(pending)
            # Term ids as given, or numbered here (a dict lookup per token: over half of a build from strings).
            ids = np.fromiter(flat if vocabulary is None else map(vocabulary.__getitem__, flat), dtype=np.int64,
                              count=int(lengths.sum()))
            yield forward_rows(ids, lengths)
            pending, pending_tokens = [], 0


def build_arrays(
    corpus: Iterable[Sequence[str]] | Iterable[Sequence[int]], settings: BM25Settings,
    vocabulary: Mapping[str, int] | None, chunk_tokens: int, block_shift: int | None,
) -> tuple[dict[str, int], BM25Arrays]:
    """(vocabulary, arrays) for tokenized passages; see `BM25Index.build`."""
    growing = Vocabulary() if vocabulary is None else None
    runs = list(_runs(corpus, growing, chunk_tokens))
    vocabulary = dict(growing if vocabulary is None else vocabulary)
    del growing
    return vocabulary, arrays_from_rows(runs, len(vocabulary), settings, block_shift)


def arrays_from_rows(runs: list[ForwardRows], vocab_size: int, settings: BM25Settings, block_shift: int | None,
                     placed: Callable[[int, int], None] | None = None) -> BM25Arrays:
    """The arrays of the passages of `runs`, one run after another, over term ids 0..vocab_size - 1. The runs
    are let go one by one as their pairs are placed (the list is emptied); `placed` hears (passages placed,
    passages) after each run."""
    lengths = np.concatenate([np.zeros(0, np.int64), *(r.lengths for r in runs)])
    doc_count = len(lengths)
    df = np.zeros(vocab_size, np.int64)
    for run in runs:
        if len(run.terms) and not 0 <= run.terms.min() <= run.terms.max() < vocab_size:
            raise ValueError(f"term ids must lie in 0..{vocab_size - 1}, the vocabulary's")
        df += np.bincount(run.terms, minlength=vocab_size)
    if not df.all():
        raise ValueError(f"{int((df == 0).sum())} vocabulary term(s) occur in no passage")
    indptr = np.zeros(vocab_size + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    if block_shift is None:
        block_shift = max(_MIN_BLOCK_SHIFT, int(np.ceil(np.log2(max(doc_count, 1) / _BLOCKS))))
    # Passage p's forward row: its distinct terms in order of first appearance and their frequencies, at
    # forward_terms[forward_indptr[p]:forward_indptr[p + 1]].
    forward_indptr = np.zeros(doc_count + 1, dtype=np.int64)
    np.cumsum(np.concatenate([np.zeros(0, np.int64), *(r.counts for r in runs)]), out=forward_indptr[1:])
    forward_terms = np.empty(indptr[-1], dtype=np.int32)
    widest = max((int(r.tf.max(initial=0)) for r in runs), default=0)
    forward_tf = np.empty(indptr[-1], dtype=_narrowest(widest))
    if doc_count == 0 or vocab_size == 0:
        nothing = np.zeros(vocab_size)
        return BM25Arrays(df, nothing, indptr, np.zeros(0, np.int32), np.zeros(0), nothing, nothing,
                          np.full(vocab_size, -1, np.int32), np.zeros((0, 0), np.float32),
                          forward_indptr, forward_terms, forward_tf, doc_count, block_shift, 0.0)

    term_idf = idf(settings, df.astype(np.float64), doc_count)
    # rank-bm25 divides the integer token total by the passage count.
    avgdl = int(lengths.sum()) / doc_count
    doc_len = lengths.astype(np.float64)
    del lengths
    indices = np.empty(indptr[-1], dtype=np.int32)
    weights = np.empty(indptr[-1], dtype=np.float64)
    # Runs hold ascending passages, so each run's pairs go after the earlier runs' in their term's row (a
    # counting sort): every row comes out sorted without a global sort.
    row_end = indptr[:-1].copy()
    pair = passage = 0
    while runs:
        run = runs.pop(0)
        pairs = slice(pair, pair + len(run.terms))
        forward_terms[pairs], forward_tf[pairs] = run.terms, run.tf
        passages = np.repeat(np.arange(passage, passage + len(run.counts), dtype=np.int32), run.counts)
        # A slice at a time: the weights' float64 temporaries of a whole run were 100-150 MB of the peak.
        for part in range(0, len(run.terms), PLACED_TOGETHER):
            some = slice(part, part + PLACED_TOGETHER)
            at = row_end[run.terms[some]] + run.rank[some]
            indices[at] = passages[some]
            weights[at] = pair_weights(settings, term_idf[run.terms[some]], run.tf[some].astype(np.float64),
                                       doc_len[passages[some]], avgdl)
        row_end += np.bincount(run.terms, minlength=vocab_size)
        pair, passage = pairs.stop, passage + len(run.counts)
        del run, passages
        if placed is not None:
            placed(passage, doc_count)
    # Every term has at least one posting, so no row is empty.
    max_weight = np.maximum.reduceat(weights, indptr[:-1])
    min_weight = np.minimum.reduceat(weights, indptr[:-1])
    block_rows, block_max = _block_maxima(indptr, indices, weights, doc_count, block_shift)
    return BM25Arrays(df, term_idf, indptr, indices, weights, max_weight, min_weight, block_rows,
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
