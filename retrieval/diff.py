"""What changed between two loads of a collection, for the moderator's reload reply."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from .models import Article


class LibraryDiff(BaseModel):
    added: list[str] = []
    removed: list[str] = []
    changed: list[str] = []

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_articles(old: Mapping[str, Article], new: Mapping[str, Article]) -> LibraryDiff:
    """Titles of articles added, removed and changed, matching articles by id."""
    return LibraryDiff(
        added=[a.title or a.id for i, a in new.items() if i not in old],
        removed=[a.title or a.id for i, a in old.items() if i not in new],
        changed=[a.title or a.id for i, a in new.items() if i in old and old[i] != a],
    )
