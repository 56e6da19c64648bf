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
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .analyzer import Analyzer
from .bm25 import BM25Index
from .models import Article, Passage
from .question import Question
from .sentences import Sentences, analyzed_sentences



class Candidates(Protocol):
    """What re-ranking reads of a library (`Library` is one): the passages, their articles and text, the index."""

    passages: Sequence[Passage]
    articles: Mapping[str, Article]
    analyzer: Analyzer
    index: BM25Index

    def indexed_text(self, passage: Passage) -> str: ...


class RerankSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    depth: int = Field(30, ge=0, description="How many of BM25's best passages are re-ordered (0: none).")
    sentence: float = Field(0.5, ge=0, description="Weight of the best sentence's share of the question.")
    pairs: float = Field(0.2, ge=0, description="Weight of the share of question word pairs found side by side.")
    title: float = Field(0.5, ge=0, description="Weight of the article title's share of the question.")
    feedback: float = Field(0.3, ge=0, description="Weight of the pseudo-relevance feedback score.")
    feedback_paragraphs: int = Field(5, ge=1, description="How many of the best paragraphs give feedback words.")
    feedback_terms: int = Field(20, ge=1, description="How many feedback words are used.")


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


def _feedback(library: Candidates, settings: RerankSettings, passages: list[int]) -> np.ndarray:
    """Each candidate's rank-bm25 score for the feedback words, scaled so the best has 1."""
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


def rerank(library: Candidates, settings: RerankSettings, question: Question, passages: list[int],
           scores: list[float]) -> list[int]:
    """Positions in `passages` (BM25's best first) in the new order.

    Past `depth`, and between equal scores, BM25's order stays.
    """
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
        combined += settings.feedback * _feedback(library, settings, head)
    order = np.argsort(-combined, kind="stable").tolist()
    rarest = _rarest_matched(library, question)
    if rarest is not None:
        holds = [library.index.contains(rarest, i) for i in head]
        order = _rare_word_kept_first(order, holds, scores)
    return order + list(range(len(head), len(passages)))


def _rarest_matched(library: Candidates, question: Question) -> int | None:
    """The id of the question's rarest term that the collection holds (None for a one-term question)."""
    vocabulary = library.index.vocabulary
    known = [t for t in question.weights if t in vocabulary]
    if len(known) < 2:
        return None
    return vocabulary[max(known, key=lambda t: question.weights[t])]


def _rare_word_kept_first(order: list[int], holds: list[bool], scores: Sequence[float]) -> list[int]:
    """`order`, except that a passage lacking the question's rarest word never goes above one holding it
    that BM25 scored higher.

    The rarest word is usually what the question is about ("huawei" in "huawei years agreement"); the
    bonuses reward sharing the common words, and may otherwise lift a passage without it. BM25 weighs the
    rare word already, so where BM25 itself ranks the passage without it higher, that evidence stands.
    """
    with_word = [n for n in order if holds[n]]
    without = [n for n in order if not holds[n]]
    merged: list[int] = []
    while with_word and without:
        n = without[0]
        if order.index(n) < order.index(with_word[0]) and all(scores[n] >= scores[m] for m in with_word):
            merged.append(without.pop(0))
        else:
            merged.append(with_word.pop(0))
    return merged + with_word + without
