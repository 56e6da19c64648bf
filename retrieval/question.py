"""A question as the scorers see it: its analyzed terms and each term's weight.

Its own module so that the re-ranker, the highlight and the library import it without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    """A question's analyzed terms in order, each distinct term's weight (rarer weighs more), and the acronym it
    asks the meaning of, if it asks one ("AFC" of "what does AFC stand for?": `acronyms.py`)."""

    terms: list[str]
    weights: dict[str, float]
    acronym: str = ""

    def share(self, terms: Iterable[str]) -> float:
        """Share of the question's weight among `terms` (0 to 1)."""
        total = sum(self.weights.values())
        found = set(terms)
        return sum(w for t, w in self.weights.items() if t in found) / total if total else 0.0
