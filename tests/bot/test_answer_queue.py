"""The answer queue: inline on a small collection, on its own thread on a large one, and a question that would
wait too long refused at once, with the limits given as values."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time

import pytest

from bot.answer_queue import AnswerQueue, Busy


class Library:
    """Answers with the question itself, taking `seconds`, or until `release` when `hold` is set."""

    def __init__(self, passages: int = 1, seconds: float = 0.0) -> None:
        self.passages = [None] * passages
        self.seconds, self.hold, self.release = seconds, False, threading.Event()
        self.threads: list[str] = []

    def answer(self, question, k, follow_up=None):
        self.threads.append(threading.current_thread().name)
        if self.hold:
            self.release.wait(10)
        else:
            time.sleep(self.seconds)
        return question


async def held_burst(queue: AnswerQueue, library: Library, count: int) -> list[object]:
    """`count` questions at once while the answering thread is held: what each got (an answer, or `Busy`)."""
    library.hold = True
    tasks = [asyncio.create_task(queue.answer(library, f"q{i}", 3)) for i in range(count)]
    try:
        await asyncio.sleep(0.05)  # every question has been admitted or refused by now
    finally:
        library.release.set()
    return await asyncio.gather(*tasks, return_exceptions=True)


async def test_a_small_collection_is_answered_inline_and_a_large_one_on_the_queues_thread():
    queue = AnswerQueue(threaded_from_passages=10)
    small, large = Library(passages=9), Library(passages=10)
    assert await queue.answer(small, "q", 3) == "q" and await queue.answer(large, "q", 3) == "q"
    assert small.threads == [threading.current_thread().name] and large.threads[0].startswith("answer")
    queue.close()


@pytest.mark.parametrize(("max_wait_seconds", "admitted"), [(0.15, 2), (1.0, 5)])
async def test_a_question_that_would_wait_past_max_wait_is_refused_at_once_with_busy(max_wait_seconds, admitted):
    queue = AnswerQueue(threaded_from_passages=0, max_wait_seconds=max_wait_seconds)
    library = Library(seconds=0.1)
    await queue.answer(library, "first", 3)  # the queue now knows an answer takes 0.1 s
    outcomes = await held_burst(queue, library, 5)
    queue.close()
    # Waits of 0, 0.1, 0.2, ... s: those within max_wait_seconds are answered, in order; the rest are told at once.
    assert outcomes[:admitted] == [f"q{i}" for i in range(admitted)]
    refused = outcomes[admitted:]
    assert all(isinstance(busy, Busy) for busy in refused)
    assert all(busy.retry_after > max_wait_seconds for busy in refused)
    assert all("please ask again in 1 s" in str(busy) for busy in refused)


async def test_refusals_are_logged_as_one_count_per_period_and_the_rest_when_closing(caplog):
    queue = AnswerQueue(threaded_from_passages=0, max_wait_seconds=0.0, log_every_seconds=60)
    library = Library(seconds=0.01)
    await queue.answer(library, "first", 3)
    outcomes = await held_burst(queue, library, 4)  # one answered, three refused
    queue.close()
    assert sum(isinstance(outcome, Busy) for outcome in outcomes) == 3
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.answer_queue"]
    assert [int(re.search(r"told (\d+)", line)[1]) for line in logged] == [1, 2]  # the first at once, the rest at close
    assert "more question(s) to ask again before stopping" in logged[1]
    assert all(r.levelno == logging.WARNING for r in caplog.records if r.name == "bot.answer_queue")


async def test_with_no_period_every_refusal_is_logged(caplog):
    queue = AnswerQueue(threaded_from_passages=0, max_wait_seconds=0.0, log_every_seconds=0)
    library = Library(seconds=0.01)
    await queue.answer(library, "first", 3)
    await held_burst(queue, library, 4)
    queue.close()
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.answer_queue"]
    assert len(logged) == 3 and all("told 1 question(s)" in line for line in logged)
