"""Question rate limits: per member, so one member cannot starve the others, and for the bot's
message replies, so a flood of mentions never pushes the bot into Discord's global rate limit."""

from __future__ import annotations

import asyncio
import time

from discord.app_commands import AppCommandError

from .coordination import Coordination, LocalCoordination
from .coordination.local import MAX_TRACKED_MEMBERS
from .member_ids import hashed_id

MAX_QUESTION_CHARS = 1000

# Discord's global limit is 50 requests a second per bot; a mention's answer is one request.
# Interaction responses do not count against it, so slash commands only meet the member limit.
REPLIES_PER_SECOND = 50
# A reply past the limit waits this long at most for a place in it: the answers queued behind a slow spell (a busy
# CPU, a reload) come out together, and over the next seconds they all fit (the 2-process load run at 1M dropped 19
# of 3,000 when a burst was refused at once).
REPLY_WAIT_SECONDS = 3.0


class QuestionLimiter:
    """Each member's cooldown and the bot's replies, counted by `coordination`: in this process by default, across
    all the bot's processes when they share Redis."""

    def __init__(self, rate: int, per: float, replies_per_second: int = REPLIES_PER_SECOND,
                 coordination: Coordination | None = None) -> None:
        coordination = coordination or LocalCoordination()
        self.cooldowns = coordination.cooldowns(rate, per)
        self._replies = coordination.request_budget(replies_per_second)
        self._notified: dict[int, float] = {}

    @property
    def rate(self) -> int:
        return self.cooldowns.rate

    @property
    def per(self) -> float:
        return self.cooldowns.per

    async def check(self, user_id: int) -> float | None:
        """Count a question by `user_id`: None when allowed, else seconds until they may ask again."""
        # The shared count is keyed by the member's hash, which the logs already show: never the Discord id.
        return await self.cooldowns.take(hashed_id(user_id))

    async def reply_allowed(self, wait: float = REPLY_WAIT_SECONDS) -> bool:
        """Whether the bot may post one more message reply without passing Discord's global limit, waiting at most
        `wait` seconds for a place in it (0 where a slower reply would be too late)."""
        deadline = time.monotonic() + wait
        while (retry := await self._replies.take()) is not None:
            if time.monotonic() + retry > deadline:
                return False
            await asyncio.sleep(retry)
        return True

    def first_notice(self, user_id: int, retry_after: float) -> bool:
        """True once per cooldown: a member asking too fast is told once, not on every message. Each process tells
        its own: a member's messages reach the process of their server's shard."""
        now = time.monotonic()
        if self._notified.get(user_id, 0) > now:
            return False
        if len(self._notified) > MAX_TRACKED_MEMBERS:
            self._notified = {u: t for u, t in self._notified.items() if t > now}
        self._notified[user_id] = now + retry_after
        return True


class QuestionTooLong(AppCommandError):
    """Discord enforces an option's max length in its client, but a raw API call can skip that."""

    def __init__(self) -> None:
        super().__init__(f"That's too long for a question: please keep it under {MAX_QUESTION_CHARS} characters.")

