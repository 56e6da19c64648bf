"""Sentence boundaries, for splitting long paragraphs and for highlighting the answering sentence."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# Words after which a full stop rarely ends a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st mt gen col lt sgt capt rev gov sen rep pres vs etc e.g i.e u.s u.k u.n "
    "jan feb mar apr jun jul aug sep sept oct nov dec no nos fig approx inc ltd co corp dept est".split()
)
_BOUNDARY = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u00c0-\u024f])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, covering all of its non-space characters."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        before = text[start:match.start() + 1].split()
        last_word = before[-1].lower().rstrip(".!?") if before else ""
        # "U.S." or "Mr." or an initial ("J.") does not end a sentence.
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        end = match.end() - (len(match.group()) - len(match.group().rstrip()))
        spans.append((start, end))
        start = match.end()
    tail = text[start:].rstrip()
    if tail.strip():
        spans.append((start, start + len(tail)))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in spans if text[a:b].strip()]


@dataclass(frozen=True, slots=True)
class Sentences:
    """A passage's sentences, each analyzed: what the re-ranker and the highlight look at.

    Tuples, not lists: thousands of these stay cached, and the garbage collector stops tracking
    tuples of strings and numbers, so a full collection does not walk them.
    """

    spans: tuple[tuple[int, int], ...]
    terms: tuple[tuple[str, ...], ...]

    def all_terms(self) -> list[str]:
        return [t for terms in self.terms for t in terms]


@lru_cache(maxsize=4096)
def analyzed_sentences(text: str, analyze: Callable[[str], list[str]]) -> Sentences:
    """`text` cut into sentences and each one analyzed.

    Cached: every question re-ranks dozens of passages, and related questions meet the same ones again.
    """
    spans = tuple(sentence_spans(text))
    return Sentences(spans, tuple(tuple(analyze(text[a:b])) for a, b in spans))
