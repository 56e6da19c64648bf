"""Loading progress on a terminal: rich's bars over files, then over passages, then one summary line.

Silent unless stderr is a terminal and CI is unset, so JSON output, pipes, logs and CI stay clean.
"""

from __future__ import annotations

import atexit
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TextIO, TypeVar, runtime_checkable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Column

from .models import LoadReport

T = TypeVar("T")
PassageProgress = Callable[[int, int], None]  # (passages indexed, passages total)


@runtime_checkable
class LoadProgress(Protocol):
    """A `progress` for `Library.load` that hears about indexing too, not only files (`TerminalProgress` is one)."""

    def __call__(self, path: str, done: int, total: int) -> None: ...

    def passages(self, done: int, total: int) -> None: ...


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
        self._bars: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, path: str, done: int, total: int) -> None:
        self._show("files", done, total, path)

    def passages(self, done: int, total: int) -> None:
        self._show("passages", done, total, "")

    def finish(self, report: LoadReport) -> None:
        """Replace the bars with what was loaded, how long it took, and whether the index was reused."""
        if not self.enabled:
            return
        self._stop()
        source = "from the saved index" if report.from_cache else "indexed"
        self.stream.write(f"Loaded {report.summary()} in {report.seconds:.1f} s ({source})\n")
        self.stream.flush()

    def _show(self, label: str, done: int, total: int, detail: str) -> None:
        if not self.enabled:
            return
        if self._bars is None:
            self._bars = Progress(
                TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                TextColumn("{task.fields[detail]}", table_column=Column(no_wrap=True, overflow="ellipsis")),
                # We already know stream is a terminal; leave sys.stdout and sys.stderr alone.
                console=Console(file=self.stream, force_terminal=True), transient=True,
                redirect_stdout=False, redirect_stderr=False,
            )
            self._bars.start()
            # The bars hide the cursor: give it back even if loading is interrupted (Ctrl-C) before finish.
            atexit.register(self._stop)
        if label in self._tasks:
            self._bars.update(self._tasks[label], completed=done, total=total, detail=detail)
        else:
            self._tasks[label] = self._bars.add_task(label, completed=done, total=total, detail=detail)

    def _stop(self) -> None:
        if self._bars is not None:
            self._bars.stop()
            self._bars = None
            atexit.unregister(self._stop)


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
