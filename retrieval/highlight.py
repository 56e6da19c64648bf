"""Which sentence of a passage answers the question: the one holding most of the question's rare words."""

from __future__ import annotations

import math
from collections import Counter

from .question import Question
from .sentences import Sentences


def best_sentences(question: Question, sentences: Sentences) -> list[tuple[int, int]]:
    """Spans of the best-matching sentence ([] when no sentence shares a term with the question).

    A sentence scores the weight of the question terms it holds, each weight scaled by a sentence-level
    idf, log(1 + sentences / sentences holding the term): the topic word that every sentence repeats
    cannot tell them apart. Ties go to the earlier sentence.
    """
    # In the question's order, not a set's: sums in set order depend on the process's string hashes, so
    # near-equal sentences could be highlighted differently from one run to the next.
    held = [[t for t in question.weights if t in found] for found in map(set, sentences.terms)]
    spread = Counter(t for terms in held for t in terms)
    best: tuple[float, int] = (0.0, -1)
    for i, terms in enumerate(held):
        score = sum(question.weights[t] * math.log1p(len(held) / spread[t]) for t in terms)
        if score > best[0]:
            best = (score, i)
    return [sentences.spans[best[1]]] if best[1] >= 0 else []
