"""The Discord client: intents, allowed mentions, start-up, command sync and error handling."""

from __future__ import annotations

import asyncio
import logging
import signal

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from retrieval.followed_feeds import FeedListDamaged, FollowedFeeds
from retrieval.web import FetchPolicy

from .answer_queue import Busy
from .asking import Asking
from .content import ContentStore, ReloadFailed
from .coordination import coordination_for
from .exts import EXTENSIONS
from .feedback import MoreButton, VoteButton
from .feeds import FeedPoller
from .limits import QuestionLimiter, QuestionTooLong
from .member_ids import hashed_id
from .processes import Beating
from .reloading import Reloads
from .render import ERROR_MESSAGE, NO_MENTIONS, too_fast_message
from .settings import Settings
from .recording import Recording
from .storage import DatabaseTooNew
from .web import WebReader

log = logging.getLogger(__name__)


def intents_for(settings: Settings) -> discord.Intents:
    """Only what the bot uses. Message content is privileged: mentions, replies to the bot, DMs,
    slash commands and context menus work without it; answer channels need it."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = settings.message_content_intent
    return intents


class QABot(commands.Bot):
    def __init__(self, settings: Settings) -> None:
        # This bot never joins voice: discord.py's start-up warnings that voice libraries are missing
        # would send its operators looking for a problem that is not there.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents_for(settings),
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            # Only a ShardedQABot reads these (create_bot picks it when shard_count is set).
            **({"shard_count": settings.shard_count, "shard_ids": settings.shard_ids} if settings.shard_count else {}),
        )
        self.settings = settings
        self.content = ContentStore(settings)
        # In this process alone, or shared with the bot's other processes through Redis (`redis_url`).
        self.coordination = coordination_for(settings.redis_url)
        # One process with every shard says so as no shard ids.
        self.beating = Beating(self.coordination, self._shards, lambda: self.content.fingerprint)
        self.reloads = Reloads(self.content, self.coordination, self.beating, settings.redis_url is not None)
        self.limiter = QuestionLimiter(
            settings.limits.question_cooldown_rate, settings.limits.question_cooldown_seconds,
            settings.limits.replies_per_second, coordination=self.coordination)
        self.recording = Recording(settings)  # questions and votes; the database opens in setup_hook
        self.asking = Asking(self.content, self.limiter, settings.top_k, self.recording)
        self.web = WebReader(FetchPolicy(allow_private=settings.allow_private_urls))
        self.feeds = FeedPoller(FollowedFeeds(settings.data_path), self.content.managed, self.web, self.coordination,
                                settings.feed_interval_minutes)
        self.tree.on_error = self.on_app_command_error

    def _shards(self) -> tuple[int, ...]:
        ids = getattr(self, "shard_ids", None)  # an AutoShardedBot's, once it knows them
        if ids is not None:
            return tuple(ids)
        return () if self.shard_id is None else (self.shard_id,)

    async def setup_hook(self) -> None:
        # The application id names the bot's keys in a Redis that other bots may share (login has set it).
        await self.coordination.start(str(self.application_id))
        report = await self.content.load()
        log.info("loaded %s from %s (%s)", report.summary(), self.settings.content_path,
                 "from the saved index" if report.from_cache else "indexed")
        for skipped in report.skipped:
            log.warning("skipped %s: %s", skipped.path, skipped.reason)
        self.beating.start()  # once it serves a library: the others see what it answers from
        self.reloads.start()  # and from then on, it serves the library another process reloads
        await self.web.open()
        await self.recording.start()
        self.add_dynamic_items(VoteButton, MoreButton)  # buttons on answers sent before a restart work too
        try:
            await self.feeds.follow_configured(self.settings.feeds)
        except FeedListDamaged:
            pass  # logged where it was found; the bot answers anyway, and /feed says why
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        if self.settings.message_content_intent:
            log.info("message content intent requested: answering questions in %d answer channel(s) as well as "
                     "mentions, replies, DMs, slash commands and Find answer", len(self.settings.answer_channel_ids))
        else:
            log.info("message content intent not requested: answering mentions, replies to the bot, DMs, slash "
                     "commands and Find answer (answer channels need message_content_intent = true)")
            if self.settings.answer_channel_ids:
                log.warning("answer_channel_ids is set but message_content_intent is off: in those channels only "
                            "mentions and replies to the bot will be answered")
        if self.settings.dev_guild_id:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to dev guild %s", len(synced), self.settings.dev_guild_id)

    async def process_commands(self, message: discord.Message) -> None:
        # No prefix commands: messages are handled by the answers cog alone.
        return

    async def close(self) -> None:
        await super().close()
        await self.web.close()
        await self.recording.close()
        await self.reloads.stop()
        await self.beating.stop()
        await self.coordination.close()
        self.content.close()

    async def on_ready(self) -> None:
        log.info("connected as %s (%s) to %d server(s)", self.user, getattr(self.user, "id", "?"), len(self.guilds))

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CommandOnCooldown):
            text = too_fast_message(error.retry_after)
        elif isinstance(error, (QuestionTooLong, Busy)):
            text = str(error)
        elif isinstance(error, app_commands.NoPrivateMessage):
            text = "That command only works in a server."
        elif isinstance(error, app_commands.CheckFailure):
            text = "You can't use that command here."
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("error in /%s for member %s in guild %s", command, hashed_id(interaction.user.id),
                      interaction.guild_id, exc_info=error)
            text = ERROR_MESSAGE
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("could not tell member %s about an error: %s", hashed_id(interaction.user.id), exc)

    async def on_error(self, event_method: str, /, *args: object, **kwargs: object) -> None:
        log.exception("error in %s", event_method)


class ShardedQABot(QABot, commands.AutoShardedBot):
    """The bot running settings.shard_ids of settings.shard_count shards in this process."""


def create_bot(settings: Settings) -> commands.Bot:
    """A ready-to-start bot. Touches neither the network nor the content until it starts."""
    return _bot_for(settings)


def _bot_for(settings: Settings) -> QABot:
    return ShardedQABot(settings) if settings.shard_count else QABot(settings)


async def _sync(bot: QABot, guild_id: int | None) -> None:
    token = bot.settings.token.get_secret_value() if bot.settings.token else ""
    async with bot:
        await bot.login(token)
        if guild_id:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            print(f"Synced {len(synced)} commands to server {guild_id} (visible now).")
        else:
            synced = await bot.tree.sync()
            print(f"Synced {len(synced)} commands globally (Discord may take up to an hour to show them).")


def _close_on_sigterm() -> None:
    """SIGTERM (systemd stopping the service, the cluster stopping its processes) closes the bot as Ctrl-C does:
    sessions and the database closed, not cut off. Heard once: when systemd and the cluster both send it, the second
    must not interrupt the closing."""

    def close(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt  # what discord.py's run() closes the bot on

    signal.signal(signal.SIGTERM, close)


def run_discord(settings: Settings, sync_only: bool = False, sync_guild: int | None = None) -> int:
    """`python -m bot run` / `sync` with a token. Returns the process exit code."""
    bot = _bot_for(settings)
    token = settings.token.get_secret_value() if settings.token else ""
    try:
        if sync_only:
            asyncio.run(_sync(bot, sync_guild))
        else:
            _close_on_sigterm()
            # log_handler=None: keep the logging configured by the command line.
            bot.run(token, log_handler=None)
    except discord.LoginFailure:
        log.error("Discord refused the token: check DISCORD_TOKEN (Developer Portal > Bot > Reset Token)")
        return 1
    except discord.PrivilegedIntentsRequired:
        log.error("message_content_intent is on in the settings but not enabled for the application: enable "
                  "'Message Content Intent' in the Developer Portal (Bot page), or turn the setting off")
        return 1
    except (ReloadFailed, DatabaseTooNew) as exc:
        log.error("cannot start: %s", exc)
        return 1
    except (OSError, aiohttp.ClientError, discord.GatewayNotFound) as exc:
        log.error("cannot reach Discord: %s", exc)
        return 1
    return 0
