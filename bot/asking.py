"""The one path of a question: from "a member asked this, here" to what the bot sends back.

Mentions, replies to the bot, DMs, answer channels, `/ask` and the *Find answer* menu all come through
`Asking.reply`; their handlers only turn Discord's objects into an `Asked` and a `Reply` into Discord calls.
What differs between them is said once, in `Via`: in an answer channel only a real answer is posted (no
"no answer", no small talk, no busy notice), while a member who addressed the bot always hears back.
"""

from __future__ import annotations

import enum
import logging
import re
import secrets
import time
from dataclasses import dataclass, replace
from typing import Any

import discord

from retrieval import Answer
from retrieval.understand import FollowUp

from .answer_queue import Busy
from .content import ContentStore
from .feedback import answer_buttons, has_next
from .limits import MAX_QUESTION_CHARS, QuestionLimiter, QuestionTooLong
from .member_ids import hashed_id
from .recording import Recording
from .render import (
    ERROR_MESSAGE,
    answer_embed,
    articles_message,
    fact_message,
    no_answer_message,
    small_talk_message,
    too_fast_message,
)
from .stats import QuestionStats
from .storage import Outcome

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@!?\d+>")
NO_TEXT = "That message has no text to answer."


class Via(enum.Enum):
    """How a question reached the bot."""

    ADDRESSED = "addressed"
    """A mention, a reply to one of the bot's messages, or a DM: always answered, in the channel."""
    ANSWER_CHANNEL = "answer channel"
    """A question in an answer channel, addressed to no one: answered only when there is an answer."""
    COMMAND = "command"
    """`/ask`: what only the asker needs to see is private."""
    MENU = "menu"
    """*Find answer* on someone's message: as `/ask`, and a long message is read from its start."""

    @property
    def explicit(self) -> bool:
        """Whether the member asked the bot: then they hear back even when there is nothing to quote."""
        return self is not Via.ANSWER_CHANNEL

    @property
    def interaction(self) -> bool:
        """An interaction must be answered (and can be privately): every refusal is told, not only the first."""
        return self in (Via.COMMAND, Via.MENU)


@dataclass(frozen=True)
class Asked:
    """A member asked `text` (as written, the bot's mention included), `via` some way, perhaps replying to one
    of the bot's answers (`follow_up`: what that answer quoted), in a server's channel (no guild: a DM)."""

    text: str
    user_id: int
    via: Via
    follow_up: FollowUp | None = None
    guild_id: int | None = None
    channel_id: int | None = None


@dataclass(frozen=True)
class Reply:
    """What to send: text and/or an embed, and the buttons under it. `private`: only the asker needs to see it
    (ephemeral where the reply is to an interaction; a reply to a message is seen by the channel)."""

    content: str | None = None
    embed: discord.Embed | None = None
    private: bool = False
    view: discord.ui.View | None = None

    @property
    def parts(self) -> dict[str, Any]:
        """`content`, `embed` and `view` as keyword arguments of discord.py's send, reply and edit calls, leaving
        out what this reply lacks."""
        parts = (("content", self.content), ("embed", self.embed), ("view", self.view))
        return {name: value for name, value in parts if value is not None}


def question_of(text: str) -> str:
    """The question without the mentions in it (the bot's, or anyone's: an id is no word to search)."""
    return _MENTION.sub(" ", text).strip()


def reply_for(answer: Answer) -> tuple[Reply, Outcome]:
    """What to send for an answer of any kind, and what it is (a real answer, `Outcome.answered`, is the one an
    answer channel gets)."""
    if answer.kind == "small_talk":
        return Reply(small_talk_message(answer.fact), private=True), Outcome.SMALL_TALK
    # A fact about one article comes with the passage it is read from, quoted with its source as any answer.
    fact = fact_message(answer) if answer.kind == "article" else ""
    if answer.no_answer or not (fact or answer.hits):
        return Reply(no_answer_message(answer), private=True), Outcome.DECLINED
    if answer.kind == "articles":
        return Reply(articles_message(answer)), Outcome.ARTICLES
    embed = answer_embed(answer.hits[0]) if answer.hits else None
    return Reply(fact or None, embed), Outcome.ARTICLE if answer.kind == "article" else Outcome.QUOTED


class Asking:
    """Answers what members ask, within the question length, each member's cooldown and the bot's capacity."""

    def __init__(self, content: ContentStore, limiter: QuestionLimiter, k: int, recording: Recording) -> None:
        self.content, self.limiter, self.k, self.recording = content, limiter, k, recording
        self.stats = QuestionStats()  # outcomes and answer times of the last hour, for /status

    async def reply(self, asked: Asked) -> Reply | None:
        """What to send for `asked`; None when nothing should be sent (a non-answer in an answer channel, or a
        cooldown notice already given). Each question is recorded with what became of it."""
        started = time.perf_counter()
        question = question_of(asked.text)
        if asked.via is Via.MENU:
            question = question[:MAX_QUESTION_CHARS]  # someone else's message: read what a question may hold
        reply, outcome, answer = await self._reply(asked, question)
        if outcome is None:
            return reply
        key = secrets.token_hex(6)
        if reply is not None and reply.embed is not None and answer is not None and answer.hits:
            # A quoted passage gets votes (the key names this question's record) and "More" where its article goes on.
            reply = replace(reply, view=answer_buttons(key, has_next(answer.hits[0])))
        self.recording.question(
            key=key, user_id=asked.user_id, guild_id=asked.guild_id, channel_id=asked.channel_id,
            via=asked.via.value, question=question, outcome=outcome, answer=answer,
            answer_ms=(time.perf_counter() - started) * 1000)
        return reply if outcome.answered or asked.via.explicit else None

    async def _reply(self, asked: Asked, question: str) -> tuple[Reply | None, Outcome | None, Answer | None]:
        """The reply, what became of the question (None: nothing was asked) and the answer, when there is one."""
        if not question:
            if asked.via is Via.MENU:
                return Reply(NO_TEXT, private=True), None, None
            return Reply(small_talk_message("help"), private=True), None, None
        if len(question) > MAX_QUESTION_CHARS:
            return Reply(str(QuestionTooLong()), private=True), Outcome.TOO_LONG, None
        retry = await self.limiter.check(asked.user_id)
        if retry is not None:
            # A message gets one notice a cooldown, not one per message; an interaction must always be answered.
            tell = asked.via.interaction or (asked.via.explicit and self.limiter.first_notice(asked.user_id, retry))
            return (Reply(too_fast_message(retry), private=True) if tell else None), Outcome.TOO_FAST, None
        try:
            answer = await self.stats.timed(self.content.answer(question, self.k, follow_up=asked.follow_up), Busy)
        except Busy as busy:
            return Reply(str(busy), private=True), Outcome.BUSY, None
        except Exception:
            log.exception("error answering a question from member %s (%s)", hashed_id(asked.user_id),
                          asked.via.value)
            return Reply(ERROR_MESSAGE, private=True), Outcome.ERROR, None
        reply, outcome = reply_for(answer)
        return reply, outcome, answer
