"""The daily retention run: while the bot runs, questions older than `keep_questions_days` are deleted each day."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot import recording
from bot.storage.sql import SqlRecords
from tests.bot.test_discord import SHCHYOGOLEV_Q, running
from tests.bot.test_recording import QUESTIONS, mention, question


async def test_the_daily_run_forgets_what_grew_too_old_since_the_start(fake_discord, content, monkeypatch, database):
    records = await SqlRecords.open(database.url)
    await records.add_questions([question("old", 31), question("recent", 29)])
    await records.close()
    monkeypatch.setattr(recording, "FORGET_EVERY_SECONDS", 0.05)  # "daily", for the test
    async with running(fake_discord, content, keep_questions_days=30, database_url=database.setting) as bot:
        await mention(fake_discord, SHCHYOGOLEV_Q)
        await bot.recording.flush()
        asked = [r["question"] for r in await database.sql(QUESTIONS)]
        assert asked == ["question recent", SHCHYOGOLEV_Q]  # the start's run
        later = recording.utc_now() + timedelta(days=2)
        monkeypatch.setattr(recording, "utc_now", lambda: later)  # two days on: "recent" is 31 days old
        for _ in range(100):
            if len(await database.sql(QUESTIONS)) == 1:
                break
            await asyncio.sleep(0.02)
    assert [r["question"] for r in await database.sql(QUESTIONS)] == [SHCHYOGOLEV_Q]
