"""This process among the bot's processes: its heartbeat (who it is, its shards, the bot's version and the library it
serves), and the live processes as /status shows them."""

from __future__ import annotations

import asyncio
import importlib.metadata
import logging
import time
from collections.abc import Callable, Sequence

from .coordination import Coordination, Heartbeat

log = logging.getLogger(__name__)

# A process that has not beaten for this long is gone from /status; it beats three times in that time, so one late
# beat on a busy machine does not drop it.
HEARTBEAT_SECONDS = 30.0
# How much of a library's fingerprint /status shows: enough to tell two libraries apart at a glance.
SHOWN_FINGERPRINT = 8


def version() -> str:
    try:
        return importlib.metadata.version("newsroom-qa-bot")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed)"


class Beating:
    """Beats for this process every third of `HEARTBEAT_SECONDS`, from `start()` until `stop()`. `shard_ids` and
    `library` are asked at each beat: the library changes with every reload."""

    def __init__(self, coordination: Coordination, shard_ids: Callable[[], Sequence[int]],
                 library: Callable[[], str | None]) -> None:
        self.heartbeats = coordination.heartbeats(HEARTBEAT_SECONDS)
        self._shard_ids, self._library = shard_ids, library
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._beating(), name="heartbeat")

    async def beat(self) -> None:
        """One beat now (also at once after a reload, so that the others see the new library without waiting)."""
        await self.heartbeats.beat(self._shard_ids(), version(), self._library())

    async def _beating(self) -> None:
        while True:
            try:
                await self.beat()
            except Exception:  # a bug must not end the beating: the others would think this process dead
                log.exception("heartbeat failed")
            await asyncio.sleep(self.heartbeats.ttl / 3)

    async def stop(self) -> None:
        """No more beats, and this process's heartbeat gone at once: /status and a reload's count of the processes
        serving the new library see it stopped now, not when its heartbeat would have expired."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
            await self.heartbeats.forget()


def processes_lines(beats: list[Heartbeat], me: str, shared: bool, configured: bool) -> list[str]:
    """/status's lines about the bot's processes: how coordination runs, then one line per live process."""
    if shared:
        how = f"{len(beats)} live, coordinated through Redis"
    elif configured:
        how = "Redis cannot be reached: this process coordinates on its own (see the log)"
    else:
        how = "this one only (no `redis_url`: coordination in this process)"
    lines = [f"**Processes:** {how}"]
    now = time.time()
    for beat in sorted(beats, key=lambda b: (b.process != me, b.process)):
        shards = ", ".join(map(str, beat.shard_ids)) if beat.shard_ids else "all"
        library = f"`{beat.library[:SHOWN_FINGERPRINT]}`" if beat.library else "none yet"
        this = " (this one)" if beat.process == me else ""
        lines.append(f"\u2022 `{beat.process}`{this}: shards {shards} \u00b7 library {library} \u00b7 last beat "
                     f"{max(0.0, now - beat.at):.0f} s ago")
    return lines
