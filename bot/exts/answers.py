"""Answering questions: mentions, replies to the bot, answer channels, /ask, /search, /article, "Find answer".

The handlers only translate Discord in and out: what was asked, how, and in reply to which answer (`Asked`),
then the `Reply` that `bot.asking` chose, sent as a message reply or an interaction response.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from retrieval import Library
from retrieval.understand import FollowUp, looks_like_question

from ..asking import Asked, Reply, Via
from ..fit import CONTENT_LIMIT, escape_markdown, trim
from ..limits import MAX_QUESTION_CHARS, QuestionTooLong
from ..member_ids import hashed_id
from ..render import answered_passage, article_embed, show_question
from ..views import SearchPager

if TYPE_CHECKING:
    from ..client import QABot

log = logging.getLogger(__name__)

SEARCH_RESULTS = 15
# Discord drops an interaction not answered within 3 s; past this much searching, defer first. One
# second leaves room for a busy event loop (2 s let some expire at a million passages under load).
DEFER_AFTER_SECONDS = 1.0


class Answers(commands.Cog):
    def __init__(self, bot: QABot) -> None:
        self.bot = bot
        self.defer_after = DEFER_AFTER_SECONDS
        self.find_answer_menu = app_commands.ContextMenu(name="Find answer", callback=self.find_answer)
        bot.tree.add_command(self.find_answer_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.find_answer_menu.name, type=self.find_answer_menu.type)

    # -- messages ---------------------------------------------------------------------------------

    async def _replied_to(self, message: discord.Message) -> discord.Message | None:
        """The message `message` replies to: as Discord delivered it with the reply, else from the cache, else
        fetched. None when it is no reply, or the replied message is gone."""
        reference = message.reference
        if reference is None or reference.type is not discord.MessageReferenceType.reply or not reference.message_id:
            return None
        if isinstance(reference.resolved, discord.Message):
            return reference.resolved
        if reference.resolved is not None:  # deleted
            return None
        if reference.cached_message is not None:
            return reference.cached_message
        if reference.channel_id != message.channel.id:
            return None
        try:
            return await message.channel.fetch_message(reference.message_id)
        except discord.HTTPException as exc:
            log.info("could not read message %s that message %s replies to: %s", reference.message_id, message.id,
                     exc)
            return None

    def _answer_context(self, message: discord.Message | None) -> FollowUp | None:
        """What one of the bot's answers quoted (its footer says), for a reply to it; None for any other message."""
        me = self.bot.user
        if message is None or me is None or message.author.id != me.id or not message.embeds:
            return None
        return answered_passage(message.embeds[0].footer.text)

    async def _asked(self, message: discord.Message) -> Asked | None:
        """How `message` asks the bot, or None when it doesn't: a mention, a DM or a reply to one of the bot's
        messages is addressed to it (a reply to anyone else is not); in an answer channel a message that reads
        as a question is asked too, and gets only a real answer."""
        me = self.bot.user
        if me is None or message.author.bot:
            return None
        settings = self.bot.settings
        in_answer_channel = settings.message_content_intent and message.channel.id in settings.answer_channel_ids
        mentioned = message.guild is None or me in message.mentions
        if not (mentioned or in_answer_channel or message.reference is not None):
            return None
        replied = await self._replied_to(message)
        to_bot = replied is not None and replied.author.id == me.id
        if mentioned or to_bot:
            via = Via.ADDRESSED
        elif in_answer_channel and looks_like_question(message.content):
            via = Via.ANSWER_CHANNEL
        else:
            return None
        return Asked(message.content, message.author.id, via, self._answer_context(replied),
                     message.guild.id if message.guild else None, message.channel.id)

    async def _reply(self, message: discord.Message, reply: Reply) -> None:
        """Reply, once there is a place under Discord's global request rate (`REPLY_WAIT_SECONDS` at most): past
        that, drop it rather than be throttled."""
        if not await self.bot.limiter.reply_allowed():
            log.warning("too many replies this second: dropped the reply to message %s from member %s",
                        message.id, hashed_id(message.author.id))
            return
        await message.reply(**reply.parts)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        asked = await self._asked(message)
        reply = await self.bot.asking.reply(asked) if asked is not None else None
        if reply is not None:
            await self._reply(message, reply)

    # -- interactions ----------------------------------------------------------------------------

    async def _limit(self, interaction: discord.Interaction, query: str) -> None:
        """/search's checks (questions get theirs in `bot.asking`); refusals are told by the client's error handler."""
        if len(query) > MAX_QUESTION_CHARS:
            raise QuestionTooLong()
        retry = await self.bot.limiter.check(interaction.user.id)
        if retry is not None:
            raise app_commands.CommandOnCooldown(app_commands.Cooldown(self.bot.limiter.rate, self.bot.limiter.per),
                                                 retry)

    async def _reply_in_time(self, interaction: discord.Interaction, asked: Asked) -> tuple[Reply | None, bool]:
        """The reply to `asked`; if working it out runs long, defer before Discord's 3 s are up. (reply, deferred)"""
        task = asyncio.ensure_future(self.bot.asking.reply(asked))
        done, _ = await asyncio.wait({task}, timeout=self.defer_after)
        if done:
            return task.result(), False
        await interaction.response.defer(thinking=True)
        return await task, True

    @app_commands.command(name="ask", description="Ask a question; the bot quotes the passage that answers it.")
    @app_commands.describe(question="Your question about the articles")
    async def ask(self, interaction: discord.Interaction,
                  question: app_commands.Range[str, 1, MAX_QUESTION_CHARS]) -> None:
        asked = Asked(question, interaction.user.id, Via.COMMAND, None, interaction.guild_id, interaction.channel_id)
        reply, deferred = await self._reply_in_time(interaction, asked)
        if reply is not None and not reply.private and reply.embed is not None:
            show_question(reply.embed, question)
        if reply is not None:  # always, for a command
            await self._respond(interaction, reply, deferred)

    @staticmethod
    async def _respond(interaction: discord.Interaction, reply: Reply, deferred: bool = False) -> None:
        """Answer the interaction with `reply`: only the asker sees a private one, even after a public "thinking…"."""
        if deferred and reply.private:
            await interaction.delete_original_response()
            await interaction.followup.send(**reply.parts, ephemeral=True)
        elif deferred:
            await interaction.edit_original_response(**reply.parts)
        else:
            await interaction.response.send_message(**reply.parts, ephemeral=reply.private)

    @app_commands.command(name="search", description="List the passages that best match your words (only you see it).")
    @app_commands.describe(query="Words to look for")
    async def search(self, interaction: discord.Interaction,
                     query: app_commands.Range[str, 1, MAX_QUESTION_CHARS]) -> None:
        await self._limit(interaction, query)
        answer = await self.bot.content.answer(query, SEARCH_RESULTS)
        view = SearchPager(query, answer.hits, owner_id=interaction.user.id)
        if view.pages == 1:
            view.stop()
            await interaction.response.send_message(embed=view.embed(), ephemeral=True)
            return
        await interaction.response.send_message(embed=view.embed(), view=view, ephemeral=True)
        view.interaction = interaction

    @app_commands.command(name="article", description="Show what the collection holds about one article.")
    @app_commands.describe(title="Start typing the article's title")
    async def article(self, interaction: discord.Interaction, title: app_commands.Range[str, 1, 300]) -> None:
        library = self.bot.content.library
        found = library.articles.get(title) or next(iter(library.find_articles(title, limit=1)), None)
        if found is None:
            await interaction.response.send_message(f"No article matches \u201c{escape_markdown(title)}"
                                                    "\u201d.", ephemeral=True)
            return
        await interaction.response.send_message(embed=article_embed(found, library.passage_count(found.id)))

    @article.autocomplete("title")
    async def article_title_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return article_choices(self.bot.content.library, current)

    async def find_answer(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Context menu: answer someone's message publicly, as a reply to it."""
        replied = await self._replied_to(message)
        asked = Asked(message.content, interaction.user.id, Via.MENU, self._answer_context(replied),
                      interaction.guild_id, message.channel.id)
        reply = await self.bot.asking.reply(asked)
        if reply is None:  # never, for the menu
            return
        if reply.private:
            await self._respond(interaction, reply)
            return
        # No waiting for a place: the interaction must be answered within 3 seconds, and its response is exempt.
        if await self.bot.limiter.reply_allowed(wait=0):
            try:
                await message.reply(**reply.parts)
                await interaction.response.send_message("Answered \u2714", ephemeral=True)
                return
            except discord.HTTPException as exc:
                log.info("could not reply to message %s (%s): answering through the interaction", message.id, exc)
        # No permission to reply there, or at the global rate: an interaction response is exempt from it.
        pointed = f"Answer to {message.jump_url}\n{reply.content or ''}"
        fallback = Reply(trim(pointed, CONTENT_LIMIT).strip(), reply.embed, view=reply.view)
        await interaction.response.send_message(**fallback.parts)


def article_choices(library: Library, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete: the articles whose titles hold every word typed so far (Discord shows at most 25)."""
    # Choice names and values are capped at 100 characters; ids longer than that fall back to the title.
    return [
        app_commands.Choice(name=(a.title or a.id)[:100], value=a.id if len(a.id) <= 100 else (a.title or a.id)[:100])
        for a in library.find_articles(current, limit=25)
    ]


async def setup(bot: QABot) -> None:
    await bot.add_cog(Answers(bot))
