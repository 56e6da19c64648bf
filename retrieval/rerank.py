"""Re-ranking BM25's best passages by lexical evidence that a bag of words cannot see.

BM25 (rank-bm25's exact scores) chooses the candidates and stays the backbone of the order. Each of the
best `depth` candidates then gets bonuses, each a share between 0 and 1 so that a weight means the same
on every collection:

- sentence: the best single sentence's share of the question's term weight. A passage that answers a
  question usually does so in one sentence that echoes most of it; one that merely mentions its words
  scatters them over the paragraph.
- pairs: the weight share of the question's adjacent term pairs ("Black Death", "Super Bowl") that are
  adjacent in the passage too (in either order: questions invert phrases).
- title: the title's share of the question's term weight; the title says what the whole article is about.
- feedback: pseudo-relevance feedback (RM3-like, without a second search). The words that dominate the
  best few paragraphs are the vocabulary of the question's topic; each candidate is scored by rank-bm25's
  own per-term scores for those words.

    order by: bm25 / best bm25 + sum(weight * bonus)

The weights were chosen on tuning splits only; benchmarks/README.md ("## Quality") has the measurements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .sentences import Sentences, analyzed_sentences

if TYPE_CHECKING:
    from .library import Library


class RerankSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    depth: int = Field(30, ge=0, description="How many of BM25's best passages are re-ordered (0: none).")
    sentence: float = Field(0.5, ge=0, description="Weight of the best sentence's share of the question.")
    pairs: float = Field(0.2, ge=0, description="Weight of the share of question word pairs found side by side.")
    title: float = Field(0.5, ge=0, description="Weight of the article title's share of the question.")
    feedback: float = Field(0.3, ge=0, description="Weight of the pseudo-relevance feedback score.")
    feedback_paragraphs: int = Field(5, ge=1, description="How many of the best paragraphs give feedback words.")
    feedback_terms: int = Field(20, ge=1, description="How many feedback words are used.")


@dataclass(frozen=True)
class Question:
    """A question's analyzed terms in order, and each distinct term's weight (rarer weighs more)."""

    terms: list[str]
    weights: dict[str, float]

    def share(self, terms: Iterable[str]) -> float:
        """Share of the question's weight among `terms` (0 to 1)."""
        total = sum(self.weights.values())
        found = set(terms)
        return sum(w for t, w in self.weights.items() if t in found) / total if total else 0.0


def best_sentence_share(question: Question, sentences: Sentences) -> float:
    return max((question.share(terms) for terms in sentences.terms), default=0.0)


def pair_share(question: Question, terms: Sequence[str]) -> float:
    """Weight share of the question's adjacent term pairs that stand side by side in `terms`."""
    pairs = [(a, b) for a, b in zip(question.terms, question.terms[1:]) if a != b]
    total = sum(question.weights[a] + question.weights[b] for a, b in pairs)
    if not total:
        return 0.0
    adjacent = set(zip(terms, terms[1:]))
    found = sum(question.weights[a] + question.weights[b] for a, b in pairs
                if (a, b) in adjacent or (b, a) in adjacent)
    return found / total


def feedback_words(paragraphs: Iterable[Sequence[str]], count: int) -> dict[str, float]:
    """The `count` words with the largest average share of the feedback paragraphs, weights summing to 1.

    This is RM3's relevance model with equal weight for each feedback paragraph.
    """
    weights: Counter[str] = Counter()
    for terms in paragraphs:
        for term, n in Counter(terms).items():
            weights[term] += n / len(terms)
    chosen = weights.most_common(count)
    total = sum(w for _, w in chosen)
    return {t: w / total for t, w in chosen}


def _feedback(library: Library, passages: list[int]) -> np.ndarray:
    """Each candidate's rank-bm25 score for the feedback words, scaled so the best has 1."""
    settings = library.settings.rerank
    # The best few distinct paragraphs: the passages of one long paragraph are indexed by the same text.
    paragraphs: dict[str, None] = {}
    for i in passages:
        passage = library.passages[i]
        paragraphs[library.indexed_text(passage)] = None
        if len(paragraphs) == settings.feedback_paragraphs:
            break
    words = feedback_words((library.analyzer(text) for text in paragraphs), settings.feedback_terms)
    scores = np.zeros(len(passages))
    for word, weight in words.items():
        scores += weight * library.index.scores_of([word], passages)
    best = scores.max(initial=0.0)
    return scores / best if best > 0 else scores


def rerank(library: Library, question: Question, passages: list[int], scores: list[float]) -> list[int]:
    """Positions in `passages` (BM25's best first) in the new order.

    Past `depth`, and between equal scores, BM25's order stays.
    """
    settings = library.settings.rerank
    head = passages[:settings.depth]
    if not head:
        return list(range(len(passages)))
    # bm25 / best bm25, also where the best is <= 0 (rank-bm25 on a collection of one or two passages).
    best, unit = scores[0], abs(scores[0]) or 1.0
    titles: dict[str, float] = {}
    combined = np.zeros(len(head))
    for n, i in enumerate(head):
        passage = library.passages[i]
        if passage.article_id not in titles:
            titles[passage.article_id] = question.share(library.analyzer(library.articles[passage.article_id].title))
        sentences = analyzed_sentences(passage.text, library.analyzer)
        combined[n] = (
            1 + (scores[n] - best) / unit
            + settings.sentence * best_sentence_share(question, sentences)
            + settings.pairs * pair_share(question, sentences.all_terms())
            + settings.title * titles[passage.article_id]
        )
    if settings.feedback:
        combined += settings.feedback * _feedback(library, head)
    return np.argsort(-combined, kind="stable").tolist() + list(range(len(head), len(passages)))
