"""The bot's replies as a terminal shows them: bold stays bold, quotes get a bar, Markdown escapes and markers go.

`bot.render` writes every reply as Discord Markdown. The console prints those same replies through here, so a
new kind of reply reads well in a terminal without a renderer of its own. rich's own Markdown is CommonMark,
not Discord's: it would run a quote's `— Title` line into the quote, so the few rules Discord has are read here.
"""

from __future__ import annotations

import re
from typing import TextIO

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

# Wider than any Discord message (2,000 characters), so piped output is never wrapped.
_UNWRAPPED = 100_000

_LINE_START = re.compile(r"(?P<quote_rest>>>> )|(?P<quote>> )|(?P<subtext>-# )|(?P<heading>#{1,3} )")
_INLINE = re.compile(
    r"<(?P<link>\w+://[^\s>]+)>"  # a link Discord shows without a preview
    r"|(?P<url>\w+://[^\s<>*]+)"  # a bare link: escape_markdown leaves its _ alone
    r"|\\(?P<escaped>[^A-Za-z0-9\s])"  # an escaped mark, _ included
    r"|(?P<marker>\*\*|__|~~|\|\||[*_])"
)
_MARKER_STYLES = {"**": "bold", "*": "italic", "_": "italic", "__": "underline", "~~": "strike", "||": ""}
_LINE_STYLES = {"subtext": "dim", "heading": "bold"}
_BAR = Segment("\u2502 ", Style(dim=True))


class _Quote:
    """Quoted lines behind a bar, repeated on every line they wrap to."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in console.render_lines(self.text, options.update_width(options.max_width - 2), pad=False):
            yield _BAR
            yield from line
            yield Segment.line()


def _closed_later(marker: str, after: str) -> bool:
    return any(m["marker"] == marker for m in _INLINE.finditer(after))


def _inline(line: str, text: Text, open_markers: list[str], rest: str) -> None:
    """Append one line to `text`: escapes resolved, markers turned into the styles they stand for.

    A marker nothing closes (in this line or the `rest` of the message) is shown as typed, as Discord shows it.
    """
    at = 0
    for match in _INLINE.finditer(line):
        style = " ".join(_MARKER_STYLES[m] for m in open_markers)
        text.append(line[at:match.start()], style)
        at = match.end()
        marker = match["marker"]
        if marker is None:
            text.append(match["link"] or match["url"] or match["escaped"], style)
        elif marker in open_markers:
            open_markers.remove(marker)
        elif _closed_later(marker, line[match.end():] + "\n" + rest):
            open_markers.append(marker)
        else:
            text.append(marker, style)
    text.append(line[at:], " ".join(_MARKER_STYLES[m] for m in open_markers))


def from_discord(markdown: str) -> Group:
    """Discord Markdown (what `bot.render` writes) as rich renderables: plain blocks and quoted blocks."""
    blocks: list[tuple[bool, Text]] = []
    open_markers: list[str] = []  # bold and italics may run across lines, as on Discord
    quote_rest = False
    lines = markdown.split("\n")
    for number, line in enumerate(lines):
        start = _LINE_START.match(line)
        kind = start.lastgroup if start else None
        quote_rest = quote_rest or kind == "quote_rest"
        quoted = quote_rest or kind == "quote"
        if not blocks or blocks[-1][0] != quoted:
            blocks.append((quoted, Text()))
        else:
            blocks[-1][1].append("\n")
        text = blocks[-1][1]
        line_start = len(text)
        _inline(line[start.end():] if start else line, text, open_markers, "\n".join(lines[number + 1:]))
        text.stylize(_LINE_STYLES.get(kind or "", ""), line_start)
    return Group(*(_Quote(text) if quoted else text for quoted, text in blocks))


def console_for(file: TextIO) -> Console:
    """Wraps to the width and shows styles on a terminal; into a pipe or a file, plain lines that never wrap."""
    return Console(file=file, width=None if file.isatty() else _UNWRAPPED)
