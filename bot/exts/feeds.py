"""/feed add, /feed remove, /feed list (moderators), and the poll of every followed feed each
`feed_interval_minutes` (`bot.feeds` does the polling).

Like /reload, the group is hidden from members without Manage Server and checked again on every use.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from retrieval.followed_feeds import FeedListDamaged

from ..content import ReloadFailed
from ..feed_replies import feed_list_message, poll_outcome
from ..feeds import FeedPoll, FeedRefused
from ..fit import CONTENT_LIMIT, escaped_fit, trim
from ..member_ids import hashed_id
from .moderation import is_moderator, refused

if TYPE_CHECKING:
    from ..client import QABot

log = logging.getLogger(__name__)

NOT_A_MODERATOR = "Only moderators can manage the feeds."


class Feeds(commands.Cog):
    feed = app_commands.Group(name="feed", description="Moderators: follow RSS and Atom feeds.",
                              default_permissions=discord.Permissions(manage_guild=True), guild_only=True)

    def __init__(self, bot: QABot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.polling.change_interval(minutes=self.bot.settings.feed_interval_minutes)
        self.polling.start()  # its first poll runs now: the configured feeds are polled at start-up

    async def cog_unload(self) -> None:
        self.polling.cancel()
        await self.bot.feeds.stop_polling()

    @tasks.loop(minutes=60)
    async def polling(self) -> None:
        # Any error is logged here: an exception escaping a tasks.loop would end the polling for good.
        try:
            polls = await self.bot.feeds.poll_scheduled()
        except FeedListDamaged:
            return  # logged where it was found; polled again once someone fixes the list
        except Exception:
            log.exception("polling the feeds failed")
            return
        if polls is None:
            return  # another of the bot's processes polls them
        if polls:
            log.info("polled %d feed(s), %d article(s) added", len(polls), sum(len(p.added) for p in polls))
        await self.rebuilt(polls)

    async def rebuilt(self, polls: list[FeedPoll]) -> str:
        """Rebuild once if the polls added anything; what the moderator is told about it ('' for nothing)."""
        if not any(poll.added for poll in polls):
            return ""
        try:
            # The articles are written already: a reload in another process is waited for, then this one runs.
            async with self.bot.reloads.turn(wait=True):
                rebuilt = await self.bot.reloads.rebuild()
        except ReloadFailed as exc:
            log.error("rebuild after a feed poll failed: %s", exc)
            return (" Rebuilding the library failed, so they are answered after the next successful /reload: "
                    f"{escaped_fit(str(exc), 500)}")
        served = f" {rebuilt.served}" if rebuilt.served else ""
        return f" Now answering from {len(self.bot.content.library.articles)} articles.{served}"

    async def _changed(self, interaction: discord.Interaction, url: str,
                       change: Callable[[], Awaitable[str]]) -> None:
        """Check the moderator, defer privately, make `change()` and tell its message (or why it was refused)."""
        if await refused(interaction, NOT_A_MODERATOR):
            return
        command = interaction.command.qualified_name if interaction.command else "feed"
        log.info("/%s of %s by %s", command, url, hashed_id(interaction.user.id))
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            text = await change()
        except FeedRefused as exc:
            text = escaped_fit(str(exc), CONTENT_LIMIT)
        await interaction.followup.send(trim(text, CONTENT_LIMIT), ephemeral=True)

    @feed.command(name="add", description="Moderators: follow a feed; its new entries' articles are added.")
    @app_commands.describe(url="The feed's link (RSS or Atom, http or https)")
    async def add(self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]) -> None:
        async def follow() -> str:
            poll = await self.bot.feeds.follow(url, added_by=interaction.user.name)
            return f"Following <{trim(poll.url, 300)}>: {poll_outcome(poll)}." + await self.rebuilt([poll])

        await self._changed(interaction, url, follow)

    @feed.command(name="remove", description="Moderators: stop following a feed (what it added stays).")
    @app_commands.describe(url="Start typing the feed's link")
    async def remove(self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]) -> None:
        async def unfollow() -> str:
            feed = await self.bot.feeds.unfollow(url)
            return f"No longer following <{trim(feed.url, 300)}>. The articles it added stay: /remove removes one."

        await self._changed(interaction, url, unfollow)

    @remove.autocomplete("url")
    async def remove_autocomplete(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        if not is_moderator(interaction):
            return []
        try:
            feeds = await self.bot.feeds.feeds()
        except FeedListDamaged:
            return []  # /feed remove says why
        typed = current.strip().lower()
        return [app_commands.Choice(name=feed.url[:100], value=feed.url[:100])
                for feed in feeds if typed in feed.url.lower()][:25]

    @feed.command(name="list", description="Moderators: the followed feeds, their last poll and last error.")
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        if await refused(interaction, NOT_A_MODERATOR):
            return
        try:
            text = feed_list_message(await self.bot.feeds.feeds())
        except FeedListDamaged as exc:
            text = escaped_fit(str(exc), CONTENT_LIMIT)
        await interaction.response.send_message(text, ephemeral=True)


async def setup(bot: QABot) -> None:
    await bot.add_cog(Feeds(bot))
