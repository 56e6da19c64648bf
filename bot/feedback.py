"""Buttons on public answers: 👍 and 👎 for any member to judge the answer, and "More" for the article's next
passage, privately.

They are `DynamicItem`s: everything a press needs is in the button's custom id (the vote and the question's
record key) or in the answer message itself (its footer names the article and passage, as for follow-ups), so
buttons on answers sent before a restart keep working once `setup_hook` has registered the classes.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from retrieval import Hit
from retrieval.understand import FollowUp

from .recording import utc_now
from .render import answer_embed, answered_passage
from .storage import DOWN, UP, Vote, VoteResult

log = logging.getLogger(__name__)

EMOJI = {UP: "\N{THUMBS UP SIGN}", DOWN: "\N{THUMBS DOWN SIGN}"}
VALUES = {"up": UP, "down": DOWN}
NOT_RECORDED = "Sorry, I couldn't record your vote right now."


def quoted_in(message: discord.Message | None) -> FollowUp | None:
    """The article and passage an answer message quoted (its embed's footer says), or None."""
    if message is None or not message.embeds:
        return None
    return answered_passage(message.embeds[0].footer.text)


def has_next(hit: Hit) -> bool:
    return hit.passage.ordinal + 1 < hit.passage_count


def vote_said(result: VoteResult | None, value: int) -> str:
    if result is VoteResult.RECORDED:
        return f"Thanks! Your {EMOJI[value]} is counted."
    if result is VoteResult.CHANGED:
        return f"Changed your vote on this answer to {EMOJI[value]}."
    if result is VoteResult.KEPT:
        return f"You already gave this answer a {EMOJI[value]}."
    return NOT_RECORDED


class VoteButton(discord.ui.DynamicItem[discord.ui.Button],
                 template=r"answer:vote:(?P<value>up|down):(?P<key>[0-9a-f]{1,32})"):
    """👍 or 👎 on an answer; one vote per member per answer message, changed by pressing the other."""

    def __init__(self, value: str, key: str) -> None:
        super().__init__(discord.ui.Button(emoji=EMOJI[VALUES[value]], style=discord.ButtonStyle.secondary,
                                           custom_id=f"answer:vote:{value}:{key}"))
        self.value, self.key = VALUES[value], key

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> VoteButton:
        return cls(match["value"], match["key"])

    async def callback(self, interaction: discord.Interaction) -> None:
        recording: Any = getattr(interaction.client, "recording")
        if recording.members is None or interaction.message is None:
            await interaction.response.send_message(NOT_RECORDED, ephemeral=True)
            return
        # Writing waits for the database, which another writer may hold for a while: past Discord's 3 s otherwise.
        await interaction.response.defer(ephemeral=True, thinking=True)
        quoted = quoted_in(interaction.message)
        result = await recording.records.vote(Vote(
            message_id=interaction.message.id, member=recording.members(interaction.user.id), value=self.value,
            record_key=self.key, article_id=quoted.article_id if quoted else None,
            passage=quoted.passage if quoted else None, voted_at=utc_now()))
        await interaction.followup.send(vote_said(result, self.value), ephemeral=True)


class MoreButton(discord.ui.DynamicItem[discord.ui.Button], template=r"answer:more"):
    """The next passage of the answer's article, shown to the presser alone (with its own "More")."""

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="More", emoji="\N{BLACK DOWN-POINTING DOUBLE TRIANGLE}",
                                           style=discord.ButtonStyle.secondary, custom_id="answer:more"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> MoreButton:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        quoted = quoted_in(interaction.message)
        library = getattr(interaction.client, "content").library
        if quoted is None or quoted.article_id not in library.articles:
            await interaction.response.send_message("That article is no longer in the collection.", ephemeral=True)
            return
        hit = library.passage_hit(quoted.article_id, quoted.passage + 1)
        if hit is None:
            await interaction.response.send_message("That was the last passage of the article.", ephemeral=True)
            return
        await interaction.response.send_message(embed=answer_embed(hit), view=answer_buttons(None, has_next(hit)),
                                                ephemeral=True)


def answer_buttons(key: str | None, more: bool) -> discord.ui.View | None:
    """The buttons under an answer: votes when it is public (`key`, its question's record key), "More" when
    its article goes on. None when it gets none."""
    if key is None and not more:
        return None
    view = discord.ui.View(timeout=None)
    if key is not None:
        view.add_item(VoteButton("up", key))
        view.add_item(VoteButton("down", key))
    if more:
        view.add_item(MoreButton())
    return view
