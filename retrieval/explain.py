"""Why an answer quoted what it quoted: the question asked again, and the quoted passage's score taken apart.

For moderators checking an answer ("Why this answer" on Discord, `python -m bot why`): the words searched,
what each added to the passage's rank-bm25 score, the no-answer model's verdict, where the passage stood by
BM25 alone and after re-ranking, and the passage that came next.

The question is asked again exactly as `Library.answer` asks it, so the explanation is of the answer the
library gives now; the passage an old answer quoted can be named (`quoted`) to explain that one instead.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from .library import Library
from .no_answer import holds_the_name, judged_search
from .understand import Fact, FollowUp, Kind, understand


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class TermContribution(_Frozen):
    """One searched term (analyzed: lower case, stemmed) and what it adds to the passage's score."""

    term: str
    contribution: float = Field(description="What this occurrence of the term adds to the rank-bm25 score.")
    in_passage: int = Field(description="How many times the passage's indexed text holds the term.")
    passages_with_it: int = Field(description="How many passages of the collection hold the term (0: none).")


class RankedPassage(_Frozen):
    """A passage as the question ranked it."""

    article_id: str
    title: str
    passage: int = Field(description="0-based position of the passage within its article.")
    passage_count: int
    score: float = Field(description="Its rank-bm25 score for the searched terms.")
    bm25_rank: int | None = Field(description="1-based rank by BM25 alone; None when it shares no searched term.")
    rank: int | None = Field(description="1-based rank in the answer (after re-ranking); None when not among them.")


class Explanation(_Frozen):
    """A question asked again and the quoted passage's score taken apart.

    `terms` are the searched terms in the question's order, a repeated term once per occurrence, as
    rank-bm25 adds them: the score is `floor` plus their contributions summed in that order, to the last bit.
    """

    question: str
    searched: str = Field(description="The text searched: the question without the chat around it.")
    judged: str = Field("", description="The text the no-answer model read with the best passage: `searched` "
                        "without what may be chat around the question and the passage holds none of.")
    named: bool = Field(False, description="Whether the question asks only what a name is, and the best passage "
                        "holds that name, which few passages do (`no_answer.holds_the_name`): quoted by rule.")
    kind: Kind
    fact: Fact
    terms: list[TermContribution]
    floor: float = Field(0.0, description="BM25Plus's idf * delta for every known term (0 for BM25Okapi, BM25L).")
    quoted: RankedPassage | None = Field(description="The passage explained; None when nothing was quoted.")
    runner_up: RankedPassage | None = Field(description="The best other passage of the answer.")
    answers_now: bool = Field(True, description="Whether `quoted` is the answer's first passage when asked now.")
    candidates: int = Field(description="How many passages share at least one searched term.")
    answerable: float = Field(description="The no-answer model's score for the answer's best passage (0..1).")
    threshold: float = Field(description="retrieval.min_coverage: the passage is quoted at this score or above.")
    coverage: float = Field(description="Share of the question's term weight the best passage matches (0..1).")
    no_answer: bool

    @property
    def score(self) -> float:
        """The quoted passage's score, as its contributions add up to it."""
        total = 0.0
        for term in self.terms:
            total += term.contribution
        return total + self.floor

    def lines(self) -> list[str]:
        """The explanation as plain text lines, for a terminal or a code block."""
        out = [f"Question: {self.question}"]
        if self.kind == "small_talk":
            return [*out, f"Small talk ({self.fact}): nothing is searched, a short reply says how to ask."]
        if self.searched != self.question:
            out.append(f"Searched: {self.searched}")
        if self.kind != "passage":
            out.append(f"Read as a question about the articles ({self.fact}): answered from the article it names, "
                       "not ranked by BM25; the quoted passage is scored here all the same.")
        if self.quoted is None:
            searched = ", ".join(t.term for t in self.terms)
            return [*out, f"Nothing was quoted: no passage holds a searched term ({searched})." if searched else
                    "Nothing was searched: the question has no word left once common words are dropped."]
        quoted = self.quoted
        out.append(f"Quoted: {_named(quoted)}")
        if not self.answers_now:
            out.append("  (asked now, the answer would quote another passage first)")
        out.append(f"  rank {_rank(quoted.bm25_rank)} by BM25 alone, {_rank(quoted.rank)} after re-ranking, "
                   f"of {self.candidates} passage{'s' if self.candidates != 1 else ''} holding a searched term")
        width = max(len("term"), *(len(t.term) for t in self.terms))
        out.append(f"  {'term':<{width}}  in passage  passages with it  contribution")
        for term in self.terms:
            out.append(f"  {term.term:<{width}}  {term.in_passage:>10}  {term.passages_with_it:>16}  "
                       f"{term.contribution:>12.4f}")
        if self.floor:
            out.append(f"  {'(BM25Plus floor)':<{width + 32}}{self.floor:>12.4f}")
        out.append(f"  {'BM25 score':<{width + 32}}{quoted.score:>12.4f}")
        if self.kind == "passage":
            verdict = "not quoted, the bot said it couldn't find an answer" if self.no_answer else "quoted"
            out.append(f"No-answer model: {self.answerable:.2f} against the threshold {self.threshold:.2f}: "
                       f"{verdict}")
            if self.named:
                out.append("  a question about a name that few passages hold, and this one holds it: quoted by rule")
            if self.judged and self.judged != " ".join(self.searched.split()):
                out.append(f"  judged as: {self.judged} (the rest may be chat, and the best passage has none of it)")
        out.append(f"Coverage: {self.coverage:.0%} of the question's term weight")
        if self.runner_up is None:
            out.append("Runner-up: none")
        else:
            out.append(f"Runner-up: {_named(self.runner_up)}, BM25 score {self.runner_up.score:.4f}, rank "
                       f"{_rank(self.runner_up.bm25_rank)} by BM25 alone, {_rank(self.runner_up.rank)} after "
                       "re-ranking")
        return out


def _named(passage: RankedPassage) -> str:
    return f"{passage.title}, passage {passage.passage + 1} of {passage.passage_count}"


def _rank(rank: int | None) -> str:
    return "-" if rank is None else str(rank)


def explain(library: Library, question: str, follow_up: FollowUp | None = None, *,
            quoted: FollowUp | None = None) -> Explanation:
    """Ask `question` again (as a reply to the answer `follow_up` when it was one) and explain the answer.

    The passage explained is `quoted` (an article and passage, as an answer's footer names them) when the
    library still has it, else the one the answer quotes now.
    """
    asked = understand(question, follow_up)
    # Enough hits to see every re-ranked passage: the order of the first few does not depend on k.
    answer = library.answer(question, max(library.settings.rerank.depth, 2), follow_up)
    searched = library.spelled(asked.search) if asked.search else question
    bm25 = _Bm25Ranks(library, library.analyzer(searched) if asked.kind != "small_talk" else [])
    order = [(h.article.id, h.passage.ordinal) for h in answer.hits]

    def ranked(article_id: str, ordinal: int) -> RankedPassage:
        passage = bm25.passage_id(article_id, ordinal)
        return RankedPassage(article_id=article_id, title=library.articles[article_id].title, passage=ordinal,
                             passage_count=library.passage_count(article_id), score=bm25.score(passage),
                             bm25_rank=bm25.rank(passage),
                             rank=order.index((article_id, ordinal)) + 1 if (article_id, ordinal) in order else None)

    target = order[0] if order else None
    if quoted is not None and 0 <= quoted.passage < library.passage_count(quoted.article_id):
        target = (quoted.article_id, quoted.passage)
    others = [key for key in order if key != target]
    best = bm25.passage_id(*order[0]) if order and answer.kind == "passage" else None
    judged = judged_search(library, searched, best) if best is not None else ""
    named = best is not None and holds_the_name(library, searched, best)
    return Explanation(
        question=question, searched=searched, judged=judged, named=named, kind=answer.kind, fact=answer.fact,
        terms=bm25.contributions(bm25.passage_id(*target) if target else None), floor=bm25.floor,
        quoted=ranked(*target) if target else None, runner_up=ranked(*others[0]) if others else None,
        answers_now=bool(order) and target == order[0], candidates=bm25.candidates, answerable=answer.answerable,
        threshold=library.settings.min_coverage, coverage=answer.coverage, no_answer=answer.no_answer,
    )


class _Bm25Ranks:
    """Every passage's rank-bm25 score for `terms`, ranks by that score alone, and one passage's score by term."""

    def __init__(self, library: Library, terms: list[str]) -> None:
        self.library, self.terms = library, terms
        index = library.index
        self.scores = index.scores(terms)
        known = index.term_ids(terms)
        # BM25Plus gives every passage idf * delta for each known term, matched or not (`BM25Index._floor_total`).
        plus = index.settings.variant == "bm25plus" and known
        self.floor = float(np.sum(index.arrays.idf[known] * index.settings.delta)) if plus else 0.0
        self.matched = np.zeros(index.doc_count, dtype=bool)
        for term in set(known):
            self.matched[index.arrays.indices[index.arrays.row(term)]] = True
        self.candidates = int(self.matched.sum())

    def passage_id(self, article_id: str, ordinal: int) -> int:
        # Passages are stored article after article (`Library._adopt_passages`).
        return self.library._first_passage[article_id] + ordinal

    def score(self, passage: int) -> float:
        return float(self.scores[passage])

    def rank(self, passage: int) -> int | None:
        """1-based, as `BM25Index.top_k` orders: by score, equal scores in passage order, matching passages only."""
        if not self.matched[passage]:
            return None
        score, ids = self.scores[passage], np.flatnonzero(self.matched)
        others = self.scores[ids]
        return 1 + int(np.sum(others > score)) + int(np.sum((others == score) & (ids < passage)))

    def df(self, term: str) -> int:
        vocabulary = self.library.index.vocabulary
        return int(self.library.index.arrays.df[vocabulary[term]]) if term in vocabulary else 0

    def contributions(self, passage: int | None) -> list[TermContribution]:
        """Each searched term's addition to the passage's score, in the order rank-bm25 adds them (no passage: 0)."""
        index = self.library.index
        arrays, vocabulary = index.arrays, index.vocabulary
        library = self.library
        counts = [] if passage is None else library.analyzer(library.indexed_text(library.passages[passage]))
        found = []
        for term in self.terms:
            weight = 0.0
            if term in vocabulary and passage is not None:
                at, held = arrays.lookup(vocabulary[term], np.array([passage]))
                weight = float(arrays.weights[arrays.row(vocabulary[term])][at[0]]) if held[0] else 0.0
            found.append(TermContribution(term=term, contribution=weight, in_passage=counts.count(term),
                                          passages_with_it=self.df(term)))
        return found
