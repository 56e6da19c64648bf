"""Walk a content folder (or read one file) into articles and a report of what was skipped."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
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
    if not path.exists():
        raise ContentError(f"content path {str(path)!r} does not exist")
    if not os.access(path, os.R_OK | (os.X_OK if path.is_dir() else 0)):
        raise ContentError(f"content path {str(path)!r} is not readable (permission denied)")
    root = path if path.is_dir() else path.parent
    try:
        files = list(content_files(path))
    except OSError as exc:
        raise ContentError(f"content path {str(path)!r} cannot be listed ({exc.strerror or exc})") from None

    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    seen_ids: dict[str, int] = {}
    for done, file in enumerate(files, start=1):
        source = relative_source(file, root)
        if progress:
            progress(source, done, len(files))
        if format_suffix(file) is None:
            skipped.append(SkippedFile(path=source, reason="unsupported file type"))
            continue
        problems: list[str] = []
        try:
            _check_inside(file, root)
            found = read_file(file, source, problems)
        except SkipFile as exc:
            skipped.append(SkippedFile(path=source, reason=str(exc)))
            continue
        skipped.extend(SkippedFile(path=source, reason=p, whole_file=False) for p in problems)
        for article in found:
            # Ids must be unique across the library; a repeated one gets a numbered suffix.
            count = seen_ids.get(article.id, 0) + 1
            seen_ids[article.id] = count
            articles.append(article if count == 1 else article.model_copy(update={"id": f"{article.id}-{count}"}))
    return articles, skipped, len(files)
