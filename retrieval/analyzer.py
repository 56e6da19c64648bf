"""Text to index terms: one function for passages and questions, so both sides always agree."""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, MutableMapping
from itertools import chain
from typing import TypeVar

import numpy as np
import Stemmer
from pydantic import BaseModel, ConfigDict

from . import stopwords
from .british_spellings import american
from .irregular_verbs import BASE_FORM

# Replaced one character at a time, only where present: str.translate looks every character up in a dict,
# a third of normalizing a long text.
_PUNCTUATION = (
    ("\u2018", "'"), ("\u2019", "'"), ("\u201a", "'"), ("\u201b", "'"), ("\u2032", "'"), ("`", "'"),
    ("\u201c", '"'), ("\u201d", '"'), ("\u201e", '"'), ("\u2033", '"'),
    ("\u2010", "-"), ("\u2011", "-"), ("\u2212", "-"),
    # En and em dashes separate clauses or ranges ("1990–2000"); they never join a word.
    ("\u2013", " "), ("\u2014", " "), ("\u2015", " "),
)
_LATIN_ACCENT = re.compile(r"([\u0000-\u024f])[\u0300-\u036f]+")
_ACCENT = re.compile(r"[\u0300-\u036f]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# What _THOUSANDS needs but its digit before, found by a quick scan for the comma: most texts have none.
_THOUSANDS_COMMA = re.compile(r",(?=\d{3}(?!\d))")
_TOKEN = re.compile(r"\w+(?:[-'.]\w+)*")
# Texts analyzed at once are joined by this character, which none of them holds (checked): it is no word
# character and composes with nothing, so each text's tokens are those it has alone, and it is a token of its own
# that tells where each text ends. (So is any whitespace: a text's terms are its parts' cut at whitespace.)
_SEPARATOR = "\x00"
_TOKEN_OR_SEPARATOR = re.compile(_TOKEN.pattern + r"|\x00")
_ACRONYM = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]?$")
V = TypeVar("V")
# Texts `Analyzer.numbering_many` normalizes at once, and tokenizes at once.
NORMALIZED_TOGETHER = 32
ANALYZED_TOGETHER = 8192
# Words are remembered up to this many (tens of MB), then forgotten all at once: questions are anyone's
# text, and made-up words would otherwise grow the memo for as long as the bot runs.
WORD_MEMO_LIMIT = 500_000
# Texts remembered with their terms, then forgotten all at once: an answer analyzes its question four or five
# times over (searched, weighed, judged by the no-answer model), besides a dozen words and titles of its own.
TEXT_MEMO_LIMIT = 256


class AnalyzerSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    language: str = "english"
    stopwords: bool = True
    stemming: bool = True


def normalize(text: str) -> str:
    """NFKC, ASCII quotes and hyphens, case folding, and Latin accents removed ("Café" -> "cafe")."""
    text = unicodedata.normalize("NFKC", text)
    for character, replacement in _PUNCTUATION:
        if character in text:
            text = text.replace(character, replacement)
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFD", text)
        if _ACCENT.search(text):
            text = _LATIN_ACCENT.sub(r"\1", text)
        text = unicodedata.normalize("NFC", text)
    return _THOUSANDS.sub("", text) if _THOUSANDS_COMMA.search(text) else text


def plain(text: str) -> str:
    """`text` normalized, one space between words, without the punctuation around it: what the frames of a
    question ("what does X stand for", "who wrote the X piece") are matched against."""
    return " ".join(normalize(text).split()).strip(" ?!.,;:\"'")


def _words(token: str) -> list[str]:
    """Split one raw token into the words it indexes as."""
    if token.endswith("'s"):
        token = token[:-2]
    token = token.strip("'-._")  # "___" is a blank to fill in ("___ is the capital of France"), not a word
    if not token:
        return []
    if _ACRONYM.match(token + "."):
        return [token.replace(".", "")]  # "U.S." and "US" are one term
    if "'" in token:
        token = token.replace("'", "")  # "O'Brien" -> "obrien", "don't" -> "dont"
    if "-" in token:
        parts = [p for p in token.split("-") if p]
        # "cyber-security" matches "cyber security" and "cybersecurity" alike.
        return [*parts, "".join(parts)] if len(parts) > 1 else parts
    if "." in token and not token.replace(".", "").isdigit():
        return [p for p in token.split(".") if p]
    return [token]


class Analyzer:
    """Tokenize, drop stopwords, stem (Snowball via PyStemmer)."""

    def __init__(self, settings: AnalyzerSettings | None = None) -> None:
        self.settings = settings or AnalyzerSettings()
        # No PyStemmer cache (size 0): only words new to our own memos reach the stemmer, and for words
        # it never sees twice its cache makes stemming ~6x slower and keeps another copy of every word.
        self._stemmer = Stemmer.Stemmer(self.settings.language, 0) if self.settings.stemming else None
        # Where stemming English, a verb's irregular past forms are analyzed as the verb ("began" as "begin") and
        # British spellings as American ones ("colour" as "color").
        self._english = self._stemmer is not None and self.settings.language == "english"
        self._stopwords = (
            frozenset(w for s in stopwords.ENGLISH for w in _words(normalize(s))) if self.settings.stopwords
            else frozenset()
        )
        # Word -> its term, or None for a stopword: after a while every word of a text is known.
        self._terms: dict[str, str | None] = {}
        self._recent: dict[str, tuple[str, ...]] = {}

    def words(self, text: str) -> list[str]:
        """Normalized words before stopwords and stemming (used for display-independent matching)."""
        out: list[str] = []
        for token in _TOKEN.findall(normalize(text)):
            if token.isalnum():
                out.append(token)
            else:
                out.extend(_words(token))
        return out

    def __call__(self, text: str) -> list[str]:
        terms = self._recent.get(text)
        if terms is None:
            if len(self._terms) > WORD_MEMO_LIMIT:
                self._terms = {}  # a new dict, not clear(): a call on another thread may be reading the old one
            if len(self._recent) >= TEXT_MEMO_LIMIT:
                self._recent = {}  # as above
            terms = self._recent[text] = tuple(t for t in _mapped(self.words(text), self._terms, self._terms_of)
                                               if t is not None)
        return list(terms)

    def _terms_of(self, words: list[str]) -> list[str | None]:
        stems = iter(self.stem([w for w in words if w not in self._stopwords]))
        return [None if w in self._stopwords else next(stems) for w in words]

    def _kept_words(self, text: str) -> list[str]:
        return [w for w in self.words(text) if w not in self._stopwords]

    def numbering(self, vocabulary: MutableMapping[str, int]) -> Callable[[str], list[int]]:
        """For indexing: a function from text to its terms' ids in `vocabulary`, which must number a
        term it has not seen (as `bm25.Vocabulary` does), so ids follow first appearance.

        The same terms as calling the analyzer, for one dict lookup a word instead of two (word to
        stem, stem to id): at a million passages that second lookup was over half the index build.
        """
        ids: dict[str, int] = {}

        def term_ids(text: str) -> list[int]:
            return _mapped(self._kept_words(text), ids, lambda new: map(vocabulary.__getitem__, self.stem(new)))

        return term_ids

    def numbering_many(
        self, vocabulary: MutableMapping[str, int],
    ) -> Callable[[list[str]], tuple[np.ndarray, np.ndarray]]:
        """For indexing many texts: a function from texts to (their terms' ids in `vocabulary`, one text after
        another; how many each text has), the ids `numbering` gives, numbered in the same order.

        Each token is analyzed once, however often it comes, and texts are read many at a time: one call to
        normalize and tokenize a group of texts, one dict lookup a token, and numpy to spread tokens to terms.
        """
        token_ids: dict[str, int] = {_SEPARATOR: 0}
        # Token t's term ids are flat[first[t]:first[t + 1]]; the separator (token 0) has none.
        first, flat = array("q", [0, 0]), array("i")

        def learn(tokens: list[str]) -> None:
            new = [t for t in dict.fromkeys(tokens) if t not in token_ids]
            words = [[t] if t.isalnum() else _words(t) for t in new]
            stems = iter(self.stem([w for found in words for w in found if w not in self._stopwords]))
            for token, found in zip(new, words):
                token_ids[token] = len(first) - 1
                flat.extend(vocabulary[next(stems)] for w in found if w not in self._stopwords)
                first.append(len(flat))

        def chunk_ids(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
            if any(_SEPARATOR in text for text in texts):  # one at a time
                numbered = self.numbering(vocabulary)
                found = [numbered(text) for text in texts]
                return np.fromiter(chain.from_iterable(found), np.int32), np.fromiter(map(len, found), np.int64)
            # Normalized a few texts at a time: a text with an accent takes the slow way, not its neighbours.
            normalized = [normalize(_SEPARATOR.join(texts[n:n + NORMALIZED_TOGETHER]))
                          for n in range(0, len(texts), NORMALIZED_TOGETHER)]
            tokens = _TOKEN_OR_SEPARATOR.findall(_SEPARATOR.join(normalized) + _SEPARATOR)
            try:
                ids = [token_ids[t] for t in tokens]
            except KeyError:
                learn(tokens)
                ids = [token_ids[t] for t in tokens]
            del tokens
            token = np.array(ids, np.int64)
            starts = np.array(first, np.int64)
            lengths = np.diff(starts)[token]
            ends = np.cumsum(lengths)
            at = np.repeat(starts[token] - (ends - lengths), lengths) + np.arange(ends[-1])
            return np.array(flat, np.int32)[at], np.diff(ends[token == 0], prepend=0)

        def term_ids(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
            # A chunk's tokens at a time: as strings they take several times the memory of their text.
            found = [chunk_ids(texts[n:n + ANALYZED_TOGETHER]) for n in range(0, len(texts), ANALYZED_TOGETHER)]
            return (np.concatenate([np.zeros(0, np.int32), *(ids for ids, _ in found)]),
                    np.concatenate([np.zeros(0, np.int64), *(counts for _, counts in found)]))

        return term_ids

    def stem(self, words: list[str]) -> list[str]:
        if self._stemmer is None:
            return list(words)
        if self._english:
            words = [american(BASE_FORM.get(w, w)) for w in words]
        return self._stemmer.stemWords(words)


def _mapped(words: list[str], cache: dict[str, V], values: Callable[[list[str]], Iterable[V]]) -> list[V]:
    """`cache[w]` for each of `words`, filling in the words it lacks with `values` of them, in order of
    first appearance (so that new term ids follow it)."""
    try:
        return [cache[w] for w in words]  # soon the common case: every word seen before
    except KeyError:
        new = [w for w in dict.fromkeys(words) if w not in cache]
        cache.update(zip(new, values(new)))
        return [cache[w] for w in words]
