"""Text cut to Discord's limits: at a sentence or word end, and still within them once Markdown is escaped."""

from __future__ import annotations

from discord import utils

from retrieval.sentences import sentence_spans

# Discord's limits (https://discord.com/developers/docs/resources/message#create-message).
CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_LIMIT = 1024
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
ELLIPSIS = "\u2026"


def trim(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a sentence end, else a word end, with an ellipsis."""
    if len(text) <= limit:
        return text
    budget = limit - len(ELLIPSIS)
    if budget <= 0:
        return ELLIPSIS[:limit]
    ends = [end for _, end in sentence_spans(text) if end <= budget]
    if ends and ends[-1] >= budget // 2:
        return text[: ends[-1]] + " " + ELLIPSIS if ends[-1] < budget else text[: ends[-1]] + ELLIPSIS
    cut = text.rfind(" ", 0, budget + 1)
    if cut <= 0:
        cut = budget  # one enormous word: nothing better than a hard cut
    return text[:cut].rstrip() + ELLIPSIS


def escape_markdown(text: str, line_start: bool = True) -> str:
    """`text` with Discord's Markdown escaped, so that it shows as written.

    discord.py's `escape_markdown` escapes a masked link ("[a](b*c*)") with one backslash before it and
    leaves everything inside it as it was, so a backslash or an asterisk there still acts ("[;](\\)" shows
    as "[;]()"). Each "[" is escaped here instead, which is enough to break the link, and the text between
    is escaped by discord.py (bare urls left alone). What follows a "[" is mid-line, as is all of `text` when
    not `line_start` (the rest of a line after a bold sentence): a " -" or "#" there is no list or heading,
    so it is not escaped (discord.py would write "\\ -", which shows its backslash).
    """
    return "\\[".join(_escaped(part, line_start and n == 0) for n, part in enumerate(text.split("[")))


def _escaped(text: str, line_start: bool) -> str:
    # Behind a letter, discord.py's patterns for a line's start ("- ", "# ", "> ") cannot match; letters are
    # never escaped, so dropping it again is exact.
    return utils.escape_markdown(text) if line_start else utils.escape_markdown("a" + text)[1:]


def escaped_fit(text: str, limit: int, line_start: bool = True) -> str:
    """Escape Markdown (`escape_markdown`), trimming the raw text first so the escaped result still fits."""
    budget = limit
    while True:
        out = escape_markdown(trim(text, budget), line_start)
        if len(out) <= limit:
            return out
        budget -= len(out) - limit
