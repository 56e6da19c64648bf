"""Moderators look inside: "Why this answer" on the bot's answers, `python -m bot why`, and /status."""

from __future__ import annotations

import re

import pytest

from bot.answer_queue import Busy
from bot.cli import main
from bot.stats import QuestionStats
from tests.bot.test_discord import EPHEMERAL, SHCHYOGOLEV_Q, SOURDOUGH_Q, reply_to, running
from tests.conftest import ROOT, SEEDS

WHY = "Why this answer"
BASHIR_Q = "How long was Omar al-Bashir in power?"


def shown_sum_and_score(text: str) -> tuple[float, float]:
    """The contributions in the explanation's table, added up, and the BM25 score it shows under them."""
    table = text[text.index("contribution\n"):text.index("BM25 score")]
    contributions = [float(line.split()[-1]) for line in table.splitlines()[1:] if line.strip()]
    return sum(contributions), float(re.search(r"BM25 score\s+(-?[\d.]+)", text)[1])


async def test_why_this_answer_explains_an_answer_to_a_mention(fake_discord, content):
    async with running(fake_discord, content):
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member,
                                                f"hey all, quick question: {SHCHYOGOLEV_Q} thanks!", mentions_bot=True)
        answer = await reply_to(fake_discord, asked)
        why = await (await fake_discord.invoke_message_command(WHY, answer, user=fake_discord.moderator)).answer()
    text = why["content"]
    assert why["flags"] & EPHEMERAL
    assert f"Searched: {SHCHYOGOLEV_Q}" in text
    assert "Quoted: Why Russia And China See Eye-To-Eye On Cyber Security, passage 2 of 13" in text
    assert "rank 1 by BM25 alone, 1 after re-ranking" in text
    for term in ("overse", "draft", "cyber", "secur", "document"):
        assert re.search(rf"^\s+{term}\s+\d+\s+\d+\s+[\d.]+$", text, re.MULTILINE), term
    total, score = shown_sum_and_score(text)
    assert total == pytest.approx(score, abs=1e-3) and score > 0
    assert re.search(r"No-answer model: 1\.00 against the threshold 0\.50: quoted", text)
    assert "Runner-up: Why Russia And China See Eye-To-Eye On Cyber Security, passage" in text
    assert "rank 4 by BM25 alone, 2 after re-ranking" in text


async def test_why_this_answer_explains_an_ask_answer_and_a_follow_up(fake_discord, content):
    async with running(fake_discord, content):
        public = await (await fake_discord.invoke_slash("ask", {"question": BASHIR_Q})).answer()
        why = await (await fake_discord.invoke_message_command(WHY, public, user=fake_discord.admin)).answer()
        follow = await fake_discord.send_message(fake_discord.general, fake_discord.member, "who arrested him?",
                                                 reply_to=public, mention_author=False)
        # A reply to a slash answer: read in that answer's context.
        answer = await reply_to(fake_discord, follow)
        why_follow = await (await fake_discord.invoke_message_command(WHY, answer, user=fake_discord.admin)).answer()
    assert why["flags"] & EPHEMERAL
    assert f"Question: {BASHIR_Q}" in why["content"]
    assert "Quoted: In Sudan, A Surprise About-Face Marks Death Of The Revolution, passage 2 of 3" in why["content"]
    assert "threshold 0.50" in why["content"] and "Runner-up:" in why["content"]
    assert "Question: who arrested him?" in why_follow["content"]
    assert "arrest" in why_follow["content"]


async def test_an_ask_answer_from_before_a_restart_is_explained_from_the_question_it_shows(fake_discord, content):
    long_q = " ".join([BASHIR_Q] * 8)  # answered, and too long to show whole on the answer
    async with running(fake_discord, content):
        public = await (await fake_discord.invoke_slash("ask", {"question": BASHIR_Q})).answer()
        unshown = await (await fake_discord.invoke_slash("ask", {"question": long_q})).answer()
    async with running(fake_discord, content):
        why = await (await fake_discord.invoke_message_command(WHY, public, user=fake_discord.admin)).answer()
        unknown = await (await fake_discord.invoke_message_command(WHY, unshown, user=fake_discord.admin)).answer()
    assert public["embeds"][0]["author"]["name"] == f"Asked: {BASHIR_Q}"
    assert why["flags"] & EPHEMERAL and f"Question: {BASHIR_Q}" in why["content"] and "BM25 score" in why["content"]
    assert "author" not in unshown["embeds"][0]
    assert unknown["flags"] & EPHEMERAL
    assert unknown["content"].startswith("I can't find the question this answer replies to")
    assert "I forget them when I restart" in unknown["content"] and "python -m bot why" in unknown["content"]


async def test_an_answer_to_a_mention_is_explained_after_a_restart(fake_discord, content):
    async with running(fake_discord, content):
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, BASHIR_Q, mentions_bot=True)
        answer = await reply_to(fake_discord, asked)
    async with running(fake_discord, content):
        why = await (await fake_discord.invoke_message_command(WHY, answer, user=fake_discord.admin)).answer()
    assert f"Question: {BASHIR_Q}" in why["content"] and "BM25 score" in why["content"]


async def test_why_this_answer_on_a_message_that_is_no_answer_says_so(fake_discord, content):
    async with running(fake_discord, content):
        message = await fake_discord.send_message(fake_discord.general, fake_discord.member, BASHIR_Q)
        why = await (await fake_discord.invoke_message_command(WHY, message, user=fake_discord.admin)).answer()
    assert why["flags"] & EPHEMERAL and why["content"].startswith("That message isn't one of my answers")


async def test_members_are_refused_why_this_answer_and_status_even_when_visible(fake_discord, content, caplog):
    async with running(fake_discord, content):
        assert int(fake_discord.find_command(WHY, command_type=3)["default_member_permissions"]) == 1 << 5
        assert int(fake_discord.find_command("status")["default_member_permissions"]) == 1 << 5
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, BASHIR_Q, mentions_bot=True)
        answer = await reply_to(fake_discord, asked)
        why = await (await fake_discord.invoke_message_command(WHY, answer, user=fake_discord.member)).answer()
        status = await (await fake_discord.invoke_slash("status", user=fake_discord.member)).answer()
    for refused in (why, status):
        assert refused["flags"] & EPHEMERAL and refused["content"] == "Only moderators can look inside the bot."
    assert "refused /Why this answer" in caplog.text and "refused /status" in caplog.text
    assert str(fake_discord.member.id) not in caplog.text


def test_python_m_bot_why_prints_the_explanation(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_CONFIG", str(ROOT / "config" / "settings.toml"))
    monkeypatch.setenv("CONTENT_PATH", str(SEEDS))
    assert main(["why", "who arrested Hamdok?"]) == 0
    out = capsys.readouterr().out
    assert "Quoted: In Sudan, A Surprise About-Face Marks Death Of The Revolution, passage 2 of 3" in out
    assert re.search(r"^\s+arrest\s+1\s+1\s+2\.1627$", out, re.MULTILINE)
    total, score = shown_sum_and_score(out)
    assert total == pytest.approx(score, abs=1e-3)
    assert re.search(r"No-answer model: (0\.\d\d|1\.00) against the threshold 0\.50: quoted", out) and "Runner-up: In Sudan" in out


async def test_status_shows_the_last_hours_questions_and_the_last_reload(fake_discord, content):
    async with running(fake_discord, content) as bot:
        before = await (await fake_discord.invoke_slash("status", user=fake_discord.admin)).answer()
        for question in (BASHIR_Q, SHCHYOGOLEV_Q, SOURDOUGH_Q):
            await (await fake_discord.invoke_slash("ask", {"question": question})).answer()
        real_answer = bot.content.answer

        async def busy(*args, **kwargs):
            raise Busy(2.0)

        bot.content.answer = busy
        turned_away = await (await fake_discord.invoke_slash("ask", {"question": BASHIR_Q})).answer()
        bot.content.answer = real_answer
        (content / "lunar.md").write_text("# Lunar Greenhouse\n\nAstronauts harvested twelve heads of lettuce.\n")
        await (await fake_discord.invoke_slash("reload", user=fake_discord.moderator)).answer()
        status = await (await fake_discord.invoke_slash("status", user=fake_discord.admin)).answer()
    assert "Last reload:** none since the bot started" in before["content"]
    assert "answering a lot of questions" in turned_away["content"]
    text = status["content"]
    assert status["flags"] & EPHEMERAL
    assert re.match(r"\*\*newsroom-qa-bot \d+\.\d+\.\d+\*\* · up \d+ s · gateway latency (\d+ ms|not connected)",
                    text)
    assert "**Collection:** 3 articles, 17 passages" in text
    assert f"**Content:** `{content}`" in text and f"**index:** `{content.parent / 'index'}`, built 0 s ago" in text
    assert re.search(r"\*\*Last reload:\*\* \d+ s ago by Mod: \+1 added, -0 removed, ~0 changed; 3 articles", text)
    assert "**Last hour:** 2 answered · 1 declined · 1 turned away busy · 0 small talk" in text
    assert re.search(r"\*\*Answer time:\*\* p50 \d+ ms · p95 \d+ ms", text)


def test_the_rolling_hour_forgets_older_questions_and_takes_nearest_rank_percentiles():
    now = [0.0]
    stats = QuestionStats(window=3600, clock=lambda: now[0])
    for seconds in (0.010, 0.020, 0.030, 0.040, 1.000):
        stats.record("answered", seconds)
    stats.record("busy")
    summary = stats.summary()
    assert (summary.counts["answered"], summary.counts["busy"]) == (5, 1)
    assert (summary.p50, summary.p95) == (0.030, 1.000)
    now[0] = 3601.0
    assert stats.summary().counts == {} and stats.summary().p50 is None
