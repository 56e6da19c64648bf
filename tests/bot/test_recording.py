"""The record of questions, through the fake Discord: what is kept of each question, what is not, for how
long, and what happens when the database cannot be written."""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest

from bot.member_ids import MemberHasher
from bot.recording import utc_now
from bot.storage import Outcome, QuestionRecord
from bot.storage import sql as storage_sql
from bot.storage.sql import SqlRecords, database_url
from tests.bot.conftest import Database
from tests.bot.test_discord import SHCHYOGOLEV_Q, SOURDOUGH_Q, reply_to, running
from tests.bot.test_feedback import BASHIR_Q, press
from tests.conftest import ROOT
from tests.servers import stopped


QUESTIONS = "SELECT * FROM questions ORDER BY id"


async def mention(fake, text: str) -> dict:
    asked = await fake.send_message(fake.general, fake.member, text, mentions_bot=True)
    return await reply_to(fake, asked)


async def test_each_question_is_recorded_with_its_outcome_and_the_member_hashed(fake_discord, content, database):
    data = content.parent / "data"
    async with running(fake_discord, content, database_url=database.setting):
        await mention(fake_discord, SHCHYOGOLEV_Q)
        await (await fake_discord.invoke_slash("ask", {"question": SOURDOUGH_Q})).answer()
        await mention(fake_discord, "thanks!")
    quoted, declined, small_talk = await database.sql(QUESTIONS)
    member = MemberHasher.in_folder(data)(fake_discord.member.id)
    assert [r["outcome"] for r in (quoted, declined, small_talk)] == ["quoted", "declined", "small_talk"]
    assert [r["via"] for r in (quoted, declined, small_talk)] == ["addressed", "command", "addressed"]
    assert quoted["question"] == SHCHYOGOLEV_Q and declined["question"] == SOURDOUGH_Q
    assert (quoted["article_id"], quoted["passage"]) == ("why-russia-and-china-see-eye-to-eye-on-cyber-security", 1)
    assert quoted["score"] > 0 and quoted["answerable"] >= 0.5 and quoted["answer_ms"] > 0
    assert {(r["guild_id"], r["channel_id"], r["member"]) for r in (quoted, declined, small_talk)} == {
        (fake_discord.guild.id, fake_discord.general.id, member)}
    assert (data / "member_key").stat().st_mode & 0o777 == 0o600
    if database.setting is None:  # the SQLite file, read as bytes: the id is nowhere in it, not even in free pages
        written = b"".join(path.read_bytes() for path in data.glob("bot.db*"))
        assert str(fake_discord.member.id).encode() not in written and member.encode() in written


async def test_with_record_questions_off_nothing_is_recorded(fake_discord, content, database):
    async with running(fake_discord, content, record_questions=False, database_url=database.setting):
        answer = await mention(fake_discord, SHCHYOGOLEV_Q)
    assert "Igor Shchyogolev" in answer["embeds"][0]["description"]
    assert await database.sql(QUESTIONS) == []


def question(key: str, days_ago: float) -> QuestionRecord:
    return QuestionRecord(key=key, asked_at=utc_now() - timedelta(days=days_ago), guild_id=1, channel_id=2,
                          member="k-x", via="addressed", question=f"question {key}", outcome=Outcome.DECLINED,
                          answer_ms=1.0)


async def test_questions_older_than_keep_questions_days_are_deleted_at_start(fake_discord, content, database):
    records = await SqlRecords.open(database.url)
    await records.add_questions([question("old", 31), question("recent", 29)])
    await records.close()
    async with running(fake_discord, content, keep_questions_days=30, database_url=database.setting):
        pass
    assert [r["question"] for r in await database.sql(QUESTIONS)] == ["question recent"]


async def test_a_locked_database_is_reported_and_the_bot_keeps_answering(fake_discord, content, caplog,
                                                                         monkeypatch):
    data = content.parent / "data"
    await (await SqlRecords.open(database_url(None, data))).close()
    monkeypatch.setattr(storage_sql, "BUSY_TIMEOUT_SECONDS", 0.1)
    holder = sqlite3.connect(data / "bot.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program writing, and not letting go
    try:
        with caplog.at_level(logging.ERROR, "bot"):
            async with running(fake_discord, content):
                answer = await mention(fake_discord, SHCHYOGOLEV_Q)
    finally:
        holder.rollback()
        holder.close()
    assert "Igor Shchyogolev" in answer["embeds"][0]["description"]
    assert "could not record 1 question(s): database is locked" in caplog.text
    with sqlite3.connect(data / "bot.db") as db:
        assert db.execute("SELECT count(*) FROM questions").fetchone() == (0,)


KILLED_WRITER = """
import asyncio, sys
from datetime import datetime
from bot.storage import Outcome, QuestionRecord
from bot.storage.sql import SqlRecords

async def main():
    records = await SqlRecords.open(sys.argv[1])
    for batch in range(10_000):
        await records.add_questions([
            QuestionRecord(key=f"{batch}-{i}", asked_at=datetime.now(), guild_id=1, channel_id=2, member="k-x",
                           via="addressed", question="q" * 200, outcome=Outcome.QUOTED, answer_ms=1.0)
            for i in range(50)])
        print(batch + 1, flush=True)

asyncio.run(main())
"""


@pytest.mark.parametrize("after_batches", [1, 7])
def test_a_bot_killed_mid_batch_loses_at_most_that_batch_and_the_file_stays_valid(tmp_path, after_batches):
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, database_url(None, tmp_path)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        while int(writer.stdout.readline() or after_batches) < after_batches:
            pass
    finally:
        writer.kill()
        writer.wait()
    with sqlite3.connect(tmp_path / "bot.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = db.execute("SELECT count(*) FROM questions").fetchone()[0]
    assert count >= after_batches * 50 and count % 50 == 0  # whole batches: the one cut short left nothing


async def insights(fake) -> dict:
    return await (await fake.invoke_slash("insights", user=fake.admin)).answer()


async def test_while_postgresql_is_down_the_bot_answers_says_what_it_cannot_keep_and_records_again_once_back(
        fake_discord, content, postgres_server, postgres_url, caplog):
    async with running(fake_discord, content, database_url=postgres_url) as bot:
        await mention(fake_discord, SHCHYOGOLEV_Q)
        await bot.recording.flush()
        async with stopped(postgres_server):
            with caplog.at_level(logging.ERROR, "bot"):
                meanwhile = await mention(fake_discord, BASHIR_Q)
                vote = await press(fake_discord, meanwhile, "\N{THUMBS UP SIGN}")
                report_down = await insights(fake_discord)
        back = await mention(fake_discord, SHCHYOGOLEV_Q)
        again = await press(fake_discord, back, "\N{THUMBS UP SIGN}")
        report_back = await insights(fake_discord)
    assert "30 years in power" in meanwhile["embeds"][0]["description"]
    assert vote["content"] == "Sorry, I couldn't record your vote right now."
    assert report_down["content"].startswith("I can't read the records right now: the database is not answering")
    assert ("could not record 1 question(s)" in caplog.text and "could not record a vote" in caplog.text
            and "/insights cannot read the database" in caplog.text)
    assert again["content"] == "Thanks! Your \N{THUMBS UP SIGN} is counted."
    assert report_back["embeds"][0]["description"].startswith("```\nLast 7 days: 2 questions asked, 2 answered")
    recorded = await Database(postgres_url, content.parent / "data").sql(QUESTIONS)
    assert [r["question"] for r in recorded] == [SHCHYOGOLEV_Q, SHCHYOGOLEV_Q]
