"""`python -m bot insights`: the period's questions by outcome and the answers voted 👎 most, from the database."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import timedelta

from bot.cli import main
from bot.recording import utc_now
from bot.storage import DOWN, Outcome
from bot.storage.sql import SqlRecords
from tests.bot.conftest import Database
from tests.bot.test_discord import RUSSIA, SHCHYOGOLEV_Q, SOURDOUGH_Q, running
from tests.bot.test_storage import question, vote
from tests.conftest import ROOT


async def _fill(url: str) -> None:
    records = await SqlRecords.open(url)
    now = utc_now()
    await records.add_questions([replace(question("q1"), asked_at=now),
                                 replace(question("q2", Outcome.DECLINED, "sourdough?"), asked_at=now),
                                 replace(question("q3", Outcome.BUSY), asked_at=now),
                                 replace(question("q4", Outcome.DECLINED), asked_at=now - timedelta(days=30))])
    await records.vote(replace(vote("k-a", DOWN), voted_at=now))
    await records.close()


def _settings(monkeypatch, tmp_path, content, database_url: str | None = None) -> None:
    """A bot's settings in `tmp_path`: its data folder `tmp_path/data`, its content at `content`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_CONFIG", str(ROOT / "config" / "settings.toml"))
    monkeypatch.setenv("DATA_PATH", str(tmp_path / "data"))
    monkeypatch.setenv("CONTENT_PATH", str(content))
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)


def _recorded(monkeypatch, tmp_path, content, database) -> None:
    """A bot's settings in `tmp_path`, its database holding `_fill`'s records, its content at `content`."""
    _settings(monkeypatch, tmp_path, content, database.setting)
    asyncio.run(_fill(database.url))


def test_insights_prints_the_periods_questions_and_the_most_voted_down_answers(capsys, monkeypatch, tmp_path,
                                                                                database):
    _recorded(monkeypatch, tmp_path, ROOT / "seeds", database)
    assert main(["insights", "--days", "7", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["asked"], report["answered"], report["declined"], report["busy"]) == (3, 1, 1, 1)
    assert report["most_voted_down"] == [{"article_id": "why-russia-and-china-see-eye-to-eye-on-cyber-security",
                                          "title": RUSSIA, "passage": 2, "down": 1, "up": 0,
                                          "question": "who signed it?"}]
    assert report["gaps"] == [{"count": 1, "example": "sourdough?", "terms": ["sourdough"]}]
    assert report["most_quoted"] == [{"article_id": "why-russia-and-china-see-eye-to-eye-on-cyber-security",
                                      "title": RUSSIA, "times": 1}]
    assert main(["insights"]) == 0
    text = capsys.readouterr().out
    assert "Last 7 days: 3 questions asked, 1 answered, 1 declined, 1 turned away busy" in text
    assert "Declined, by what they ask (the content gaps):\n    1 \u00d7 sourdough?\n" in text
    assert f"Articles quoted most:\n    1 \u00d7 {RUSSIA}" in text
    assert f"1 \N{THUMBS DOWN SIGN} 0 \N{THUMBS UP SIGN}  {RUSSIA}, passage 2" in text


def test_insights_names_articles_by_id_when_the_content_cannot_be_read(capsys, monkeypatch, tmp_path):
    _recorded(monkeypatch, tmp_path, tmp_path / "gone", Database(None, tmp_path / "data"))
    assert main(["insights"]) == 0
    assert "Articles quoted most:\n    1 \u00d7 why-russia-and-china-see-eye-to-eye-on-cyber-security" in capsys.readouterr().out


async def test_insights_on_another_machine_shows_what_a_running_bot_records_in_postgresql(
        fake_discord, content, postgres_url, capsys, monkeypatch, tmp_path):
    async with running(fake_discord, content, database_url=postgres_url) as bot:
        await (await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})).answer()
        await (await fake_discord.invoke_slash("ask", {"question": SOURDOUGH_Q})).answer()
        await bot.recording.flush()
        # Another process with its own data folder, pointed at the same database, while the bot runs.
        (tmp_path / "elsewhere").mkdir()
        _settings(monkeypatch, tmp_path / "elsewhere", content, postgres_url)
        assert await asyncio.to_thread(main, ["insights", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["asked"], report["answered"], report["declined"]) == (2, 1, 1)
    assert report["gaps"][0]["example"] == SOURDOUGH_Q
