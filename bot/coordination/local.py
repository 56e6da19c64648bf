"""The in-process coordination: one bot process on its own, the default, and what a process falls back to while
Redis is away. Everything lives in this process's memory; nothing here waits on anything."""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from .protocols import Heartbeat

# Members whose buckets are tracked before the full ones (which say nothing a new bucket would not) are forgotten.
MAX_TRACKED_MEMBERS = 10_000
# This process's name among the bot's processes, when whoever starts it gives it one that lasts across its restarts
# (`python -m bot cluster` does): its heartbeat then replaces the one it had before it was started again.
PROCESS_NAME_VARIABLE = "BOT_PROCESS_NAME"


def process_name() -> str:
    """This process as the others see it: the name it was given (`PROCESS_NAME_VARIABLE`), else its machine and pid,
    and a random part for a pid used again later."""
    given = os.environ.get(PROCESS_NAME_VARIABLE, "").strip()
    return given or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class TokenBucket:
    """`capacity` actions at once, refilled continuously at `rate` per second.

    Unlike a fixed window, an evenly spaced stream at exactly `rate` is never refused.
    """

    def __init__(self, capacity: float, rate: float) -> None:
        self.capacity, self.rate = capacity, rate
        self.tokens = capacity
        self.updated = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    @property
    def full(self) -> bool:
        self._refill()
        return self.tokens >= self.capacity

    def take(self) -> float | None:
        """Spend one token: None when allowed, else seconds until one is available."""
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return (1 - self.tokens) / self.rate


class SlidingWindow:
    """At most `limit` actions in any `window` seconds: each action's time is kept until it leaves the window.

    Stricter than a token bucket of `limit` refilled at `limit` a window, which after a quiet spell lets its full
    capacity through and then its refill within the same window: up to twice the limit in a sliding second.
    """

    def __init__(self, limit: int, window: float = 1.0) -> None:
        self.limit, self.window = limit, window
        self.times: deque[float] = deque()

    def take(self) -> float | None:
        """Count one action: None when allowed, else seconds until the oldest one leaves the window."""
        now = time.monotonic()
        while self.times and self.times[0] <= now - self.window:
            self.times.popleft()
        if len(self.times) < self.limit:
            self.times.append(now)
            return None
        return self.times[0] + self.window - now


class LocalRequestBudget:
    """Discord's global limit: at most `per_second` requests in any second, counted in this process."""

    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self._window = SlidingWindow(per_second)

    async def take(self) -> float | None:
        return self._window.take()


class LocalCooldowns:
    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self._members: dict[str, TokenBucket] = {}

    async def take(self, member: str) -> float | None:
        if len(self._members) > MAX_TRACKED_MEMBERS:
            # Forget members whose bucket has refilled, so the map cannot grow without bound.
            self._members = {m: b for m, b in self._members.items() if not b.full}
        return self._members.setdefault(member, TokenBucket(self.rate, self.rate / self.per)).take()


class LocalLease:
    """A lease among the tasks of this process. `held` is its coordination's record of every job's holder and until
    when (monotonic time), so that two leases on one job exclude each other."""

    def __init__(self, held: dict[str, tuple[str, float]], name: str, ttl: float, holder: str) -> None:
        self.name, self.ttl = name, ttl
        self._held, self.holder = held, holder

    def _mine(self) -> bool | None:
        """True: this holder has the lease; False: another has it; None: nobody (never taken, released or expired)."""
        holder, until = self._held.get(self.name, ("", 0.0))
        if until <= time.monotonic():
            return None
        return holder == self.holder

    async def acquire(self) -> bool:
        if self._mine() is False:
            return False
        self._held[self.name] = (self.holder, time.monotonic() + self.ttl)
        return True

    async def renew(self) -> bool:
        if not self._mine():
            return False
        self._held[self.name] = (self.holder, time.monotonic() + self.ttl)
        return True

    async def release(self) -> None:
        if self._mine():
            del self._held[self.name]


class LocalHeartbeats:
    """This process's own heartbeat: on its own, the only live process it knows is itself."""

    def __init__(self, process: str, ttl: float) -> None:
        self.process, self.ttl = process, ttl
        self._last: Heartbeat | None = None
        self._until = 0.0

    async def beat(self, shard_ids: Sequence[int], version: str, library: str | None) -> None:
        self._last = Heartbeat(self.process, tuple(shard_ids), version, library, time.time())
        self._until = time.monotonic() + self.ttl

    async def live(self) -> list[Heartbeat]:
        return [self._last] if self._last is not None and self._until > time.monotonic() else []

    async def forget(self) -> None:
        self._last = None


class LocalLibraryChanges:
    """On its own, a process has nobody to tell and nobody to hear."""

    async def announce(self, library: str) -> bool:
        return False

    def listen(self, heard: Callable[[str], Awaitable[None]]) -> None:
        """Nothing will be heard."""

    async def stop(self) -> None:
        """Nothing to stop."""


class LocalCoordination:
    """Every piece in this process alone: the default, with no `redis_url`."""

    shared = False

    def __init__(self, process: str | None = None) -> None:
        self.process = process or process_name()
        self._leases: dict[str, tuple[str, float]] = {}

    def request_budget(self, per_second: int) -> LocalRequestBudget:
        return LocalRequestBudget(per_second)

    def cooldowns(self, rate: int, per: float) -> LocalCooldowns:
        return LocalCooldowns(rate, per)

    def lease(self, name: str, ttl: float) -> LocalLease:
        return LocalLease(self._leases, name, ttl, holder=f"{self.process}:{secrets.token_hex(4)}")

    def heartbeats(self, ttl: float) -> LocalHeartbeats:
        return LocalHeartbeats(self.process, ttl)

    def library_changes(self) -> LocalLibraryChanges:
        return LocalLibraryChanges()

    async def start(self, namespace: str) -> None:
        """Nothing to connect to."""

    async def close(self) -> None:
        """Nothing to close."""
