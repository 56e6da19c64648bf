"""Records, votes and insights in one place, behind the `Records` repository (`records.py`); the SQL database
that keeps them (`sql.py`), its schema and migrations (`schema.py`)."""

from .records import (
    DOWN, UP, NullRecords, Outcome, QuestionRecord, Records, Tally, Vote, VotedAnswer, VoteResult,
)
from .schema import DatabaseTooNew
from .sql import open_records

__all__ = [
    "DOWN", "UP", "DatabaseTooNew", "NullRecords", "Outcome", "QuestionRecord", "Records", "Tally", "Vote",
    "VoteResult", "VotedAnswer", "open_records",
]
