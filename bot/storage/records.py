"""What the bot remembers of its answers, and the interface every store of it offers.

`Records` is the repository: the bot records questions and votes and asks for them back only through it, so
where they live (SQLite by default, PostgreSQL by a URL: `bot.storage.sql`) is one class's concern, and a
database that cannot be used is replaced by `NullRecords` without the rest of the bot knowing.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class Outcome(str, enum.Enum):
    """What became of a question."""

    QUOTED = "quoted"
    """A passage that answers it was quoted."""
    ARTICLE = "article"
    """A fact about one article (who wrote it, when, its link, what it is about, the next passage)."""
    ARTICLES = "articles"
    """A list of articles (which mention X, what an author wrote, what articles there are)."""
    SMALL_TALK = "small_talk"
    DECLINED = "declined"
    """Nothing in the articles answers it: the content gaps."""
    BUSY = "busy"
    """Turned away because too many questions were waiting."""
    TOO_FAST = "too_fast"
    """The member was over their question rate."""
    TOO_LONG = "too_long"
    ERROR = "error"

    @property
    def answered(self) -> bool:
        return self in (Outcome.QUOTED, Outcome.ARTICLE, Outcome.ARTICLES)


@dataclass(frozen=True)
class QuestionRecord:
    """One question and what the bot did with it. `member` is a keyed hash (`bot.member_ids`), never the id.
    `key` is also in the answer's buttons, so that a vote names the question it judges."""

    key: str
    asked_at: datetime  # UTC; read back without a zone (one with a zone is converted to UTC when stored)
    guild_id: int | None
    channel_id: int | None
    member: str
    via: str
    question: str
    outcome: Outcome
    answer_ms: float
    article_id: str | None = None
    passage: int | None = None  # 0-based ordinal in its article
    score: float | None = None  # raw BM25
    answerable: float | None = None  # the no-answer model's score (0..1)
    coverage: float | None = None


UP, DOWN = 1, -1


@dataclass(frozen=True)
class Vote:
    """A member's 👍 (`UP`) or 👎 (`DOWN`) on one answer message; one per member per message."""

    message_id: int
    member: str
    value: int
    record_key: str
    article_id: str | None
    passage: int | None
    voted_at: datetime


class VoteResult(enum.Enum):
    RECORDED = "recorded"
    CHANGED = "changed"
    KEPT = "kept"


@dataclass(frozen=True)
class Tally:
    up: int = 0
    down: int = 0


@dataclass(frozen=True)
class VotedAnswer:
    """An answer (an article's passage) with its votes, and one question it was given for."""

    article_id: str
    passage: int
    down: int
    up: int
    question: str | None


class Records(Protocol):
    """Questions and votes: recorded, changed, read back, and forgotten after a while."""

    @property
    def recording(self) -> bool:
        """False when nothing is kept (`NullRecords`)."""
        ...

    async def add_questions(self, records: Sequence[QuestionRecord]) -> None:
        """Store a batch, all or nothing."""
        ...

    async def vote(self, vote: Vote) -> VoteResult | None:
        """Record a vote or change the member's earlier one on that message; None when it could not be kept."""
        ...

    async def tally(self, message_id: int) -> Tally: ...

    async def outcome_counts(self, since: datetime) -> dict[Outcome, int]: ...

    async def declined_questions(self, since: datetime, limit: int) -> list[str]:
        """The questions nothing answered, newest first."""
        ...

    async def most_voted_down(self, since: datetime, limit: int) -> list[VotedAnswer]: ...

    async def most_quoted(self, since: datetime, limit: int) -> list[tuple[str, int]]:
        """(article id, times quoted), most first."""
        ...

    async def questions_since(self, since: datetime, limit: int) -> list[QuestionRecord]:
        """The questions asked since `since`, oldest first, at most `limit` (the export of a period)."""
        ...

    async def forget_before(self, when: datetime) -> int:
        """Delete the questions and votes older than `when`; how many were deleted."""
        ...

    async def close(self) -> None: ...


class NullRecords:
    """Keeps nothing: when recording is off, or the database cannot be used. Answering goes on without it."""

    recording = False

    async def add_questions(self, records: Sequence[QuestionRecord]) -> None:
        return None

    async def vote(self, vote: Vote) -> VoteResult | None:
        return None

    async def tally(self, message_id: int) -> Tally:
        return Tally()

    async def outcome_counts(self, since: datetime) -> dict[Outcome, int]:
        return {}

    async def declined_questions(self, since: datetime, limit: int) -> list[str]:
        return []

    async def most_voted_down(self, since: datetime, limit: int) -> list[VotedAnswer]:
        return []

    async def most_quoted(self, since: datetime, limit: int) -> list[tuple[str, int]]:
        return []

    async def questions_since(self, since: datetime, limit: int) -> list[QuestionRecord]:
        return []

    async def forget_before(self, when: datetime) -> int:
        return 0

    async def close(self) -> None:
        return None
