"""What the bot's processes share, as small protocols: the in-process classes (`local.py`) are the default, the
Redis ones (`shared.py`) are chosen by `redis_url`, and nothing else in the bot asks which it has."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


class RequestBudget(Protocol):
    """Discord's global request budget of one bot (50 requests a second), which every process of the bot spends."""

    async def take(self) -> float | None:
        """Spend one request: None when allowed, else seconds until one is available."""


class Cooldowns(Protocol):
    """How often each member may ask: `rate` questions per `per` seconds, the same in every process."""

    rate: int
    per: float

    async def take(self, member: str) -> float | None:
        """Count a question by `member` (a hashed id, never the Discord id): None when allowed, else seconds until
        they may ask again."""


class Lease(Protocol):
    """One holder at a time for the job called `name` (a reload, the feed poller), for `ttl` seconds at a time: a
    holder that dies without releasing it loses it when the time is up."""

    name: str
    ttl: float

    async def acquire(self) -> bool:
        """Take the lease if nobody holds it: True when this holder has it now (it may have had it already)."""

    async def renew(self) -> bool:
        """Another `ttl` seconds, if this holder still has the lease; False when it lost it (its job must stop)."""

    async def release(self) -> None:
        """Give the lease up, if this holder still has it (never anyone else's)."""


@dataclass(frozen=True)
class Heartbeat:
    """What one process last said about itself: who it is, the shards it runs, the bot's version and the library it
    serves (a fingerprint of the saved index), and when it said so."""

    process: str
    shard_ids: tuple[int, ...]
    version: str
    library: str | None
    at: float
    """Seconds since the epoch, by the clock of whoever keeps the heartbeats (Redis's when shared)."""


class Heartbeats(Protocol):
    """Each process's heartbeat; a process that stops beating drops out of `live()` after `ttl` seconds."""

    ttl: float

    async def beat(self, shard_ids: Sequence[int], version: str, library: str | None) -> None:
        """Say this process is alive, with what it runs."""

    async def live(self) -> list[Heartbeat]:
        """The heartbeats of the processes alive now, this one's included once it has beaten."""

    async def forget(self) -> None:
        """This process's heartbeat gone from `live()` now, not when it expires: the process is stopping."""


class LibraryChanges(Protocol):
    """"The library changed": said by the process that rebuilt and saved it, heard by each of the others."""

    async def announce(self, library: str) -> bool:
        """Tell the bot's other processes that the saved library is now `library` (its fingerprint): False when
        none can hear it (this process is on its own, or Redis is away)."""

    def listen(self, heard: Callable[[str], Awaitable[None]]) -> None:
        """From now until `stop()`, `heard(library)` for each change another process announces."""

    async def stop(self) -> None: ...


class Coordination(Protocol):
    """Makes the shared pieces of one bot process. `process` names this process to the others."""

    process: str

    @property
    def shared(self) -> bool:
        """Whether the pieces are shared with the bot's other processes now (False: this process is on its own)."""

    def request_budget(self, per_second: int) -> RequestBudget: ...

    def cooldowns(self, rate: int, per: float) -> Cooldowns: ...

    def lease(self, name: str, ttl: float) -> Lease:
        """A lease on the job `name` for a new holder in this process."""

    def heartbeats(self, ttl: float) -> Heartbeats: ...

    def library_changes(self) -> LibraryChanges: ...

    async def start(self, namespace: str) -> None:
        """Begin sharing with the other processes of the bot named `namespace` (its application id): bots with
        other namespaces share nothing with it, even on one Redis."""

    async def close(self) -> None: ...
