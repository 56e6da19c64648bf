"""Readers turn one file into articles; each supported format has its own module."""

from __future__ import annotations

import gzip
import re
import unicodedata
import zlib
from pathlib import Path

from ..models import Article
from .decode import decode
from .dump import read_dump
from .errors import SkipFile
from .html import read_html
from .markdown import read_markdown
from .records import read_records
from .shape import MAX_TITLE_CHARS, Draft, headline, iso_date

__all__ = ["SUPPORTED_SUFFIXES", "SkipFile", "read_file", "to_article"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".json", ".jsonl", ".ndjson", ".html", ".htm")
# A file (or a gzip member once inflated) past this is refused rather than filling memory.
MAX_TEXT_BYTES = 1024 * 1024 * 1024


def format_suffix(path: Path) -> str | None:
    """The suffix that picks the reader ("x.jsonl.gz" reads as JSON Lines), or None if unsupported."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    return suffix if suffix in SUPPORTED_SUFFIXES else None


def _gunzip(data: bytes) -> bytes:
    try:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out = inflater.decompress(data, MAX_TEXT_BYTES)
        if inflater.unconsumed_tail:
            raise SkipFile(f"gzip data inflates past {MAX_TEXT_BYTES // 2**20} MiB")
        return out
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        raise SkipFile(f"not a readable gzip file ({exc})") from None


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def to_article(draft: Draft, source: str, fallback_id: str) -> Article:
    """The article a reader's draft makes (a fetched page's too): its id from the draft, else its title; its date
    as YYYY-MM-DD where it can be read as a date, else as written."""
    title = draft.title if len(draft.title) <= MAX_TITLE_CHARS else headline(draft.title)
    return Article(
        id=(draft.id or "")[:200] or slugify(title) or fallback_id,
        title=title,
        standfirst=draft.standfirst,
        authors=draft.authors,
        paragraphs=draft.paragraphs,
        source=source,
        url=draft.url,
        date=iso_date(draft.date),
    )


def read_file(path: Path, source: str, problems: list[str]) -> list[Article]:
    """Read one file into articles. Raises `SkipFile` with the reason when it gives none.

    Problems that cost part of the file (a bad JSON Lines record) are appended to `problems`.
    """
    suffix = format_suffix(path)
    if suffix is None:
        raise SkipFile(f"unsupported file type (supported: {', '.join(SUPPORTED_SUFFIXES)}, optionally .gz)")
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise SkipFile(f"too large ({size // 2**20} MiB; the limit is {MAX_TEXT_BYTES // 2**20} MiB)")
        data = path.read_bytes()
    except PermissionError:
        raise SkipFile("permission denied") from None
    except OSError as exc:
        raise SkipFile(f"cannot be read ({exc.strerror or exc})") from None
    if path.suffix.lower() == ".gz":
        data = _gunzip(data)
    text = decode(data)
    stem = path.name.split(".")[0] or "article"
    if suffix == ".txt":
        drafts = read_dump(text)
    elif suffix in (".md", ".markdown"):
        drafts = read_markdown(text, fallback_title=stem)
    elif suffix in (".html", ".htm"):
        drafts = read_html(text, fallback_title=stem)
    else:
        drafts = read_records(text, lines=suffix in (".jsonl", ".ndjson"), problems=problems)
    return [to_article(d, source, f"{stem}-{i + 1}") for i, d in enumerate(drafts)]
