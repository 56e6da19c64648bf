"""Sentence boundaries, for splitting long paragraphs and for highlighting the answering sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    """A passage's sentences, each analyzed (`sentence_index.SentenceIndex.sentences`): what the highlight reads."""

    spans: tuple[tuple[int, int], ...]
    terms: tuple[tuple[str, ...], ...]
