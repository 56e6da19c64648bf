"""How the bot has been answering lately, for /status: outcomes and answer times over a rolling hour, in memory.

Fed once per question where the answer is worked out (`Asking`); lost at a restart, which is fine for a
status line (the question record in the database is the history).
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from retrieval import Answer

Outcome = Literal["answered", "declined", "busy", "small_talk"]
WINDOW_SECONDS = 3600.0


@dataclass(frozen=True)
class Summary:
    """The window's outcomes by kind, and its answer times' median and 95th percentile in seconds (None: no
    question was answered or declined in it)."""

    counts: Counter[str]
    p50: float | None
    p95: float | None


def outcome_of(answer: Answer) -> Outcome:
    if answer.kind == "small_talk":
        return "small_talk"
    return "declined" if answer.no_answer else "answered"


def percentile(sorted_values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    return sorted_values[max(1, math.ceil(share * len(sorted_values))) - 1]


class QuestionStats:
    """Each question's outcome and answer time over the last `window` seconds.

    A lock keeps it consistent if a worker thread ever records; on the event loop it is never contended.
    """

    def __init__(self, window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.window, self.clock = window, clock
        self._events: deque[tuple[float, Outcome, float | None]] = deque()
        self._lock = threading.Lock()

    def record(self, outcome: Outcome, seconds: float | None = None) -> None:
        with self._lock:
            self._events.append((self.clock(), outcome, seconds))
            self._forget_old()

    async def timed(self, answering: Awaitable[Answer], busy: type[Exception]) -> Answer:
        """Await `answering` and record its outcome and how long it took; a `busy` refusal is recorded and raised."""
        started = self.clock()
        try:
            answer = await answering
        except busy:
            self.record("busy")
            raise
        self.record(outcome_of(answer), self.clock() - started)
        return answer

    def summary(self) -> Summary:
        with self._lock:
            self._forget_old()
            events = list(self._events)
        times = sorted(seconds for _, _, seconds in events if seconds is not None)
        return Summary(Counter(outcome for _, outcome, _ in events),
                       percentile(times, 0.5) if times else None, percentile(times, 0.95) if times else None)

    def _forget_old(self) -> None:
        oldest = self.clock() - self.window
        while self._events and self._events[0][0] < oldest:
            self._events.popleft()
