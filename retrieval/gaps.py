"""Questions grouped by what they ask: the content gaps a moderator reads in the bot's insights.

Two questions ask the same thing when the sets of their terms overlap strongly (Jaccard similarity at least
`SIMILAR`): "best sourdough recipe?" and "a recipe for sourdough bread" do, "who wrote about Sudan?" does not.
Groups are joined through any pair of similar questions (single linkage), so the grouping does not depend on
the order the questions come in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .analyzer import Analyzer
from .understand import understand

SIMILAR = 0.5


@dataclass(frozen=True)
class Gap:
    """Questions that ask the same thing: how many, the wording asked most (else first) as the example, and
    the terms they share (all of them for one question)."""

    example: str
    count: int
    questions: tuple[str, ...]
    terms: tuple[str, ...]


def question_terms(analyzer: Analyzer) -> Callable[[str], list[str]]:
    """What a question searches, as the index's terms: its subject without the chat around it, analyzed."""
    return lambda question: analyzer(understand(question).search)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def group_questions(questions: Sequence[str], terms: Callable[[str], Iterable[str]],
                    similar: float = SIMILAR) -> list[Gap]:
    """`questions` grouped by their `terms` (the analyzer over what each question searches), largest group
    first. A question without terms ("??") groups only with the same text. Quadratic in the number of distinct
    term sets: give it the period's declined questions (hundreds), not every question ever asked."""
    keys = [frozenset(terms(q)) or frozenset({"\0" + q.strip().casefold()}) for q in questions]
    distinct = list(dict.fromkeys(keys))
    parent = list(range(len(distinct)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(distinct):
        for j in range(i + 1, len(distinct)):
            if jaccard(a, distinct[j]) >= similar:
                parent[root(j)] = root(i)
    index = {key: root(i) for i, key in enumerate(distinct)}
    members: dict[int, list[int]] = {}
    for n, key in enumerate(keys):
        members.setdefault(index[key], []).append(n)
    gaps = []
    for group in members.values():
        asked = tuple(questions[n] for n in group)
        example = Counter(q.strip() for q in asked).most_common(1)[0][0]
        shared = frozenset.intersection(*(keys[n] for n in group))
        gaps.append(Gap(example, len(asked), asked, tuple(sorted(t for t in shared if not t.startswith("\0")))))
    return sorted(gaps, key=lambda g: (-g.count, g.example))
