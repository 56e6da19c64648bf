"""Smoke tests of the fake Discord against a plain discord.py bot defined here.

They check the fake is faithful enough for a stock client: login, gateway
handshake with compression, MESSAGE_CONTENT rules, app commands, components,
and recovery from gateway drops and REST rate limits.
"""

from __future__ import annotations

import asyncio
import io

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from fake_discord import FakeDiscord, Upload, run_bot
from fake_discord.cdn import Cdn

# Provides the fake_discord fixture until tests/conftest.py star-imports fake_discord.fixtures;
# drop it then (pytest warns when a plugin module was already imported by the conftest).

MESSAGES_PATH = r"/channels/\d+/messages"


class ConfirmView(discord.ui.View):
    @discord.ui.button(label="Confirm", custom_id="confirm")
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content=f"confirmed by {interaction.user.name}", view=None)


class SmokeBot(commands.Bot):
    """Replies to mentions and DMs, shows a button on "menu", and has /ask and /slow."""

    def __init__(self, *, message_content: bool = False, **options: object) -> None:
        intents = discord.Intents.default()
        intents.message_content = message_content
        super().__init__(command_prefix="!", intents=intents, **options)
        self.seen: asyncio.Queue[discord.Message] = asyncio.Queue()

        @app_commands.command(description="Ask the bot")
        async def ask(interaction: discord.Interaction, question: str) -> None:
            await interaction.response.send_message(f"Answer to {question!r} for {interaction.user.name}")

        @app_commands.command(description="Think first")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done thinking")

        self.tree.add_command(ask)
        self.tree.add_command(slow)

    async def on_message(self, message: discord.Message) -> None:
        if message.author == self.user:
            return
        self.seen.put_nowait(message)
        if self.user in message.mentions or message.guild is None:
            if "menu" in message.content:
                await message.channel.send("Confirm?", view=ConfirmView())
            elif "essay" in message.content:
                try:
                    await message.channel.send("x" * 2001)
                except discord.HTTPException as error:
                    await message.reply(f"rejected: {error.status} {error.code}")
            else:
                await message.reply(f"you said: {message.content}")


class Feedback(discord.ui.Modal, title="Feedback"):
    text = discord.ui.TextInput(label="Text", custom_id="feedback_text")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks for {self.text.value!r}", ephemeral=True)


class ToolsBot(commands.Bot):
    """Autocomplete, a message context menu and a modal; app command errors are kept."""

    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default())
        self.errors: list[app_commands.AppCommandError] = []

        @app_commands.command(description="Search the docs")
        async def search(interaction: discord.Interaction, topic: str) -> None:
            await interaction.response.send_message(f"results for {topic}")

        @search.autocomplete("topic")
        async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            return [app_commands.Choice(name=f"{current}ing", value=f"{current}ing")]

        @app_commands.context_menu(name="Explain")
        async def explain(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(f"explaining {message.content!r}")

        @app_commands.command(description="Send feedback")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(Feedback())

        for command in (search, explain, feedback):
            self.tree.add_command(command)
        self.tree.on_error = self.on_app_command_error

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        self.errors.append(error)


async def next_seen(bot: SmokeBot) -> discord.Message:
    return await asyncio.wait_for(bot.seen.get(), timeout=2)


async def test_connects_with_compression_and_sees_guild(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        guild = bot.get_guild(fake_discord.guild.id)
        assert guild is not None and guild.me is not None
        assert {c.name for c in guild.text_channels} == {"general", "questions"}
        assert bot.application_id == fake_discord.application_id
        connect = await fake_discord.wait_for_gateway("connect")
        compression = (
            discord.utils._ActiveDecompressionContext.COMPRESSION_TYPE
        )  # zlib-stream, or zstd-stream if importable
        assert connect.detail["query"] == {"v": "10", "encoding": "json", "compress": compression}
        identify = await fake_discord.wait_for_gateway("identify")
        assert identify.detail["intents"] == discord.Intents.default().value
        heartbeat = await fake_discord.heartbeats.wait_for(lambda h: True, since=0, timeout=1, what="a heartbeat")
        assert heartbeat.connection_id == connect.connection_id
    assert fake_discord.unknown_requests == []


async def test_mention_is_answered_with_content_without_intent(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot(message_content=False)
    async with run_bot(bot, fake_discord):
        question = await fake_discord.send_message(
            fake_discord.general, fake_discord.member, "what is a fake?", mentions_bot=True
        )
        reply = await fake_discord.wait_for_message(channel=fake_discord.general)
    assert reply["content"] == f"you said: <@{fake_discord.bot_user.id}> what is a fake?"
    assert reply["message_reference"]["message_id"] == question["id"]


@pytest.mark.parametrize("message_content", [False, True])
async def test_plain_message_content_needs_the_intent(fake_discord: FakeDiscord, message_content: bool) -> None:
    bot = SmokeBot(message_content=message_content)
    async with run_bot(bot, fake_discord):
        await fake_discord.send_message(fake_discord.general, fake_discord.member, "just chatting")
        seen = await next_seen(bot)
    assert seen.content == ("just chatting" if message_content else "")
    assert seen.author.id == fake_discord.member.id


async def test_synced_slash_command_gets_a_message_callback(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        guild = discord.Object(fake_discord.guild.id)
        bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
        request = await fake_discord.wait_for_request("PUT", r"/applications/\d+/guilds/\d+/commands")
        assert {c["name"] for c in request.json} == {"ask", "slow"}
        assert {c.name for c in synced} == {"ask", "slow"}

        handle = await fake_discord.invoke_slash("ask", {"question": "why?"}, user=fake_discord.moderator)
        response = await handle.response()
    assert response["type"] == 4
    assert response["data"]["content"] == "Answer to 'why?' for mod"
    assert handle.payload["data"]["guild_id"] == str(fake_discord.guild.id)


async def test_deferred_command_is_answered_by_followup(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        handle = await fake_discord.invoke_slash("slow")
        answer = await handle.answer()
    assert handle.callback is not None and handle.callback["type"] == 5
    assert answer["content"] == "done thinking"
    assert handle.followups == []  # the follow-up completed the "thinking" message


async def test_button_press_updates_the_message(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        await fake_discord.send_message(fake_discord.general, fake_discord.member, "menu", mentions_bot=True)
        menu = await fake_discord.wait_for_message(channel=fake_discord.general)
        handle = await fake_discord.press_button(menu, "confirm", user=fake_discord.admin)
        updated = await handle.answer()
    assert handle.callback is not None and handle.callback["type"] == 7
    assert updated is menu and menu["content"] == "confirmed by admin" and menu["components"] == []


async def test_a_reply_carries_the_replied_message_unless_discord_left_it_out(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot(message_content=True)
    async with run_bot(bot, fake_discord):
        first = await fake_discord.send_message(fake_discord.general, fake_discord.admin, "original")
        await next_seen(bot)
        await fake_discord.send_message(fake_discord.general, fake_discord.member, "delivered", reply_to=first)
        delivered = await next_seen(bot)
        await fake_discord.send_message(fake_discord.general, fake_discord.member, "left out", reply_to=first,
                                        referenced_delivered=False)
        left_out = await next_seen(bot)
        fetched = await left_out.channel.fetch_message(left_out.reference.message_id)
    assert isinstance(delivered.reference.resolved, discord.Message)
    assert delivered.reference.resolved.content == "original"
    assert left_out.reference.message_id == int(first["id"]) and left_out.reference.resolved is None
    assert fetched.content == "original"


async def test_resumes_after_gateway_close_and_gets_missed_events(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        mark = len(fake_discord.gateway_log)
        await fake_discord.close_gateway(4000)
        await fake_discord.send_message(fake_discord.general, fake_discord.member, "still there?", mentions_bot=True)
        resumed = await fake_discord.wait_for_gateway("resumed", since=mark)
        reply = await fake_discord.wait_for_message(channel=fake_discord.general)
    assert resumed.detail["replayed"] >= 1
    assert reply["content"].endswith("still there?")
    assert [e.kind for e in fake_discord.gateway_log].count("identify") == 1


async def test_reidentifies_after_invalid_session(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        mark = len(fake_discord.gateway_log)
        await fake_discord.invalidate_session()
        await fake_discord.wait_for_gateway("ready", since=mark)
        await fake_discord.send_message(fake_discord.general, fake_discord.member, "hello again", mentions_bot=True)
        reply = await fake_discord.wait_for_message(channel=fake_discord.general)
    assert reply["content"].endswith("hello again")
    assert [e.kind for e in fake_discord.gateway_log].count("identify") == 2


async def test_rate_limited_send_is_retried_and_arrives_once(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        fake_discord.fail_next("POST", MESSAGES_PATH, 429, retry_after=0.05)
        await fake_discord.send_message(fake_discord.general, fake_discord.member, "ping", mentions_bot=True)
        await fake_discord.wait_for_message(channel=fake_discord.general)
        await fake_discord.wait_for_request("POST", MESSAGES_PATH, predicate=lambda r: r.status == 200)
    posts = fake_discord.requests_matching("POST", MESSAGES_PATH)
    assert [r.status for r in posts] == [429, 200]
    bot_messages = [m for m in fake_discord.channel_messages(fake_discord.general) if m["author"]["bot"]]
    assert len(bot_messages) == 1


async def test_delayed_send_still_arrives(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        fake_discord.delay_next("POST", MESSAGES_PATH, 0.2)
        question = await fake_discord.send_message(fake_discord.general, fake_discord.member, "hi", mentions_bot=True)
        reply = await fake_discord.wait_for_message(channel=fake_discord.general)
    assert fake_discord.messages.created_at[reply["id"]] - fake_discord.messages.created_at[question["id"]] >= 0.2


async def test_heartbeats_arrive_on_time(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        await fake_discord.heartbeats.wait_for(lambda h: True, since=2, timeout=2, what="a third heartbeat")
    assert fake_discord.worst_heartbeat_lateness() < 0.2


async def test_dm_content_is_visible_without_intent(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot(message_content=False)
    async with run_bot(bot, fake_discord):
        await fake_discord.send_dm(fake_discord.member, "psst")
        reply = await fake_discord.wait_for_message(channel=fake_discord.dm_channel(fake_discord.member))
    assert reply["content"] == "you said: psst"
    assert "guild_id" not in reply


async def test_message_over_2000_chars_is_rejected_like_discord(fake_discord: FakeDiscord) -> None:
    bot = SmokeBot()
    async with run_bot(bot, fake_discord):
        await fake_discord.send_message(fake_discord.general, fake_discord.member, "essay", mentions_bot=True)
        reply = await fake_discord.wait_for_message(channel=fake_discord.general)
    assert reply["content"] == "rejected: 400 50035"


async def test_autocomplete_context_menu_and_modal(fake_discord: FakeDiscord) -> None:
    bot = ToolsBot()
    async with run_bot(bot, fake_discord):
        await bot.tree.sync()
        completion = await fake_discord.invoke_autocomplete("search", {"topic": "cach"}, focused="topic")
        target = await fake_discord.send_message(fake_discord.general, fake_discord.member, "what is TTL?")
        explained = await fake_discord.invoke_message_command("Explain", target)
        shown = await fake_discord.invoke_slash("feedback")
        await shown.response()
        submitted = await fake_discord.submit_modal(shown, {"feedback_text": "great bot"})

        assert (await completion.response())["data"]["choices"] == [{"name": "caching", "value": "caching"}]
        assert (await explained.answer())["content"] == "explaining 'what is TTL?'"
        thanks = await submitted.answer()
    assert thanks["content"] == "thanks for 'great bot'" and thanks["flags"] & 64  # ephemeral
    assert bot.errors == []


async def test_late_interaction_callback_is_unknown_interaction(fake_discord: FakeDiscord) -> None:
    bot = ToolsBot()
    async with run_bot(bot, fake_discord):
        fake_discord.interaction_timeout = 0.0
        await fake_discord.invoke_slash("search", {"topic": "slow"})
        request = await fake_discord.wait_for_request("POST", r"/interactions/\d+/[^/]+/callback")
    assert request.status == 404
    [error] = bot.errors
    assert isinstance(error.__cause__, discord.NotFound) and error.__cause__.code == 10062


class FilesBot(commands.Bot):
    """/echo file: reads the attached file; /share uploads one."""

    def __init__(self) -> None:
        super().__init__(command_prefix="!", intents=discord.Intents.default())

        @app_commands.command(description="Read an attached file")
        async def echo(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            await interaction.response.send_message(f"{file.filename} {file.size} {data.decode()}")

        @app_commands.command(description="Upload a file")
        async def share(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("here", file=discord.File(io.BytesIO(b"shared bytes"), "s.txt"))

        self.tree.add_command(echo)
        self.tree.add_command(share)


async def test_attachment_options_and_uploads_are_served_from_the_cdn(fake_discord: FakeDiscord) -> None:
    bot = FilesBot()
    async with run_bot(bot, fake_discord):
        await bot.tree.sync()
        handle = await fake_discord.invoke_slash("echo", {"file": Upload("notes.md", b"# Notes", "text/markdown")})
        echoed = await handle.answer()
        uploaded = (await (await fake_discord.invoke_slash("share")).answer())["attachments"][0]
        shared = await bot.http.get_from_cdn(uploaded["url"])
    option = handle.payload["data"]["options"][0]
    attachment = handle.payload["data"]["resolved"]["attachments"][option["value"]]
    assert option["type"] == 11 and attachment["ephemeral"] and attachment["size"] == 7
    assert attachment["url"].startswith("https://cdn.discordapp.com/ephemeral-attachments/") and "&hm=" in attachment["url"]
    assert echoed["content"] == "notes.md 7 # Notes"
    assert shared == b"shared bytes"
    assert [status for status, _ in fake_discord.cdn.downloads] == [200, 200]


async def test_a_cdn_url_without_its_signature_is_not_served(fake_discord: FakeDiscord) -> None:
    import aiohttp

    hosted = fake_discord.cdn.attach(Upload("a.txt", b"secret"), fake_discord.application_id)
    url = hosted.payload["url"]
    async with aiohttp.ClientSession() as session:
        tampered = url[:-1] + ("1" if url.endswith("0") else "0")  # one digit of the signature changed
        for candidate, status in ((url, 200), (url.split("?")[0], 404), (tampered, 404)):
            async with session.get(Cdn.redirected(candidate, fake_discord.url)) as response:
                assert response.status == status


async def test_each_shard_gets_its_guilds_and_their_messages_only(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    others = [fake.world.add_guild(f"Shard {shard}", shard=(shard, 2)) for shard in (0, 1)]
    assert [(guild.id >> 22) % 2 for guild in others] == [0, 1]
    home_shard = (fake.guild.id >> 22) % 2
    bots = [SmokeBot(shard_id=0, shard_count=2), SmokeBot(shard_id=1, shard_count=2)]
    async with run_bot(bots[0], fake), run_bot(bots[1], fake):
        for shard, bot in enumerate(bots):
            assert {g.id for g in bot.guilds} == {others[shard].id} | ({fake.guild.id} if shard == home_shard else set())
        general = others[1].channel_named("general")
        question = await fake.send_message(general, fake.member, "which shard?", mentions_bot=True)
        seen = await next_seen(bots[1])
        reply = await fake.wait_for_message(channel=general)
        assert bots[0].seen.empty()  # shard 0 never heard it
    assert seen.guild is not None and seen.guild.id == others[1].id
    assert reply["message_reference"]["message_id"] == question["id"]
    assert fake.unknown_requests == []
