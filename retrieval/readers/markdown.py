"""Reader for Markdown articles: one article a file, optional YAML front matter."""

from __future__ import annotations

import re

import yaml

from .errors import SkipFile
from .shape import Draft, field_text, parse_authors

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<meta>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MAX_FRONT_MATTER = 64 * 1024
_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\([^)]*\)")


def _front_matter(text: str) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    if len(match.group("meta")) > _MAX_FRONT_MATTER:
        raise SkipFile(f"front matter longer than {_MAX_FRONT_MATTER // 1024} KiB")
    try:
        meta = yaml.safe_load(match.group("meta"))
    except yaml.YAMLError as exc:
        raise SkipFile(f"front matter is not valid YAML ({str(exc).splitlines()[0]})") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SkipFile(f"front matter must be a mapping of fields, not {type(meta).__name__}")
    return meta, text[match.end():]


def _authors(value: object) -> list[str]:
    # Only plain strings: YAML aliases can make a nested value exponentially large when printed.
    if isinstance(value, str):
        return parse_authors(value) or [value.strip()]
    if isinstance(value, list):
        return [v.strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def read_markdown(text: str, fallback_title: str) -> list[Draft]:
    meta, body = _front_matter(text)
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body) if b.strip()]
    title = field_text(meta.get("title")) or ""
    draft = Draft(title=title, authors=_authors(meta.get("authors", meta.get("author"))))
    draft.url = field_text(meta.get("url"))
    draft.date = field_text(meta.get("date"))
    heading: str | None = None
    for block in blocks:
        lines = block.split("\n")
        first = _HEADING.match(lines[0])
        if first:
            if not draft.title and first.group("level") == "#":
                draft.title = first.group("text")
            else:
                heading = first.group("text")
            lines = lines[1:]
        paragraph = " ".join(line.strip() for line in lines)
        paragraph = _LINK.sub(r"\g<text>", _IMAGE.sub("", paragraph)).strip()
        draft.add_paragraph(paragraph, heading)
    draft.title = draft.title or fallback_title
    if not draft.paragraphs:
        raise SkipFile("no text after the front matter")
    return [draft]
