"""Loading progress: drawn on a terminal, silent under CI, in pipes, and when disabled."""

from __future__ import annotations

import io

import pytest

from retrieval.library import Library
from retrieval.models import LoadReport
from retrieval.progress import TerminalProgress, counted


HIDE_CURSOR, SHOW_CURSOR, ERASE_LINE = "\x1b[?25l", "\x1b[?25h", "\x1b[2K"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def not_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)


def test_draws_bars_for_files_and_passages_then_leaves_one_summary_line_on_a_terminal(tmp_path):
    (tmp_path / "a.md").write_text("# Rivers\n\nThe river rose after a week of heavy rain in the hills.\n")
    (tmp_path / "b.md").write_text("# Bridges\n\nThe old stone bridge was closed for repairs all summer.\n")
    terminal = Terminal()
    progress = TerminalProgress(terminal)
    library = Library.load(tmp_path, progress=progress)
    progress.finish(library.report)
    shown = terminal.getvalue()
    bars, summary = shown.split(ERASE_LINE)[:-1], shown.split(ERASE_LINE)[-1]
    assert any("files" in bar and "\u2501" in bar and "2/2" in bar for bar in bars)  # rich's bar, drawn full
    assert any("passages" in bar and "\u2501" in bar for bar in bars)
    # The bars are erased, the cursor they hid is back, and only the summary stays.
    assert shown.startswith(HIDE_CURSOR) and SHOW_CURSOR in shown
    assert summary == f"Loaded {library.report.summary()} in {library.report.seconds:.1f} s (indexed)\n"


def test_a_load_cut_short_still_gives_the_cursor_back_on_exit(monkeypatch):
    at_exit = []
    monkeypatch.setattr("retrieval.progress.atexit.register", at_exit.append)
    monkeypatch.setattr("retrieval.progress.atexit.unregister", lambda callback: None)
    terminal = Terminal()
    TerminalProgress(terminal)("a.md", 1, 5)  # then Ctrl-C: finish never runs
    assert HIDE_CURSOR in terminal.getvalue() and SHOW_CURSOR not in terminal.getvalue()
    for callback in at_exit:
        callback()
    assert terminal.getvalue().count(SHOW_CURSOR) == 1


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
