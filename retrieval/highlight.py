"""Which sentence of a passage answers the question: the one covering most of its term weight."""

from __future__ import annotations

from collections.abc import Callable

from .sentences import sentence_spans


def best_sentences(
    text: str, question_terms: dict[str, float], analyze: Callable[[str], list[str]]
) -> list[tuple[int, int]]:
    """Spans of the best-matching sentence in `text` ([] when no sentence shares a term).

    `question_terms` maps each distinct question term to its weight. A sentence scores the summed
    weight of the question terms it contains; ties go to the earlier sentence.
    """
    best: tuple[float, int] = (0.0, -1)
    spans = sentence_spans(text)
    for i, (start, end) in enumerate(spans):
        terms = set(analyze(text[start:end]))
        score = sum(weight for term, weight in question_terms.items() if term in terms)
        if score > best[0]:
            best = (score, i)
    return [spans[best[1]]] if best[1] >= 0 else []
