"""Awaiting conditions on the fake's state without sleeps or polling loops.

Tests drive the bot and then wait for an effect (a REST call, a message, a
gateway event). Everything the fake records notifies a ``Signal``; waiters
re-check their condition on each notification, so the wait ends as soon as
the effect happens, and a timeout says what was awaited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Signal:
    """Wakes every waiter whenever something changed."""

    def __init__(self) -> None:
        self._waiters: list[asyncio.Event] = []

    def notify(self) -> None:
        for event in self._waiters:
            event.set()

    async def wait_until(self, condition: Callable[[], T | None], *, timeout: float, what: str) -> T:
        """Return ``condition()``'s first non-None value; ``TimeoutError`` naming ``what`` after ``timeout`` s."""
        event = asyncio.Event()
        self._waiters.append(event)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    result = condition()
                    if result is not None:
                        return result
                    await event.wait()
                    event.clear()
        except TimeoutError:
            raise TimeoutError(f"fake Discord: timed out after {timeout}s waiting for {what}") from None
        finally:
            self._waiters.remove(event)


class Recorder(Generic[T]):
    """An append-only log that can be awaited for an entry matching a predicate."""

    def __init__(self, signal: Signal | None = None) -> None:
        self.items: list[T] = []
        self.signal = signal or Signal()

    def append(self, item: T) -> None:
        self.items.append(item)
        self.signal.notify()

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]

    async def wait_for(self, predicate: Callable[[T], bool], *, since: int, timeout: float, what: str) -> T:
        """The first entry at index ``since`` or later satisfying ``predicate``, waiting if needed."""

        def find() -> T | None:
            return next((item for item in self.items[since:] if predicate(item)), None)

        return await self.signal.wait_until(find, timeout=timeout, what=what)
