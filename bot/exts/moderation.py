"""/reload: moderators rebuild the library from the content folder while the bot keeps answering."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from retrieval.followed_feeds import FeedListDamaged

from ..content import ReloadFailed
from ..feed_replies import polls_summary
from ..fit import CONTENT_LIMIT, escaped_fit, trim
from ..member_ids import hashed_id
from ..reloading import ReloadInProgress
from ..render import reload_message

if TYPE_CHECKING:
    from ..client import QABot

log = logging.getLogger(__name__)


def is_moderator(interaction: discord.Interaction) -> bool:
    """Manage Server, or a configured moderator role. Checked on every call: `default_permissions`
    only hides the command, and a server admin can show it to everyone."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    moderator_roles = set(interaction.client.settings.moderator_role_ids)  # type: ignore[attr-defined]
    return any(role.id in moderator_roles for role in member.roles)


async def refused(interaction: discord.Interaction, message: str) -> bool:
    """Tell a member who is not a moderator `message`, privately, and log it (by a hash of their id); True if
    they were refused."""
    if is_moderator(interaction):
        return False
    command = interaction.command.qualified_name if interaction.command else "?"
    log.warning("refused /%s for member %s in guild %s: not a moderator", command, hashed_id(interaction.user.id),
                interaction.guild_id)
    await interaction.response.send_message(message, ephemeral=True)
    return True


class Moderation(commands.Cog):
    def __init__(self, bot: QABot) -> None:
        self.bot = bot

    @app_commands.command(name="reload", description="Moderators: reload the articles from the content folder.")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def reload(self, interaction: discord.Interaction) -> None:
        if await refused(interaction, "Only moderators can reload the articles."):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        log.info("reload requested by %s", hashed_id(interaction.user.id))
        waited = "Waited for the reload already running. " if self.bot.reloads.busy else ""
        try:
            async with self.bot.reloads.turn():
                feeds = await self._polled_feeds()  # first, so that the one rebuild takes in what they added
                rebuilt = await self.bot.reloads.rebuild()
        except ReloadInProgress as exc:
            await interaction.followup.send(str(exc), ephemeral=True)
            return
        except ReloadFailed as exc:
            log.error("reload failed: %s", exc)
            await interaction.followup.send(
                f"Reload failed, still answering from the previous articles: {escaped_fit(str(exc), 1900)}",
                ephemeral=True,
            )
            return
        result = rebuilt.result
        log.info("reloaded: %s", result.report.summary())
        text = waited + reload_message(result.diff, result.report, result.seconds)
        if rebuilt.served:
            text = trim(text, CONTENT_LIMIT - len(rebuilt.served) - 1) + "\n" + rebuilt.served
        if feeds:
            text = trim(text, CONTENT_LIMIT - min(len(feeds), CONTENT_LIMIT // 2) - 1) + "\n" + feeds
        await interaction.followup.send(trim(text, CONTENT_LIMIT), ephemeral=True)

    async def _polled_feeds(self) -> str:
        """Poll every followed feed; what the polls did, for the moderator ('' when no feed is followed)."""
        try:
            return polls_summary(await self.bot.feeds.poll_all())
        except FeedListDamaged as exc:
            return f"Feeds not polled: {escaped_fit(str(exc), 1000)}."


async def setup(bot: QABot) -> None:
    await bot.add_cog(Moderation(bot))
