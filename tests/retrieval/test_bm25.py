"""BM25Index scores equal rank-bm25's, for all three variants, and top_k is the head of a full sort."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from retrieval.bm25 import BM25Arrays, BM25Index, BM25Settings, Vocabulary

REFERENCE = {"okapi": BM25Okapi, "bm25l": BM25L, "bm25plus": BM25Plus}
TOLERANCE = {"rtol": 1e-9, "atol": 1e-9}
# A small alphabet so that terms repeat within and across passages (df up to N, idf <= 0 included).
WORDS = ["apple", "bank", "cat", "dog", "egg", "fig", "gold", "hat"]
UNKNOWN = ["zebra", "quartz"]

corpora = st.lists(st.lists(st.sampled_from(WORDS), max_size=12), min_size=1, max_size=25).filter(
    lambda docs: any(docs)  # rank-bm25 divides by zero on a collection without a single token
)
queries = st.lists(st.sampled_from(WORDS + UNKNOWN), max_size=6)


@st.composite
def bm25_settings(draw: st.DrawFn) -> BM25Settings:
    variant = draw(st.sampled_from(list(REFERENCE)))
    unit = st.floats(0.0, 1.0, allow_nan=False)
    return BM25Settings(
        variant=variant,
        k1=draw(st.floats(0.05, 3.0, allow_nan=False)),
        b=draw(unit),
        epsilon=draw(unit),
        delta=draw(st.floats(0.0, 2.0, allow_nan=False)) if variant != "okapi" else None,
    )


def reference(corpus: list[list[str]], s: BM25Settings):
    if s.variant == "okapi":
        return BM25Okapi(corpus, k1=s.k1, b=s.b, epsilon=s.epsilon)
    return REFERENCE[s.variant](corpus, k1=s.k1, b=s.b, delta=s.delta)


def expected_top(corpus: list[list[str]], scores: np.ndarray, query: list[str], k: int) -> list[int]:
    """The head of a stable descending sort of the scores of passages sharing a term with the query."""
    matching = [i for i, doc in enumerate(corpus) if set(doc) & set(query)]
    return sorted(matching, key=lambda i: (-scores[i], i))[:k]


@settings(max_examples=400, deadline=None)
@given(corpus=corpora, query=queries, s=bm25_settings(), chunk_tokens=st.integers(1, 60))
@example(corpus=[["apple"]], query=["apple"], s=BM25Settings(), chunk_tokens=1)  # N=1: idf < 0
@example(corpus=[["apple", "bank"], ["apple"]], query=["apple", "apple", "zebra"], s=BM25Settings(), chunk_tokens=5)
@example(corpus=[[], ["apple"], []], query=["apple"], s=BM25Settings(variant="bm25plus"), chunk_tokens=1)
def test_scores_equal_rank_bm25(corpus, query, s, chunk_tokens):
    # With b = 1 an empty passage has normalised length 0 and rank-bm25 computes 0/0 = nan for it;
    # we give it 0. That is the one input where the scores differ.
    assume(s.b < 1 or all(corpus))
    index = BM25Index.build(corpus, s, chunk_tokens=chunk_tokens)
    np.testing.assert_allclose(index.scores(query), reference(corpus, s).get_scores(query), **TOLERANCE)


@settings(max_examples=300, deadline=None)
@given(corpus=corpora, query=queries, s=bm25_settings(), k=st.integers(1, 30))
@example(corpus=[[], [], ["apple", "bank"], ["apple", "bank"], ["apple", "bank", "cat"]], query=["apple", "bank"],
         s=BM25Settings(k1=1.0, b=0.0, epsilon=2.2250738585e-313), k=1)  # subnormal weights: found by hypothesis
def test_top_k_is_the_head_of_a_full_sort(corpus, query, s, k):
    assume(s.b < 1 or all(corpus))
    index = BM25Index.build(corpus, s)
    scores = index.scores(query)
    ids, values = index.top_k(query, k)
    top = expected_top(corpus, scores, query, k)
    assert ids.tolist() == top
    np.testing.assert_array_equal(values, scores[top])
    np.testing.assert_allclose(values, reference(corpus, s).get_scores(query)[top], **TOLERANCE)


@pytest.mark.parametrize("variant", list(REFERENCE))
def test_tiny_collections_with_negative_idf(variant):
    # In 1-3 passages most terms are in half of them or more: rank-bm25's Okapi idf goes negative
    # and is replaced by epsilon times the average idf.
    corpus = [["apple", "bank"], ["apple"], ["apple", "cat", "cat"]]
    s = BM25Settings(variant=variant)
    index = BM25Index.build(corpus, s)
    for query in (["apple"], ["apple", "cat"], ["cat", "cat"], ["bank", "zebra"]):
        np.testing.assert_allclose(index.scores(query), reference(corpus, s).get_scores(query), **TOLERANCE)
    if variant == "okapi":
        assert index.arrays.idf[index.vocabulary["apple"]] == pytest.approx(0.25 * reference(corpus, s).average_idf)


def test_empty_collection():
    index = BM25Index.build([])
    assert index.doc_count == 0 and index.vocabulary == {}
    assert index.scores(["apple"]).shape == (0,)
    ids, values = index.top_k(["apple"], 5)
    assert ids.size == 0 and values.size == 0


def test_collection_of_empty_passages():
    index = BM25Index.build([[], []])
    assert index.scores(["apple"]).tolist() == [0.0, 0.0]
    assert index.top_k(["apple"], 3)[0].size == 0


@pytest.mark.parametrize("variant", list(REFERENCE))
def test_query_of_only_unknown_words(variant):
    corpus = [["apple", "bank"], ["cat"], ["dog", "apple"]]
    s = BM25Settings(variant=variant)
    index = BM25Index.build(corpus, s)
    for query in (["zebra", "quartz"], []):
        np.testing.assert_array_equal(index.scores(query), reference(corpus, s).get_scores(query))
        assert index.top_k(query, 3)[0].size == 0


def test_equal_scores_come_in_passage_order():
    corpus = [["cat", "dog"], ["apple"], ["cat", "dog"], ["cat", "dog"], ["dog", "cat"]]
    ids, values = BM25Index.build(corpus).top_k(["cat", "dog"], 3)
    assert ids.tolist() == [0, 2, 3]
    assert len(set(values.tolist())) == 1


def test_k_at_most_zero_finds_nothing():
    assert BM25Index.build([["cat"]]).top_k(["cat"], 0)[0].size == 0


def test_chunked_build_gives_the_same_index():
    rng = np.random.default_rng(7)
    corpus = [list(rng.choice(WORDS, size=rng.integers(0, 20))) for _ in range(300)]
    whole, chunked = BM25Index.build(corpus), BM25Index.build(corpus, chunk_tokens=7)
    with mock.patch("retrieval.bm25.build.PLACED_TOGETHER", 5):  # each chunk's pairs placed a few at a time
        sliced = BM25Index.build(corpus, chunk_tokens=70)
    assert whole.vocabulary == chunked.vocabulary == sliced.vocabulary
    for name in BM25Arrays.names():
        np.testing.assert_array_equal(getattr(whole.arrays, name), getattr(chunked.arrays, name), err_msg=name)
        np.testing.assert_array_equal(getattr(whole.arrays, name), getattr(sliced.arrays, name), err_msg=name)


@settings(max_examples=200, deadline=None)
@given(corpus=corpora, s=bm25_settings(), chunk_tokens=st.integers(1, 60))
def test_a_build_from_term_ids_is_the_build_from_terms(corpus, s, chunk_tokens):
    vocabulary = Vocabulary()
    ids = [[vocabulary[t] for t in doc] for doc in corpus]
    from_terms = BM25Index.build(corpus, s)
    from_ids = BM25Index.build(ids, s, vocabulary=vocabulary, chunk_tokens=chunk_tokens)
    assert list(from_ids.vocabulary.items()) == list(from_terms.vocabulary.items())
    for name in BM25Arrays.names():  # every array an index is saved as
        np.testing.assert_array_equal(getattr(from_ids.arrays, name), getattr(from_terms.arrays, name), err_msg=name)


@pytest.mark.parametrize("ids, problem", [([[0, 2]], "must lie in 0..1"), ([[0, -1]], "must lie in 0..1"),
                                          ([[0, 0]], "1 vocabulary term")])
def test_term_ids_outside_the_vocabulary_are_refused_clearly(ids, problem):
    with pytest.raises(ValueError, match=problem):
        BM25Index.build(ids, vocabulary={"apple": 0, "bank": 1})


def test_concurrent_queries_do_not_share_scratch_space():
    rng = np.random.default_rng(3)
    corpus = [list(rng.choice(WORDS, size=rng.integers(1, 15))) for _ in range(2000)]
    index = BM25Index.build(corpus)
    query_list = [list(rng.choice(WORDS + UNKNOWN, size=3)) for _ in range(200)]
    expected = [index.top_k(q, 10) for q in query_list]
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda q: index.top_k(q, 10), query_list))
    for (ids, values), (want_ids, want_values) in zip(found, expected):
        np.testing.assert_array_equal(ids, want_ids)
        np.testing.assert_array_equal(values, want_values)


def zipf_corpus(seed: int, size: int) -> tuple[list[list[str]], np.random.Generator]:
    """Passages over a Zipf vocabulary: a few very common terms, a long tail of rare ones."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"t{i}" for i in range(300)]
    weights = 1.0 / np.arange(1, 301) ** 1.1
    weights /= weights.sum()
    return [list(rng.choice(vocabulary, size=rng.integers(0, 40), p=weights)) for _ in range(size)], rng


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), variant=st.sampled_from(list(REFERENCE)), k=st.integers(1, 15),
       lookup_cost=st.sampled_from([0, 16, 10**9]), block_shift=st.sampled_from([None, 0, 2, 4]))
def test_pruned_top_k_equals_the_full_sort(seed, variant, k, lookup_cost, block_shift):
    # Long queries mixing common and rare terms: the MaxScore path skips and looks up postings;
    # lookup_cost 0 / 10**9 forces the lookup / dense branch for the skipped terms, and small
    # blocks give the common terms block-max bounds (400 passages are one block by default).
    corpus, rng = zipf_corpus(seed, 400)
    index = BM25Index.build(corpus, BM25Settings(variant=variant), block_shift=block_shift)
    ranker = reference(corpus, BM25Settings(variant=variant))
    for length in (2, 5, 12, 30):
        query = [f"t{int(i)}" for i in rng.zipf(1.3, size=length) % 320]
        with mock.patch("retrieval.bm25.prune._LOOKUP_COST", lookup_cost):
            ids, values = index.top_k(query, k)
        scores = index.scores(query)
        top = expected_top(corpus, scores, query, k)
        assert ids.tolist() == top
        np.testing.assert_array_equal(values, scores[top])
        np.testing.assert_allclose(values, ranker.get_scores(query)[top], **TOLERANCE)



@given(corpus=st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=12), min_size=1, max_size=30),
       query=st.lists(st.sampled_from("abcdefghz"), max_size=6), data=st.data())
def test_scores_of_some_passages_equal_the_full_scores_at_those_passages(corpus, query, data):
    index = BM25Index.build(corpus)
    passages = data.draw(st.lists(st.integers(0, len(corpus) - 1), max_size=10))
    np.testing.assert_allclose(index.scores_of(query, passages), index.scores(query)[passages], rtol=0, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(corpus=corpora, s=bm25_settings(), chunk_tokens=st.integers(1, 60), data=st.data())
def test_each_terms_scores_at_once_are_its_scores_one_term_at_a_time_to_the_bit(corpus, s, chunk_tokens, data):
    # The re-ranker's feedback reads each word's weights from the passages' forward rows, not the index's rows.
    index = BM25Index.build(corpus, s, chunk_tokens=chunk_tokens)
    terms = data.draw(st.lists(st.sampled_from(sorted(index.vocabulary)), unique=True, min_size=1)) \
        if index.vocabulary else []
    passages = np.array(data.draw(st.lists(st.integers(0, len(corpus) - 1), max_size=10)), dtype=np.int64)
    each = index.scores_each([index.vocabulary[t] for t in terms], passages)
    assert each.tolist() == [index.scores_of([t], passages).tolist() for t in terms]


def test_a_passages_forward_row_is_its_terms_in_order_of_first_appearance_with_their_counts():
    index = BM25Index.build([["cat", "dog", "cat"], [], ["egg", "dog", "egg", "egg", "cat"]], chunk_tokens=2)
    rows = [index.arrays.forward(p) for p in range(3)]
    words = list(index.vocabulary)
    assert [([words[t] for t in terms], tf.tolist()) for terms, tf in rows] == [
        (["cat", "dog"], [2, 1]), ([], []), (["egg", "dog", "cat"], [3, 1, 1])]


@given(corpus=corpora, chunk_tokens=st.integers(1, 40))
def test_a_passage_contains_a_term_exactly_when_the_terms_postings_hold_it(corpus, chunk_tokens):
    # `contains` reads the passage's forward row; the postings are the reference.
    index = BM25Index.build(corpus, chunk_tokens=chunk_tokens)
    a = index.arrays
    for term in range(len(index.vocabulary)):
        postings = set(a.indices[a.row(term)].tolist())
        assert [index.contains(term, p) for p in range(len(corpus))] == [p in postings for p in range(len(corpus))]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), block_shift=st.integers(0, 6), variant=st.sampled_from(list(REFERENCE)))
def test_block_maxima_bound_every_weight_in_their_block(seed, block_shift, variant):
    corpus, _ = zipf_corpus(seed, 300)
    index = BM25Index.build(corpus, BM25Settings(variant=variant), block_shift=block_shift).arrays
    assert index.block_count == -(-len(corpus) >> block_shift)
    with_blocks = np.flatnonzero(index.block_rows >= 0)
    # The commonest terms have them: at least one posting per block on average.
    assert set(with_blocks) == set(np.flatnonzero(index.df >= max(2, index.block_count)))
    for term in with_blocks:
        row = slice(index.indptr[term], index.indptr[term + 1])
        blocks = index.indices[row] >> block_shift
        bound = index.block_max[index.block_rows[term]]
        assert np.all(index.weights[row] <= bound[blocks])
        highest = np.zeros(index.block_count)
        np.maximum.at(highest, blocks, index.weights[row])
        np.testing.assert_allclose(bound, highest, rtol=1e-6)  # tight, up to float32 rounding


def hand_made_index(weights: list[dict[int, float]], doc_count: int) -> BM25Index:
    """An index with the given weights (term -> passage -> weight), as if BM25 had computed them."""
    indptr = np.cumsum([0] + [len(row) for row in weights])
    indices = np.array([p for row in weights for p in sorted(row)], np.int32)
    values = np.array([row[p] for row in weights for p in sorted(row)])
    terms = len(weights)
    return BM25Index(BM25Settings(), {f"t{t}": t for t in range(terms)}, BM25Arrays(
        np.diff(indptr), np.ones(terms), indptr, indices, values, np.maximum.reduceat(values, indptr[:-1]),
        np.minimum.reduceat(values, indptr[:-1]), np.full(terms, -1, np.int32), np.zeros((0, 1), np.float32),
        np.zeros(doc_count + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.uint16), doc_count, 6, 1.0))


# Weights a few float32 rounding steps (2**-24 near 1) apart, and weights below one step: partial sums
# in float32 then order some passages differently from their exact float64 scores.
near_ties = st.builds(lambda base, steps: base + steps * 2.0**-27, st.sampled_from([0.5, 1.0, 1.5]),
                      st.integers(-12, 12)) | st.builds(lambda steps: steps * 2.0**-30, st.integers(1, 12))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), doc_count=st.integers(2, 8), terms=st.integers(2, 6), k=st.integers(1, 3))
def test_top_k_follows_exact_scores_where_float32_partial_sums_would_misorder(data, doc_count, terms, k):
    # Pruning adds partial scores in float32; its margins must keep every passage whose exact score
    # reaches the top k, however close the race.
    rows = [data.draw(st.dictionaries(st.integers(0, doc_count - 1), near_ties, min_size=1)) for _ in range(terms)]
    index = hand_made_index(rows, doc_count)
    query = [f"t{t}" for t in range(terms)]
    scores = index.scores(query)
    matched = sorted({p for row in rows for p in row})
    expected = sorted(matched, key=lambda p: (-scores[p], p))[:k]
    ids, values = index.top_k(query, k)
    assert ids.tolist() == expected
    np.testing.assert_array_equal(values, scores[expected])


@pytest.mark.parametrize("values", [{"k1": 0}, {"b": 1.5}, {"b": -0.1}, {"epsilon": -1}, {"delta": -0.5}])
def test_parameters_rank_bm25_cannot_use_are_refused(values):
    with pytest.raises(ValueError):
        BM25Settings(**values)
