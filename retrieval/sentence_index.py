"""Every passage's sentences and its article's title, analyzed once when the library is built.

Re-ranking reads the sentences of BM25's best 30 passages for every question; analyzing them again each
time was most of the cost of an answer (benchmarks/README.md, "Cost"). Here they are term ids in flat
arrays, saved with the index and memory-mapped when it is loaded, so a question only gathers rows.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np

from .analyzer import Analyzer
from .bm25 import Vocabulary
from .bm25.arrays import ranges
from .models import Article, Passage
from .sentences import Sentences, sentence_spans

# How many passages' sentences `SentenceIndex.sentences` keeps: those of the last few answers.
RECENT_PASSAGES = 64


@dataclass(frozen=True, eq=False)
class SentenceArrays:
    """Rows of term ids: every passage's sentences, passage after passage, then every article's title.

    Passage p's sentences are rows `first_sentence[p]` to `first_sentence[p + 1]`, at the character
    spans `sentence_spans[row]` of its text; `title_row[p]` is the row of its article's title. Row r's
    terms are `row_terms[row_bounds[r]:row_bounds[r + 1]]`, each the index's id for it or, past the index's
    vocabulary, one of the few terms no passage is indexed by (a word cut where an over-long sentence is cut).

    `indexed_like[p]` is the first of the passages before p, one after another, indexed by the same text as
    p (the passages of one long paragraph): the re-ranker's feedback counts that text once, without reading it.
    """

    first_sentence: np.ndarray
    sentence_spans: np.ndarray
    row_bounds: np.ndarray
    row_terms: np.ndarray
    title_row: np.ndarray
    indexed_like: np.ndarray

    @classmethod
    def names(cls) -> list[str]:
        """The arrays' names: the files a saved index keeps them in."""
        return [f.name for f in fields(cls)]


class SentenceIndex:
    """The arrays, and the vocabulary their term ids are numbered in (the index's, then `extra_terms`)."""

    def __init__(self, arrays: SentenceArrays, vocabulary: Mapping[str, int], extra_terms: Sequence[str]) -> None:
        self.arrays = arrays
        self.extra_terms = list(extra_terms)
        self._vocabulary = vocabulary
        self._extra = {t: len(vocabulary) + n for n, t in enumerate(self.extra_terms)}
        self.size = len(vocabulary) + len(self.extra_terms)
        # The terms by id, listed when a passage's sentences are first read (the list is shared with the cache).
        self._words: list[str] = []
        # The recent passages' sentences: an answer reads its best hit's twice (the highlight, the no-answer
        # features). Not a bound method, so that a replaced library is freed without the garbage collector.
        self._recent: Callable[[int], Sentences] = functools.lru_cache(maxsize=RECENT_PASSAGES)(
            functools.partial(_passage_sentences, arrays, self._words, vocabulary, self.extra_terms))

    @classmethod
    def build(cls, passages: Sequence[Passage], articles: Mapping[str, Article], analyzer: Analyzer,
              vocabulary: Mapping[str, int], indexed_text: Callable[[Passage], str]) -> SentenceIndex:
        """Cut every passage into sentences and analyze each, as the highlight reads them, and each title;
        `indexed_text` is the text each passage is indexed by."""
        numbered = Vocabulary(vocabulary)  # a term the index lacks is numbered past its vocabulary
        term_ids = analyzer.numbering(numbered)
        first_sentence, spans, lengths, terms = array("q", [0]), array("i"), array("q"), array("i")
        titles: list[list[int]] = []
        title_of, like = array("q"), array("i")
        article_id = previous = None
        for passage in passages:
            indexed = indexed_text(passage)
            like.append(like[-1] if indexed == previous else len(like))
            previous = indexed
            if passage.article_id != article_id:  # an article's passages come one after another
                article_id = passage.article_id
                titles.append(term_ids(articles[article_id].title))
            title_of.append(len(titles) - 1)
            text = passage.text
            for start, end in sentence_spans(text):
                found = term_ids(text[start:end])
                terms.extend(found)
                lengths.append(len(found))
                spans.extend((start, end))
            first_sentence.append(len(lengths))
        sentences = len(lengths)
        for found in titles:
            terms.extend(found)
            lengths.append(len(found))
        rows = np.zeros(len(lengths) + 1, np.int64)
        np.cumsum(np.frombuffer(lengths, np.int64), out=rows[1:])
        arrays = SentenceArrays(
            first_sentence=np.frombuffer(first_sentence, np.int64),
            sentence_spans=np.frombuffer(spans, np.int32).reshape(-1, 2),
            row_bounds=rows, row_terms=np.frombuffer(terms, np.int32),
            title_row=np.frombuffer(title_of, np.int64) + sentences, indexed_like=np.frombuffer(like, np.int32),
        )
        return cls(arrays, vocabulary, list(numbered)[len(vocabulary):])

    def term_ids(self, terms: Sequence[str]) -> np.ndarray:
        """Each term's id; -1 for one no passage holds."""
        vocabulary, extra = self._vocabulary, self._extra
        return np.array([vocabulary.get(t, extra.get(t, -1)) for t in terms], dtype=np.int64)

    def sentence_rows(self, passages: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the rows of the passages' sentences, in order; the position in `passages` of each row's passage)."""
        first = self.arrays.first_sentence
        return ranges(first[passages], first[passages + 1])

    def tokens(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the rows' terms one after another; the position in `rows` of each term's row)."""
        bounds = self.arrays.row_bounds
        at, row = ranges(bounds[rows], bounds[rows + 1])
        return self.arrays.row_terms[at], row

    def sentences(self, passage: int) -> Sentences:
        """The passage's sentences as the highlight reads them: spans in its text, and their terms."""
        return self._recent(passage)


def _passage_sentences(arrays: SentenceArrays, words: list[str], vocabulary: Mapping[str, int],
                       extra_terms: list[str], passage: int) -> Sentences:
    if not words:
        words[:] = [*vocabulary, *extra_terms]  # ids number the terms in this order
    first, end = int(arrays.first_sentence[passage]), int(arrays.first_sentence[passage + 1])
    bounds = arrays.row_bounds[first:end + 1].tolist()
    terms = list(map(words.__getitem__, arrays.row_terms[bounds[0]:bounds[-1]].tolist()))
    offset = bounds[0]
    return Sentences(
        tuple(map(tuple, arrays.sentence_spans[first:end].tolist())),
        tuple(tuple(terms[a - offset:b - offset]) for a, b in zip(bounds, bounds[1:])),
    )
