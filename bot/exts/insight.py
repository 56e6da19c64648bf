"""Moderators look inside: "Why this answer" on one of the bot's answers, /status of the bot, and /insights
into what members asked (the report is built in `bot.insights`; this only shows it).

Both are hidden from members without Manage Server and checked again on every use, and answer privately.
"""

from __future__ import annotations

import asyncio
import io
import logging
import math
import time
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from retrieval import explain
from retrieval.gaps import question_terms
from retrieval.store import CURRENT, MANIFEST
from retrieval.understand import FollowUp

from .. import insights
from ..asking import question_of
from ..content import ReloadResult
from ..fit import CONTENT_LIMIT, EMBED_DESCRIPTION_LIMIT, escape_markdown, trim
from ..processes import processes_lines, version
from ..render import answered_passage, shown_question
from ..storage.sql import UNUSABLE, problem
from .moderation import refused

if TYPE_CHECKING:
    from ..client import QABot

log = logging.getLogger(__name__)

NOT_A_MODERATOR = "Only moderators can look inside the bot."
NOT_RECORDING = ("I keep no record of questions here (`record_questions` is off, or the database cannot be "
                 "used: see the bot's log), so there is nothing to report.")
UNREADABLE = "I can't read the records right now: the database is not answering (see the bot's log). Try again later."
NOT_AN_ANSWER = "That message isn't one of my answers: *Why this answer* explains the answers I give to questions."
NO_QUESTION = ("I can't find the question this answer replies to: {why}. "
               "`python -m bot why \"the question\"` explains any question from the command line.")
# The commands whose success rebuilt the library: /status names who ran the last one.
RELOADING_COMMANDS = frozenset({"reload", "add", "remove", "restore", "feed add"})
# Discord's clock and the bot's may differ by a little: a reload this close before the command still counts.
CLOCK_SKEW = timedelta(seconds=5)
# /ask questions remembered for "Why this answer" (Discord keeps no slash command's options with its answer).
REMEMBERED_QUESTIONS = 10_000


class Insight(commands.Cog):
    def __init__(self, bot: QABot) -> None:
        self.bot = bot
        self.started = time.monotonic()
        self.why_menu = app_commands.guild_only(app_commands.default_permissions(manage_guild=True)(
            app_commands.ContextMenu(name="Why this answer", callback=self.why_this_answer)))
        bot.tree.add_command(self.why_menu)
        self._slash_questions: OrderedDict[int, str] = OrderedDict()
        self._reloaded_by: tuple[ReloadResult, str] | None = None

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.why_menu.name, type=self.why_menu.type)

    # -- what the answers' questions were ---------------------------------------------------------------

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Remember each /ask's question by its interaction id: its answer carries only that id."""
        data = interaction.data or {}
        if interaction.type is discord.InteractionType.application_command and data.get("name") == "ask":
            question = next((o.get("value") for o in data.get("options", []) if o.get("name") == "question"), None)
            if isinstance(question, str):
                self._slash_questions[interaction.id] = question
                while len(self._slash_questions) > REMEMBERED_QUESTIONS:
                    self._slash_questions.popitem(last=False)

    async def _referenced(self, message: discord.Message) -> discord.Message | None:
        """The message `message` replies to, as delivered or fetched; None when there is none or it is gone."""
        reference = message.reference
        if reference is None or not reference.message_id:
            return None
        if isinstance(reference.resolved, discord.Message):
            return reference.resolved
        try:
            return await message.channel.fetch_message(reference.message_id)
        except discord.HTTPException:
            return None

    def _is_mine(self, message: discord.Message | None) -> bool:
        return message is not None and self.bot.user is not None and message.author.id == self.bot.user.id

    async def _question_of(self, answer: discord.Message) -> tuple[str, FollowUp | None]:
        """The question `answer` answered, and the answer that question replied to; raises LookupError (why)."""
        metadata = answer.interaction_metadata
        if answer.reference is None and metadata is not None:
            if metadata.id in self._slash_questions:
                return self._slash_questions[metadata.id], None
            shown = shown_question(answer.embeds[0]) if answer.embeds else None
            if shown is not None:
                return shown, None
            raise LookupError("it answers a command whose question it doesn't show (too long to show whole), and "
                              "I no longer remember it (Discord doesn't keep a command's words, and I forget them "
                              "when I restart)")
        asked = await self._referenced(answer)
        if asked is None:
            raise LookupError("the message it replies to was deleted, or this message replies to none")
        question = question_of(asked.content)
        if not question:
            raise LookupError("I can't read the text of the message it replies to (deleted, or hidden from me "
                              "without the message content intent)")
        replied = await self._referenced(asked)
        footer = replied.embeds[0].footer.text if self._is_mine(replied) and replied.embeds else None
        return question, answered_passage(footer)

    # -- Why this answer ---------------------------------------------------------------------------------

    async def why_this_answer(self, interaction: discord.Interaction, message: discord.Message) -> None:
        if await refused(interaction, NOT_A_MODERATOR):
            return
        if not self._is_mine(message):
            await interaction.response.send_message(NOT_AN_ANSWER, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            question, follow_up = await self._question_of(message)
        except LookupError as exc:
            await interaction.followup.send(NO_QUESTION.format(why=exc), ephemeral=True)
            return
        quoted = answered_passage(message.embeds[0].footer.text) if message.embeds else None
        explanation = await asyncio.to_thread(explain, self.bot.content.library, question, follow_up, quoted=quoted)
        await interaction.followup.send(code_block(explanation.lines()), ephemeral=True)

    # -- /status ---------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_app_command_completion(self, interaction: discord.Interaction, command: object) -> None:
        """Note who ran the command that made the last reload (ContentStore knows when, not who)."""
        reload = self.bot.content.last_reload
        name = getattr(command, "qualified_name", "")
        if (reload is not None and name in RELOADING_COMMANDS and reload.finished_at >= interaction.created_at
                - CLOCK_SKEW and (self._reloaded_by is None or self._reloaded_by[0] is not reload)):
            self._reloaded_by = (reload, interaction.user.display_name)

    @app_commands.command(name="status", description="Moderators: the bot's version, collection, last reload, "
                                                     "questions of the last hour and latency.")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def status(self, interaction: discord.Interaction) -> None:
        if await refused(interaction, NOT_A_MODERATOR):
            return
        beats = await self.bot.beating.heartbeats.live()
        coordination = self.bot.coordination
        lines = self._status_lines() + processes_lines(beats, coordination.process, coordination.shared,
                                                       self.bot.settings.redis_url is not None)
        await interaction.response.send_message(trim("\n".join(lines), CONTENT_LIMIT), ephemeral=True)

    def _status_lines(self) -> list[str]:
        bot, settings = self.bot, self.bot.settings
        library = bot.content.library
        summary = bot.asking.stats.summary()
        counts = summary.counts
        latency = f"{bot.latency * 1000:.0f} ms" if math.isfinite(bot.latency) else "not connected"
        lines = [
            f"**newsroom-qa-bot {version()}** \u00b7 up {_ago(time.monotonic() - self.started)} \u00b7 gateway "
            f"latency {latency}",
            f"**Collection:** {len(library.articles):,} articles, {len(library.passages):,} passages",
            f"**Content:** {_path(settings.content_path)} \u00b7 **data:** {_path(settings.data_path)} \u00b7 "
            f"**index:** {self._index_line()}",
            f"**Last reload:** {self._reload_line()}",
            f"**Last hour:** {counts['answered']} answered \u00b7 {counts['declined']} declined \u00b7 "
            f"{counts['busy']} turned away busy \u00b7 {counts['small_talk']} small talk",
        ]
        if summary.p50 is not None and summary.p95 is not None:
            lines.append(f"**Answer time:** p50 {_ms(summary.p50)} \u00b7 p95 {_ms(summary.p95)}")
        return lines

    # -- /insights -------------------------------------------------------------------------------------------

    @app_commands.command(name="insights", description="Moderators: what members asked lately, what went "
                                                       "unanswered, the answers voted down and quoted most.")
    @app_commands.describe(days="How many days back (default 7)",
                           export="Attach the period's questions as a CSV file")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def insights(self, interaction: discord.Interaction, days: app_commands.Range[int, 1, 365] = 7,
                       export: bool = False) -> None:
        if await refused(interaction, NOT_A_MODERATOR):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        records = self.bot.recording.records
        if not records.recording:
            await interaction.followup.send(NOT_RECORDING, ephemeral=True)
            return
        await self.bot.recording.flush()  # the questions of the last second too
        library = self.bot.content.library
        try:
            report = await insights.gather(records, days, question_terms(library.analyzer),
                                           lambda article_id: getattr(library.articles.get(article_id), "title", None))
            exported = await insights.export(records, days) if export else None
        except UNUSABLE as exc:  # a database server gone away since the start
            log.error("/insights cannot read the database: %s", problem(exc))
            await interaction.followup.send(UNREADABLE, ephemeral=True)
            return
        # Votes are kept with record_questions off; the questions asked since it was turned off are not.
        off = [] if self.bot.settings.record_questions else [
            "record_questions is off: questions asked since then are not counted here (votes are)."]
        embed = discord.Embed(title=f"Insights: the last {days} day" + ("s" if days > 1 else ""),
                              description=code_block(off + insights.lines(report), EMBED_DESCRIPTION_LIMIT))
        if exported is None:
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        data, rows = exported
        embed.set_footer(text=f"questions.csv: {rows:,} question(s), oldest first"
                              + (f" (the first {rows:,} only)" if rows >= insights.EXPORT_ROWS else "")
                              + "; members are keyed hashes, never ids")
        await interaction.followup.send(embed=embed, ephemeral=True,
                                        file=discord.File(io.BytesIO(data), f"questions-{days}d.csv"))

    def _index_line(self) -> str:
        folder = self.bot.settings.index_path
        if folder is None:
            return "not saved (built in memory at every start)"
        try:
            saved = (folder / CURRENT / MANIFEST).stat().st_mtime
        except OSError:
            return f"{_path(folder)}, not saved yet"
        return f"{_path(folder)}, built {_ago(time.time() - saved)} ago"

    def _reload_line(self) -> str:
        reload = self.bot.content.last_reload
        if reload is None:
            return "none since the bot started"
        who = self._reloaded_by[1] if self._reloaded_by and self._reloaded_by[0] is reload else None
        diff = reload.diff
        changed = ("no article changed" if diff.unchanged else
                   f"+{len(diff.added)} added, -{len(diff.removed)} removed, ~{len(diff.changed)} changed")
        ago = _ago((datetime.now(timezone.utc) - reload.finished_at).total_seconds())
        by = (f" by {escape_markdown(who)}" if who else " (made by another process of the bot)" if reload.elsewhere
              else " (not from a command: a scheduled feed poll)")
        return f"{ago} ago{by}: {changed}; {reload.report.articles:,} articles in {reload.seconds:.1f} s"


def code_block(lines: list[str], limit: int = CONTENT_LIMIT) -> str:
    """Lines shown as written, in a code block within `limit` (a message's by default; a fence inside is
    broken up)."""
    text = trim("\n".join(lines).replace("```", "`\u200b``"), limit - 8)
    return f"```\n{text}\n```"


def _path(path: object) -> str:
    return f"`{str(path).replace('`', '')}`"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _ago(seconds: float) -> str:
    """'45 s', '12 min', '3 h', '1 day', '2 days'."""
    seconds = max(0.0, seconds)
    if seconds >= 86400:
        return f"{seconds // 86400:.0f} day" + ("s" if seconds >= 2 * 86400 else "")
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size:.0f} {unit}"
    return f"{seconds:.0f} s"


async def setup(bot: QABot) -> None:
    await bot.add_cog(Insight(bot))
