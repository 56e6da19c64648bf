"""What changed between two loads of a collection, for the moderator's reload reply."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from .models import Article


class LibraryDiff(BaseModel):
    added: list[str] = []
    removed: list[str] = []
    changed: list[str] = []

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.changed)


@runtime_checkable
class SavedArticles(Protocol):
    """Articles that give their saved JSON without parsing them (and keeping them parsed): a saved library's."""

    def saved_json(self, article_id: str) -> bytes: ...


def _saved_form(articles: Mapping[str, Article], article_id: str) -> bytes:
    if isinstance(articles, SavedArticles):
        return articles.saved_json(article_id)
    return articles[article_id].model_dump_json().encode()


def diff_articles(old: Mapping[str, Article], new: Mapping[str, Article]) -> LibraryDiff:
    """Titles of articles added, removed and changed, matching articles by id."""
    def title(articles: Mapping[str, Article], article_id: str) -> str:
        article = articles[article_id]
        return article.title or article.id

    return LibraryDiff(
        added=[title(new, i) for i in new if i not in old],
        removed=[title(old, i) for i in old if i not in new],
        changed=[title(new, i) for i in new if i in old and _saved_form(old, i) != _saved_form(new, i)],
    )
