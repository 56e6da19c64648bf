"""The record of questions: each question the bot handles and what became of it, written in batches.

Answering never waits for the database: a question's record is queued, and a background task writes the
queue every `FLUSH_SECONDS` (sooner when `BATCH_SIZE` are waiting) on the driver's thread. A failed write
is logged and its batch dropped; closing the bot writes what is still queued. Records older than
`keep_questions_days` are deleted at start and once a day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta, timezone

from retrieval import Answer

from .member_ids import MemberHasher
from .settings import Settings
from .storage import NullRecords, Outcome, QuestionRecord, Records, open_records
from .storage.sql import UNUSABLE, problem

log = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
BATCH_SIZE = 50
FORGET_EVERY_SECONDS = 24 * 3600.0


def utc_now() -> datetime:
    """The time as the database keeps it: UTC, without a zone."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Recording:
    """The bot's records (`records`), how members are named in them (`members`), and the question log."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.records: Records = NullRecords()
        self.members: MemberHasher | None = None
        self._queued: list[QuestionRecord] = []
        self._full = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Open the database (raises `DatabaseTooNew`; otherwise a database that cannot be used leaves the bot
        answering without records), forget what is too old, and start writing and forgetting daily."""
        records = await open_records(self.settings.database_url, self.settings.data_path)
        if records.recording:
            try:
                self.members = await asyncio.to_thread(MemberHasher.in_folder, self.settings.data_path)
            except (OSError, ValueError) as exc:
                log.error("cannot read the member key in %s (%s): nothing is recorded until it is fixed or removed",
                          self.settings.data_path, exc)
                await records.close()
                records = NullRecords()
        self.records = records
        if records.recording:
            await self.forget_old()
            self._tasks = [asyncio.create_task(self._write_batches(), name="record-questions"),
                           asyncio.create_task(self._forget_daily(), name="forget-old-questions")]

    @property
    def questions(self) -> bool:
        """Whether questions are recorded now."""
        return self.settings.record_questions and self.records.recording and self.members is not None

    def question(self, *, key: str, user_id: int, guild_id: int | None, channel_id: int | None, via: str,
                 question: str, outcome: Outcome, answer: Answer | None, answer_ms: float) -> None:
        """Queue one question's record (nothing when questions are not recorded)."""
        if not self.questions or self.members is None:
            return
        best = answer.hits[0] if answer is not None and answer.hits else None
        self._queued.append(QuestionRecord(
            key=key, asked_at=utc_now(), guild_id=guild_id, channel_id=channel_id, member=self.members(user_id),
            via=via, question=question, outcome=outcome, answer_ms=round(answer_ms, 3),
            article_id=best.article.id if best else None, passage=best.passage.ordinal if best else None,
            score=best.score if best else None, answerable=answer.answerable if answer else None,
            coverage=answer.coverage if answer else None,
        ))
        if len(self._queued) >= BATCH_SIZE:
            self._full.set()

    async def flush(self) -> None:
        """Write what is queued, as one transaction; a failure is logged and that batch is lost."""
        batch, self._queued = self._queued, []
        self._full.clear()
        if not batch:
            return
        try:
            await self.records.add_questions(batch)
        except UNUSABLE as exc:
            log.error("could not record %d question(s): %s", len(batch), problem(exc))

    async def _write_batches(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._full.wait(), FLUSH_SECONDS)
            await self.flush()

    async def forget_old(self) -> None:
        """Delete the questions and votes older than `keep_questions_days`."""
        try:
            forgotten = await self.records.forget_before(utc_now() - timedelta(days=self.settings.keep_questions_days))
        except UNUSABLE as exc:
            log.error("could not delete old questions and votes: %s", problem(exc))
            return
        if forgotten:
            log.info("deleted %d question(s) and vote(s) older than %g days", forgotten,
                     self.settings.keep_questions_days)

    async def _forget_daily(self) -> None:
        while True:
            await asyncio.sleep(FORGET_EVERY_SECONDS)
            await self.forget_old()

    async def stop_writing(self) -> None:
        """Stop the background tasks at once, without writing what is queued (a bot killed mid-batch)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        await self.stop_writing()
        await self.flush()
        await self.records.close()
