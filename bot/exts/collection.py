"""/add, /remove, /restore: moderators change the collection from Discord (`bot.managing` does the work).

Like /reload, each command is hidden from members without Manage Server and checked again on every use.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from ..managing import Managing, Refused
from ..member_ids import hashed_id
from .answers import article_choices
from .moderation import is_moderator, refused

if TYPE_CHECKING:
    from ..client import QABot

log = logging.getLogger(__name__)

NOT_A_MODERATOR = "Only moderators can change the articles."


class Collection(commands.Cog):
    def __init__(self, bot: QABot) -> None:
        self.bot = bot
        self.managing = Managing(bot.content, bot.reloads, bot.settings.max_upload_bytes, bot.web)

    async def _run(self, interaction: discord.Interaction, action: Callable[[], Awaitable[str]]) -> None:
        """Defer privately, run `action()`, and tell the moderator its message (or why it was refused)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            text = await action()
        except Refused as exc:
            text = str(exc)
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name="add", description="Moderators: add articles from a file (.md, .txt, .json, .jsonl, "
                                                  ".html) or the article on a web page.")
    @app_commands.describe(file="A Markdown file, a text dump, JSON, JSON Lines or a saved page (optionally .gz); "
                                "up to 10 MB",
                           url="A link to an article's page (http or https)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def add(self, interaction: discord.Interaction, file: discord.Attachment | None = None,
                  url: app_commands.Range[str, 1, 2000] | None = None) -> None:
        if await refused(interaction, NOT_A_MODERATOR):
            return
        if (file is None) == (url is None):
            await interaction.response.send_message(
                "Give /add either a file or a url (one of the two). Nothing was added.", ephemeral=True)
            return
        if url is not None:
            log.info("/add of %s by %s", url, hashed_id(interaction.user.id))
            await self._run(interaction, lambda: self.managing.add_url(url, added_by=interaction.user.name))
            return
        log.info("/add of %s (%d bytes) by %s", file.filename, file.size, hashed_id(interaction.user.id))

        async def add_file() -> str:
            self.managing.check_upload(file.filename, file.size)  # before downloading anything
            try:
                data = await file.read()
            except discord.HTTPException as exc:
                raise Refused(f"I couldn't download the file from Discord ({exc.status}). Nothing was added.") from None
            return await self.managing.add_file(file.filename, data, added_by=interaction.user.name)

        await self._run(interaction, add_file)

    @app_commands.command(name="remove", description="Moderators: remove an article (added ones are deleted, "
                                                     "others hidden until /restore).")
    @app_commands.describe(article="Start typing the article's title")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def remove(self, interaction: discord.Interaction, article: app_commands.Range[str, 1, 300]) -> None:
        if await refused(interaction, NOT_A_MODERATOR):
            return
        log.info("/remove of %s by %s", article, hashed_id(interaction.user.id))
        await self._run(interaction, lambda: self.managing.remove(article))

    @remove.autocomplete("article")
    async def remove_autocomplete(self, interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        return article_choices(self.bot.content.library, current) if is_moderator(interaction) else []

    @app_commands.command(name="restore", description="Moderators: bring back an article hidden by /remove.")
    @app_commands.describe(article="Start typing the hidden article's title")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def restore(self, interaction: discord.Interaction, article: app_commands.Range[str, 1, 300]) -> None:
        if await refused(interaction, NOT_A_MODERATOR):
            return
        log.info("/restore of %s by %s", article, hashed_id(interaction.user.id))
        await self._run(interaction, lambda: self.managing.restore(article))

    @restore.autocomplete("article")
    async def restore_autocomplete(self, interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        if not is_moderator(interaction):
            return []
        return [app_commands.Choice(name=title, value=value)
                for value, title in self.managing.hidden_matching(current)]


async def setup(bot: QABot) -> None:
    await bot.add_cog(Collection(bot))
