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

Nothing is analyzed per question: the sentences and titles were analyzed when the library was built
(`sentence_index.py`) and the feedback paragraphs' terms are the index's forward rows, so each bonus is a
few numpy operations over all candidates at once. Each adds up its shares in the order the definitions
above do, one after another, so that scores and the order stay the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .acronyms import spells_out
from .bm25 import BM25Index
from .models import Passage
from .question import Question
from .sentence_index import SentenceIndex


class Candidates(Protocol):
    """What re-ranking reads of a library (`Library` is one): its passages, the index, the passages' analyzed
    sentences, and the text a passage is indexed by."""

    passages: Sequence[Passage]
    index: BM25Index
    sentence_index: SentenceIndex

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
    context: float = Field(0.5, ge=0, le=1, description=(
        "How much a word of the context around a question (\"making a quiz for my server, what year ...\") "
        "weighs in ranking, of its usual weight (1: as much as the question's own words)."))


def best_sentence_shares(index: SentenceIndex, question: Question, passages: np.ndarray) -> np.ndarray:
    """Each passage's best single sentence's share of the question's weight (0 for a passage without one)."""
    rows, passage_of = index.sentence_rows(passages)
    best = np.zeros(len(passages))
    np.maximum.at(best, passage_of, _shares(index, question, rows))
    return best


def sentence_share(question: Question, sentences: Sequence[Sequence[str]]) -> float:
    """`best_sentence_shares` of one passage, from its analyzed sentences (`SentenceIndex.sentences`): for the
    no-answer model's one hit, a few set look-ups where gathering arrays costs tens of microseconds."""
    return max((question.share(s) for s in sentences), default=0.0)


def title_shares(index: SentenceIndex, question: Question, passages: np.ndarray) -> np.ndarray:
    """Each passage's article title's share of the question's weight."""
    return _shares(index, question, index.arrays.title_row[passages])


def _shares(index: SentenceIndex, question: Question, rows: np.ndarray) -> np.ndarray:
    """`question.share` of each row's terms, to the last bit: the weights it holds are added in the
    question's order (cumsum adds one after another, as `sum` does), then divided by their total."""
    ids = index.term_ids(list(question.weights))
    if not len(ids):
        return np.zeros(len(rows))
    weights = np.array(list(question.weights.values()))
    terms, row_of = index.tokens(rows)
    order = np.argsort(ids)
    at = np.minimum(np.searchsorted(ids[order], terms), len(ids) - 1)
    held = ids[order][at] == terms
    holds = np.zeros((len(rows), len(ids)), dtype=bool)
    holds[row_of[held], order[at[held]]] = True
    total = np.cumsum(weights)[-1]
    return np.cumsum(np.where(holds, weights, 0.0), axis=1)[:, -1] / total


def pair_shares(index: SentenceIndex, question: Question, passages: np.ndarray) -> np.ndarray:
    """Each passage's weight share of the question's adjacent term pairs that stand side by side in it
    (in either order), its sentences read one after another. Added up in the question's order."""
    pairs = [(a, b) for a, b in zip(question.terms, question.terms[1:]) if a != b]
    weights = np.array([question.weights[a] + question.weights[b] for a, b in pairs])
    total = np.cumsum(weights)[-1] if pairs else 0.0
    if not total:
        return np.zeros(len(passages))
    rows, passage_of = index.sentence_rows(passages)
    terms, row_of = index.tokens(rows)
    owner = passage_of[row_of]
    first, second = index.term_ids([a for a, _ in pairs]), index.term_ids([b for _, b in pairs])
    known = (first >= 0) & (second >= 0)
    # Only pairs of the question's own terms can match: the others are left out before sorting (most of them).
    asked = np.array(sorted({*first.tolist(), *second.tolist()}))
    mine = asked[np.minimum(np.searchsorted(asked, terms), len(asked) - 1)] == terms
    # A passage's side-by-side pair as one number: (its position in `passages`, first term, second term).
    size = index.size
    side = (owner[:-1] == owner[1:]) & mine[:-1] & mine[1:]
    adjacent = np.sort(((owner[:-1] * size + terms[:-1]) * size + terms[1:])[side])
    at = np.arange(len(passages))[:, None] * size
    holds = known & (_within(adjacent, (at + first) * size + second) | _within(adjacent, (at + second) * size + first))
    return np.cumsum(np.where(holds, weights, 0.0), axis=1)[:, -1] / total


def pair_share(question: Question, sentences: Sequence[Sequence[str]]) -> float:
    """`pair_shares` of one passage, from its analyzed sentences (as `sentence_share`). Python's `sum` adds one
    after another, as cumsum does, so the two agree to the last bit."""
    pairs = [(a, b) for a, b in zip(question.terms, question.terms[1:]) if a != b]
    total = sum(question.weights[a] + question.weights[b] for a, b in pairs)
    if not total:
        return 0.0
    terms = [t for s in sentences for t in s]
    adjacent = set(zip(terms, terms[1:]))
    return sum(question.weights[a] + question.weights[b] for a, b in pairs
               if (a, b) in adjacent or (b, a) in adjacent) / total


def _within(values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Whether each of `wanted` is among `values` (sorted)."""
    at = np.searchsorted(values, wanted)
    return (at < len(values)) & (values[np.minimum(at, len(values) - 1)] == wanted) if len(values) else at < 0


def feedback_words(rows: Sequence[tuple[np.ndarray, np.ndarray]], count: int) -> tuple[np.ndarray, np.ndarray]:
    """The `count` terms with the largest average share of the feedback paragraphs, and their weights, summing
    to 1. `rows` are the paragraphs' forward rows: distinct terms in order of first appearance, frequencies.

    This is RM3's relevance model with equal weight for each feedback paragraph. As a `Counter` counts: a
    term's shares are added paragraph after paragraph, and equal weights go to the term seen first.
    """
    terms = np.concatenate([row for row, _ in rows])
    shares = np.concatenate([tf / tf.sum() for _, tf in rows])
    found, first, which = _unique_first(terms)
    weights = np.zeros(len(found))
    np.add.at(weights, which, shares)  # in order, one share after another
    seen = np.argsort(first)
    top = seen[np.argsort(-weights[seen], kind="stable")[:count]]
    if not len(top):
        return top, weights[top]
    return found[top], weights[top] / np.cumsum(weights[top])[-1]


def _unique_first(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`np.unique(values, return_index=True, return_inverse=True)` by one stable sort: np.unique hashes first in
    numpy 2.3+, three times slower at the feedback paragraphs' few hundred terms."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.concatenate(([True], ordered[1:] != ordered[:-1])) if len(values) else np.zeros(0, dtype=bool)
    which = np.empty(len(values), dtype=np.intp)
    which[order] = np.cumsum(new) - 1
    return ordered[new], order[new], which


def _feedback(library: Candidates, settings: RerankSettings, passages: list[int]) -> np.ndarray:
    """Each candidate's rank-bm25 score for the feedback words, scaled so the best has 1."""
    # The best few distinct paragraphs: the passages of one long paragraph are indexed by the same text, as
    # the build noted. Another passage with the same text (a copied article) has the same forward row too;
    # a text that merely analyzes alike is told apart by reading it.
    arrays, like = library.index.arrays, library.sentence_index.arrays.indexed_like
    chosen: list[tuple[np.ndarray, np.ndarray]] = []
    paragraphs: set[int] = set()
    alike: dict[bytes, list[int]] = {}
    for i in passages:
        if int(like[i]) in paragraphs:
            continue
        row = arrays.forward(i)
        same = alike.setdefault(row[0].tobytes() + row[1].tobytes(), [])
        text = library.indexed_text(library.passages[i]) if same else None
        if any(library.indexed_text(library.passages[j]) == text for j in same):
            continue
        same.append(i)
        paragraphs.add(int(like[i]))
        chosen.append(row)
        if len(chosen) == settings.feedback_paragraphs:
            break
    words, weights = feedback_words(chosen, settings.feedback_terms)
    if not len(words):
        return np.zeros(len(passages))
    # Word after word, as a loop over them would add them.
    scores = np.cumsum(weights[:, None] * library.index.scores_each(words.tolist(), np.asarray(passages)), axis=0)[-1]
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
    ids = np.asarray(head, dtype=np.int64)
    combined = (
        1 + (np.asarray(scores[:len(head)]) - best) / unit
        + settings.sentence * best_sentence_shares(library.sentence_index, question, ids)
        + settings.pairs * pair_shares(library.sentence_index, question, ids)
        + settings.title * title_shares(library.sentence_index, question, ids)
    )
    if settings.feedback:
        combined += settings.feedback * _feedback(library, settings, head)
    order = np.argsort(-combined, kind="stable").tolist()
    rarest = _rarest_matched(library, question)
    if rarest is not None:
        _, holds = library.index.arrays.lookup(rarest, ids)
        order = _rare_word_kept_first(order, holds.tolist(), scores)
    if question.acronym:
        # "What does AFC stand for?" is answered where it is spelled out, which no share of its words tells.
        spelled = [n for n in order if spells_out(question.acronym, library.passages[head[n]].text)]
        order = spelled + [n for n in order if n not in spelled]
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
