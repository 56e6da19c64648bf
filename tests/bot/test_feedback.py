"""Buttons on public answers, through the fake Discord: 👍/👎 votes (changed, kept, after a restart) and "More"."""

from __future__ import annotations

from tests.bot.test_discord import EPHEMERAL, SHCHYOGOLEV_Q, SOURDOUGH_Q, reply_to, running

BASHIR_Q = "How long was Omar al-Bashir in power?"  # passage 2 of the Sudan article's 3


def buttons(message: dict) -> dict[str, dict]:
    """The message's buttons by what they show: their emoji, or "More"."""
    found = [c for row in message.get("components", []) for c in row["components"]]
    return {button.get("label") or button["emoji"]["name"]: button for button in found}


async def press(fake, message: dict, name: str, user=None) -> dict:
    return await (await fake.press_button(message, buttons(message)[name]["custom_id"], user=user)).answer()


async def mention(fake, text: str) -> dict:
    asked = await fake.send_message(fake.general, fake.member, text, mentions_bot=True)
    return await reply_to(fake, asked)


async def votes(database) -> list[tuple]:
    rows = await database.sql("SELECT message_id, member, value, article_id, passage FROM votes ORDER BY id")
    return [tuple(row.values()) for row in rows]


async def test_any_member_votes_on_a_public_answer_and_can_change_the_vote(fake_discord, content, database):
    async with running(fake_discord, content, database_url=database.setting):
        answer = await mention(fake_discord, SHCHYOGOLEV_Q)
        first = await press(fake_discord, answer, "\N{THUMBS UP SIGN}")
        same = await press(fake_discord, answer, "\N{THUMBS UP SIGN}")
        changed = await press(fake_discord, answer, "\N{THUMBS DOWN SIGN}")
        other = await press(fake_discord, answer, "\N{THUMBS DOWN SIGN}", user=fake_discord.moderator)
    assert set(buttons(answer)) == {"\N{THUMBS UP SIGN}", "\N{THUMBS DOWN SIGN}", "More"}
    assert all(ack["flags"] & EPHEMERAL for ack in (first, same, changed, other))
    assert first["content"] == "Thanks! Your \N{THUMBS UP SIGN} is counted."
    assert same["content"] == "You already gave this answer a \N{THUMBS UP SIGN}."
    assert changed["content"] == "Changed your vote on this answer to \N{THUMBS DOWN SIGN}."
    recorded = await votes(database)
    assert [(v[0], v[2], v[3], v[4]) for v in recorded] == [
        (int(answer["id"]), -1, "why-russia-and-china-see-eye-to-eye-on-cyber-security", 1)] * 2
    assert recorded[0][1] != recorded[1][1]  # two members, one vote each


async def test_buttons_of_an_answer_sent_before_a_restart_still_work(fake_discord, content, database):
    async with running(fake_discord, content, database_url=database.setting):
        answer = await (await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})).answer()
        await press(fake_discord, answer, "\N{THUMBS UP SIGN}")
    async with running(fake_discord, content, database_url=database.setting):  # a new bot, the same data
        changed = await press(fake_discord, answer, "\N{THUMBS DOWN SIGN}")
        more = await press(fake_discord, answer, "More")
    assert changed["content"] == "Changed your vote on this answer to \N{THUMBS DOWN SIGN}."
    assert more["flags"] & EPHEMERAL and more["embeds"][0]["footer"]["text"].startswith("passage 3 of 13")
    assert [v[2] for v in await votes(database)] == [-1]


async def test_more_shows_the_next_passage_privately_until_the_last(fake_discord, content):
    async with running(fake_discord, content):
        answer = await mention(fake_discord, BASHIR_Q)
        last = await press(fake_discord, answer, "More")
    assert answer["embeds"][0]["footer"]["text"].startswith("passage 2 of 3")
    assert last["flags"] & EPHEMERAL and last["embeds"][0]["footer"]["text"].startswith("passage 3 of 3")
    assert "More" not in buttons(last) and "\N{THUMBS UP SIGN}" not in buttons(last)


async def test_private_answers_carry_no_buttons(fake_discord, content):
    async with running(fake_discord, content):
        declined = await (await fake_discord.invoke_slash("ask", {"question": SOURDOUGH_Q})).answer()
    assert declined["flags"] & EPHEMERAL and not buttons(declined)


async def test_a_vote_with_a_damaged_database_is_told_it_was_not_recorded(fake_discord, content):
    (content.parent / "data").mkdir()
    (content.parent / "data" / "bot.db").write_bytes(b"not a database " * 300)
    async with running(fake_discord, content):
        answer = await mention(fake_discord, SHCHYOGOLEV_Q)
        ack = await press(fake_discord, answer, "\N{THUMBS UP SIGN}")
    assert "Igor Shchyogolev" in answer["embeds"][0]["description"]
    assert ack["flags"] & EPHEMERAL and ack["content"] == "Sorry, I couldn't record your vote right now."
