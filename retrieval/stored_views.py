"""Read-only views of a saved library: its articles parsed only when looked at, its passages rebuilt from
their saved offsets. `store` maps the saved files and hands them to these."""

from __future__ import annotations

import functools
import json
import mmap
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import overload

import numpy as np

from .models import Article, Passage


# An article's authors as saved (`model_dump_json`: no spaces; a quote inside a string is escaped, so the field's
# name cannot occur inside an article's text).
_AUTHORS_FIELD = re.compile(rb'"authors":(\[[^\]]*\])')


def authors_of_each(articles: Mapping[str, Article]) -> Iterator[tuple[str, list[str]]]:
    """Each article's id and authors (those of a saved library read from its lines, `StoredArticles.authors`, which
    leaves out the articles without authors)."""
    if isinstance(articles, StoredArticles):
        return articles.authors()
    return ((a.id, a.authors) for a in articles.values())


def _parse_article(lines: mmap.mmap | bytes, offsets: np.ndarray, position: int) -> Article:
    start, end = int(offsets[position]), int(offsets[position + 1])
    return Article.model_validate_json(lines[start:end])


class StoredArticles(Mapping[str, Article]):
    """Articles by id, parsed from the saved JSON lines only when first looked at.

    `lines` holds them as saved (or as `parallel_load` builds them, in a temporary file), `offsets` where each starts.
    """

    def __init__(self, ids: list[str], lines: mmap.mmap | bytes, offsets: np.ndarray, parsed: int) -> None:
        """`parsed`: how many parsed articles to keep for reuse (the most recently looked at)."""
        self._ids = ids
        self._position = {article_id: i for i, article_id in enumerate(ids)}
        self.lines = lines
        self.offsets = offsets
        # The article at a position in the saved order, the recent ones kept. Not a bound method: its
        # cycle back to self would outlive a replaced library once the bot has frozen it for the GC.
        self.at: Callable[[int], Article] = functools.lru_cache(maxsize=parsed)(
            functools.partial(_parse_article, lines, offsets))

    def __getitem__(self, article_id: str) -> Article:
        return self.at(self._position[article_id])

    def saved_json(self, article_id: str) -> bytes:
        """The article exactly as saved (`model_dump_json`), without parsing or caching it."""
        position = self._position[article_id]
        start, end = int(self.offsets[position]), int(self.offsets[position + 1])
        return bytes(self.lines[start:end]).rstrip(b"\n")

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._position

    def authors(self) -> Iterator[tuple[str, list[str]]]:
        """The id and authors of each article that has authors, read from the saved lines without parsing the
        articles: parsing all 206,292 of a million passages took about 2 s, reading the "authors" fields far less."""
        fields = [(found.start(), found.group(1)) for found in _AUTHORS_FIELD.finditer(self.lines)]
        positions = np.searchsorted(self.offsets, [start for start, _ in fields], side="right") - 1
        for position, (_, field) in zip(positions.tolist(), fields):
            if field == b"[]":
                continue
            try:
                names = json.loads(field)
            except ValueError:  # a "]" inside a name cut the field short: parse that article
                names = self.at(position).authors
            yield self._ids[position], names

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


# How many rebuilt passages `StoredPassages` keeps: those of the last few answers.
RECENT_PASSAGES = 64


def _rebuild_passage(articles: StoredArticles, first_passage: np.ndarray, spans: np.ndarray, heading_ids: np.ndarray,
                     headings: list[str], i: int) -> Passage:
    position = int(np.searchsorted(first_passage, i, side="right")) - 1
    article = articles.at(position)
    start, end = (int(x) for x in spans[i])
    heading = int(heading_ids[i])
    return Passage(article_id=article.id, ordinal=i - int(first_passage[position]), text=article.text[start:end],
                   start=start, end=end, heading=None if heading < 0 else headings[heading])


class StoredPassages(Sequence[Passage]):
    """Passages rebuilt on demand from their article's text and their saved offsets: article i's passages are
    `first_passage[i]` to `first_passage[i + 1]`, at `spans` in its text, under `headings[heading_ids]` (-1: none)."""

    def __init__(self, articles: StoredArticles, first_passage: np.ndarray, spans: np.ndarray,
                 heading_ids: np.ndarray, headings: list[str]) -> None:
        self._articles = articles
        self.first_passage = first_passage
        self.spans = spans
        self.heading_ids = heading_ids
        self.headings = headings
        # The passage at a position, the recent ones kept: an answer reads its best hit's again for the
        # no-answer features, and rebuilding one (its article's text joined, a model validated) costs ~20 us.
        # Not a bound method, for the reason `StoredArticles.at` is not.
        self._at: Callable[[int], Passage] = functools.lru_cache(maxsize=RECENT_PASSAGES)(
            functools.partial(_rebuild_passage, articles, first_passage, spans, heading_ids, headings))

    @overload
    def __getitem__(self, i: int) -> Passage: ...
    @overload
    def __getitem__(self, i: slice) -> list[Passage]: ...

    def __getitem__(self, i: int | slice) -> Passage | list[Passage]:
        if isinstance(i, slice):
            return [self._at(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("passage index out of range")
        return self._at(i)

    def __len__(self) -> int:
        return len(self.spans)

