"""A load run's settings: how long, how fast, how many members, the heartbeat, the bot's cooldown."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

# Discord's ceiling for a bot. The heartbeat interval Discord announces (41.25 s) would give one
# heartbeat a minute; 1 s gives ~60 in a 60 s run, so a late one shows.
DEFAULT_RATE = 50.0
DEFAULT_HEARTBEAT_MS = 1000
# The bot's defaults: 5 questions per member per 30 s.
DEFAULT_COOLDOWN_RATE = 5
DEFAULT_COOLDOWN_SECONDS = 30.0


@dataclass
class LoadConfig:
    content: Path
    """The staged content folder (a temporary copy: the benchmark adds an article to it)."""
    seconds: float = 60.0
    rate: float = DEFAULT_RATE
    members: int | None = None
    """Members asking in turn; None: enough that the per-member cooldown never refuses one."""
    heartbeat_ms: int = DEFAULT_HEARTBEAT_MS
    cooldown_rate: int = DEFAULT_COOLDOWN_RATE
    cooldown_seconds: float = DEFAULT_COOLDOWN_SECONDS
    reload: bool = True
    seed: int = 0
    drain_seconds: float = 60.0
    """After the last question: how long to wait for outstanding answers (and the reload) at most."""
    settle_seconds: float = 1.0
    """Then how long to keep watching for late duplicates."""
    start_timeout: float = 900.0
    """How long the bot may take to load the library and connect."""
    index_path: Path | None = None
    """Where the bot saves its index (the `index_path` setting); None: an `index` folder next to the
    staged content, never the repository's `.index`."""

    @property
    def count(self) -> int:
        return max(1, round(self.seconds * self.rate))

    @property
    def member_count(self) -> int:
        if self.members:
            return self.members
        # Round robin: each member asks every members/rate s; keep it under the cooldown with a spare token.
        return max(10, math.ceil(self.rate * self.cooldown_seconds / max(1, self.cooldown_rate - 1)))
