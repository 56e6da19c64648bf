"""Line-shape heuristics shared by the readers: author lines, captions, subheadings."""

from __future__ import annotations

import datetime
import email.utils
import re
from dataclasses import dataclass, field

from ..models import Paragraph

_SENTENCE_END = (".", "!", "?", ":", ";", ",", '"', "\u201d", "\u2019", "'", ")")
_NAME_SEPARATORS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
# Lower-case particles that occur inside personal names ("Ursula von der Leyen", "Omar al-Bashir").
_PARTICLES = {"al", "bin", "da", "de", "del", "della", "der", "di", "do", "dos", "du", "el", "la", "le",
              "ten", "ter", "van", "von", "y", "zu"}
_NAME_WORD = re.compile(r"^(?:[a-z]{1,3}[-'\u2019])?[^\W\d_][\w'\u2019.\-]*$")


MAX_TITLE_CHARS = 300


def headline(text: str, limit: int = 120) -> str:
    """A title for text that has none fit to be one: its opening words, cut at a word end."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit] + "\u2026"


def field_text(value: object) -> str | None:
    """A metadata field (title, id, url, date) as text, or None.

    Only scalars count: a nested value is not a title, and YAML aliases can make one exponentially
    large when printed.
    """
    if isinstance(value, (str, int, float, datetime.date)) and not isinstance(value, bool):
        return str(value).strip() or None
    return None


def iso_date(text: str | None) -> str | None:
    """`text` as YYYY-MM-DD when it is an ISO date or date-time, or an RFC 2822 one (feeds, mail headers); else
    as given. The day is the one written, in the date's own time zone: the day the article says it appeared."""
    if text is None:
        return None
    try:
        return datetime.datetime.fromisoformat(text.strip()).date().isoformat()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return text


def ends_like_sentence(line: str) -> bool:
    return line.rstrip().endswith(_SENTENCE_END)


def _is_name(words: list[str]) -> bool:
    if not 1 <= len(words) <= 5:
        return False
    for word in words:
        if word.lower() in _PARTICLES:
            continue
        if not _NAME_WORD.match(word):
            return False
        # The first letter after an optional "al-"-style prefix must be a capital.
        core = re.sub(r"^[a-z]{1,3}[-'\u2019]", "", word)
        if not core[:1].isupper():
            return False
    return not all(w.lower() in _PARTICLES for w in words)


def parse_authors(line: str) -> list[str] | None:
    """The names in a by-line ("A, B and C"), or None when the line is not a by-line."""
    line = line.strip()
    if line.lower().startswith("by "):
        line = line[3:]
    if not line or len(line) > 200 or ends_like_sentence(line) or any(ch.isdigit() for ch in line):
        return None
    names = [n.strip() for n in _NAME_SEPARATORS.split(line) if n.strip()]
    if not names or len(line.split()) < 2:
        return None
    if all(_is_name(name.split()) for name in names):
        return names
    return None


def looks_like_caption(line: str) -> bool:
    """Photo captions are short and read as a label, not a sentence."""
    if "photo:" in line.lower() or "photo credit" in line.lower():
        return True
    return len(line) <= 250 and not ends_like_sentence(line)


def is_heading(line: str) -> bool:
    """A short line standing alone in the body, not ending like a sentence (a question is fine)."""
    stripped = line.rstrip()
    if len(stripped) > 100 or len(stripped.split()) > 14:
        return False
    return stripped.endswith("?") or not ends_like_sentence(stripped)


@dataclass
class Draft:
    """An article as a reader found it, before it gets its id and source."""

    title: str
    standfirst: str = ""
    authors: list[str] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    id: str | None = None
    url: str | None = None
    date: str | None = None

    def add_paragraph(self, text: str, heading: str | None = None) -> None:
        text = text.strip()
        if text:
            self.paragraphs.append(Paragraph(text=text, heading=heading))
