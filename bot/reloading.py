"""One reload at a time across the bot's processes, and every process serving the new library afterwards.

The process that reloads (/reload, /add, /remove, /restore, a feed's new articles) takes the "reload" lease, builds
the library and saves its index in the data folder the processes share, then announces the new library's
fingerprint. Each other process loads that saved index (`ContentStore.follow`) and beats at once with it, which is how
the moderator learns that every process serves it. A process on its own, or one that cannot reach Redis, reloads for
itself only, and says so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from .content import ContentStore, ReloadResult
from .coordination import Coordination, renewed
from .processes import Beating

# Renewed every third of it while building: a process that dies mid-reload holds up the others this long at most.
RELOAD_LEASE_SECONDS = 60.0
# How long the moderator's reply waits for every live process to serve the new library.
SERVED_WAIT_SECONDS = 30.0
# How often that wait looks at the heartbeats, and a queued feed rebuild at the lease.
LOOK_SECONDS = 0.25

IN_PROGRESS = ("Another process of the bot is reloading the library right now: try again in a minute, once it "
               "is done.")
THIS_PROCESS_ONLY = ("Redis cannot be reached, so this reload is this process's only: the bot's other processes "
                     "answer from the library they had until their next reload or restart.")


class ReloadInProgress(Exception):
    """Another process holds the reload lease; the message is for the moderator."""

    def __init__(self) -> None:
        super().__init__(IN_PROGRESS)


@dataclass(frozen=True)
class Rebuilt:
    """A reload done: what it built, and what to tell the moderator about the other processes ('' on its own)."""

    result: ReloadResult
    served: str


class Reloads:
    """This process's reloads, one at a time among the bot's processes (`coordination`), and its following of the
    others' (`start()` until `stop()`). `shared_setup`: the operator set `redis_url` (other processes may exist)."""

    def __init__(self, content: ContentStore, coordination: Coordination, beating: Beating,
                 shared_setup: bool) -> None:
        self.content, self.coordination, self.beating = content, coordination, beating
        self.shared_setup = shared_setup
        self.changes = coordination.library_changes()
        self._turns = asyncio.Lock()

    @property
    def busy(self) -> bool:
        """A reload of this process is running (another asked now waits for it)."""
        return self._turns.locked()

    def start(self) -> None:
        self.changes.listen(self._heard)

    async def stop(self) -> None:
        await self.changes.stop()

    @asynccontextmanager
    async def turn(self, *, wait: bool = False) -> AsyncIterator[None]:
        """This process's turn to change the library: after any reload of its own, and while no other process
        reloads (raises `ReloadInProgress`, or with `wait` waits for it: for changes already written)."""
        async with self._turns:
            lease = self.coordination.lease("reload", RELOAD_LEASE_SECONDS)
            while not await lease.acquire():
                if not wait:
                    raise ReloadInProgress()
                await asyncio.sleep(LOOK_SECONDS)
            try:
                async with renewed(lease):
                    yield
            finally:
                await lease.release()

    async def rebuild(self) -> Rebuilt:
        """Within a turn: rebuild the library (raises `ReloadFailed`), announce it, and wait for every live process
        to serve it, up to `SERVED_WAIT_SECONDS`."""
        result = await self.content.reload()
        library = self.content.fingerprint
        await self.beating.beat()  # this process serves it now: said at once, not at the next beat
        if not self.shared_setup or library is None:
            return Rebuilt(result, "")
        if not await self.changes.announce(library):
            return Rebuilt(result, THIS_PROCESS_ONLY)
        return Rebuilt(result, await self._served(library))

    async def _served(self, library: str) -> str:
        deadline = time.monotonic() + SERVED_WAIT_SECONDS
        while True:
            beats = await self.beating.heartbeats.live()
            serving = sum(beat.library == library for beat in beats)
            if serving == len(beats) or time.monotonic() >= deadline:
                break
            await asyncio.sleep(LOOK_SECONDS)
        if not self.coordination.shared:
            return THIS_PROCESS_ONLY  # Redis went away while waiting: the others may not have heard
        if serving == len(beats):
            return f"Every process of the bot serves it now ({serving} of {len(beats)})."
        return (f"{serving} of {len(beats)} processes of the bot serve it after {SERVED_WAIT_SECONDS:.0f} s; the "
                "others still answer from the library they had (their logs say why).")

    async def _heard(self, library: str) -> None:
        if await self.content.follow(library) is not None:
            await self.beating.beat()
