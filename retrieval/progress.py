"""Loading progress on a terminal: a bar over files, then over passages, then one summary line.

Silent unless stderr is a terminal and CI is unset, so JSON output, pipes, logs and CI stay clean.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

from .models import LoadReport

T = TypeVar("T")
PassageProgress = Callable[[int, int], None]  # (passages indexed, passages total)

_BAR = 24
_REDRAW_SECONDS = 0.1


def wanted(stream: TextIO) -> bool:
    """Draw only for a person watching: a terminal, and not a CI job (CI=true)."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return not ci and stream.isatty()


class TerminalProgress:
    """A `progress` for `Library.load`: called per file, and its `passages` method while indexing.

    `enabled=False` (say, in JSON mode) keeps it silent whatever the terminal.
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and wanted(self.stream)
        self._drawn_at = 0.0
        self._drawn = False

    def __call__(self, path: str, done: int, total: int) -> None:
        self._draw("files", done, total, path)

    def passages(self, done: int, total: int) -> None:
        self._draw("passages", done, total, "")

    def finish(self, report: LoadReport) -> None:
        """Replace the bar with what was loaded, how long it took, and whether the index was reused."""
        if not self.enabled:
            return
        source = "from the saved index" if report.from_cache else "indexed"
        self._write(f"Loaded {report.summary()} in {report.seconds:.1f} s ({source})\n")

    def _draw(self, label: str, done: int, total: int, detail: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._drawn_at < _REDRAW_SECONDS:
            return
        self._drawn_at = now
        filled = _BAR * done // total if total else _BAR
        self._write(f"{label:<8} [{'#' * filled}{'.' * (_BAR - filled)}] {done:,}/{total:,} {detail}")

    def _write(self, text: str) -> None:
        width = shutil.get_terminal_size().columns - 1
        end = "\n" if text.endswith("\n") else ""
        line = text.rstrip("\n")[:width]
        # Carriage return and padding overwrite the previous bar in place.
        self.stream.write("\r" + line.ljust(width if self._drawn and not end else len(line)) + end)
        self.stream.flush()
        self._drawn = not end


def counted(items: Iterable[T], total: int, progress: PassageProgress | None) -> Iterator[T]:
    """`items`, telling `progress` how many have gone by (every 1% or so, and at the end)."""
    if progress is None:
        yield from items
        return
    step = max(1, -(-total // 100))  # at most about 100 reports
    done = 0
    for done, item in enumerate(items, start=1):
        if done % step == 0:
            progress(done, total)
        yield item
    if done % step:
        progress(done, total)
