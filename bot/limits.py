"""Question rate limits: per member, so one member cannot starve the others, and for the bot's
message replies, so a flood of mentions never pushes the bot into Discord's global rate limit."""

from __future__ import annotations

import time

from discord.app_commands import AppCommandError

MAX_QUESTION_CHARS = 1000

# Discord's global limit is 50 requests a second per bot; a mention's answer is one request.
# Interaction responses do not count against it, so slash commands only meet the member limit.
REPLIES_PER_SECOND = 50
_MAX_TRACKED_MEMBERS = 10_000


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


class QuestionLimiter:
    def __init__(self, rate: int, per: float, replies_per_second: int = REPLIES_PER_SECOND) -> None:
        self.rate, self.per = rate, per
        self._members: dict[int, TokenBucket] = {}
        self._replies = TokenBucket(replies_per_second, replies_per_second)
        self._notified: dict[int, float] = {}

    def check(self, user_id: int) -> float | None:
        """Count a question by `user_id`: None when allowed, else seconds until they may ask again."""
        if len(self._members) > _MAX_TRACKED_MEMBERS:
            # Forget members whose bucket has refilled, so the map cannot grow without bound.
            self._members = {u: b for u, b in self._members.items() if not b.full}
        bucket = self._members.setdefault(user_id, TokenBucket(self.rate, self.rate / self.per))
        return bucket.take()

    def reply_allowed(self) -> bool:
        """Whether the bot may post one more message reply now without nearing Discord's global limit."""
        return self._replies.take() is None

    def first_notice(self, user_id: int, retry_after: float) -> bool:
        """True once per cooldown: a member asking too fast is told once, not on every message."""
        now = time.monotonic()
        if self._notified.get(user_id, 0) > now:
            return False
        if len(self._notified) > _MAX_TRACKED_MEMBERS:
            self._notified = {u: t for u, t in self._notified.items() if t > now}
        self._notified[user_id] = now + retry_after
        return True


class QuestionTooLong(AppCommandError):
    """Discord enforces an option's max length in its client, but a raw API call can skip that."""

    def __init__(self) -> None:
        super().__init__(f"That's too long for a question: please keep it under {MAX_QUESTION_CHARS} characters.")

