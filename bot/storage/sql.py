"""`Records` in a SQL database through SQLAlchemy's asyncio engine: SQLite in the data folder by default, any
database SQLAlchemy reaches by `database_url` (PostgreSQL for a bot on several machines).

Every query runs on the driver's own thread (aiosqlite, asyncpg), never on the event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import fcntl
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from sqlalchemy import case, delete, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from .records import NullRecords, Outcome, QuestionRecord, Records, Tally, Vote, VotedAnswer, VoteResult
from .schema import MIGRATIONS, DatabaseTooNew, Migration, migrate, questions, votes

log = logging.getLogger(__name__)

# What a database that cannot be used raises: SQLAlchemy's errors, and OSError for a file that cannot be opened
# or a server that refuses the connection (asyncpg's, which SQLAlchemy passes on unwrapped).
UNUSABLE = (SQLAlchemyError, OSError)

DATABASE_FILE = "bot.db"
# How long a write waits for another connection's lock before failing with "database is locked".
BUSY_TIMEOUT_SECONDS = 5.0


def database_url(database_url: str | None, data_path: Path) -> str:
    """The setting when given, else the SQLite file in the data folder."""
    return database_url or f"sqlite+aiosqlite:///{(data_path / DATABASE_FILE).resolve()}"


def shown(url: str) -> str:
    """The URL as the log may show it: never a password."""
    return make_url(url).render_as_string(hide_password=True)


def problem(error: BaseException) -> str:
    """What the driver said ("file is not a database", "database is locked"), without SQLAlchemy's wrapping."""
    return str(getattr(error, "orig", None) or error)


def _sqlite_engine(url: str) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine.sync_engine, "connect")
    def _write_ahead_log(connection, _record) -> None:
        # Readers never wait for the writer, and a write cut short (a killed bot) is rolled back at the next open.
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    return engine


@asynccontextmanager
async def _one_sqlite_migrator(database: str | None) -> AsyncIterator[None]:
    """Bot processes that start together on one new SQLite file would each create the tables (SQLite commits each
    CREATE TABLE on its own), and all but one fail and run without records: as on PostgreSQL (`schema._one_migrator`),
    the first migrates while the others wait, here for an exclusive lock on a file beside the database."""
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrating", "a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:  # another bot migrates: wait without blocking the event loop
                await asyncio.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class SqlRecords:
    recording = True

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    async def open(cls, url: str, migrations: Sequence[Migration] = MIGRATIONS) -> SqlRecords:
        """Connect and bring the schema up to date. Raises `DatabaseTooNew`, or SQLAlchemy's error when the
        database cannot be used (damaged, locked, unreachable)."""
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            if parsed.database:
                await asyncio.to_thread(Path(parsed.database).parent.mkdir, parents=True, exist_ok=True)
            engine = _sqlite_engine(url)
        else:
            engine = create_async_engine(url, pool_pre_ping=True)
        try:
            async with _one_sqlite_migrator(parsed.database if parsed.get_backend_name() == "sqlite" else None):
                async with engine.connect() as connection:
                    before = await connection.run_sync(migrate, shown(url), migrations)
        except BaseException:
            await engine.dispose()
            raise
        if before < len(migrations):
            log.info("database %s: schema version %d -> %d", shown(url), before, len(migrations))
        return cls(engine)

    async def add_questions(self, records: Sequence[QuestionRecord]) -> None:
        if records:
            async with self.engine.begin() as connection:
                await connection.execute(insert(questions), [asdict(r) | {"outcome": r.outcome.value}
                                                             for r in records])

    async def vote(self, vote: Vote) -> VoteResult | None:
        try:
            return await self._vote(vote)
        except IntegrityError:  # the same member's other press got in first: this one changes it
            return await self._vote(vote)
        except UNUSABLE as exc:
            log.error("could not record a vote on message %s: %s", vote.message_id, problem(exc))
            return None

    async def _vote(self, vote: Vote) -> VoteResult:
        mine = (votes.c.message_id == vote.message_id) & (votes.c.member == vote.member)
        async with self.engine.begin() as connection:
            before = (await connection.execute(select(votes.c.value).where(mine))).scalar_one_or_none()
            if before is None:
                await connection.execute(insert(votes).values(asdict(vote)))
                return VoteResult.RECORDED
            if before == vote.value:
                return VoteResult.KEPT
            await connection.execute(update(votes).where(mine).values(value=vote.value, voted_at=vote.voted_at))
            return VoteResult.CHANGED

    async def tally(self, message_id: int) -> Tally:
        query = select(_count(votes.c.value > 0), _count(votes.c.value < 0)).where(votes.c.message_id == message_id)
        async with self.engine.connect() as connection:
            up, down = (await connection.execute(query)).one()
        return Tally(up or 0, down or 0)

    async def outcome_counts(self, since: datetime) -> dict[Outcome, int]:
        query = (select(questions.c.outcome, func.count()).where(questions.c.asked_at >= since)
                 .group_by(questions.c.outcome))
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return {Outcome(outcome): count for outcome, count in rows if outcome in Outcome._value2member_map_}

    async def declined_questions(self, since: datetime, limit: int) -> list[str]:
        query = (select(questions.c.question)
                 .where(questions.c.outcome == Outcome.DECLINED.value, questions.c.asked_at >= since)
                 .order_by(questions.c.asked_at.desc()).limit(limit))
        async with self.engine.connect() as connection:
            return list((await connection.execute(query)).scalars())

    async def most_voted_down(self, since: datetime, limit: int) -> list[VotedAnswer]:
        down, up = _count(votes.c.value < 0), _count(votes.c.value > 0)
        query = (select(votes.c.article_id, votes.c.passage, down, up, func.max(questions.c.question))
                 .select_from(votes.outerjoin(questions, questions.c.key == votes.c.record_key))
                 .where(votes.c.voted_at >= since, votes.c.article_id.is_not(None))
                 .group_by(votes.c.article_id, votes.c.passage)
                 .having(down > 0).order_by(down.desc(), up).limit(limit))
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [VotedAnswer(article, passage, d, u, question) for article, passage, d, u, question in rows]

    async def most_quoted(self, since: datetime, limit: int) -> list[tuple[str, int]]:
        times = func.count()
        query = (select(questions.c.article_id, times)
                 .where(questions.c.asked_at >= since, questions.c.article_id.is_not(None),
                        questions.c.outcome.in_([Outcome.QUOTED.value, Outcome.ARTICLE.value]))
                 .group_by(questions.c.article_id).order_by(times.desc()).limit(limit))
        async with self.engine.connect() as connection:
            return [(article, count) for article, count in (await connection.execute(query)).all()]

    async def questions_since(self, since: datetime, limit: int) -> list[QuestionRecord]:
        fields = [questions.c[f.name] for f in dataclasses.fields(QuestionRecord)]
        query = (select(*fields).where(questions.c.asked_at >= since)
                 .order_by(questions.c.asked_at, questions.c.id).limit(limit))
        async with self.engine.connect() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [QuestionRecord(**(dict(row) | {"outcome": Outcome(row["outcome"])})) for row in rows
                if row["outcome"] in Outcome._value2member_map_]

    async def forget_before(self, when: datetime) -> int:
        async with self.engine.begin() as connection:
            asked = await connection.execute(delete(questions).where(questions.c.asked_at < when))
            voted = await connection.execute(delete(votes).where(votes.c.voted_at < when))
        return asked.rowcount + voted.rowcount

    async def close(self) -> None:
        await self.engine.dispose()


def _count(condition):
    """How many rows meet `condition` (portable: no FILTER clause, which older databases lack)."""
    return func.sum(case((condition, 1), else_=0))


async def open_records(database: str | None, data_path: Path) -> Records:
    """The bot's records: the database, or `NullRecords` when it cannot be used (damaged, locked, unreachable),
    said in the log. A database newer than the code raises `DatabaseTooNew`: that needs the operator."""
    url = database_url(database, data_path)
    try:
        return await SqlRecords.open(url)
    except DatabaseTooNew:
        raise
    except UNUSABLE as exc:
        log.error("cannot use the database %s: %s. The bot goes on answering, but records no questions and no "
                  "votes until the database can be used again (it is left as it is: a damaged file repaired or moved "
                  "aside, a database server started or reachable) and the bot restarted", shown(url), problem(exc))
        return NullRecords()
