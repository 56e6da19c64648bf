"""The one question path through the fake Discord: questions about the articles and small talk, asked by
mention and by /ask, and what an answer channel is spared."""

from __future__ import annotations

import logging

import pytest

from tests.bot.test_discord import (
    EPHEMERAL,
    MESSAGES,
    RUSSIA,
    SOURDOUGH_Q,
    assert_allows_no_mentions,
    content,  # noqa: F401  (fixture)
    reply_to,
    running,
)

SUDAN = "In Sudan, A Surprise About-Face Marks Death Of The Revolution"
RUSSIA_STANDFIRST = ("Unlike with Washington, Moscow and Beijing agree on how the state can monitor the Internet. "
                     "Kommersant reports on a new Sino-Russia partnership set to be signed next month.")


async def by_mention(fake, question: str) -> dict:
    asked = await fake.send_message(fake.general, fake.member, question, mentions_bot=True)
    return await reply_to(fake, asked)


async def by_ask(fake, question: str) -> dict:
    return await (await fake.invoke_slash("ask", {"question": question})).answer()


ASKED = pytest.mark.parametrize("asked_by", [by_mention, by_ask], ids=["mention", "ask"])


async def reply_on_seeds(fake, content, asked_by, question: str) -> dict:
    """The bot's reply to `question`, asked the `asked_by` way of a bot started on `content`."""
    async with running(fake, content):
        return await asked_by(fake, question)


@ASKED
async def test_who_wrote_an_article_named_by_its_subject(fake_discord, content, asked_by):
    reply = await reply_on_seeds(fake_discord, content, asked_by, "Who wrote the piece about cyber security?")
    assert reply["content"] == f"*{RUSSIA}* is by Elena Chernenko, Vladislav Novyii and Ivan Safronov."
    assert reply["embeds"][0]["title"] == RUSSIA and "cyber" in reply["embeds"][0]["description"]
    assert not reply["flags"] & EPHEMERAL
    assert_allows_no_mentions(fake_discord)


@ASKED
async def test_what_an_author_has_written_lists_their_articles(fake_discord, content, asked_by):
    reply = await reply_on_seeds(fake_discord, content, asked_by, "What has Elena Chernenko written?")
    assert reply["content"].split("\n") == [
        "I have 1 article by Elena Chernenko:",
        f"**1.** *{RUSSIA}* by Elena Chernenko, Vladislav Novyii and Ivan Safronov",
        "> " + RUSSIA_STANDFIRST,
    ]
    assert not reply["embeds"]


@ASKED
async def test_what_articles_there_are_says_how_many_and_names_them(fake_discord, content, asked_by):
    text = (await reply_on_seeds(fake_discord, content, asked_by, "What articles do you have?"))["content"]
    assert text.startswith("I have 2 articles:\n")
    assert f"**1.** *{RUSSIA}*" in text and f"**2.** *{SUDAN}* by Nesrine Malik" in text


@ASKED
async def test_which_articles_mention_something_quotes_each_ones_sentence_once(fake_discord, content, asked_by):
    reply = await reply_on_seeds(fake_discord, content, asked_by, "which articles mention Huawei?")
    head, title, quote = reply["content"].split("\n")
    assert head == "1 article mentions \u201cHuawei\u201d:" and title.startswith(f"**1.** *{RUSSIA}* by Elena")
    assert quote.startswith("> In May, the Russian state telecom company signed") and "Huawei" in quote


@ASKED
async def test_what_an_article_is_about_quotes_its_standfirst(fake_discord, content, asked_by):
    reply = await reply_on_seeds(fake_discord, content, asked_by, "what is the cyber security article about?")
    embed = reply["embeds"][0]
    assert embed["title"] == RUSSIA and embed["description"].startswith(f"**{RUSSIA_STANDFIRST}**")
    # Like every answer, it names what it quoted: a reply to it is read in its context.
    assert embed["footer"]["text"] == "passage 1 of 13 \u00b7 why-russia-and-china-see-eye-to-eye-on-cyber-security"
    assert not reply.get("content")


async def test_an_article_that_cannot_be_told_is_asked_about_privately_on_ask(fake_discord, content):
    async with running(fake_discord, content):
        reply = await by_ask(fake_discord, "who wrote it?")
    assert reply["flags"] & EPHEMERAL
    assert reply["content"] == ("Which article do you mean? Reply to one of my answers, or name its subject: "
                                "*who wrote the article about ...?*")


async def test_a_greeting_by_mention_gets_a_friendly_reply_that_says_how_to_ask(fake_discord, content):
    async with running(fake_discord, content):
        hello = await by_mention(fake_discord, "hi!")
        bare = await by_mention(fake_discord, "")
        dm = await fake_discord.send_dm(fake_discord.member, "help")
        helped = await reply_to(fake_discord, dm)
    assert hello["content"].startswith("Hi! Mention me with a question")
    for reply in (hello, bare, helped):
        assert all(command in reply["content"] for command in ("/ask", "/search", "/article"))
        assert "reply to one of my answers" in reply["content"].lower()
        assert "couldn't find" not in reply["content"] and not reply["embeds"]


async def test_thanks_by_ask_is_answered_privately(fake_discord, content):
    async with running(fake_discord, content):
        reply = await by_ask(fake_discord, "thanks a lot!")
    assert reply["flags"] & EPHEMERAL
    assert reply["content"].startswith("You're welcome!") and "/ask" in reply["content"]


async def test_an_answer_channel_gets_answers_but_no_small_talk_and_no_errors(fake_discord, content, caplog):
    channel = fake_discord.questions
    async with running(fake_discord, content, answer_channel_ids=[channel.id], message_content_intent=True):
        await fake_discord.send_message(channel, fake_discord.member, "hello?")
        await fake_discord.send_message(channel, fake_discord.member, "what can you do?")
        listed = await fake_discord.send_message(channel, fake_discord.member, "What articles do you have?")
        reply = await reply_to(fake_discord, listed)
        mention = await fake_discord.send_message(channel, fake_discord.member, "hi", mentions_bot=True)
        await reply_to(fake_discord, mention)
    assert reply["content"].startswith("I have 2 articles")
    bot_id = str(fake_discord.bot_user.id)
    answered = {(m.get("message_reference") or {}).get("message_id") for m in fake_discord.channel_messages(channel)
                if m["author"]["id"] == bot_id}
    assert answered == {listed["id"], mention["id"]}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_in_an_answer_channel_a_reply_between_members_gets_no_public_no_answer(fake_discord, content):
    channel = fake_discord.questions
    async with running(fake_discord, content, answer_channel_ids=[channel.id], message_content_intent=True):
        chat = await fake_discord.send_message(channel, fake_discord.admin, "baking anything this weekend?")
        await fake_discord.send_message(channel, fake_discord.member, SOURDOUGH_Q, reply_to=chat)
        mention = await fake_discord.send_message(channel, fake_discord.member, "ping", mentions_bot=True)
        await reply_to(fake_discord, mention)
    bot_id = str(fake_discord.bot_user.id)
    answered = {(m.get("message_reference") or {}).get("message_id") for m in fake_discord.channel_messages(channel)
                if m["author"]["id"] == bot_id}
    assert answered == {mention["id"]}


async def test_find_answer_answers_a_question_about_an_article_as_a_reply_and_small_talk_privately(fake_discord,
                                                                                                  content):
    async with running(fake_discord, content):
        question = await fake_discord.send_message(fake_discord.general, fake_discord.admin,
                                                   "Who wrote the piece about cyber security?")
        ack = await (await fake_discord.invoke_message_command("Find answer", question)).answer()
        reply = await reply_to(fake_discord, question)
        hello = await fake_discord.send_message(fake_discord.general, fake_discord.admin, "hi everyone")
        private = await (await fake_discord.invoke_message_command("Find answer", hello)).answer()
    assert ack["flags"] & EPHEMERAL
    assert reply["content"] == f"*{RUSSIA}* is by Elena Chernenko, Vladislav Novyii and Ivan Safronov."
    assert reply["embeds"][0]["title"] == RUSSIA
    assert private["flags"] & EPHEMERAL and private["content"].startswith("Hi!")


async def test_find_answer_without_leave_to_reply_answers_through_the_menu_with_a_link(fake_discord, content):
    async with running(fake_discord, content):
        question = await fake_discord.send_message(fake_discord.general, fake_discord.admin,
                                                   "Who wrote the piece about cyber security?")
        fake_discord.fail_next("POST", MESSAGES, 403)  # no permission to reply in that channel
        answer = await (await fake_discord.invoke_message_command("Find answer", question)).answer()
    jump = f"https://discord.com/channels/{fake_discord.guild.id}/{fake_discord.general.id}/{question['id']}"
    assert answer["content"] == (f"Answer to {jump}\n"
                                 f"*{RUSSIA}* is by Elena Chernenko, Vladislav Novyii and Ivan Safronov.")
    assert answer["embeds"][0]["title"] == RUSSIA and not answer["flags"] & EPHEMERAL
