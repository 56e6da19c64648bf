"""Interactive components: the /search result pager."""

from __future__ import annotations

import logging

import discord

from retrieval import Hit

from .render import search_page_embed

log = logging.getLogger(__name__)

PAGE_SIZE = 5


class SearchPager(discord.ui.View):
    """Previous/Next buttons over /search results. Only the asker can page; buttons go grey on timeout."""

    def __init__(self, query: str, hits: list[Hit], owner_id: int, timeout: float = 180.0) -> None:
        super().__init__(timeout=timeout)
        self.query, self.hits, self.owner_id = query, hits, owner_id
        self.page = 0
        self.pages = max(1, -(-len(hits) // PAGE_SIZE))
        self.interaction: discord.Interaction | None = None
        self._sync_buttons()

    def embed(self) -> discord.Embed:
        start = self.page * PAGE_SIZE
        return search_page_embed(self.query, self.hits[start:start + PAGE_SIZE], start, self.page, self.pages)

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message("Only the person who searched can page these results.",
                                                ephemeral=True)
        return False

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = min(max(self.page + step, 0), self.pages - 1)
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.embed(), view=self)

    @discord.ui.button(label="Previous", emoji="\u25c0", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", emoji="\u25b6", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._turn(interaction, 1)

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.interaction is not None:
            try:
                await self.interaction.edit_original_response(view=self)
            except discord.HTTPException as exc:
                log.debug("could not disable /search buttons: %s", exc)
