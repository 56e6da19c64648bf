"""Holding a lease through a job that may outlast one `ttl` (a poll of every feed, a library build)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from .protocols import Lease

log = logging.getLogger(__name__)


@asynccontextmanager
async def renewed(lease: Lease) -> AsyncIterator[None]:
    """`lease` (held) renewed every third of its ttl while the block runs, so that a long job keeps it."""

    async def renewing() -> None:
        while True:
            await asyncio.sleep(lease.ttl / 3)
            if not await lease.renew():
                # This process stalled past the ttl, or Redis went away or lost its keys: another may start the job.
                log.warning("lost the %r lease while holding it: another process may run the same job meanwhile",
                            lease.name)
                return

    task = asyncio.create_task(renewing(), name=f"renew-{lease.name}")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
