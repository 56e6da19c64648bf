"""The driver: runs where the fake runs, asks as members on an absolute schedule (the reload halfway), then
matches every question to the bot's answers and times them, all on the fake's clock."""

from __future__ import annotations

import asyncio
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from ..common import rss_mb
from .config import LoadConfig
from .content import NEW_ARTICLE, NEW_ARTICLE_FILE
from .plan import Question

MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7
CALLBACK_CHANNEL_MESSAGE = 4


@dataclass
class Sent:
    question: Question
    member_id: int
    channel_id: int
    message_id: str | None = None
    handle: Any = None  # InteractionHandle for /ask
    dispatched: float = 0.0
    scheduled: float = 0.0


class Driver:
    """Runs where the fake runs. Every time below is the fake's (time.monotonic)."""

    def __init__(self, fake: Any, config: LoadConfig, questions: list[Question], guilds: list[Any] | None = None,
                 shard_count: int = 1) -> None:
        """`guilds`: where members ask (default the fake's own guild), in turn; `shard_count`: the bot's shards,
        to say which shard each question went to."""
        self.fake = fake
        self.config = config
        self.questions = questions
        self.guilds = guilds or [fake.guild]
        self.shard_count = shard_count
        # Consecutive questions go to the guilds in turn, then to their channels in turn.
        self.channels = [guild.channel_named(name) for name in ("general", "questions") for guild in self.guilds]
        self.setup_interactions: set[str] = set()
        """Interactions the benchmark ran before the run (not questions): their responses are not stray."""
        self.members: list[Any] = []
        self.sent: list[Sent] = []
        self.reload_handle: Any = None
        self.reload_sent_at: float | None = None
        self.started = self.finished = 0.0
        self.aborted = ""
        self._replied: set[str] = set()
        self._log_seen = 0

    async def add_members(self) -> None:
        for n in range(self.config.member_count):
            member = await self.fake.add_member(f"asker{n:04d}")
            for guild in (g for g in self.guilds if g is not self.fake.guild):
                self.fake.world.join(member.user, guild=guild)
            self.members.append(member.user)

    async def run(self) -> None:
        """Ask every question on schedule, the reload halfway; then wait for the answers (bounded)."""
        fake, config = self.fake, self.config
        loop = asyncio.get_running_loop()
        channels = self.channels
        reload_index = len(self.questions) // 2 if config.reload else None
        self.started = loop.time() + 0.05
        hard_stop = self.started + config.seconds * 2 + 30
        for question in self.questions:
            target = self.started + question.index / config.rate
            delay = target - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            if loop.time() > hard_stop:
                self.aborted = f"sending fell behind; stopped after {len(self.sent)} questions"
                break
            if question.index == reload_index:
                (config.content / NEW_ARTICLE_FILE).write_text(NEW_ARTICLE, encoding="utf-8")
                self.reload_handle = await fake.invoke_slash("reload", user=fake.moderator)
                self.reload_sent_at = self.reload_handle.created
            member = self.members[question.index % len(self.members)]
            channel = channels[question.index % len(channels)]
            sent = Sent(question, member.id, channel.id, scheduled=target)
            if question.via == "mention":
                message = await fake.send_message(channel, member, question.text, mentions_bot=True)
                sent.message_id = message["id"]
                sent.dispatched = fake.messages.created_at[message["id"]]
            else:
                sent.handle = await fake.invoke_slash("ask", {"question": question.text}, user=member,
                                                      channel_id=channel)
                sent.dispatched = sent.handle.created
            self.sent.append(sent)
        deadline = loop.time() + config.drain_seconds
        while loop.time() < deadline and not self._all_answered():
            await asyncio.sleep(0.05)
        await asyncio.sleep(config.settle_seconds)
        self.finished = loop.time()

    def _all_answered(self) -> bool:
        log = self.fake.messages.log
        bot_id = str(self.fake.bot_user.id)
        for message in log.items[self._log_seen:]:
            reference = (message.get("message_reference") or {}).get("message_id")
            if message["author"]["id"] == bot_id and reference:
                self._replied.add(reference)
        self._log_seen = len(log)
        reload_done = self.reload_handle is None or _interaction_done(self.reload_handle)
        return reload_done and all(
            (s.message_id in self._replied) if s.handle is None else _interaction_done(s.handle) for s in self.sent
        )

    # -- figures ---------------------------------------------------------------------------------------

    def results(self) -> dict[str, Any]:
        fake = self.fake
        bot_id = str(fake.bot_user.id)
        created_at = fake.messages.created_at
        replies: dict[str, list[dict]] = defaultdict(list)
        by_interaction: dict[str, list[dict]] = defaultdict(list)
        stray: list[dict] = []
        for message in fake.messages.log:
            if message["author"]["id"] != bot_id:
                continue
            metadata = message.get("interaction_metadata")
            reference = (message.get("message_reference") or {}).get("message_id")
            if metadata:
                by_interaction[metadata["id"]].append(message)
            elif reference:
                replies[reference].append(message)
            else:
                stray.append(message)
        # A deferred response is completed by a webhook request (an edit, or a follow-up that the fake
        # turns into an edit of the "thinking" message): its time is when the answer arrived.
        completed_at: dict[str, float] = {}
        for request in fake.requests:
            if request.method in ("POST", "PATCH") and request.path.startswith("/webhooks/") and request.status < 400:
                completed_at.setdefault(request.path.split("/")[3], request.time)

        reload_done_at = None
        reload_figures: dict[str, Any] = {"sent": self.reload_handle is not None}
        if self.reload_handle is not None:
            handle = self.reload_handle
            shown = [m for m in by_interaction.pop(str(handle.id), []) if not m["flags"] & MESSAGE_FLAG_LOADING]
            if shown:
                reload_done_at = completed_at.get(handle.token)
            reload_figures.update(
                at_s=round(handle.created - self.started, 2),
                callback_ms=None if handle.callback_delay is None else round(handle.callback_delay * 1000, 1),
                took_s=None if reload_done_at is None else round(reload_done_at - handle.created, 3),
                reply=(shown[-1].get("content") or "").split("\n")[0] if shown else None,
                processes=_serving(shown[-1].get("content") or "") if shown else None,
                messages=len(shown),
            )

        asked_ids = {s.message_id for s in self.sent if s.message_id}
        stray += [m for ref, ms in replies.items() if ref not in asked_ids for m in ms]
        asked_interactions = {str(s.handle.id) for s in self.sent if s.handle is not None}
        asked_interactions |= self.setup_interactions
        stray += [m for i, ms in by_interaction.items() if i not in asked_interactions for m in ms]

        shard_of = {c.id: (g.id >> 22) % self.shard_count for g in self.guilds for c in g.channels.values()}
        records = []
        for s in self.sent:
            q = s.question
            if s.handle is None:
                answers = replies.get(s.message_id, [])
                answered_at = created_at.get(answers[0]["id"]) if answers else None
                deferred = False
            else:
                handle = s.handle
                answers = [m for m in by_interaction.get(str(handle.id), []) if not m["flags"] & MESSAGE_FLAG_LOADING]
                deferred = handle.callback is not None and handle.callback["type"] != CALLBACK_CHANNEL_MESSAGE
                if not answers:
                    answered_at = None
                elif not deferred:
                    answered_at = handle.callback_at
                else:
                    answered_at = completed_at.get(handle.token)
            first = answers[0] if answers else None
            records.append({
                "index": q.index, "via": q.via, "category": q.category,
                "shard": shard_of[s.channel_id],
                "sent_s": round(s.dispatched - self.started, 4),
                "slip_ms": round((s.dispatched - s.scheduled) * 1000, 2),
                "answers": len(answers),
                "outcome": (outcome := _outcome(first) if first else "lost"),
                "other_reply": (first.get("content") or "")[:160] if outcome == "other" else None,
                "latency_s": None if answered_at is None else answered_at - s.dispatched,
                "deferred": deferred,
                "title": ((first.get("embeds") or [{}])[0].get("title")) if first else None,
                "expected_title": q.source_title,
                "after_reload": reload_done_at is not None and s.dispatched > reload_done_at,
                "during_reload": self.reload_sent_at is not None and s.dispatched >= self.reload_sent_at
                and (reload_done_at is None or s.dispatched <= reload_done_at),
            })

        window = [h for h in fake.heartbeats if self.started <= h.time <= self.finished]
        interval = fake.heartbeat_interval
        failed = [r for r in fake.requests if r.status >= 400 and r.time >= self.started]
        dispatched = [s.dispatched for s in self.sent]
        return {
            "records": records,
            "reload": reload_figures,
            "stray_bot_messages": len(stray),
            "stray_examples": [(m.get("content") or "")[:120] for m in stray[:3]],
            "aborted": self.aborted,
            "achieved_rate": (len(dispatched) - 1) / (dispatched[-1] - dispatched[0]) if len(dispatched) > 1 else 0.0,
            "heartbeats": {
                "interval_s": interval,
                "in_run": len(window),
                "worst_lateness_ms": round(max((max(0.0, h.gap - interval) for h in window), default=0.0) * 1000, 1),
                "worst_lateness_whole_session_ms": round(fake.worst_heartbeat_lateness() * 1000, 1),
                "worst_at_s": [(round(h.time - self.started, 2), round((h.gap - interval) * 1000, 1))
                               for h in sorted(window, key=lambda h: -h.gap)[:3]],
            },
            "started": self.started,
            "rest_errors": dict(Counter(f"{r.status} {r.method} {_route(r.path)}" for r in failed)),
            "members": len(self.members),
            "fake_rss_mb": rss_mb(),
        }


def _serving(reply: str) -> str | None:
    """What the reload's reply says of the bot's processes serving the new index ("2 of 2"); None when it says
    nothing of them (one process without Redis)."""
    said = re.search(r"serves it now \((\d+ of \d+)\)|(\d+ of \d+) processes of the bot serve it", reply)
    return (said.group(1) or said.group(2)) if said else None


def _interaction_done(handle: Any) -> bool:
    callback = handle.callback
    if callback is None:
        return False
    return callback["type"] == CALLBACK_CHANNEL_MESSAGE or bool(handle.edits or handle.followups)


def _outcome(message: dict) -> str:
    if message.get("embeds"):
        return "answer"
    content = message.get("content") or ""
    if content.startswith("I couldn't find"):
        return "no_answer"
    if content.startswith("You're asking quickly"):
        return "refused"
    if content.startswith("Something went wrong"):
        return "error"
    if content.startswith("I'm answering a lot of questions"):
        return "busy"
    return "other"


def _route(path: str) -> str:
    return "/".join("{id}" if part.isdigit() or part.startswith("fake-interaction-") else part
                    for part in path.split("/"))
