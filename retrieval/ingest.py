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
    if not path.exists():
        raise ContentError(f"content path {str(path)!r} does not exist")
    if not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
        raise ContentError(f"content path {str(path)!r} is not readable (permission denied)")
    root = path if path.is_dir() else path.parent
    try:
        files = [(file, root, root) for file in content_files(path)]
    except OSError as exc:
        raise ContentError(f"content path {str(path)!r} cannot be listed ({exc.strerror or exc})") from None
    operator_files = len(files)
    if added is not None and added.is_dir():
        files += [(file, added, added.parent) for file in content_files(added)]

    articles: list[Article] = []
    added_ids: set[str] = set()
    skipped: list[SkippedFile] = []
    seen_ids: dict[str, int] = {}
    for done, (file, inside, sources_root) in enumerate(files, start=1):
        source = relative_source(file, sources_root)
        if progress:
            progress(source, done, len(files))
        from_operator = done <= operator_files
        for article in _read_one(file, source, inside, skipped):
            # Ids must be unique across the library; a repeated one gets a numbered suffix.
            count = seen_ids.get(article.id, 0) + 1
            seen_ids[article.id] = count
            if count > 1:
                article = article.model_copy(update={"id": f"{article.id}-{count}"})
            if from_operator and article.id in hidden:
                continue
            articles.append(article)
            if not from_operator:
                added_ids.add(article.id)
    return CollectionRead(articles, skipped, len(files), frozenset(added_ids))


def _read_one(file: Path, source: str, root: Path, skipped: list[SkippedFile]) -> list[Article]:
    """The articles in one file; what was skipped, and why, is appended to `skipped`."""
    if format_suffix(file) is None:
        skipped.append(SkippedFile(path=source, reason="unsupported file type"))
        return []
    problems: list[str] = []
    try:
        _check_inside(file, root)
        found = read_file(file, source, problems)
    except SkipFile as exc:
        skipped.append(SkippedFile(path=source, reason=str(exc)))
        return []
    skipped.extend(SkippedFile(path=source, reason=p, whole_file=False) for p in problems)
    return found
