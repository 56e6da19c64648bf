"""What is measured in the bot's process while a run lasts: event-loop lag, garbage-collector pauses, and the
warnings and errors logged."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from .config import LoadConfig


async def drive_without_collector(driver: Any) -> dict[str, Any]:
    """Run `driver` with this process's garbage collector off, and its pauses' summary.

    The set-up's garbage (reading the content for the questions) is collected first, and the collector stays
    off while the fake times the bot: its records of every request grow through the run, and full collections
    walking them (730 ms at 1M) delayed its receipt of the bot's heartbeats, which counted as the bot's
    lateness. Refcounting frees the rest meanwhile.
    """
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        with GcPauses() as pauses:
            await driver.run()
    finally:
        gc.enable()
    return pauses.summary()


class GcPauses:
    """Times the garbage collector's pauses in this process while installed (gc.callbacks)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []  # (generation, seconds)
        self._started = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._started))

    def summary(self) -> dict[str, Any]:
        return {"collections": len(self.pauses), "full": sum(1 for g, _ in self.pauses if g == 2),
                "longest_ms": round(max((p for _, p in self.pauses), default=0.0) * 1000, 1),
                "total_ms": round(sum(p for _, p in self.pauses) * 1000, 1)}


class LogCounter(logging.Handler):
    """Counts the bot's (and discord.py's) warnings and errors during the run, keeping the first few."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.levelname] += 1
        if len(self.first) < 5:
            self.first.append(f"{record.levelname} {record.name}: {record.getMessage()[:160]}")


async def _loop_lag(stop: asyncio.Event, limit: float, lags: list[tuple[float, float]], period: float = 0.02) -> None:
    """(when, how late) the bot's event loop wakes from a `period` sleep, until `stop` or `limit` seconds.

    `when` is time.monotonic(), the fake's clock too (one machine), so stalls line up with the run."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not stop.is_set() and loop.time() < end:
        before = time.monotonic()
        await asyncio.sleep(period)
        now = time.monotonic()
        lags.append((now, max(0.0, now - before - period)))


@asynccontextmanager
async def measuring(config: LoadConfig, logs: LogCounter) -> AsyncIterator[tuple[list[tuple[float, float]], Any]]:
    """While the run lasts: the event-loop lag probe, the log counter and the GC pause recorder."""
    lags: list[tuple[float, float]] = []
    stop = asyncio.Event()
    probe = asyncio.create_task(_loop_lag(stop, config.seconds * 3 + config.drain_seconds + 60, lags))
    logging.getLogger().addHandler(logs)
    try:
        with GcPauses() as pauses:
            yield lags, pauses
    finally:
        logging.getLogger().removeHandler(logs)
        stop.set()
        await probe
