"""The context around a question counts for less in ranking.

"making a quiz for my server and want to double check. what year did beyonce win her first grammy?" asks about
Beyonce; its first sentence says why the member asks. Its words are still searched (a context may name the
subject: "i'm reading about the black death. when did it start?"), but in ranking each weighs
`RerankSettings.context` of its usual weight, so that "quiz" and "server" do not pull up a passage about a quiz
night. Which words are context is `filler.context_spans`' call; every hit keeps its exact rank-bm25 score.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .analyzer import Analyzer
from .bm25 import BM25Index
from .filler import context_spans


def context_terms(analyzer: Analyzer, search: str) -> set[str]:
    """The terms of `search` found only in the context around its question ({} when it has none, or when
    all of it would be context)."""
    spans = context_spans(search)
    if not spans:
        return set()
    kept = list(search)
    for start, end in spans:
        kept[start:end] = " " * (end - start)
    asked = set(analyzer("".join(kept)))
    return {t for t in analyzer(search) if t not in asked} if asked else set()


def ranking_weights(weights: dict[str, float], context: set[str], share: float) -> dict[str, float]:
    """Each term's weight as ranking counts it: a context term's times `share`."""
    return {t: w * share if t in context else w for t, w in weights.items()}


def ranking_scores(index: BM25Index, terms: Sequence[str], context: set[str], share: float,
                   passages: Sequence[int], scores: Sequence[float]) -> np.ndarray:
    """The passages' rank-bm25 `scores` for `terms` with each context term's part counted `share` times (BM25
    adds up one part per query term)."""
    if not context:
        return np.asarray(scores, dtype=float)
    part = index.scores_of([t for t in terms if t in context], passages)
    return np.asarray(scores, dtype=float) - (1 - share) * part
