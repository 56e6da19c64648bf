"""The records database: migrations, votes, the queries insights read, and databases that cannot be used."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Table, Text

from bot.member_ids import MemberHasher, hashed_id
from bot.storage import (
    DOWN, UP, DatabaseTooNew, NullRecords, Outcome, QuestionRecord, Tally, Vote, VoteResult, open_records,
)
from bot.storage.schema import MIGRATIONS, metadata
from bot.storage.sql import SqlRecords
from tests.bot.test_discord import SHCHYOGOLEV_Q, reply_to, running
from tests.servers import free_port

NOW = datetime(2026, 12, 3, 12, 0)
RUSSIA_ID = "why-russia-and-china-see-eye-to-eye-on-cyber-security"


def question(key: str, outcome: Outcome = Outcome.QUOTED, text: str = "who signed it?", days_ago: float = 0,
             article_id: str | None = RUSSIA_ID) -> QuestionRecord:
    return QuestionRecord(key=key, asked_at=NOW - timedelta(days=days_ago), guild_id=1, channel_id=2, member="k-a",
                          via="addressed", question=text, outcome=outcome, answer_ms=3.5,
                          article_id=article_id if outcome.answered else None, passage=1, score=7.2,
                          answerable=0.9, coverage=0.8)


def vote(member: str, value: int, message_id: int = 10, passage: int = 1, key: str = "q1") -> Vote:
    return Vote(message_id=message_id, member=member, value=value, record_key=key, article_id=RUSSIA_ID,
                passage=passage, voted_at=NOW)


@pytest.fixture
async def records(database):
    opened = await open_records(database.setting, database.data)
    assert opened.recording
    yield opened
    await opened.close()


async def test_a_vote_is_recorded_changed_and_kept_one_per_member_per_answer(records):
    assert await records.vote(vote("k-a", UP)) is VoteResult.RECORDED
    assert await records.vote(vote("k-a", UP)) is VoteResult.KEPT
    assert await records.vote(vote("k-a", DOWN)) is VoteResult.CHANGED
    assert await records.vote(vote("k-b", DOWN)) is VoteResult.RECORDED
    assert await records.vote(vote("k-a", UP, message_id=11)) is VoteResult.RECORDED
    tally = await records.tally(10)
    assert (tally.up, tally.down) == (0, 2)


async def test_what_insights_read_counts_outcomes_gaps_down_votes_and_quoted_articles(records):
    await records.add_questions([
        question("q1"), question("q2", Outcome.DECLINED, "what is the recipe for sourdough?"),
        question("q3", Outcome.BUSY), question("q4", Outcome.ARTICLE),
        question("q5", Outcome.DECLINED, "last month's question", days_ago=40),
    ])
    await records.vote(vote("k-a", DOWN))
    await records.vote(vote("k-b", DOWN))
    await records.vote(vote("k-c", UP, message_id=12, passage=4))
    week = NOW - timedelta(days=7)
    assert await records.outcome_counts(week) == {Outcome.QUOTED: 1, Outcome.DECLINED: 1, Outcome.BUSY: 1,
                                                 Outcome.ARTICLE: 1}
    assert await records.declined_questions(week, 10) == ["what is the recipe for sourdough?"]
    [worst] = await records.most_voted_down(week, 5)
    assert (worst.article_id, worst.passage, worst.down, worst.up, worst.question) == (RUSSIA_ID, 1, 2, 0,
                                                                                        "who signed it?")
    assert await records.most_quoted(week, 5) == [(RUSSIA_ID, 2)]


async def test_a_batch_with_a_nul_in_a_question_and_a_time_with_a_zone_is_kept_whole(records):
    berlin = timezone(timedelta(hours=1))
    await records.add_questions([
        replace(question("q1"), question="who\x00 signed it?"),  # PostgreSQL's text cannot hold NUL
        replace(question("q2"), asked_at=(NOW + timedelta(hours=1)).replace(tzinfo=berlin)),  # NOW, in Berlin
        question("q3"),
    ])
    kept = await records.questions_since(NOW - timedelta(days=1), 10)
    assert [(r.key, r.question, r.asked_at) for r in kept] == [
        ("q1", "who\ufffd signed it?", NOW), ("q2", "who signed it?", NOW), ("q3", "who signed it?", NOW)]


async def test_old_questions_and_votes_are_forgotten(records):
    await records.add_questions([question("old", days_ago=100), question("new", days_ago=1)])
    await records.vote(replace(vote("k-a", UP), voted_at=NOW - timedelta(days=100)))
    assert await records.forget_before(NOW - timedelta(days=90)) == 2
    assert await records.outcome_counts(NOW - timedelta(days=365)) == {Outcome.QUOTED: 1}


async def test_the_database_is_one_sqlite_file_in_the_data_folder_in_wal_mode(tmp_path):
    await (await open_records(None, tmp_path)).close()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]


async def test_a_newer_bot_migrates_an_older_database_and_keeps_its_records(database):
    older = await SqlRecords.open(database.url, MIGRATIONS)
    await older.add_questions([question("q1")])
    await older.close()
    notes = Table("notes", metadata, Column("text", Text))
    try:
        newer = await SqlRecords.open(database.url, [*MIGRATIONS, notes.create])
        counts = await newer.outcome_counts(NOW - timedelta(days=1))
        await newer.close()
    finally:
        metadata.remove(notes)
    assert counts == {Outcome.QUOTED: 1}
    assert await database.sql("SELECT version FROM schema_version") == [{"version": len(MIGRATIONS) + 1}]
    assert await database.sql("SELECT count(*) AS notes FROM notes") == [{"notes": 0}]


async def test_a_database_newer_than_the_bot_is_refused_and_left_untouched(database):
    await (await SqlRecords.open(database.url)).close()
    await database.sql("UPDATE schema_version SET version = 99")
    with pytest.raises(DatabaseTooNew, match="schema version 99.*versions up to 1.*newer bot"):
        await open_records(database.setting, database.data)
    assert await database.sql("SELECT version FROM schema_version") == [{"version": 99}]


async def test_two_bots_on_one_postgresql_database_start_together_and_see_each_others_records(postgres_url):
    # Started at the same moment on an empty database: one creates the tables, the other waits and finds them.
    first, second = await asyncio.gather(SqlRecords.open(postgres_url), SqlRecords.open(postgres_url))
    try:
        await first.add_questions([question("q1"), question("q2", Outcome.DECLINED, "what is the recipe for sourdough?")])
        await second.add_questions([question("q3", Outcome.DECLINED, "who won the cup?")])
        assert await first.vote(vote("k-a", UP)) is VoteResult.RECORDED
        assert await second.vote(vote("k-a", DOWN)) is VoteResult.CHANGED  # the member's vote, whichever bot took it
        for records in (first, second):
            assert await records.outcome_counts(NOW - timedelta(days=1)) == {Outcome.QUOTED: 1, Outcome.DECLINED: 2}
            assert set(await records.declined_questions(NOW - timedelta(days=1), 10)) == {
                "what is the recipe for sourdough?", "who won the cup?"}
            assert await records.tally(10) == Tally(up=0, down=1)
    finally:
        await first.close()
        await second.close()


async def test_two_bots_on_one_new_sqlite_file_start_together_and_both_record(tmp_path):
    # `python -m bot cluster` starts its processes together on a new bot.db: each created the tables, and all but
    # one failed ("table schema_version already exists") and ran without records. Now they take turns.
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    first, second = await asyncio.gather(SqlRecords.open(url), SqlRecords.open(url))
    try:
        await first.add_questions([question("q1")])
        await second.add_questions([question("q2", Outcome.DECLINED, "who won the cup?")])
        for records in (first, second):
            assert await records.outcome_counts(NOW - timedelta(days=1)) == {Outcome.QUOTED: 1, Outcome.DECLINED: 1}
    finally:
        await first.close()
        await second.close()


async def test_an_unreachable_postgresql_is_logged_without_its_password_and_nothing_is_recorded(tmp_path, caplog):
    url = f"postgresql+asyncpg://bot:s3cret-pw@127.0.0.1:{free_port()}/records"  # nothing listens there
    with caplog.at_level(logging.INFO, "bot.storage"):
        records = await open_records(url, tmp_path)
    assert isinstance(records, NullRecords)
    assert "cannot use the database postgresql+asyncpg://bot:***@127.0.0.1" in caplog.text
    assert "s3cret-pw" not in caplog.text


async def test_a_damaged_database_is_reported_kept_as_it_is_and_nothing_is_recorded(tmp_path, caplog):
    garbage = b"this is not a database, it was overwritten by mistake " * 100
    (tmp_path / "bot.db").write_bytes(garbage)
    with caplog.at_level(logging.ERROR, "bot.storage"):
        records = await open_records(None, tmp_path)
    assert isinstance(records, NullRecords)
    assert "file is not a database" in caplog.text and "bot.db" in caplog.text
    assert (tmp_path / "bot.db").read_bytes() == garbage


async def test_the_bot_answers_with_a_damaged_database(fake_discord, content, caplog):
    data = content.parent / "data"
    data.mkdir()
    (data / "bot.db").write_bytes(b"\x00garbage" * 512)
    with caplog.at_level(logging.ERROR, "bot.storage"):
        async with running(fake_discord, content) as bot:
            asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, SHCHYOGOLEV_Q,
                                                    mentions_bot=True)
            answer = await reply_to(fake_discord, asked)
    assert "Igor Shchyogolev" in answer["embeds"][0]["description"]
    assert not bot.recording.records.recording
    assert "cannot use the database" in caplog.text and "records no questions" in caplog.text


def test_the_member_key_is_made_once_and_readable_by_the_bot_alone(tmp_path):
    first = MemberHasher.in_folder(tmp_path)
    again = MemberHasher.in_folder(tmp_path)
    assert (tmp_path / "member_key").stat().st_mode & 0o777 == 0o600
    assert first(1234) == again(1234) != first(1235)
    assert "1234" not in first(1234) and first(1234) != hashed_id(1234)
