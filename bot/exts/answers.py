"""Answering questions: mentions, replies to the bot, answer channels, /ask, /search, /article, "Find answer"."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from retrieval import Answer

from ..limits import MAX_QUESTION_CHARS, Busy, QuestionTooLong
from ..render import answer_embed, article_embed, no_answer_message
from ..views import SearchPager

if TYPE_CHECKING:
    from ..client import QABot

log = logging.getLogger(__name__)

SEARCH_RESULTS = 15
# Discord drops an interaction not answered within 3 s; past this much searching, defer first. One
# second leaves room for a busy event loop (2 s let some expire at a million passages under load).
DEFER_AFTER_SECONDS = 1.0
_MENTION = re.compile(r"<@!?\d+>")
_QUESTION_WORDS = re.compile(
    r"^(who|whom|whose|what|when|where|why|how|which|is|are|was|were|do|does|did|can|could|should|would|will)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """In answer channels, only messages that read as questions get an answer: not every chat line."""
    text = text.strip()
    return text.endswith("?") or bool(_QUESTION_WORDS.match(text))


class Answers(commands.Cog):
    def __init__(self, bot: QABot) -> None:
        self.bot = bot
        self.defer_after = DEFER_AFTER_SECONDS
        self.find_answer_menu = app_commands.ContextMenu(name="Find answer", callback=self.find_answer)
        bot.tree.add_command(self.find_answer_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.find_answer_menu.name, type=self.find_answer_menu.type)

    # -- messages ---------------------------------------------------------------------------------

    def _addressed_to_bot(self, message: discord.Message) -> bool:
        me = self.bot.user
        if me is None or message.author.bot:
            return False
        if message.guild is None or me in message.mentions:
            return True
        resolved = message.reference.resolved if message.reference else None
        if isinstance(resolved, discord.Message) and resolved.author.id == me.id:
            return True
        settings = self.bot.settings
        return (
            settings.message_content_intent
            and message.channel.id in settings.answer_channel_ids
            and looks_like_question(message.content)
        )

    async def _reply(self, message: discord.Message, content: str | None = None,
                     embed: discord.Embed | None = None) -> None:
        """Reply, unless the bot is at Discord's global request rate: then drop it rather than be throttled."""
        if not self.bot.limiter.reply_allowed():
            log.warning("too many replies this second: dropped the reply to message %s from user %s",
                        message.id, message.author.id)
            return
        await message.reply(content, embed=embed)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if not self._addressed_to_bot(message):
            return
        question = _MENTION.sub(" ", message.content).strip()
        explicit = message.guild is None or self.bot.user in message.mentions or message.reference is not None
        if not question:
            if explicit:
                await self._reply(message, "Ask me a question about the articles, for example: "
                                           "*Who is the article about?* Or use `/ask`.")
            return
        if len(question) > MAX_QUESTION_CHARS:
            await self._reply(message, str(QuestionTooLong()))
            return
        retry = self.bot.limiter.check(message.author.id)
        if retry is not None:
            if explicit and self.bot.limiter.first_notice(message.author.id, retry):
                await self._reply(message, f"You're asking quickly: try again in {retry:.0f} s.")
            return
        try:
            answer = await self.bot.content.answer(question, self.bot.settings.top_k)
            if answer.no_answer:
                # In an answer channel, silence beats a "no answer" on every passing question.
                if explicit:
                    await self._reply(message, no_answer_message(answer))
                return
            await self._reply(message, embed=answer_embed(answer.hits[0]))
        except Busy as busy:
            if explicit:
                await self._reply(message, str(busy))
        except Exception:
            log.exception("error answering message %s from user %s in channel %s", message.id, message.author.id,
                          message.channel.id)
            if explicit:
                await self._reply(message, "Something went wrong answering that. It has been logged; please try "
                                           "again later.")

    # -- interactions ----------------------------------------------------------------------------

    def _limit(self, interaction: discord.Interaction, question: str = "") -> None:
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionTooLong()
        retry = self.bot.limiter.check(interaction.user.id)
        if retry is not None:
            raise app_commands.CommandOnCooldown(app_commands.Cooldown(self.bot.limiter.rate, self.bot.limiter.per),
                                                 retry)

    async def _answer_in_time(self, interaction: discord.Interaction, question: str, k: int) -> tuple[Answer, bool]:
        """Search; if it runs long, defer before Discord's 3 seconds are up. Returns (answer, deferred)."""
        task = asyncio.ensure_future(self.bot.content.answer(question, k))
        done, _ = await asyncio.wait({task}, timeout=self.defer_after)
        if done:
            return task.result(), False
        await interaction.response.defer(thinking=True)
        return await task, True

    @app_commands.command(name="ask", description="Ask a question; the bot quotes the passage that answers it.")
    @app_commands.describe(question="Your question about the articles")
    async def ask(self, interaction: discord.Interaction,
                  question: app_commands.Range[str, 1, MAX_QUESTION_CHARS]) -> None:
        self._limit(interaction, question)
        answer, deferred = await self._answer_in_time(interaction, question, self.bot.settings.top_k)
        if not answer.no_answer:
            embed = answer_embed(answer.hits[0])
            if deferred:
                await interaction.edit_original_response(embed=embed)
            else:
                await interaction.response.send_message(embed=embed)
            return
        # No answer stays private to the asker, even after a public "thinking…".
        if deferred:
            await interaction.delete_original_response()
            await interaction.followup.send(no_answer_message(answer), ephemeral=True)
        else:
            await interaction.response.send_message(no_answer_message(answer), ephemeral=True)

    @app_commands.command(name="search", description="List the passages that best match your words (only you see it).")
    @app_commands.describe(query="Words to look for")
    async def search(self, interaction: discord.Interaction,
                     query: app_commands.Range[str, 1, MAX_QUESTION_CHARS]) -> None:
        self._limit(interaction, query)
        answer = await self.bot.content.answer(query, SEARCH_RESULTS)
        view = SearchPager(query, answer.hits, owner_id=interaction.user.id)
        if len(answer.hits) <= 5:
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
            await interaction.response.send_message(f"No article matches \u201c{discord.utils.escape_markdown(title)}"
                                                    "\u201d.", ephemeral=True)
            return
        await interaction.response.send_message(embed=article_embed(found, library.passage_count(found.id)))

    @article.autocomplete("title")
    async def article_title_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        articles = self.bot.content.library.find_articles(current, limit=25)
        # Choice names and values are capped at 100 characters; ids longer than that fall back to the title.
        return [
            app_commands.Choice(name=(a.title or a.id)[:100], value=a.id if len(a.id) <= 100 else (a.title or a.id)[:100])
            for a in articles
        ]

    async def find_answer(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Context menu: answer someone's message publicly, as a reply to it."""
        self._limit(interaction)
        question = _MENTION.sub(" ", message.content).strip()[:MAX_QUESTION_CHARS]
        answer = await self.bot.content.answer(question, self.bot.settings.top_k) if question else None
        if answer is None or answer.no_answer:
            text = no_answer_message(answer) if answer else "That message has no text to answer."
            await interaction.response.send_message(text, ephemeral=True)
            return
        embed = answer_embed(answer.hits[0])
        if self.bot.limiter.reply_allowed():
            try:
                await message.reply(embed=embed)
                await interaction.response.send_message("Answered \u2714", ephemeral=True)
                return
            except discord.HTTPException as exc:
                log.info("could not reply to message %s (%s): answering through the interaction", message.id, exc)
        # No permission to reply there, or at the global rate: an interaction response is exempt from it.
        await interaction.response.send_message(f"Answer to {message.jump_url}", embed=embed)


async def setup(bot: QABot) -> None:
    await bot.add_cog(Answers(bot))
