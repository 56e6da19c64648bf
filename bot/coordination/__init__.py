"""What the bot's processes share: Discord's request budget, members' cooldowns, leases on one-at-a-time jobs,
heartbeats and the news that the library changed (`protocols.py`). In this process alone by default (`local.py`); through Redis with `redis_url`
(`shared.py`), falling back to this process's own while Redis is away (`link.py`)."""

from .holding import renewed
from .local import LocalCoordination
from .protocols import Cooldowns, Coordination, Heartbeat, Heartbeats, Lease, LibraryChanges, RequestBudget
from .shared import RedisCoordination


def coordination_for(redis_url: str | None) -> Coordination:
    """Through the Redis at `redis_url`, or in this process alone without one."""
    return RedisCoordination(redis_url) if redis_url else LocalCoordination()


__all__ = [
    "Cooldowns", "Coordination", "Heartbeat", "Heartbeats", "Lease", "LibraryChanges", "LocalCoordination",
    "RedisCoordination", "RequestBudget", "coordination_for", "renewed",
]
