"""Follow-ups through the fake Discord: a reply to one of the bot's answers is read in that answer's context,
which the answer itself carries (its footer), so it works on a bot started afresh."""

from __future__ import annotations

from tests.bot.test_discord import (
    RUSSIA,
    SHCHYOGOLEV_Q,
    assert_allows_no_mentions,
    content,  # noqa: F401  (fixture)
    reply_to,
    running,
)

SUDAN = "In Sudan, A Surprise About-Face Marks Death Of The Revolution"
BASHIR_Q = "How long was Omar al-Bashir in power?"
LUNAR = "Lunar Greenhouse Sprouts First Lettuce"
LUNAR_MD = f"""---
title: {LUNAR}
authors: [Rosa Diaz, Tom Okafor]
url: https://example.org/lunar-greenhouse
date: 2026-12-03
---
An experiment on the Moon yields a harvest.

Astronauts harvested twelve heads of lettuce grown in regolith under LED lamps.
"""
LETTUCE_Q = "How many heads of lettuce did the astronauts harvest?"


async def ask(fake, text: str) -> tuple[dict, dict]:
    """A member mentions the bot with `text`: (their message, the bot's reply)."""
    asked = await fake.send_message(fake.general, fake.member, text, mentions_bot=True)
    return asked, await reply_to(fake, asked)


async def follow(fake, answer: dict, text: str, **options) -> dict:
    """A member replies `text` to `answer` (without pinging, as people often do); the bot's reply to it."""
    options.setdefault("mention_author", False)
    reply = await fake.send_message(fake.general, fake.member, text, reply_to=answer, **options)
    return await reply_to(fake, reply)


def footer(message: dict) -> str:
    return message["embeds"][0]["footer"]["text"]


async def test_who_wrote_it_when_and_link_are_read_from_the_answer_replied_to(fake_discord, content):
    (content / "lunar.md").write_text(LUNAR_MD)  # an article with a date and a link
    async with running(fake_discord, content):
        _, russia = await ask(fake_discord, SHCHYOGOLEV_Q)
        authors = await follow(fake_discord, russia, "who wrote it?")
        undated = await follow(fake_discord, russia, "when was it published?")
        no_link = await follow(fake_discord, russia, "link?")
        _, lunar = await ask(fake_discord, LETTUCE_Q)
        dated = await follow(fake_discord, lunar, "when was it published?")
        link = await follow(fake_discord, lunar, "link?")
    assert authors["content"] == f"*{RUSSIA}* is by Elena Chernenko, Vladislav Novyii and Ivan Safronov."
    assert authors["embeds"][0]["title"] == RUSSIA  # the fact comes with its passage, quoted with its source
    assert undated["content"] == "The article doesn't give a date."
    assert no_link["content"] == rf"*{RUSSIA}* has no link: it was read from 000\_53ac65de5c9a03b2.txt."
    assert dated["content"] == f"*{LUNAR}* was published 3 Dec 2026."
    assert link["content"] == f"The link to *{LUNAR}*: <https://example.org/lunar-greenhouse>"
    assert link["embeds"][0]["url"] == "https://example.org/lunar-greenhouse"
    assert_allows_no_mentions(fake_discord)


async def test_go_on_quotes_the_next_passage_each_time_never_the_same_again(fake_discord, content, seed_library):
    async with running(fake_discord, content):
        _, answer = await ask(fake_discord, SHCHYOGOLEV_Q)
        more = await follow(fake_discord, answer, "go on")
        again = await follow(fake_discord, more, "tell me more")
    russia = next(a for a in seed_library.articles.values() if a.title == RUSSIA)
    assert footer(answer).startswith("passage 2 of 13")
    assert footer(more).startswith("passage 3 of 13") and footer(again).startswith("passage 4 of 13")
    passages = [p.text for p in seed_library.passages if p.article_id == russia.id]
    assert more["embeds"][0]["description"].startswith(passages[2][:40])
    assert again["embeds"][0]["description"].startswith(passages[3][:40])


async def test_go_on_past_the_last_passage_says_so_naming_the_article(fake_discord, content):
    async with running(fake_discord, content):
        _, answer = await ask(fake_discord, BASHIR_Q)
        last = await follow(fake_discord, answer, "go on")
        past = await follow(fake_discord, last, "what else?")
    assert footer(answer).startswith("passage 2 of 3") and footer(last).startswith("passage 3 of 3")
    assert past["content"] == f"That was the last passage of *{SUDAN}*." and not past["embeds"]


async def test_a_reply_leaning_on_the_answer_is_searched_in_its_article(fake_discord, content):
    async with running(fake_discord, content):
        _, answer = await ask(fake_discord, "What agreement is Putin expected to seal in Beijing?")
        leaning = await follow(fake_discord, answer, "and what did they sign before that?")
    assert "seal a bilateral agreement" in answer["embeds"][0]["description"]
    assert "In 2013, Putin and Barack Obama signed" in leaning["embeds"][0]["description"]


async def test_a_reply_that_stands_alone_is_a_new_question(fake_discord, content):
    async with running(fake_discord, content):
        _, russia = await ask(fake_discord, SHCHYOGOLEV_Q)
        in_context = await follow(fake_discord, russia, "who wrote it?")
        alone = await follow(fake_discord, russia, BASHIR_Q)
        off_topic = await follow(fake_discord, russia, "What is the capital of France?")
    assert in_context["content"].startswith(f"*{RUSSIA}* is by")
    assert alone["embeds"][0]["title"] == SUDAN and "almost 30 years" in alone["embeds"][0]["description"]
    assert off_topic["content"].startswith("I couldn't find a passage that answers that.")


async def test_only_the_bots_own_answers_give_a_reply_context(fake_discord, content):
    async with running(fake_discord, content):
        _, answer = await ask(fake_discord, SHCHYOGOLEV_Q)
        # A member's message dressed up as an answer (the same embed) is still a member's message.
        copy = await fake_discord.send_message(fake_discord.general, fake_discord.admin, "look at this",
                                               embeds=answer["embeds"])
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, "who wrote it?",
                                                mentions_bot=True, reply_to=copy, mention_author=False)
        to_member = await reply_to(fake_discord, asked)
        _, hello = await ask(fake_discord, "hi")
        to_small_talk = await follow(fake_discord, hello, "who wrote it?")
    for reply in (to_member, to_small_talk):
        assert reply["content"].startswith("Which article do you mean? Reply to one of my answers, or name its "
                                           "subject")
        assert not reply["embeds"]


async def test_a_follow_up_works_on_a_bot_started_afresh_reading_the_answer_not_memory(fake_discord, content):
    async with running(fake_discord, content):
        _, answer = await ask(fake_discord, BASHIR_Q)
    async with running(fake_discord, content):  # a new bot: nothing cached, nothing remembered
        authors = await follow(fake_discord, answer, "who wrote it?")
    async with running(fake_discord, content):
        # Discord may leave the replied-to message out of a reply: the bot fetches it.
        fetches = len(fake_discord.requests_matching("GET", rf"/channels/\d+/messages/{answer['id']}"))
        more = await follow(fake_discord, answer, "go on", referenced_delivered=False, mention_author=True)
    assert authors["content"] == f"*{SUDAN}* is by Nesrine Malik."
    assert footer(more).startswith("passage 3 of 3")
    assert len(fake_discord.requests_matching("GET", rf"/channels/\d+/messages/{answer['id']}")) == fetches + 1


async def test_a_reply_asking_in_other_words_is_read_from_the_answer_replied_to(fake_discord, content):
    (content / "lunar.md").write_text(LUNAR_MD)
    async with running(fake_discord, content):
        _, lunar = await ask(fake_discord, LETTUCE_Q)
        authors = await follow(fake_discord, lunar, "who's this by")
        recent = await follow(fake_discord, lunar, "is this recent?")
        source = await follow(fake_discord, lunar, "source?")
        _, russia = await ask(fake_discord, SHCHYOGOLEV_Q)
        more = await follow(fake_discord, russia, "keep reading")
    assert authors["content"] == f"*{LUNAR}* is by Rosa Diaz and Tom Okafor."
    assert recent["content"] == f"*{LUNAR}* was published 3 Dec 2026."
    assert source["content"] == f"The link to *{LUNAR}*: <https://example.org/lunar-greenhouse>"
    assert footer(russia).startswith("passage 2 of 13") and footer(more).startswith("passage 3 of 13")
    assert_allows_no_mentions(fake_discord)
