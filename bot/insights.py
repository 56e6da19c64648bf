"""What the records say about a period: questions asked, answered, declined and turned away busy; the declined
questions grouped by what they ask (the content gaps); the answers voted 👎 most; the articles quoted most; and
the period's records as CSV. One report, built here: `/insights` and `python -m bot insights` only show it."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import astuple, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from retrieval.gaps import group_questions

from .recording import utc_now
from .storage import Outcome, QuestionRecord, Records, open_records

MOST_VOTED_DOWN = 5
MOST_QUOTED = 5
GAPS_SHOWN = 10
# The declined questions grouped: the newest this many (grouping is quadratic in them).
DECLINED_GROUPED = 1000
# The CSV's rows at most (Discord takes attachments of a few MB; the command line has no such limit).
EXPORT_ROWS = 50_000
EXAMPLE_CHARS = 100
# A spreadsheet runs a cell starting with these as a formula: a member's question must never do that.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Terms = Callable[[str], Iterable[str]]
Titles = Callable[[str], "str | None"]


async def gather(records: Records, days: float, terms: Terms, titles: Titles = lambda _: None) -> dict[str, Any]:
    """The report for the last `days`. `terms` analyzes a question (what it searches, through the library's
    analyzer); `titles` names an article by its id where the collection is at hand."""
    since = utc_now() - timedelta(days=days)
    counts = await records.outcome_counts(since)
    declined = await records.declined_questions(since, DECLINED_GROUPED)
    down = await records.most_voted_down(since, MOST_VOTED_DOWN)
    quoted = await records.most_quoted(since, MOST_QUOTED)
    gaps = await asyncio.to_thread(group_questions, declined, terms)
    return {
        "days": days,
        "asked": sum(counts.values()),
        "answered": sum(n for outcome, n in counts.items() if outcome.answered),
        "declined": counts.get(Outcome.DECLINED, 0),
        "busy": counts.get(Outcome.BUSY, 0),
        "gaps": [{"count": g.count, "example": g.example, "terms": list(g.terms)} for g in gaps[:GAPS_SHOWN]],
        "most_voted_down": [{"article_id": a.article_id, "title": titles(a.article_id), "passage": a.passage + 1,
                             "down": a.down, "up": a.up, "question": a.question} for a in down],
        "most_quoted": [{"article_id": article, "title": titles(article), "times": times} for article, times in quoted],
    }


def _named(entry: dict[str, Any]) -> str:
    return entry["title"] or entry["article_id"]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_CHARS else text[:EXAMPLE_CHARS - 1].rstrip() + "\u2026"


def lines(report: dict[str, Any]) -> list[str]:
    said = [f"Last {report['days']:g} days: {report['asked']} questions asked, {report['answered']} answered, "
            f"{report['declined']} declined, {report['busy']} turned away busy"]
    if report["gaps"]:
        said += ["", "Declined, by what they ask (the content gaps):"]
        said += [f"  {g['count']:>3} \u00d7 {_short(g['example'])}" for g in report["gaps"]]
    if report["most_voted_down"]:
        said += ["", "Answers voted \N{THUMBS DOWN SIGN} most:"]
        said += [f"  {a['down']} \N{THUMBS DOWN SIGN} {a['up']} \N{THUMBS UP SIGN}  {_named(a)}, passage "
                 f"{a['passage']}" + (f" (asked: {_short(a['question'])})" if a["question"] else "")
                 for a in report["most_voted_down"]]
    if report["most_quoted"]:
        said += ["", "Articles quoted most:"]
        said += [f"  {q['times']:>3} \u00d7 {_named(q)}" for q in report["most_quoted"]]
    return said


CSV_COLUMNS = [f.name for f in fields(QuestionRecord)]


def _cell(value: Any) -> Any:
    if isinstance(value, Outcome):
        return value.value
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Sequence[QuestionRecord]) -> bytes:
    """The records as CSV (UTF-8 with a BOM, which spreadsheets need to read it as UTF-8); `member` is the
    keyed hash the records keep, never an id; a cell that a spreadsheet would run as a formula is quoted."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows([_cell(v) for v in astuple(r)] for r in rows)
    return out.getvalue().encode("utf-8-sig")


async def export(records: Records, days: float) -> tuple[bytes, int]:
    """The period's records as CSV, and how many rows (at most `EXPORT_ROWS`, the oldest first)."""
    rows = await records.questions_since(utc_now() - timedelta(days=days), EXPORT_ROWS)
    return await asyncio.to_thread(to_csv, rows), len(rows)


def read(database_url: str | None, data_path: Path, days: float, terms: Terms,
         titles: Titles = lambda _: None) -> dict[str, Any] | None:
    """The report from the bot's database; None when it cannot be read (the reason is logged)."""

    async def run() -> dict[str, Any] | None:
        records = await open_records(database_url, data_path)
        try:
            return await gather(records, days, terms, titles) if records.recording else None
        finally:
            await records.close()

    return asyncio.run(run())
