"""Walk a content folder (or read one file) into articles and a report of what was skipped."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from .models import Article, SkippedFile, relative_source
from .readers import SkipFile, format_suffix, read_file

Progress = Callable[[str, int, int], None]  # (path, files done, files total)


class ContentError(Exception):
    """The content path itself is unusable (missing, unreadable): nothing can be loaded from it."""


def content_files(root: Path) -> Iterator[Path]:
    """Files under `root` in a stable order. Hidden files and folders (".git", ".DS_Store") are not content."""
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root, onerror=None, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def _check_inside(path: Path, root: Path) -> None:
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        reason = "symlink loop" if isinstance(exc, RuntimeError) or "symbolic" in str(exc) else "cannot be opened"
        raise SkipFile(f"{reason} ({getattr(exc, 'strerror', None) or exc})") from None
    if path.is_symlink() and not resolved.is_relative_to(root.resolve()):
        raise SkipFile("symlink that points outside the content folder")
    if not resolved.is_file():
        raise SkipFile("not a regular file")


def read_content(
    path: Path, progress: Progress | None = None
) -> tuple[list[Article], list[SkippedFile], int]:
    """(articles, skipped files, files seen). Raises `ContentError` when `path` itself is unusable."""
    read = read_collection(path, progress)
    return read.articles, read.skipped, read.files


@dataclass(frozen=True)
class CollectionRead:
    """What `read_collection` found: the articles in service, skipped files, files seen, and which of the
    articles were added from the data folder (by id)."""

    articles: list[Article]
    skipped: list[SkippedFile]
    files: int
    added_ids: frozenset[str]


def read_collection(
    path: Path, progress: Progress | None = None, *, added: Path | None = None, hidden: Collection[str] = ()
) -> CollectionRead:
    """The operator's content at `path`, then the articles added in the folder `added` (a missing one is
    empty; their sources are relative to its parent: "articles/x.md"), less the operator's articles whose
    ids are in `hidden`. Raises `ContentError` when `path` itself is unusable.

    The operator's articles are read first, so their ids do not depend on what was added.
    """
    files = listed_files(path, added)
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    ids = ArticleIds(hidden)
    for done, file in enumerate(files, start=1):
        if progress:
            progress(file.source, done, len(files))
        found, problems = read_articles(file)
        skipped.extend(problems)
        for article in found:
            article_id = ids.accept(article.id, file.operator)
            if article_id is not None:
                articles.append(article if article_id == article.id else article.model_copy(update={"id": article_id}))
    return CollectionRead(articles, skipped, len(files), frozenset(ids.added))


@dataclass(frozen=True)
class ContentFile:
    """A file to read: its path, the folder it must stay inside, its source name, and whether it is the
    operator's (rather than added from the data folder)."""

    path: Path
    inside: Path
    source: str
    operator: bool


def listed_files(path: Path, added: Path | None = None) -> list[ContentFile]:
    """The files `read_collection` reads, in its order. Raises `ContentError` when `path` itself is unusable."""
    if not path.exists():
        raise ContentError(f"content path {str(path)!r} does not exist")
    if not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
        raise ContentError(f"content path {str(path)!r} is not readable (permission denied)")
    root = path if path.is_dir() else path.parent
    try:
        files = [ContentFile(file, root, relative_source(file, root), True) for file in content_files(path)]
    except OSError as exc:
        raise ContentError(f"content path {str(path)!r} cannot be listed ({exc.strerror or exc})") from None
    if added is not None and added.is_dir():
        files += [ContentFile(file, added, relative_source(file, added.parent), False) for file in content_files(added)]
    return files


class ArticleIds:
    """Ids as the library keeps them, given article after article in the order read: a repeated id gets a
    numbered suffix ("x-2"), since ids must be unique across the library; a hidden operator's article none."""

    def __init__(self, hidden: Collection[str]) -> None:
        self._hidden = hidden
        self._seen: dict[str, int] = {}
        self.added: set[str] = set()

    def accept(self, article_id: str, operator: bool) -> str | None:
        """The id the article is kept under, or None when it is hidden."""
        count = self._seen.get(article_id, 0) + 1
        self._seen[article_id] = count
        if count > 1:
            article_id = f"{article_id}-{count}"
        if operator and article_id in self._hidden:
            return None
        if not operator:
            self.added.add(article_id)
        return article_id


def read_articles(file: ContentFile) -> tuple[list[Article], list[SkippedFile]]:
    """The articles in one file, and what of it was skipped, and why."""
    if format_suffix(file.path) is None:
        return [], [SkippedFile(path=file.source, reason="unsupported file type")]
    problems: list[str] = []
    try:
        _check_inside(file.path, file.inside)
        found = read_file(file.path, file.source, problems)
    except SkipFile as exc:
        return [], [SkippedFile(path=file.source, reason=str(exc))]
    return found, [SkippedFile(path=file.source, reason=p, whole_file=False) for p in problems]
