"""The bot end to end, through stock discord.py against the local fake Discord.

Every test talks to the bot the way members do (messages, slash commands, buttons, context menus)
and asserts on what Discord would have received over REST.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot import create_bot
from bot.settings import Settings
from tests.conftest import SEEDS
from fake_discord import FakeDiscord, run_bot

EPHEMERAL = 64
MESSAGES = r"/channels/\d+/messages"
SHCHYOGOLEV_Q = "Who is overseeing the final draft of the cyber-security document?"
SOURDOUGH_Q = "What is the best recipe for sourdough bread?"
RUSSIA = "Why Russia And China See Eye-To-Eye On Cyber Security"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SEEDS / "000_53ac65de5c9a03b2.txt", folder)
    return folder


def settings_for(fake: FakeDiscord, content: Path, **overrides) -> Settings:
    values = dict(token=fake.token, content_path=content, dev_guild_id=fake.guild.id, index_path=content.parent / "index",
                  data_path=content.parent / "data",
                  limits={"question_cooldown_rate": 100, "question_cooldown_seconds": 1.0})
    values.update(overrides)
    return Settings(_env_file=None, **values)


@asynccontextmanager
async def running(fake: FakeDiscord, content: Path, **overrides) -> AsyncIterator:
    bot = create_bot(settings_for(fake, content, **overrides))
    async with run_bot(bot, fake):
        yield bot


def assert_allows_no_mentions(fake: FakeDiscord) -> None:
    """Every message-carrying request the bot made must forbid every ping."""
    bodies = [r.json for r in fake.requests if r.method in ("POST", "PATCH") and isinstance(r.json, dict)]
    checked = 0
    for body in bodies:
        payload = body.get("data", body) if "type" in body and "data" in body else body
        if not isinstance(payload, dict) or not ({"content", "embeds"} & payload.keys()):
            continue
        checked += 1
        assert payload.get("allowed_mentions") == {"parse": []}, payload
    assert checked, "no message was sent at all"


async def reply_to(fake: FakeDiscord, message: dict, timeout: float = 5.0) -> dict:
    return await fake.wait_for_message(
        channel=int(message["channel_id"]),
        predicate=lambda m: (m.get("message_reference") or {}).get("message_id") == message["id"],
        timeout=timeout,
    )


async def test_a_mention_gets_a_reply_quoting_the_answering_passage_and_its_source(fake_discord, content):
    async with running(fake_discord, content):
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, SHCHYOGOLEV_Q, mentions_bot=True)
        reply = await reply_to(fake_discord, asked)
    embed = reply["embeds"][0]
    assert "**They say presidential advisor Igor Shchyogolev is overseeing" in embed["description"]
    assert embed["title"] == RUSSIA
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Authors"] == "Elena Chernenko, Vladislav Novyii, Ivan Safronov"
    assert embed["footer"]["text"] == "passage 2 of 13 \u00b7 why-russia-and-china-see-eye-to-eye-on-cyber-security"
    assert_allows_no_mentions(fake_discord)


async def test_without_the_content_intent_plain_channel_chatter_is_ignored(fake_discord, content):
    async with running(fake_discord, content, answer_channel_ids=[fake_discord.questions.id]):
        before = len(fake_discord.requests_matching("POST", MESSAGES))
        await fake_discord.send_message(fake_discord.questions, fake_discord.member, SHCHYOGOLEV_Q)
        asked = await fake_discord.send_message(fake_discord.questions, fake_discord.member, "ping", mentions_bot=True)
        await reply_to(fake_discord, asked)
    # Only the mention was answered: the plain question arrived without content and got nothing.
    assert len(fake_discord.requests_matching("POST", MESSAGES)) == before + 1


async def test_answer_channels_answer_questions_when_the_content_intent_is_enabled(fake_discord, content):
    channel = fake_discord.questions
    async with running(fake_discord, content, answer_channel_ids=[channel.id], message_content_intent=True):
        chatter = await fake_discord.send_message(channel, fake_discord.member, "good morning all")
        asked = await fake_discord.send_message(channel, fake_discord.member, "How long was Omar al-Bashir in power?")
        reply = await reply_to(fake_discord, asked)
        off_topic = await fake_discord.send_message(channel, fake_discord.member, SOURDOUGH_Q)
        mention = await fake_discord.send_message(channel, fake_discord.member, "ping", mentions_bot=True)
        await reply_to(fake_discord, mention)
    assert "almost 30 years in power" in reply["embeds"][0]["description"]
    replied_to = {(m.get("message_reference") or {}).get("message_id") for m in fake_discord.channel_messages(channel)}
    assert chatter["id"] not in replied_to and off_topic["id"] not in replied_to


async def test_a_reply_to_the_bots_answer_is_answered_too(fake_discord, content):
    async with running(fake_discord, content):
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member, SHCHYOGOLEV_Q, mentions_bot=True)
        answer = await reply_to(fake_discord, asked)
        follow = await fake_discord.send_message(fake_discord.general, fake_discord.member,
                                                 "And how long was Omar al-Bashir in power?", reply_to=answer,
                                                 mention_author=False)
        second = await reply_to(fake_discord, follow)
    assert "almost 30 years" in second["embeds"][0]["description"]


async def test_ask_answers_publicly_and_keeps_no_answer_private(fake_discord, content):
    async with running(fake_discord, content):
        found = await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})
        public = await found.answer()
        missing = await fake_discord.invoke_slash("ask", {"question": SOURDOUGH_Q})
        private = await missing.answer()
    assert not public["flags"] & EPHEMERAL
    assert "Igor Shchyogolev" in public["embeds"][0]["description"]
    assert private["flags"] & EPHEMERAL
    assert private["content"].startswith("I couldn't find a passage that answers that.")
    assert found.callback_delay < 3
    assert_allows_no_mentions(fake_discord)


async def test_search_pages_for_the_asker_only_and_disables_buttons_on_timeout(fake_discord, content, monkeypatch):
    from bot import views

    monkeypatch.setattr(views.SearchPager.__init__, "__defaults__", (0.6,))
    async with running(fake_discord, content):
        handle = await fake_discord.invoke_slash("search", {"query": "Russia China cyber security agreement"})
        first = await handle.answer()
        assert first["flags"] & EPHEMERAL
        assert [f["name"][:2] for f in first["embeds"][0]["fields"]] == ["1.", "2.", "3.", "4.", "5."]
        buttons = {c["label"]: c for row in first["components"] for c in row["components"]}
        assert buttons["Previous"]["disabled"] and not buttons["Next"].get("disabled")

        stranger = await fake_discord.press_button(first, buttons["Next"]["custom_id"], user=fake_discord.moderator)
        refusal = await stranger.answer()
        assert refusal["flags"] & EPHEMERAL and "Only the person who searched" in refusal["content"]

        page = await fake_discord.press_button(first, buttons["Next"]["custom_id"], user=fake_discord.member)
        second = await page.answer()
        assert second["embeds"][0]["fields"][0]["name"].startswith("6.")
        assert second["embeds"][0]["footer"]["text"].startswith("Page 2 of")

        await fake_discord.wait_for_request(
            "PATCH", r"/webhooks/\d+/[^/]+/messages/@original",
            predicate=lambda r: all(c.get("disabled") for row in r.json.get("components", [])
                                    for c in row["components"]),
            timeout=3,
        )


async def test_article_autocompletes_titles_and_shows_the_article(fake_discord, content):
    async with running(fake_discord, content):
        typing = await fake_discord.invoke_autocomplete("article", {"title": "sudan"}, focused="title")
        choices = (await typing.response())["data"]["choices"]
        everything = await fake_discord.invoke_autocomplete("article", {"title": ""}, focused="title")
        shown = await fake_discord.invoke_slash("article", {"title": choices[0]["value"]})
        card = (await shown.answer())["embeds"][0]
    assert [c["name"] for c in choices] == ["In Sudan, A Surprise About-Face Marks Death Of The Revolution"]
    assert len((await everything.response())["data"]["choices"]) == 2
    assert card["title"].startswith("In Sudan") and card["description"].startswith("Ousted Prime Minister")
    fields = {f["name"]: f["value"] for f in card["fields"]}
    assert fields["Authors"] == "Nesrine Malik" and fields["Passages"] == "3"


async def test_find_answer_replies_publicly_to_the_target_message(fake_discord, content):
    async with running(fake_discord, content):
        question = await fake_discord.send_message(fake_discord.general, fake_discord.admin, "How long was Omar al-Bashir in power?")
        menu = await fake_discord.invoke_message_command("Find answer", question, user=fake_discord.member)
        ack = await menu.answer()
        reply = await reply_to(fake_discord, question)
        off_topic = await fake_discord.send_message(fake_discord.general, fake_discord.admin, SOURDOUGH_Q)
        nothing = await (await fake_discord.invoke_message_command("Find answer", off_topic)).answer()
    assert ack["flags"] & EPHEMERAL
    assert "almost 30 years" in reply["embeds"][0]["description"]
    assert nothing["flags"] & EPHEMERAL and "couldn't find" in nothing["content"]
    assert not [m for m in fake_discord.channel_messages(fake_discord.general)
                if (m.get("message_reference") or {}).get("message_id") == off_topic["id"]]


async def test_reload_is_refused_to_members_even_when_the_command_is_visible(fake_discord, content, caplog):
    async with running(fake_discord, content):
        command = fake_discord.find_command("reload")
        assert int(command["default_member_permissions"]) == 1 << 5  # Manage Server
        refused = await (await fake_discord.invoke_slash("reload", user=fake_discord.member)).answer()
    assert refused["flags"] & EPHEMERAL and "Only moderators" in refused["content"]
    assert "refused /reload" in caplog.text


async def test_reload_by_a_moderator_picks_up_new_files_and_reports_broken_ones(fake_discord, content):
    new = ("Lunar Greenhouse Sprouts First Lettuce\n\nAn experiment on the Moon yields a harvest.\n\n"
           "Rosa Diaz\n\nAstronauts harvested twelve heads of lettuce grown in regolith under LED lamps.\n")
    async with running(fake_discord, content):
        before = await (await fake_discord.invoke_slash("ask", {"question": "Who grew lettuce on the Moon?"})).answer()
        (content / "lunar.txt").write_text(new)
        (content / "broken.json").write_text("{not json")
        report = await (await fake_discord.invoke_slash("reload", user=fake_discord.moderator)).answer()
        after = await (await fake_discord.invoke_slash("ask", {"question": "How many heads of lettuce were "
                                                                            "harvested?"})).answer()
    assert before["flags"] & EPHEMERAL
    assert report["flags"] & EPHEMERAL
    assert "+ Lunar Greenhouse Sprouts First Lettuce" in report["content"]
    assert "broken.json: not valid JSON" in report["content"]
    assert "twelve heads of lettuce" in after["embeds"][0]["description"]


async def test_a_failed_reload_keeps_the_old_library_answering(fake_discord, content):
    async with running(fake_discord, content):
        shutil.rmtree(content)
        failed = await (await fake_discord.invoke_slash("reload", user=fake_discord.admin)).answer()
        still = await (await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})).answer()
        content.mkdir()
        (content / "empty.txt").write_text("")
        nothing_usable = await (await fake_discord.invoke_slash("reload", user=fake_discord.admin)).answer()
    assert "Reload failed" in failed["content"] and "does not exist" in failed["content"]
    assert "Igor Shchyogolev" in still["embeds"][0]["description"]
    assert "no usable article" in nothing_usable["content"] and "empty file" in nothing_usable["content"]


async def test_mentions_inside_articles_and_questions_never_ping(fake_discord, content):
    (content / "pings.txt").write_text(
        "Town Hall Meeting Called\n\nResidents gather.\n\nLee Park\n\n"
        "The mayor told @everyone and @here, and <@123456789012345678> and <@&223456789012345678>, that the "
        "town hall meeting on drainage starts at noon.\n")
    async with running(fake_discord, content):
        asked = await fake_discord.send_message(fake_discord.general, fake_discord.member,
                                                "@everyone when does the town hall meeting on drainage start?",
                                                mentions_bot=True)
        reply = await reply_to(fake_discord, asked)
        slash = await (await fake_discord.invoke_slash("ask", {"question": "town hall meeting drainage @here"})).answer()
    assert "@everyone" in reply["embeds"][0]["description"] and "@everyone" in slash["embeds"][0]["description"]
    assert_allows_no_mentions(fake_discord)


async def test_a_member_asking_too_fast_gets_a_friendly_cooldown_notice(fake_discord, content):
    async with running(fake_discord, content, limits={"question_cooldown_rate": 2, "question_cooldown_seconds": 60}):
        for _ in range(2):
            assert not (await (await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})).answer())[
                "flags"] & EPHEMERAL
        limited = await (await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})).answer()
        other = await (await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q},
                                                       user=fake_discord.moderator)).answer()
    assert limited["flags"] & EPHEMERAL and "try again in" in limited["content"]
    assert "Igor Shchyogolev" in other["embeds"][0]["description"]


async def test_questions_during_a_slow_reload_are_answered_at_once_from_the_old_library(
    fake_discord, content, monkeypatch
):
    import threading

    from bot import content as content_module

    release = threading.Event()
    real_load = content_module.Library.load

    def slow_load(*args, **kwargs):
        release.wait(timeout=10)
        return real_load(*args, **kwargs)

    async with running(fake_discord, content) as bot:
        monkeypatch.setattr(content_module.Library, "load", slow_load)
        first = await fake_discord.invoke_slash("reload", user=fake_discord.admin)
        second = await fake_discord.invoke_slash("reload", user=fake_discord.moderator)
        asked = await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})
        answered = await asked.answer(timeout=2)
        assert bot.reloads.busy
        release.set()
        done_first = await first.answer(timeout=5)
        done_second = await second.answer(timeout=5)
    assert "Igor Shchyogolev" in answered["embeds"][0]["description"]
    assert done_first["content"].startswith("Reloaded 2 articles") and "No article changed" in done_first["content"]
    assert done_second["content"].startswith("Waited for the reload already running. Reloaded 2 articles")


async def test_a_slow_search_is_deferred_within_three_seconds_and_answered_by_followup(
    fake_discord, content, monkeypatch
):
    import asyncio

    async with running(fake_discord, content) as bot:
        bot.get_cog("Answers").defer_after = 0.2
        real_answer = bot.content.answer

        async def slow_answer(*args, **kwargs):
            await asyncio.sleep(0.6)
            return await real_answer(*args, **kwargs)

        monkeypatch.setattr(bot.content, "answer", slow_answer)
        found = await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})
        public = await found.answer()
        missing = await fake_discord.invoke_slash("ask", {"question": SOURDOUGH_Q})
        private = await missing.followup()
    assert (await found.response())["type"] == 5 and found.callback_delay < 1
    assert "Igor Shchyogolev" in public["embeds"][0]["description"] and not public["flags"] & EPHEMERAL
    # The public "thinking…" is removed and the no-answer goes only to the asker.
    assert fake_discord.requests_matching("DELETE", r"/webhooks/\d+/[^/]+/messages/@original")
    assert private["flags"] & EPHEMERAL and "couldn't find" in private["content"]


async def test_sync_registers_every_command_with_descriptions(fake_discord, content):
    from bot.client import QABot, _sync

    bot = QABot(settings_for(fake_discord, content, dev_guild_id=None))
    await _sync(bot, fake_discord.guild.id)
    commands = {c["name"]: c for c in fake_discord.requests_matching("PUT", r"/applications/\d+/guilds/\d+/commands")[
        -1].json}
    assert set(commands) == {"ask", "search", "article", "reload", "add", "remove", "restore", "feed", "status",
                             "insights", "Find answer", "Why this answer"}
    for name in ("ask", "search", "article", "reload", "add", "remove", "restore", "feed", "status", "insights"):
        assert commands[name]["description"]
        assert all(option["description"] for option in commands[name].get("options", []))
    assert {sub["name"] for sub in commands["feed"]["options"]} == {"add", "remove", "list"}
    assert all(option["description"] for sub in commands["feed"]["options"] for option in sub.get("options", []))
    assert commands["Find answer"]["type"] == commands["Why this answer"]["type"] == 3


def test_create_bot_touches_no_network_and_asks_only_for_needed_intents(content):
    bot = create_bot(Settings(_env_file=None, token="t", content_path=content))
    assert bot.intents.message_content is False and bot.intents.members is False and bot.intents.presences is False
    assert bot.allowed_mentions.to_dict() == {"parse": []}
    assert create_bot(Settings(_env_file=None, message_content_intent=True)).intents.message_content


def test_starting_the_bot_warns_about_nothing_it_does_not_use(content, caplog, monkeypatch):
    import discord

    # As in a fresh process without the voice libraries, which this bot does not need.
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", True)
    with caplog.at_level("WARNING"):
        create_bot(Settings(_env_file=None, token="t", content_path=content))
    assert caplog.records == []


async def test_a_large_collection_is_built_in_a_child_process_and_served_from_the_saved_index(
    fake_discord, content, monkeypatch
):
    from bot import content as content_module

    monkeypatch.setattr(content_module, "CHILD_BUILD_BYTES", 0)  # treat the seeds as large
    async with running(fake_discord, content) as bot:
        assert bot.content.library.report.from_cache  # built by the child, mapped by the bot
        (content / "lunar.md").write_text("# Lunar Greenhouse\n\nAstronauts harvested twelve heads of lettuce.\n")
        report = await (await fake_discord.invoke_slash("reload", user=fake_discord.admin)).answer(timeout=30)
        after = await (await fake_discord.invoke_slash("ask", {"question": "How many heads of lettuce did the "
                                                                            "astronauts harvest?"})).answer()
    assert "+ Lunar Greenhouse" in report["content"] and "No article changed" not in report["content"]
    assert "twelve heads of lettuce" in after["embeds"][0]["description"]
