"""The answer queue: on a large collection questions are answered one at a time off the event loop, and a
question that would wait too long behind the others is told at once that the bot is busy."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from discord.app_commands import AppCommandError

from retrieval import Answer, Passage
from retrieval.understand import FollowUp

log = logging.getLogger(__name__)

# Above this many passages answering a question (BM25, then re-ranking its best candidates) takes
# milliseconds: run it on a worker thread so the gateway heartbeat and other members' questions are
# never held up behind it.
THREADED_FROM_PASSAGES = 20_000
# A question that would wait longer than this behind the others is refused at once ("busy") rather
# than answered late: past capacity a queue only grows (measured at a million passages and 50
# questions a second: answers minutes late, interactions expired). With 2 s, admitted questions
# waited ~1.7 s and a /ask deferred at 2 s could still miss Discord's 3 s under event-loop lag.
MAX_WAIT_SECONDS = 1.0
# Refusals are logged as one count per this many seconds: a line each would flood the log just when
# the bot is overloaded, and none would leave the operator unaware that members are being turned away.
LOG_EVERY_SECONDS = 60.0


class Busy(AppCommandError):
    """More questions are already waiting than the bot can answer within a few seconds."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"I'm answering a lot of questions right now: please ask again in {math.ceil(retry_after)} s.")


class Answers(Protocol):
    """What the queue needs of a library (`retrieval.Library` is one)."""

    @property
    def passages(self) -> Sequence[Passage]: ...

    def answer(self, question: str, k: int, follow_up: FollowUp | None = None) -> Answer: ...


class AnswerQueue:
    """Answers questions from whichever library it is handed, refusing those that would wait too long.

    `threaded_from_passages`: from this many passages answers run on the queue's thread, below it inline.
    `max_wait_seconds`: a question that would wait longer than this is refused with `Busy`.
    `log_every_seconds`: refusals are logged as one count per this many seconds.
    """

    def __init__(
        self,
        threaded_from_passages: int = THREADED_FROM_PASSAGES,
        max_wait_seconds: float = MAX_WAIT_SECONDS,
        log_every_seconds: float = LOG_EVERY_SECONDS,
    ) -> None:
        self.threaded_from_passages = threaded_from_passages
        self.max_wait_seconds = max_wait_seconds
        self.log_every_seconds = log_every_seconds
        # Answers run one at a time on their own thread (they hold the GIL; more threads would only
        # take turns), so the queue's length times one answer's time is how long a new one would wait.
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="answer")
        self._queued = 0
        self._answer_seconds = 0.0  # moving average
        self._refused = 0  # told "busy" since the last log line
        self._refusals_logged_at: float | None = None

    async def answer(self, library: Answers, question: str, k: int, follow_up: FollowUp | None = None) -> Answer:
        """`library.answer(question, k, follow_up)`; raises `Busy` when the question would wait too long."""
        if len(library.passages) < self.threaded_from_passages:
            return library.answer(question, k, follow_up)
        wait = self._queued * self._answer_seconds
        if wait > self.max_wait_seconds:
            self._count_refusal()
            raise Busy(wait)
        self._queued += 1
        try:
            answer, seconds = await asyncio.get_running_loop().run_in_executor(
                self._thread, _timed_answer, library, question, k, follow_up)
        finally:
            self._queued -= 1
        self._answer_seconds = 0.8 * self._answer_seconds + 0.2 * seconds if self._answer_seconds else seconds
        return answer

    def _count_refusal(self) -> None:
        self._refused += 1
        now = time.monotonic()
        last = self._refusals_logged_at
        if last is None or now - last >= self.log_every_seconds:
            since = "" if last is None else f" in the last {now - last:.0f} s"
            log.warning("over capacity: told %d question(s) to ask again%s (an answer takes %.0f ms, %d waiting); "
                        "more CPU or a smaller collection would serve them",
                        self._refused, since, self._answer_seconds * 1000, self._queued)
            self._refused, self._refusals_logged_at = 0, now

    def close(self) -> None:
        if self._refused:
            log.warning("over capacity: told %d more question(s) to ask again before stopping", self._refused)
        self._thread.shutdown(wait=False, cancel_futures=True)


def _timed_answer(library: Answers, question: str, k: int, follow_up: FollowUp | None) -> tuple[Answer, float]:
    started = time.perf_counter()
    return library.answer(question, k, follow_up), time.perf_counter() - started
