"""What the records say about the last days: questions asked, answered, declined and turned away busy, and
the answers voted 👎 most. `python -m bot insights` prints it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from .recording import utc_now
from .storage import Outcome, Records, open_records

MOST_VOTED_DOWN = 5


async def gather(records: Records, days: float) -> dict[str, Any]:
    since = utc_now() - timedelta(days=days)
    counts = await records.outcome_counts(since)
    down = await records.most_voted_down(since, MOST_VOTED_DOWN)
    return {
        "days": days,
        "asked": sum(counts.values()),
        "answered": sum(n for outcome, n in counts.items() if outcome.answered),
        "declined": counts.get(Outcome.DECLINED, 0),
        "busy": counts.get(Outcome.BUSY, 0),
        "most_voted_down": [{"article_id": a.article_id, "passage": a.passage + 1, "down": a.down, "up": a.up,
                             "question": a.question} for a in down],
    }


def lines(report: dict[str, Any]) -> list[str]:
    said = [f"Last {report['days']:g} days: {report['asked']} questions asked, {report['answered']} answered, "
            f"{report['declined']} declined, {report['busy']} turned away busy"]
    if report["most_voted_down"]:
        said.append("Answers voted \N{THUMBS DOWN SIGN} most:")
        said += [f"  {a['down']} \N{THUMBS DOWN SIGN} {a['up']} \N{THUMBS UP SIGN}  {a['article_id']}, passage "
                 f"{a['passage']}" + (f" (asked: {a['question']})" if a["question"] else "")
                 for a in report["most_voted_down"]]
    return said


def read(database_url: str | None, data_path: Path, days: float) -> dict[str, Any] | None:
    """The report from the bot's database; None when it cannot be read (the reason is logged)."""

    async def run() -> dict[str, Any] | None:
        records = await open_records(database_url, data_path)
        try:
            return await gather(records, days) if records.recording else None
        finally:
            await records.close()

    return asyncio.run(run())
