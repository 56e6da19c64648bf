"""Whether the best passage answers a question, or the bot should say that nothing does.

A small learned model decides: `features` describes the question's searched terms and its best hit, and
`answerable` turns that into a probability-like score in 0..1; the library quotes the hit when the score
reaches `RetrievalSettings.min_coverage`. The model is fitted by `benchmarks/no_answer_fit.py` on the
tuning parts of the public sets and written, as plain arrays, to `no_answer_model.py`; here it is only
evaluated, with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from .acronyms import asked_acronym, spells_out
from .analyzer import Analyzer
from .bm25 import BM25Index
from .filler import asked_clause, sentences_of_the_asker, set_aside
from .models import Article, Passage
from .question import Question
from .understand import named_thing
from .rerank import pair_share, sentence_share
from .sentence_index import SentenceIndex

from . import no_answer_model as _model

# The trees' node arrays flattened, tree after tree: one index per tree instead of two, a third of the walk.
_FEATURE, _SPLIT, _LEFT, _RIGHT, _VALUE = (a.ravel() for a in (_model.FEATURE, _model.SPLIT, _model.LEFT,
                                                               _model.RIGHT, _model.VALUE))
_TREE_START = np.arange(len(_model.FEATURE)) * _model.FEATURE.shape[1]

# In coverage, a question term weighs this plus its idf: every word counts, a rare one up to about twice
# as much. By idf alone, in a collection about one topic the topic's words (in every passage) weigh
# nothing and an unseen "how many" weighs most: one SQuAD article as a library declined 27 % of its own
# questions, against 9 % for all 2,067 paragraphs. Chosen on SQuAD's tuning articles (benchmarks/README.md).
COVERAGE_BASE_WEIGHT = 8.0

# The features, in the order of `features`' vector, and what each one is. "idf" is a term's match weight
# (Lucene's idf, `term_weights`); "one-passage idf" that of a term found in a single passage of this
# collection, the most a known term can weigh, so that shares of it mean the same at every size.
FEATURES = (
    "coverage",  # share of the question's weight in the passage's indexed terms, a term weighing 8 + idf (0..1)
    "coverage_idf",  # the same, a term weighing its idf alone (0..1)
    "article_coverage",  # `coverage` of the hit's whole article, all its passages together (0..1)
    "unmatched_rarity",  # largest idf among the terms the passage lacks, over the question's largest (0..1)
    "sentence_share",  # the passage's best sentence's share of the question's idf weight (0..1)
    "sentence_coverage",  # the same, a term weighing 8 + idf (0..1)
    "pair_share",  # idf share of the question's adjacent term pairs side by side in the passage (0..1)
    "title_share",  # the hit's article title's share of the question's idf weight (0..1)
    "score_per_weight",  # the hit's rank-bm25 score over the question's summed idf (about -1..2.5)
    "log_score",  # log(1 + the hit's rank-bm25 score); 0 for a score <= 0 (0 up)
    "matched_specificity",  # largest idf among the matched terms over the one-passage idf (0..1)
    "matched_evidence",  # the matched terms' idf summed, over the one-passage idf (0 up)
    "log_matched",  # log(1 + how many distinct question terms the passage holds) (0 up)
    "log_terms",  # log of how many distinct terms the question has (0 up)
    "question_commonest",  # smallest idf among the question's known terms over the one-passage idf (0..1)
    "question_rarity",  # mean idf of the question's terms (unseen ones too) over the one-passage idf (0..1)
    "log_passages",  # log of how many passages the collection has (0 up)
    "asked_coverage",  # `coverage` of the asking clause's terms (`filler.asked_clause`), two at least (0..1)
)


class Searched(Protocol):
    """What the features read of a library (`Library` is one)."""

    index: BM25Index
    passages: Sequence[Passage]
    articles: Mapping[str, Article]
    analyzer: Analyzer
    sentence_index: SentenceIndex

    def passage_count(self, article_id: str) -> int: ...


def term_weights(index: BM25Index, terms: list[str]) -> dict[str, float]:
    """Each distinct term's match weight (Lucene's idf; a term the collection never saw weighs most)."""
    vocabulary = index.vocabulary
    return {t: index.match_weight(vocabulary.get(t)) for t in dict.fromkeys(terms)}


def _matched(index: BM25Index, terms: Sequence[str], passage: int) -> np.ndarray:
    vocabulary = index.vocabulary
    return np.array([t in vocabulary and index.contains(vocabulary[t], passage) for t in terms], dtype=bool)


def coverage(index: BM25Index, terms: list[str], passage: int) -> float:
    """Share of the question's term weight (8 + idf a term) among the passage's indexed terms (0 to 1)."""
    weights = term_weights(index, terms)
    base = COVERAGE_BASE_WEIGHT + np.array(list(weights.values()))
    total = float(base.sum())
    return float(base[_matched(index, list(weights), passage)].sum()) / total if total else 0.0


def features(library: Searched, search: str, passage: int, score: float) -> np.ndarray:
    """The no-answer features (`FEATURES`) of a question's searched text and its best hit.

    `search` is the question as searched (chat stripped), `passage` the hit's position in `library.passages`,
    `score` its rank-bm25 score. Only the hit and the index are read: no second search. Every feature is
    finite; `search` must hold a searchable term.
    """
    index = library.index
    search = judged_search(library, search, passage)
    terms = library.analyzer(search)
    weights = term_weights(index, terms)
    distinct = list(weights)
    idf = np.array(list(weights.values()))  # every match weight is > 0
    based = COVERAGE_BASE_WEIGHT + idf
    matched = _matched(index, distinct, passage)
    known = np.array([t in index.vocabulary for t in distinct], dtype=bool)
    single = float(np.log1p((index.doc_count - 0.5) / 1.5))  # > 0 for any collection
    hit = library.passages[passage]
    question = Question(terms, weights)
    in_article = matched | _in_article(library, distinct, passage, ~matched & known)
    asked = _asked_terms(library, search, distinct)
    sentences = library.sentence_index.sentences(passage).terms
    values = {
        "coverage": based[matched].sum() / based.sum(),
        "coverage_idf": idf[matched].sum() / idf.sum(),
        "article_coverage": based[in_article].sum() / based.sum(),
        "unmatched_rarity": idf[~matched].max(initial=0.0) / idf.max(),
        "sentence_share": sentence_share(question, sentences),
        "sentence_coverage": sentence_share(Question(terms, dict(zip(distinct, based))), sentences),
        "pair_share": pair_share(question, sentences),
        "title_share": question.share(library.analyzer(library.articles[hit.article_id].title)),
        "score_per_weight": score / idf.sum(),
        "log_score": math.log1p(max(score, 0.0)),
        "matched_specificity": min(1.0, idf[matched].max(initial=0.0) / single),
        "matched_evidence": idf[matched].sum() / single,
        "log_matched": math.log1p(int(matched.sum())),
        "log_terms": math.log(len(distinct)),
        "question_commonest": min(1.0, idf[known].min() / single) if known.any() else 1.0,
        "question_rarity": min(1.0, idf.mean() / single),
        "log_passages": math.log(index.doc_count),
        "asked_coverage": based[matched & asked].sum() / based[asked].sum(),
    }
    return np.array([values[name] for name in FEATURES], dtype=float)


def judged_search(library: Searched, search: str, passage: int) -> str:
    """`search` as the hit `passage` is judged by: without what may be chat around the question. A sentence
    around the one that asks and speaks of the asker (`filler.sentences_of_the_asker`) is set aside when the
    passage holds under `ASKER_SENTENCE_HELD` of its weight ("brain is fried after a 12 hour shift so bear with
    me."); what else may be chat (`filler.set_aside`) where the passage holds none of its terms. "what does
    phycoerythrin appear in is driving me nuts" is judged as "what does phycoerythrin appear in" when the
    passage says nothing of driving or nuts; "who did my cousin marry" stays whole when it speaks of a cousin."""
    index, vocabulary = library.index, library.index.vocabulary
    kept = list(search)
    for start, end in sentences_of_the_asker(search):
        weights = term_weights(index, library.analyzer(search[start:end]))
        held = sum(w for t, w in weights.items() if t in vocabulary and index.contains(vocabulary[t], passage))
        if held < ASKER_SENTENCE_HELD * sum(weights.values()):
            kept[start:end] = " " * (end - start)
    for group in set_aside(search):
        for start, end in group:
            if not any(t in vocabulary and index.contains(vocabulary[t], passage) for t in library.analyzer(search[start:end])):
                kept[start:end] = " " * (end - start)
                break
    judged = " ".join("".join(kept).split())
    return judged if library.analyzer(judged) else search


# A sentence of the asker's holds what the question is about when the passage holds this share of its weight
# ("My cousin married a prince. Who was he?"). Chosen on SQuAD's tuning part with the "dev" chat templates:
# 0.34, 0.5, 0.67 and always setting it aside declined 9.04, 9.08, 9.11 and 9.15 % (10.34 % before).
ASKER_SENTENCE_HELD = 0.5


def _asked_terms(library: Searched, search: str, distinct: list[str]) -> np.ndarray:
    """Which of the question's `distinct` terms its asking clause holds (`asked_clause`: "my cousin asked me
    what the capital of Peru is, lol" -> "what the capital of Peru is"): the words of a chat message that its
    stripping missed lie mostly outside it. Every term when there is no such clause or it holds fewer than two."""
    clause = set(library.analyzer(asked_clause(search)))
    held = np.array([t in clause for t in distinct], dtype=bool)
    return held if held.sum() >= 2 else np.ones(len(distinct), dtype=bool)


def _in_article(library: Searched, terms: list[str], passage: int, asked: np.ndarray) -> np.ndarray:
    """Which of `terms` (those `asked` about, each known to the index) some passage of `passage`'s article holds.

    An article's passages are numbered one after another, from its first (ordinal 0).
    """
    hit = library.passages[passage]
    first = passage - hit.ordinal
    last = first + library.passage_count(hit.article_id)
    arrays = library.index.arrays
    found = np.zeros(len(terms), dtype=bool)
    for n in np.flatnonzero(asked):
        row = arrays.indices[arrays.row(library.index.vocabulary[terms[n]])]
        found[n] = np.searchsorted(row, first) < np.searchsorted(row, last)
    return found


def answerable(vector: np.ndarray) -> float:
    """The model's probability-like score (0..1) that the best hit answers the question.

    A gradient-boosted tree ensemble (`no_answer_model.py`): every tree walks from its root, going left
    where the feature is at most the node's threshold, to a leaf; the leaves' values are summed onto
    the bias and squashed by the logistic function. Features are compared as 64-bit floats, as
    scikit-learn compares them, so the score is the fitted model's own.
    """
    if _model.FEATURES != FEATURES:
        raise RuntimeError("no_answer_model.py was fitted on other features: run python -m benchmarks.no_answer_fit")
    x = np.asarray(vector, dtype=np.float64)
    at = _TREE_START  # every tree at its root, as positions in the flattened node arrays
    for _ in range(_model.DEPTH):
        go_left = x[_FEATURE[at]] <= _SPLIT[at]
        at = _TREE_START + np.where(go_left, _LEFT[at], _RIGHT[at])
    # One tree after another, as scikit-learn adds them (cumsum is sequential), so rounding agrees.
    raw = float(np.cumsum(np.concatenate(([_model.BIAS], _VALUE[at])))[-1])
    return 1.0 / (1.0 + math.exp(-raw))


def score(library: Searched, search: str, passage: int, bm25: float) -> float:
    """The score the library compares with its threshold: `answerable` for the searched text and the hit
    `passage` (rank-bm25 score `bm25`), or 0 when nothing was searched or the hit holds under `MIN_EVIDENCE`;
    1 for a question about a rare name that the hit holds (`holds_the_name`)."""
    if not library.analyzer(search):
        return 0.0
    if holds_the_name(library, search, passage) or spells_out_the_acronym(library, search, passage):
        return 1.0
    return floored(answerable(vector := features(library, search, passage, bm25)), vector)


# "What is Nexus?" asks what a name is, and a passage holding that name, where few passages do, is what a member
# asking means: quoted, whatever the trees say. They decline most such questions (0.76 of one per SQuAD paragraph
# about a name it mentions: their rows are few among the fitted ones), and fitted on them the model costs the
# tracked targets (benchmarks/README.md, "No answer"). Few: in at most `RARE_PASSAGES` passages, or (in a large
# collection) an idf at least `RARE_NAME` of the one-passage idf (at most about 6 of SQuAD's 3,269 passages, 22 of
# a million); "What is love?" or "Who is the president?" are the trees'.
RARE_NAME = 0.8
RARE_PASSAGES = 5


def holds_the_name(library: Searched, search: str, passage: int) -> bool:
    """Whether `search` asks only what or who something is (`understand.named_thing`), few passages hold each
    word of that name (`RARE_PASSAGES`, `RARE_NAME`), and `passage` holds them all."""
    named = library.analyzer(named_thing(search))
    index, vocabulary = library.index, library.index.vocabulary
    rare = RARE_NAME * float(np.log1p((index.doc_count - 0.5) / 1.5))

    def few_hold(term: int) -> bool:
        return int(index.arrays.df[term]) <= RARE_PASSAGES or index.match_weight(term) >= rare

    return bool(named) and all(t in vocabulary and index.contains(vocabulary[t], passage) and few_hold(vocabulary[t])
                               for t in named)


def spells_out_the_acronym(library: Searched, search: str, passage: int) -> bool:
    """Whether `search` asks what an acronym stands for and `passage` spells it out (`acronyms.py`)."""
    acronym = asked_acronym(search)
    return bool(acronym) and spells_out(acronym, library.passages[passage].text)


# A hit holding less than this share of the question's idf weight is never quoted, whatever the trees say:
# in a handful of passages about one subject, its word alone ("What is the capital of Sudan?" of four
# passages that all say "Sudan") is no evidence, and the trees, fitted on no library that small, answered
# it. Below 0.1 lie no SQuAD question on its 2,067 paragraphs and 0.2 % of those on one article alone.
MIN_EVIDENCE = 0.1


def floored(probability: float, vector: np.ndarray) -> float:
    return probability if vector[FEATURES.index("coverage_idf")] >= MIN_EVIDENCE else 0.0
