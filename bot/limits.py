"""Question rate limits: per member, so one member cannot starve the others, and for the whole bot,
so a flood of questions never pushes the bot into Discord's own rate limits."""

from __future__ import annotations

from discord.app_commands import AppCommandError, Cooldown

MAX_QUESTION_CHARS = 1000

# Discord allows a bot about 50 requests a second in all; answering is one request per question.
GLOBAL_RATE = 50
GLOBAL_PER = 1.0
_MAX_TRACKED_MEMBERS = 10_000


class QuestionLimiter:
    def __init__(self, rate: int, per: float, global_rate: int = GLOBAL_RATE, global_per: float = GLOBAL_PER) -> None:
        self.rate, self.per = rate, per
        self._members: dict[int, Cooldown] = {}
        self._global = Cooldown(global_rate, global_per)

    def check(self, user_id: int) -> float | None:
        """Count a question by `user_id`: None when allowed, else seconds until they may ask again."""
        if len(self._members) > _MAX_TRACKED_MEMBERS:
            # Forget members whose window has passed, so the map cannot grow without bound.
            self._members = {u: c for u, c in self._members.items() if c.get_tokens() < c.rate}
        bucket = self._members.setdefault(user_id, Cooldown(self.rate, self.per))
        if bucket.get_tokens() == 0:
            return bucket.get_retry_after()
        if self._global.get_tokens() == 0:
            return self._global.get_retry_after()
        self._global.update_rate_limit()
        bucket.update_rate_limit()
        return None


class QuestionTooLong(AppCommandError):
    """Discord enforces an option's max length in its client, but a raw API call can skip that."""

    def __init__(self) -> None:
        super().__init__(f"That's too long for a question: please keep it under {MAX_QUESTION_CHARS} characters.")
