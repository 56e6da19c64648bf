"""Reader for JSON and JSON Lines records: {"id", "title", "text", "authors"?, "url"?, "date"?}."""

from __future__ import annotations

import json
import re

from .errors import SkipFile
from .shape import Draft, field_text

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _draft(record: object, where: str) -> Draft:
    if not isinstance(record, dict):
        raise ValueError(f"{where}: a record must be an object, not {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{where}: missing or empty \"text\"")
    authors = record.get("authors") or []
    if isinstance(authors, str):
        authors = [authors]
    draft = Draft(
        title=field_text(record.get("title")) or "",
        authors=[a.strip() for a in authors if isinstance(a, str) and a.strip()] if isinstance(authors, list) else [],
        id=field_text(record.get("id")),
        url=field_text(record.get("url")),
        date=field_text(record.get("date")),
    )
    for block in _PARAGRAPH_BREAK.split(text):
        draft.add_paragraph(" ".join(block.split()))
    return draft


def read_records(text: str, lines: bool, problems: list[str]) -> list[Draft]:
    """Records from a JSON document (a record or a list of them) or JSON Lines.

    A bad record is reported in `problems` and skipped; the rest of the file is still read.
    """
    if lines:
        records = []
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                records.append((f"line {number}", json.loads(line)))
            except (json.JSONDecodeError, RecursionError) as exc:
                problems.append(f"line {number}: not valid JSON ({getattr(exc, 'msg', 'nested too deeply')})")
    else:
        try:
            document = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise SkipFile(f"not valid JSON ({getattr(exc, 'msg', 'nested too deeply')})") from None
        items = document if isinstance(document, list) else [document]
        records = [(f"record {i + 1}", item) for i, item in enumerate(items)]
    drafts = []
    for where, record in records:
        try:
            drafts.append(_draft(record, where))
        except ValueError as exc:
            problems.append(str(exc))
    if not drafts:
        reason = "; ".join(problems[:3]) if problems else "no records"
        raise SkipFile(f"no usable record ({reason})")
    return drafts
