"""Reader for the plain-text article dumps in `seeds/` (the Worldcrunch export format).

A file holds one or more articles, each laid out as::

    Title
    Standfirst paragraph.
    Photo caption            (printed once, twice, or not at all)
    Author One, Author Two and Author Three
    Body paragraph ...
    Short subheading
    [rebelmouse-image 123 alt="" ...]Image caption
    Body paragraph ...
    Support Worldcrunch / the thank-you paragraph / Keep reading... Show less

Lines may or may not be separated by blank lines. Site boilerplate ends an article and never
reaches a title or a passage.
"""

from __future__ import annotations

import re

from .errors import SkipFile
from .shape import MAX_TITLE_CHARS, Draft, ends_like_sentence, headline, is_heading, looks_like_caption, parse_authors

_BOILERPLATE = re.compile(
    r"""^(?:support\s+worldcrunch
        |keep\s+reading\.*\s*show\s+less
        |we\s+are\s+grateful\s+for\s+reader\s+support\b.*
        |.*\bclick\s+here\s+to\s+contribute\b.*\bmerci!?
        )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_IMAGE_TAG = re.compile(r"^\s*\[rebelmouse-image\b[^\]]*\]\s*(?P<caption>.*)$", re.IGNORECASE)
# How far after the standfirst an author line or caption can stand.
_HEADER_LINES = 4


def _starts_body(line: str) -> bool:
    return ends_like_sentence(line) or len(line) > 250 or bool(_IMAGE_TAG.match(line))


def is_boilerplate(line: str) -> bool:
    return bool(_BOILERPLATE.match(line.strip()))


def split_articles(text: str) -> list[list[str]]:
    """Cut a file into articles' non-blank lines; boilerplate ends an article and is dropped."""
    articles: list[list[str]] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if is_boilerplate(line):
            if current:
                articles.append(current)
                current = []
            continue
        current.append(line)
    if current:
        articles.append(current)
    return articles


def parse_article(lines: list[str]) -> Draft:
    """One article's non-blank lines, boilerplate already removed."""
    if len(lines[0]) > MAX_TITLE_CHARS:
        # A wall of text, not a title line: keep all of it as body, named by its opening words.
        draft = Draft(title=headline(lines[0]))
        for line in lines:
            draft.add_paragraph(line)
        return draft
    title, rest = lines[0], lines[1:]
    draft = Draft(title=title)
    if not rest:
        return draft
    draft.standfirst, rest = rest[0], rest[1:]

    # The header (captions, then the by-line) is the run of label-like lines before the first
    # line that reads as a sentence; the by-line is the last of them that parses as names.
    header_end = 0
    while header_end < min(len(rest), _HEADER_LINES) and not _starts_body(rest[header_end]):
        header_end += 1
    header = rest[:header_end]
    author_at = max((i for i, line in enumerate(header) if parse_authors(line)), default=None)
    if author_at is not None:
        draft.authors = parse_authors(header[author_at]) or []
    rest = rest[header_end:]

    heading: str | None = None
    skip_caption = False
    for line in rest:
        image = _IMAGE_TAG.match(line)
        if image:
            # The caption is either glued to the tag or on the next line.
            skip_caption = not image.group("caption")
            continue
        if skip_caption:
            skip_caption = False
            if looks_like_caption(line):
                continue
        if is_heading(line):
            heading = line
            continue
        draft.add_paragraph(line, heading)
    return draft


def read_dump(text: str) -> list[Draft]:
    articles = [parse_article(lines) for lines in split_articles(text)]
    articles = [a for a in articles if a.paragraphs or a.standfirst]
    if not articles:
        raise SkipFile("no article in it (only site boilerplate or a title without text)")
    return articles
