"""Whether the best passage answers a question, or the bot should say that nothing does.

Today's rule: the best passage's coverage, the share of the question's term weight among its indexed
terms, must reach `RetrievalSettings.min_coverage`.
"""

from __future__ import annotations

from .bm25 import BM25Index

# In coverage, a question term weighs this plus its idf: every word counts, a rare one up to about twice
# as much. By idf alone, in a collection about one topic the topic's words (in every passage) weigh
# nothing and an unseen "how many" weighs most: one SQuAD article as a library declined 27 % of its own
# questions, against 9 % for all 2,067 paragraphs. Chosen on SQuAD's tuning articles (benchmarks/README.md).
COVERAGE_BASE_WEIGHT = 8.0


def term_weights(index: BM25Index, terms: list[str]) -> dict[str, float]:
    """Each distinct term's match weight (Lucene's idf; a term the collection never saw weighs most)."""
    vocabulary = index.vocabulary
    return {t: index.match_weight(vocabulary.get(t)) for t in dict.fromkeys(terms)}


def coverage(index: BM25Index, terms: list[str], passage: int) -> float:
    """Share of the question's term weight (8 + idf a term) among the passage's indexed terms (0 to 1)."""
    weights = {t: COVERAGE_BASE_WEIGHT + w for t, w in term_weights(index, terms).items()}
    total = sum(weights.values())
    vocabulary = index.vocabulary
    matched = sum(w for t, w in weights.items() if t in vocabulary and index.contains(vocabulary[t], passage))
    return matched / total if total else 0.0
