"""/insights through the fake Discord: the period's counts, the declined questions grouped, the answers voted
👎 with their articles, the articles quoted most, the CSV export, and members refused."""

from __future__ import annotations

import csv
import io

from tests.bot.test_discord import EPHEMERAL, RUSSIA, SHCHYOGOLEV_Q, SOURDOUGH_Q, running
from tests.bot.test_feedback import mention, press


async def test_insights_shows_the_gaps_grouped_and_the_answers_voted_down(fake_discord, content, database):
    async with running(fake_discord, content, database_url=database.setting):
        for question in (SOURDOUGH_Q, "any good sourdough bread recipe?", "Who won the 2018 world cup?"):
            await (await fake_discord.invoke_slash("ask", {"question": question})).answer()
        answer = await mention(fake_discord, SHCHYOGOLEV_Q)
        await press(fake_discord, answer, "\N{THUMBS DOWN SIGN}")
        reply = await (await fake_discord.invoke_slash("insights", {"days": 3}, user=fake_discord.moderator)).answer()
    assert reply["flags"] & EPHEMERAL and not reply.get("attachments")
    embed = reply["embeds"][0]
    assert embed["title"] == "Insights: the last 3 days"
    text = embed["description"]
    assert text.startswith("```\nLast 3 days: 4 questions asked, 1 answered, 3 declined, 0 turned away busy\n")
    # Two ways of asking for a sourdough recipe, one group; the newest wording is the example of a tie.
    assert "Declined, by what they ask (the content gaps):\n    2 \u00d7 any good sourdough bread recipe?\n" in text
    assert "    1 \u00d7 Who won the 2018 world cup?" in text
    assert (f"Answers voted \N{THUMBS DOWN SIGN} most:\n  1 \N{THUMBS DOWN SIGN} 0 \N{THUMBS UP SIGN}  {RUSSIA}, "
            f"passage 2 (asked: {SHCHYOGOLEV_Q})") in text
    assert f"Articles quoted most:\n    1 \u00d7 {RUSSIA}" in text
    assert len(text) <= 4096


async def test_insights_exports_the_periods_questions_as_csv_without_member_ids(fake_discord, content, database):
    async with running(fake_discord, content, database_url=database.setting) as bot:
        await (await fake_discord.invoke_slash("ask", {"question": "=HYPERLINK(\"x\") sourdough?"})).answer()
        await mention(fake_discord, SHCHYOGOLEV_Q)
        reply = await (await fake_discord.invoke_slash("insights", {"export": True}, user=fake_discord.admin)).answer()
        data = await bot.http.get_from_cdn(reply["attachments"][0]["url"])
    assert reply["flags"] & EPHEMERAL and reply["attachments"][0]["filename"] == "questions-7d.csv"
    assert reply["embeds"][0]["footer"]["text"].startswith("questions.csv: 2 question(s), oldest first")
    text = data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["via"], r["question"], r["outcome"]) for r in rows] == [
        ("command", "'=HYPERLINK(\"x\") sourdough?", "declined"), ("addressed", SHCHYOGOLEV_Q, "quoted")]
    assert rows[1]["article_id"] == "why-russia-and-china-see-eye-to-eye-on-cyber-security"
    assert rows[0]["member"] == rows[1]["member"] and len(rows[0]["member"]) >= 16
    assert str(fake_discord.member.id) not in text


async def test_members_are_refused_insights_even_when_visible(fake_discord, content, caplog):
    async with running(fake_discord, content):
        assert int(fake_discord.find_command("insights")["default_member_permissions"]) == 1 << 5
        refused = await (await fake_discord.invoke_slash("insights", {"export": True},
                                                         user=fake_discord.member)).answer()
    assert refused["flags"] & EPHEMERAL and refused["content"] == "Only moderators can look inside the bot."
    assert not refused.get("attachments") and not refused.get("embeds")
    assert "refused /insights" in caplog.text and str(fake_discord.member.id) not in caplog.text


async def test_insights_without_a_usable_database_says_so(fake_discord, content):
    (content.parent / "data").mkdir()
    (content.parent / "data" / "bot.db").write_bytes(b"not a database " * 300)
    async with running(fake_discord, content):
        reply = await (await fake_discord.invoke_slash("insights", user=fake_discord.admin)).answer()
    assert reply["flags"] & EPHEMERAL and reply["content"].startswith("I keep no record of questions here")


async def test_insights_says_when_questions_are_not_being_recorded(fake_discord, content):
    async with running(fake_discord, content, record_questions=False):
        await (await fake_discord.invoke_slash("ask", {"question": SOURDOUGH_Q})).answer()
        reply = await (await fake_discord.invoke_slash("insights", {}, user=fake_discord.moderator)).answer()
    text = reply["embeds"][0]["description"]
    assert text.startswith("```\nrecord_questions is off") and "0 questions asked" in text
