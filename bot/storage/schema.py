"""The database's tables and the migrations that build them, versioned in code.

`MIGRATIONS[n]` takes a database from version n to n + 1; the version a database is at is the one row of
`schema_version`. At start-up `migrate` runs the missing steps, each in its own transaction with its version
bump, so a newer bot opens an older database, and a database newer than the code is refused (`DatabaseTooNew`)
rather than written in a shape the code does not know. Only portable SQLAlchemy Core here: the same steps build
a PostgreSQL database, where processes starting together take turns to migrate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger, Column, Connection, DateTime, Float, Integer, MetaData, SmallInteger, String, Table, Text,
    TypeDecorator, UniqueConstraint, func, insert, inspect, select, update,
)


class UtcDateTime(TypeDecorator[datetime]):
    """A time kept as UTC without a zone, read back so. A time with a zone is converted to UTC on the way in:
    SQLite would keep its wall-clock time and drop the zone, PostgreSQL refuse it (and with it a whole batch)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            return value.astimezone(timezone.utc).replace(tzinfo=None)
        return value


class MemberText(TypeDecorator[str]):
    """Text a member wrote. PostgreSQL's text cannot hold NUL (SQLite's can): one in a question would fail its
    whole batch, so it is kept as U+FFFD, the character that stands for one that cannot be shown."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect) -> str | None:
        return None if value is None else value.replace("\x00", "\ufffd")


metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

questions = Table(
    "questions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(32), nullable=False, index=True),
    Column("asked_at", UtcDateTime, nullable=False, index=True),
    Column("guild_id", BigInteger),
    Column("channel_id", BigInteger),
    Column("member", String(64), nullable=False),
    Column("via", String(32), nullable=False),
    Column("question", MemberText, nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("answer_ms", Float, nullable=False),
    Column("article_id", Text),
    Column("passage", Integer),
    Column("score", Float),
    Column("answerable", Float),
    Column("coverage", Float),
)

votes = Table(
    "votes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", BigInteger, nullable=False),
    Column("member", String(64), nullable=False),
    Column("value", SmallInteger, nullable=False),
    Column("record_key", String(32), nullable=False),
    Column("article_id", Text),
    Column("passage", Integer),
    Column("voted_at", UtcDateTime, nullable=False, index=True),
    UniqueConstraint("message_id", "member", name="one_vote_per_member_per_answer"),
)

Migration = Callable[[Connection], None]


def _questions_and_votes(connection: Connection) -> None:
    questions.create(connection)
    votes.create(connection)


MIGRATIONS: Sequence[Migration] = (_questions_and_votes,)


class DatabaseTooNew(Exception):
    """The database was written by a newer version of the bot."""

    def __init__(self, where: str, found: int, known: int) -> None:
        super().__init__(
            f"the database {where} is at schema version {found}, but this version of the bot knows versions up to "
            f"{known}: it was written by a newer bot. Run that version, or point database_url elsewhere; it is left "
            f"untouched")


def current_version(connection: Connection) -> int:
    if not inspect(connection).has_table(schema_version.name):
        schema_version.create(connection)
        connection.execute(insert(schema_version).values(version=0))
        return 0
    return connection.execute(select(func.max(schema_version.c.version))).scalar_one_or_none() or 0


# PostgreSQL's advisory lock taken while migrating: any number, the same in every version of the bot.
MIGRATION_LOCK = 0x6E657773_71610001


@contextmanager
def _one_migrator(connection: Connection) -> Iterator[None]:
    """Bot processes that start together on one PostgreSQL database would each create the tables, and all but one
    fail: the first migrates while the others wait, then find it done. A SQLite file has one writer anyway."""
    if connection.dialect.name != "postgresql":
        yield
        return
    # A session lock: it outlives the commits between steps.
    connection.execute(select(func.pg_advisory_lock(MIGRATION_LOCK)))
    try:
        yield
    except BaseException:
        # Closing the connection releases the lock, whatever state the failure left the connection in.
        connection.invalidate()
        raise
    connection.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK)))


def migrate(connection: Connection, where: str, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database up to `len(migrations)`; its version before. Commits after each step."""
    with _one_migrator(connection):
        found = current_version(connection)
        connection.commit()
        if found > len(migrations):
            raise DatabaseTooNew(where, found, len(migrations))
        for version, step in enumerate(migrations[found:], start=found):
            step(connection)
            connection.execute(update(schema_version).values(version=version + 1))
            connection.commit()
    return found
