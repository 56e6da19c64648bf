"""Loading progress: drawn on a terminal, silent under CI, in pipes, and when disabled."""

from __future__ import annotations

import io

import pytest

from retrieval.library import Library
from retrieval.models import LoadReport
from retrieval.progress import TerminalProgress, counted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def not_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)


def test_draws_files_and_passages_then_a_summary_on_a_terminal(tmp_path):
    (tmp_path / "a.md").write_text("# Rivers\n\nThe river rose after a week of heavy rain in the hills.\n")
    (tmp_path / "b.md").write_text("# Bridges\n\nThe old stone bridge was closed for repairs all summer.\n")
    terminal = Terminal()
    progress = TerminalProgress(terminal)
    library = Library.load(tmp_path, progress=progress)
    progress.finish(library.report)
    shown = terminal.getvalue()
    assert "files" in shown and "2/2" in shown and "passages" in shown
    assert shown.endswith(f"Loaded {library.report.summary()} in {library.report.seconds:.1f} s (indexed)\n")


def test_says_when_the_saved_index_was_used():
    terminal = Terminal()
    TerminalProgress(terminal).finish(LoadReport(root="x", files=1, articles=2, passages=3, from_cache=True))
    assert "(from the saved index)" in terminal.getvalue()


@pytest.mark.parametrize("ci", ["true", "1"])
def test_silent_under_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    terminal = Terminal()
    progress = TerminalProgress(terminal)
    progress("a.md", 1, 1)
    progress.finish(LoadReport(root="x"))
    assert terminal.getvalue() == ""


def test_silent_when_not_a_terminal_or_disabled():
    pipe, terminal = io.StringIO(), Terminal()
    for progress in (TerminalProgress(pipe), TerminalProgress(terminal, enabled=False)):
        progress("a.md", 1, 1)
        progress.passages(5, 5)
        progress.finish(LoadReport(root="x"))
    assert pipe.getvalue() == terminal.getvalue() == ""


def test_counted_passes_everything_through_and_reports_the_end():
    heard = []
    assert list(counted(range(250), 250, lambda done, total: heard.append((done, total)))) == list(range(250))
    assert heard[-1] == (250, 250) and len(heard) <= 101
    assert list(counted("abc", 3, None)) == ["a", "b", "c"]
