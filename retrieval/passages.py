"""Articles to passages: roughly a paragraph each, a whole thought that fits in a chat message."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from .models import Article, Passage
from .sentences import sentence_spans


_STANDFIRST = object()


class PassageSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    max_chars: int = 700
    min_chars: int = 200


def _pieces(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut one paragraph into spans of whole sentences, each at most `max_chars` where possible."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    pieces: list[tuple[int, int]] = []
    for s_start, s_end in sentence_spans(text):
        if s_end - s_start > max_chars:
            # One sentence longer than a passage: cut at spaces, the only place left.
            while s_end - s_start > max_chars:
                cut = text.rfind(" ", s_start, s_start + max_chars)
                cut = cut if cut > s_start else s_start + max_chars
                pieces.append((s_start, cut))
                s_start = cut + 1 if text[cut:cut + 1] == " " else cut
            if s_start < s_end:
                pieces.append((s_start, s_end))
        elif pieces and s_end - pieces[-1][0] <= max_chars:
            pieces[-1] = (pieces[-1][0], s_end)
        else:
            pieces.append((s_start, s_end))
    return pieces


def indexed_text(article: Article, article_text: str, passage: Passage, window: int) -> str:
    """What a passage is found by: its article's title, its subheading, and its paragraph.

    A long paragraph is cut into several passages for quoting, but it is one thought: each of its
    passages is found by the paragraph around it (benchmarks/README.md measures the gain), up to
    `window` characters on each side so that a wall of text without paragraph breaks costs linear
    time, not quadratic. `article_text` is `article.text`, which callers compute once per article.
    """
    start, end = paragraph_span(article_text, passage, window)
    return " ".join(filter(None, (article.title, passage.heading, article_text[start:end])))


def paragraph_span(text: str, passage: Passage, window: int) -> tuple[int, int]:
    """(start, end) in its article's `text` of the paragraph a passage is found by (see `indexed_text`)."""
    low, high = max(0, passage.start - window), min(len(text), passage.end + window)
    start = text.rfind("\n\n", low, passage.start)
    if start >= 0:
        start += 2
    else:  # no paragraph break within the window: start at a word
        start = low if low == 0 or text.find(" ", low, passage.start) < 0 else text.find(" ", low, passage.start) + 1
    end = text.find("\n\n", passage.end, high)
    if end < 0:
        space = text.rfind(" ", passage.end, high)
        end = high if high == len(text) or space < 0 else space
    return start, end


def split_passages(article: Article, settings: PassageSettings | None = None) -> list[Passage]:
    settings = settings or PassageSettings()
    # (start, end, heading) in article.text; paragraphs are joined by "\n\n" there.
    # The group key keeps the standfirst apart and never merges text across a subheading.
    spans: list[tuple[int, int, object]] = []
    offset = 0
    for i, unit in enumerate(article.units):
        group = _STANDFIRST if i == 0 and article.standfirst else unit.heading
        for a, b in _pieces(unit.text, settings.max_chars):
            spans.append((offset + a, offset + b, group))
        offset += len(unit.text) + 2

    # Merge short spans with the next one under the same heading, then a short tail with the previous.
    merged: list[tuple[int, int, object]] = []
    for start, end, group in spans:
        if merged:
            p_start, p_end, p_group = merged[-1]
            if p_group == group and end - p_start <= settings.max_chars and (
                p_end - p_start < settings.min_chars or end - start < settings.min_chars
            ):
                merged[-1] = (p_start, end, group)
                continue
        merged.append((start, end, group))

    text = article.text
    return [
        Passage(article_id=article.id, ordinal=i, text=text[start:end], start=start, end=end,
                heading=None if group is _STANDFIRST else group)
        for i, (start, end, group) in enumerate(merged)
    ]
