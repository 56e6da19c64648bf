"""Load: the bot, through the local fake Discord, at Discord's own ceiling of 50 answers a second.

    python -m benchmarks.load --seconds 60 --rate 50                     # the bundled seeds
    python -m benchmarks.load --seconds 60 --rate 50 --passages 100000   # a 100k-passage library of real text
    python -m benchmarks.load --seconds 60 --rate 50 --content PATH      # any content folder (copied first)

Questions go out evenly paced (one every 1/rate s, on an absolute schedule so nothing drifts), half as
mentions and half as `/ask`, from many members so the per-member cooldown never refuses one. Most are
drawn from the library's own sentences, some are off-topic (the no-answer path). Halfway through, a
moderator adds an article to the content folder and runs `/reload`; from then on some questions ask
about that article, and those asked after the reload finished must be answered from it.

Each question is matched to its answers: a mention to the bot messages whose `message_reference`
points at it, an `/ask` to the interaction's callback and follow-ups. Exactly one answer each is the
goal: none is *lost*, two or more is *duplicated*. Latency runs from the fake dispatching the event to
the fake receiving the bot's REST answer, both on the fake's clock.

By default the fake (and the driver asking the questions) runs in a child process and the bot in this
one, so the two share no event loop and no GIL: the latency, heartbeat and memory figures are the
bot's. `--in-process` runs all three in one event loop, as the tests do, for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import math
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT.parent / "shared" / "data"

# Discord's ceiling for a bot. The heartbeat interval Discord announces (41.25 s) would give one
# heartbeat a minute; 1 s gives ~60 in a 60 s run, so a late one shows.
DEFAULT_RATE = 50.0
DEFAULT_HEARTBEAT_MS = 1000
# The bot's defaults: 5 questions per member per 30 s.
DEFAULT_COOLDOWN_RATE = 5
DEFAULT_COOLDOWN_SECONDS = 30.0
# Goals from issue #6.
GOAL_P99_MS = 100.0
GOAL_P99_LARGE_MS = 250.0
LARGE_LIBRARY = 100_000

OFF_TOPIC_SHARE = 0.1
TEMPLATES = ("What about {}?", "Why {}?", "How {}?", "What do the articles say about {}?")
OFF_TOPIC = (
    "What is the best recipe for sourdough bread?",
    "How do I calibrate a qzxvyl blorptangle?",
    "Where can I buy vexmirquan zumbrelk tickets?",
    "Who won the blorptangle qzxvyl cup last year?",
    "How often should I water a zumbrelk vexmirquan?",
    "Which skateboard wheels grip best on wet cobblestones?",
)
# The article a moderator adds halfway through, and the question only it answers.
NEW_ARTICLE_FILE = "zz-load-benchmark-reload.md"
NEW_ARTICLE_TITLE = "Selenara Station Greenhouse Sprouts Its First Lettuce"
NEW_ARTICLE = f"""---
title: {NEW_ARTICLE_TITLE}
authors: Rosa Diaz
---

Astronauts at Selenara station harvested twelve heads of lettuce grown in regolith under LED lamps,
the first crop of the lunar greenhouse.
"""
NEW_ARTICLE_QUESTION = "How many heads of lettuce did astronauts harvest at Selenara station?"

MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7
CALLBACK_CHANNEL_MESSAGE = 4


# -- content ------------------------------------------------------------------------------------------


@dataclass
class BuiltContent:
    articles: int
    passages: int
    real_passages: int


def _real_articles(data: Path) -> Iterator[Any]:
    """Articles of every shared set in turn (news, abstracts, Wikipedia, speeches), as the bot reads them."""
    from benchmarks.corpus import shared_articles

    for name, articles in shared_articles(data):
        for article in articles:
            yield name, article


def build_library(folder: Path, passages: int, data: Path = DATA, seed: int = 0) -> BuiltContent:
    """Write a JSON Lines content folder of `passages` passages of real text into `folder`.

    The real articles of the shared sets come first, unchanged (~72k passages in all). Past those,
    new articles are grown the way `benchmarks.corpus` grows its passages: each paragraph joins the
    opening sentences of one real passage to the closing sentences of another (seeded, every pair
    distinct), under the first one's title, so the text is new but lengths and word frequencies stay
    those of real text. Passages are counted with the bot's own splitter, so the bot loads exactly
    the reported count. (`benchmarks.corpus` itself yields tokens for the engines, not a content
    folder, hence this.)
    """
    from retrieval.models import Article, Paragraph
    from retrieval.passages import split_passages
    from retrieval.sentences import sentence_spans

    if not data.is_dir():
        raise SystemExit(f"--passages needs the shared text in {data} (read-only); it is missing")
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    total = articles = 0
    pool: list[tuple[str, list[str]]] = []  # (title, sentences) of real passages of 2+ sentences
    with (folder / "real.jsonl").open("w", encoding="utf-8") as out:
        for name, article in _real_articles(data):
            found = split_passages(article)
            if total + len(found) > passages:
                break
            if not found:
                continue
            record = {"id": f"{name}/{article.id}", "title": article.title,
                      "text": "\n\n".join(p.text for p in article.paragraphs)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            total += len(found)
            articles += 1
            for passage in found:
                # Whitespace as the reader leaves it: a passage may span paragraphs ("\n\n").
                sentences = [" ".join(passage.text[a:b].split()) for a, b in sentence_spans(passage.text)]
                if len(sentences) >= 2:
                    pool.append((article.title, sentences))
    real = total

    def count(article_id: str, title: str, texts: list[str]) -> int:
        paragraphs = [Paragraph(text=t) for t in texts]
        return len(split_passages(Article(id=article_id, title=title, paragraphs=paragraphs, source="")))

    seen: set[tuple[int, int, int, int]] = set()
    with (folder / "grown.jsonl").open("w", encoding="utf-8") as out:
        attempts = 0
        while total < passages and len(pool) > 1 and attempts < 20 * passages:
            attempts += 1
            title = ""
            texts: list[str] = []
            for _ in range(int(rng.integers(2, 6))):
                a, b = (int(x) for x in rng.integers(0, len(pool), 2))
                first, second = pool[a][1], pool[b][1]
                i, j = int(rng.integers(1, len(first))), int(rng.integers(1, len(second)))
                if a == b or (a, i, b, j) in seen:
                    continue
                seen.add((a, i, b, j))
                title = title or pool[a][0]
                texts.append(" ".join(first[:i] + second[j:]))
            if not texts:
                continue
            article_id = f"grown/{articles}"
            found = count(article_id, title, texts)
            # The last article is cut short so that the library has exactly `passages` passages.
            while total + found > passages and texts:
                words = texts[-1].split()
                texts[-1] = " ".join(words[:len(words) // 2]) if len(words) > 20 else ""
                texts = [t for t in texts if t]
                found = count(article_id, title, texts) if texts else 0
            if not texts:
                continue
            total += found
            articles += 1
            out.write(json.dumps({"id": article_id, "title": title, "text": "\n\n".join(texts)},
                                 ensure_ascii=False) + "\n")
    return BuiltContent(articles=articles, passages=total, real_passages=real)


def stage_content(folder: Path, content: Path | None, passages: int | None, data: Path, seed: int) -> str:
    """Fill `folder` (a temporary directory: the benchmark adds an article to it) and describe it."""
    if passages:
        built = build_library(folder, passages, data, seed)
        return (f"{built.passages:,} passages in {built.articles:,} articles of real text from {data} "
                f"({built.real_passages:,} real passages, the rest recombined)")
    source = content or SEEDS
    if source.is_dir():
        shutil.copytree(source, folder, dirs_exist_ok=True)
    else:
        shutil.copy2(source, folder)
    return f"{'the seeds' if content is None else source}"


# -- the question plan -----------------------------------------------------------------------------------


@dataclass
class Question:
    index: int
    text: str
    category: str  # "on_topic" (drawn from a sentence), "off_topic" or "new_article" (after the reload)
    via: str  # "mention" or "ask"
    source_title: str | None = None


def _fragment(text: str, rng: np.random.Generator) -> str | None:
    from retrieval.sentences import sentence_spans

    sentences = [text[a:b].split() for a, b in sentence_spans(text)]
    sentences = [s for s in sentences if len(s) >= 6]
    if not sentences:
        return None
    words = sentences[int(rng.integers(len(sentences)))]
    size = min(len(words), int(rng.integers(5, 10)))
    start = int(rng.integers(0, len(words) - size + 1))
    fragment = " ".join(words[start:start + size]).strip(" ,;:.!?\"'()[]\u201c\u201d\u2018\u2019")
    if "<@" in fragment or "@everyone" in fragment or "@here" in fragment or len(fragment) < 10:
        return None
    return TEMPLATES[int(rng.integers(len(TEMPLATES)))].format(fragment)


def plan_questions(folder: Path, count: int, reload_index: int | None, seed: int = 0) -> list[Question]:
    """`count` questions: mostly drawn from the library's sentences, `OFF_TOPIC_SHARE` off-topic, and
    after `reload_index` every 20th (at least 2 in all) about the article the reload adds."""
    from retrieval.ingest import read_content
    from retrieval.passages import split_passages

    rng = np.random.default_rng(seed)
    articles, _, _ = read_content(folder)
    if not articles:
        raise SystemExit(f"no article in {folder}")
    probe_every = 20
    if reload_index is not None and count - reload_index < 2 * probe_every:
        probe_every = max(1, (count - reload_index) // 2)
    questions: list[Question] = []
    for index in range(count):
        via = "mention" if rng.random() < 0.5 else "ask"
        if reload_index is not None and index > reload_index and (index - reload_index) % probe_every == 0:
            questions.append(Question(index, NEW_ARTICLE_QUESTION, "new_article", via, NEW_ARTICLE_TITLE))
            continue
        if rng.random() < OFF_TOPIC_SHARE:
            questions.append(Question(index, OFF_TOPIC[int(rng.integers(len(OFF_TOPIC)))], "off_topic", via))
            continue
        text = None
        for _ in range(100):
            article = articles[int(rng.integers(len(articles)))]
            passages = split_passages(article)
            if passages and (text := _fragment(passages[int(rng.integers(len(passages)))].text, rng)):
                break
        if text is None:
            raise SystemExit(f"could not draw a question from the sentences in {folder}")
        questions.append(Question(index, text, "on_topic", via, article.title))
    return questions


# -- the run's configuration and figures -------------------------------------------------------------------


@dataclass
class LoadConfig:
    content: Path
    """The staged content folder (a temporary copy: the benchmark adds an article to it)."""
    seconds: float = 60.0
    rate: float = DEFAULT_RATE
    members: int | None = None
    """Members asking in turn; None: enough that the per-member cooldown never refuses one."""
    heartbeat_ms: int = DEFAULT_HEARTBEAT_MS
    cooldown_rate: int = DEFAULT_COOLDOWN_RATE
    cooldown_seconds: float = DEFAULT_COOLDOWN_SECONDS
    reload: bool = True
    seed: int = 0
    drain_seconds: float = 60.0
    """After the last question: how long to wait for outstanding answers (and the reload) at most."""
    settle_seconds: float = 1.0
    """Then how long to keep watching for late duplicates."""
    start_timeout: float = 900.0
    """How long the bot may take to load the library and connect."""
    index_path: Path | None = None
    """Where the bot saves its index (the `index_path` setting); None: an `index` folder next to the
    staged content, never the repository's `.index`."""

    @property
    def count(self) -> int:
        return max(1, round(self.seconds * self.rate))

    @property
    def member_count(self) -> int:
        if self.members:
            return self.members
        # Round robin: each member asks every members/rate s; keep it under the cooldown with a spare token.
        return max(10, math.ceil(self.rate * self.cooldown_seconds / max(1, self.cooldown_rate - 1)))


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    """Nearest-rank p50/p95/p99 and max of `values` (seconds) in milliseconds."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def rank(p: float) -> float:
        return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000, 1)

    return {"n": len(ordered), "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": round(ordered[-1] * 1000, 1)}


def _rss_mb(pid: int | str = "self") -> dict[str, float]:
    """Resident set size now and at its peak (VmHWM), MB, from /proc (Linux)."""
    figures = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return {"rss": figures.get("VmRSS", float("nan")), "peak": figures.get("VmHWM", float("nan"))}


# -- the driver: asks as members, through the fake, and matches the answers ----------------------------------------


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

    def __init__(self, fake: Any, config: LoadConfig, questions: list[Question]) -> None:
        self.fake = fake
        self.config = config
        self.questions = questions
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
            self.members.append(member.user)

    async def run(self) -> None:
        """Ask every question on schedule, the reload halfway; then wait for the answers (bounded)."""
        fake, config = self.fake, self.config
        loop = asyncio.get_running_loop()
        channels = [fake.general, fake.questions]
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
                messages=len(shown),
            )

        asked_ids = {s.message_id for s in self.sent if s.message_id}
        stray += [m for ref, ms in replies.items() if ref not in asked_ids for m in ms]
        asked_interactions = {str(s.handle.id) for s in self.sent if s.handle is not None}
        stray += [m for i, ms in by_interaction.items() if i not in asked_interactions for m in ms]

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
                "sent_s": round(s.dispatched - self.started, 4),
                "slip_ms": round((s.dispatched - s.scheduled) * 1000, 2),
                "answers": len(answers),
                "outcome": _outcome(first) if first else "lost",
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
            "fake_rss_mb": _rss_mb(),
        }


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
    return "other"


def _route(path: str) -> str:
    return "/".join("{id}" if part.isdigit() or part.startswith("fake-interaction-") else part
                    for part in path.split("/"))


# -- the bot's side --------------------------------------------------------------------------------------------------


class GcPauses:
    """Times the garbage collector's pauses in this process while installed (gc.callbacks)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[int, float]] = []  # (generation, seconds)
        self._started = 0.0

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc_info: object) -> None:
        gc.callbacks.remove(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses.append((info["generation"], time.perf_counter() - self._started))

    def summary(self) -> dict[str, Any]:
        return {"collections": len(self.pauses), "full": sum(1 for g, _ in self.pauses if g == 2),
                "longest_ms": round(max((p for _, p in self.pauses), default=0.0) * 1000, 1),
                "total_ms": round(sum(p for _, p in self.pauses) * 1000, 1)}


class LogCounter(logging.Handler):
    """Counts the bot's (and discord.py's) warnings and errors during the run, keeping the first few."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()
        self.first: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.levelname] += 1
        if len(self.first) < 5:
            self.first.append(f"{record.levelname} {record.name}: {record.getMessage()[:160]}")


async def _loop_lag(stop: asyncio.Event, limit: float, lags: list[tuple[float, float]], period: float = 0.02) -> None:
    """(when, how late) the bot's event loop wakes from a `period` sleep, until `stop` or `limit` seconds.

    `when` is time.monotonic(), the fake's clock too (one machine), so stalls line up with the run."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not stop.is_set() and loop.time() < end:
        before = time.monotonic()
        await asyncio.sleep(period)
        now = time.monotonic()
        lags.append((now, max(0.0, now - before - period)))


def _settings(config: LoadConfig, token: str, guild_id: int) -> Any:
    from bot.settings import Settings

    index_path = config.index_path or config.content.parent / "index"
    return Settings(_env_file=None, token=token, content_path=config.content, index_path=index_path,
                    dev_guild_id=guild_id,
                    question_cooldown_rate=config.cooldown_rate, question_cooldown_seconds=config.cooldown_seconds,
                    message_content_intent=False, answer_channel_ids=[], log_level="WARNING")


@dataclass
class _RemoteFake:
    """The parts of a FakeDiscord that `patch_discord` and `run_bot` read, for a fake in another process."""

    token: str
    api_base: str
    gateway_url: str
    guild: Any
    gateway_log: tuple = ()
    unknown_requests: tuple = ()


@dataclass
class _Id:
    id: int


# -- running it ----------------------------------------------------------------------------------------------------


@asynccontextmanager
async def _measuring(config: LoadConfig, logs: LogCounter) -> AsyncIterator[tuple[list[tuple[float, float]], Any]]:
    """While the run lasts: the event-loop lag probe, the log counter and the GC pause recorder."""
    lags: list[tuple[float, float]] = []
    stop = asyncio.Event()
    probe = asyncio.create_task(_loop_lag(stop, config.seconds * 3 + config.drain_seconds + 60, lags))
    logging.getLogger().addHandler(logs)
    try:
        with GcPauses() as pauses:
            yield lags, pauses
    finally:
        logging.getLogger().removeHandler(logs)
        stop.set()
        await probe


async def run_in_process(config: LoadConfig, plan: list[Question] | None = None) -> dict[str, Any]:
    """Fake, driver and bot in this one event loop (as the tests run)."""
    from bot import create_bot
    from fake_discord import fake_discord_server, run_bot

    plan = plan if plan is not None else plan_questions(config.content, config.count, _reload_index(config),
                                                        config.seed)
    logs = LogCounter()
    async with fake_discord_server(heartbeat_interval_ms=config.heartbeat_ms) as fake:
        driver = Driver(fake, config, plan)
        await driver.add_members()
        rss_start = _rss_mb()
        bot = create_bot(_settings(config, fake.token, fake.guild.id))
        async with run_bot(bot, fake, timeout=config.start_timeout):
            library = bot.content.library.report
            rss_ready = _rss_mb()
            load_before = os.getloadavg()
            async with _measuring(config, logs) as (lags, pauses):
                await driver.run()
            rss_after = _rss_mb()
        results = driver.results()
        results["fake_gc"] = results["bot_gc"] = pauses.summary()  # one process: the same collector
    return _finish(config, "one process (fake, driver and bot share an event loop)", results, library,
                   {"start": rss_start, "ready": rss_ready, "after": rss_after}, lags, logs, load_before)


def _reload_index(config: LoadConfig) -> int | None:
    return config.count // 2 if config.reload else None


def _fake_process(conn: Any, config: LoadConfig) -> None:
    """The child: the fake Discord and the driver. Talks to the parent over `conn` (a Pipe end)."""
    logging.basicConfig(level=logging.WARNING, format="fake: %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(_serve_fake(conn, config))
    except BaseException as exc:  # report anything to the parent rather than dying silently
        try:
            conn.send({"error": f"{type(exc).__name__}: {exc}"})
        except (OSError, ValueError):
            pass
        raise


async def _recv(conn: Any, timeout: float, what: str) -> Any:
    """The next message on `conn`, waiting at most `timeout` s (off the event loop)."""
    ready = await asyncio.to_thread(conn.poll, timeout)
    if not ready:
        raise TimeoutError(f"no {what} after {timeout:.0f} s")
    message = conn.recv()
    if isinstance(message, dict) and "error" in message:
        raise RuntimeError(f"the fake's process failed: {message['error']}")
    return message


async def _serve_fake(conn: Any, config: LoadConfig) -> None:
    from fake_discord import FakeDiscord

    plan = plan_questions(config.content, config.count, _reload_index(config), config.seed)
    async with FakeDiscord(heartbeat_interval_ms=config.heartbeat_ms) as fake:
        driver = Driver(fake, config, plan)
        await driver.add_members()
        conn.send({"token": fake.token, "api_base": fake.api_base, "gateway_url": fake.gateway_url,
                   "guild_id": fake.guild.id})
        command = await _recv(conn, config.start_timeout + 60, "go from the bot's process")
        if command != "go":
            return
        # The set-up's garbage (reading the content for the questions) is collected now, and the
        # collector stays off while the fake times the bot: its records of every request grow through
        # the run, and full collections walking them (730 ms at 1M) delayed its receipt of the bot's
        # heartbeats, which counted as the bot's lateness. Refcounting frees the rest meanwhile.
        gc.collect()
        gc.freeze()
        gc.disable()
        try:
            with GcPauses() as pauses:
                await driver.run()
        finally:
            gc.enable()
        results = driver.results()
        results["fake_gc"] = pauses.summary()
        conn.send(results)
        await _recv(conn, 120, "stop from the bot's process")


async def run_separate(config: LoadConfig) -> dict[str, Any]:
    """The fake and the driver in a child process, the bot in this one."""
    from bot import create_bot
    from fake_discord import patch_discord, run_bot

    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    child = context.Process(target=_fake_process, args=(there, config), name="fake-discord", daemon=True)
    child.start()
    logs = LogCounter()
    try:
        hello = await _recv(here, 600, "fake Discord from the child process")
        remote = _RemoteFake(hello["token"], hello["api_base"], hello["gateway_url"], _Id(hello["guild_id"]))
        with patch_discord(remote):  # type: ignore[arg-type]
            rss_start = _rss_mb()
            bot = create_bot(_settings(config, remote.token, remote.guild.id))
            async with run_bot(bot, remote, timeout=config.start_timeout):  # type: ignore[arg-type]
                library = bot.content.library.report
                rss_ready = _rss_mb()
                load_before = os.getloadavg()
                here.send("go")
                async with _measuring(config, logs) as (lags, pauses):
                    results = await _recv(here, config.seconds * 3 + config.drain_seconds + 120, "results")
                results["bot_gc"] = pauses.summary()
                rss_after = _rss_mb()
        here.send("stop")
    finally:
        child.join(timeout=20)
        if child.is_alive():
            child.terminate()
            child.join(timeout=5)
    return _finish(config, "separate processes (fake and driver in a child process, bot in the parent)", results,
                   library, {"start": rss_start, "ready": rss_ready, "after": rss_after}, lags, logs, load_before)


def _finish(config: LoadConfig, mode: str, results: dict[str, Any], library: Any, rss: dict[str, dict],
            lags: list[tuple[float, float]], logs: LogCounter, load_before: tuple[float, ...]) -> dict[str, Any]:
    records = results["records"]
    timed = [r for r in records if r["latency_s"] is not None]
    latencies = [r["latency_s"] for r in timed]
    outcomes = Counter(r["outcome"] for r in records)
    by_category: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        by_category[r["category"]][r["outcome"]] += 1
    on_topic = [r for r in records if r["category"] == "on_topic" and r["outcome"] == "answer"]
    new_after = [r for r in records if r["category"] == "new_article" and r["after_reload"]
                 and r["outcome"] != "refused"]
    new_refused = sum(1 for r in records if r["category"] == "new_article" and r["after_reload"]
                      and r["outcome"] == "refused")
    goal_ms = GOAL_P99_LARGE_MS if library.passages >= LARGE_LIBRARY else GOAL_P99_MS
    report = {
        "mode": mode,
        "library": {"articles": library.articles, "passages": library.passages},
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(config).items()},
        "asked": len(records),
        "asked_by_kind": dict(Counter(r["via"] for r in records)),
        "answered": sum(1 for r in records if r["answers"]),
        "answer_messages": sum(r["answers"] for r in records),
        "lost": sum(1 for r in records if r["answers"] == 0),
        "duplicated": sum(1 for r in records if r["answers"] > 1),
        "outcomes": dict(outcomes),
        "by_category": {k: dict(v) for k, v in by_category.items()},
        "deferred": sum(1 for r in records if r["deferred"]),
        "on_topic_from_source_title": (sum(1 for r in on_topic if _same_title(r["title"], r["expected_title"])),
                                       len(on_topic)),
        "new_article_after_reload": (sum(1 for r in new_after if _same_title(r["title"], NEW_ARTICLE_TITLE)),
                                     len(new_after), new_refused),
        "latency_ms": {
            "all": percentiles(latencies),
            "mention": percentiles([r["latency_s"] for r in timed if r["via"] == "mention"]),
            "ask": percentiles([r["latency_s"] for r in timed if r["via"] == "ask"]),
            "during_reload": percentiles([r["latency_s"] for r in timed if r["during_reload"]]),
            "outside_reload": percentiles([r["latency_s"] for r in timed if not r["during_reload"]]),
        },
        "send_slip_ms": percentiles([max(0.0, r["slip_ms"] / 1000) for r in records]),
        "bot_loop_lag_ms": percentiles([lag for _, lag in lags]),
        "bot_loop_worst_lags": [(round(when - results["started"], 2), round(lag * 1000, 1))
                                for when, lag in sorted(lags, key=lambda x: -x[1])[:5]],
        "bot_rss_mb": rss,
        "bot_log": {"counts": dict(logs.counts), "first": logs.first},
        "goal_p99_ms": goal_ms,
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
        "slowest": sorted((r for r in records if r["latency_s"] is not None), key=lambda r: -r["latency_s"])[:5],
        **results,
    }
    report["ok"] = report["lost"] == 0 and report["duplicated"] == 0 and report["stray_bot_messages"] == 0
    return report


def _same_title(shown: str | None, expected: str | None) -> bool:
    if not shown or not expected:
        return False
    return shown == expected or shown.rstrip("\u2026") == expected[:len(shown.rstrip("\u2026"))]


# -- output --------------------------------------------------------------------------------------------------------


def machine() -> str:
    import discord

    from benchmarks.report import machine as hardware

    return f"{hardware()}, discord.py {discord.__version__}, {platform.system()} {platform.release()}"


def code_version() -> str:
    """The commit measured, and the files that differed from it (read-only git commands)."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.rstrip("\n") if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD").strip()
    if not commit:
        return "not a git checkout"
    changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines() if line]
    return f"commit {commit}" + (f" with uncommitted changes to {', '.join(changed)}" if changed else " (clean)")


def _ms(figures: dict) -> str:
    if not figures.get("n"):
        return "–"
    return f"{figures['p50']:.1f} / {figures['p95']:.1f} / {figures['p99']:.1f} / {figures['max']:.1f}"


def markdown(report: dict[str, Any], content: str) -> str:
    latency = report["latency_ms"]
    reload = report["reload"]
    rss = report["bot_rss_mb"]
    outcomes = report["outcomes"]
    new_hit, new_n, new_refused = report["new_article_after_reload"]
    p99 = latency["all"]["p99"]
    goal = report["goal_p99_ms"]
    by_category = report["by_category"]
    beats = report["heartbeats"]
    logged = report["bot_log"]["counts"]
    rows = [
        ("library", f"{report['library']['passages']:,} passages, {report['library']['articles']:,} articles "
                    f"({content})"),
        ("run", f"{report['config']['seconds']:g} s at {report['config']['rate']:g} questions/s "
                f"(achieved {report['achieved_rate']:.2f}/s), {report['members']} members, "
                f"heartbeat interval {report['heartbeats']['interval_s']:g} s; {report['mode']}"),
        ("questions asked", f"{report['asked']:,} ({report['asked_by_kind'].get('mention', 0):,} mentions, "
                            f"{report['asked_by_kind'].get('ask', 0):,} /ask)"),
        ("answers sent", f"{report['answer_messages']:,} to {report['answered']:,} questions"),
        ("lost / duplicated / stray bot messages",
         f"{report['lost']} / {report['duplicated']} / {report['stray_bot_messages']}"),
        ("outcomes", f"{outcomes.get('answer', 0):,} quoted a passage, {outcomes.get('no_answer', 0):,} no answer, "
                     f"{outcomes.get('refused', 0)} refused by the rate limiter, {outcomes.get('error', 0)} errors"
                     + (f", {outcomes['other']} other" if outcomes.get("other") else "")),
        ("on-topic (drawn from a sentence)", _category(by_category.get("on_topic", {}))),
        ("off-topic", _category(by_category.get("off_topic", {}))),
        ("latency p50 / p95 / p99 / max, ms", _ms(latency["all"])
         + (f" (goal p99 < {goal:.0f} ms: {'met' if p99 is not None and p99 < goal else 'NOT met'})")),
        ("… mentions", _ms(latency["mention"])),
        ("… /ask", _ms(latency["ask"])),
        ("… asked during the reload", _ms(latency["during_reload"])),
        ("… asked outside the reload", _ms(latency["outside_reload"])),
        ("/reload", "not run" if not reload.get("sent") else
         f"at {reload['at_s']} s, acknowledged in {reload['callback_ms']} ms, done in {reload['took_s']} s "
         f"(\u201c{reload['reply']}\u201d); of the {new_n + new_refused} questions about the added article asked "
         f"after it, {new_hit} of the {new_n} answered were answered from it"
         + (f" ({new_refused} refused by the rate limiter)" if new_refused else "")),
        ("worst heartbeat lateness", f"{beats['worst_lateness_ms']:.1f} ms over {beats['in_run']} heartbeats "
                                     f"(whole session {beats['worst_lateness_whole_session_ms']:.1f} ms)"),
        ("bot event-loop lag p50 / p95 / p99 / max, ms", _ms(report["bot_loop_lag_ms"])),
        ("bot garbage collection", _gc(report["bot_gc"])),
        ("sender slip p50 / p95 / p99 / max, ms", _ms(report["send_slip_ms"])
         + f"; fake's garbage collection: {_gc(report['fake_gc'])}"),
        ("bot RSS, MB", f"{rss['start']['rss']:.0f} before loading, {rss['ready']['rss']:.0f} before the load, "
                        f"{rss['after']['rss']:.0f} after it (peak {rss['after']['peak']:.0f})"),
        ("machine load average (1 min) before / after the run",
         f"{report['load_average']['before'][0]:.2f} / {report['load_average']['after'][0]:.2f} "
         f"on {os.cpu_count()} cores"),
        ("REST errors", ", ".join(f"{n} \u00d7 {k}" for k, n in report["rest_errors"].items()) or "none"),
        ("bot warnings / errors logged", f"{logged.get('WARNING', 0)} / "
                                         f"{logged.get('ERROR', 0) + logged.get('CRITICAL', 0)}"),
    ]
    lines = ["| measure | value |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    if report["aborted"]:
        lines.append(f"\n**Aborted:** {report['aborted']}")
    return "\n".join(lines)


def _gc(figures: dict) -> str:
    return (f"{figures['collections']:,} collections ({figures['full']} full), longest {figures['longest_ms']:.1f} ms, "
            f"{figures['total_ms']:.0f} ms in all")


def _category(counts: dict) -> str:
    total = sum(counts.values())
    if not total:
        return "–"
    return (f"{total:,}: {counts.get('answer', 0):,} quoted, {counts.get('no_answer', 0):,} no answer"
            + (f", {counts.get('refused', 0)} refused" if counts.get("refused") else "")
            + (f", {counts.get('lost', 0)} lost" if counts.get("lost") else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to ask questions (default 60)")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help="questions a second (default 50)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--content", type=Path, help="content folder or file (default: the seeds); copied first")
    where.add_argument("--passages", type=int, help="build a library of this many passages of real text")
    parser.add_argument("--data", type=Path, default=DATA, help=f"shared text for --passages (default {DATA})")
    parser.add_argument("--members", type=int, default=None, help="members asking in turn (default: enough that "
                                                                   "the per-member cooldown never refuses one)")
    parser.add_argument("--heartbeat-ms", type=int, default=DEFAULT_HEARTBEAT_MS, help="gateway heartbeat interval")
    parser.add_argument("--no-reload", action="store_true", help="skip the moderator's /reload halfway")
    parser.add_argument("--in-process", action="store_true", help="run fake, driver and bot in one event loop")
    parser.add_argument("--drain", type=float, default=60.0, help="after the last question, wait at most this "
                                                                   "long for answers and the reload (default 60)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the full report as JSON to this file")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.rate <= 0 or args.seconds * args.rate > 1_000_000:
        parser.error("--seconds and --rate must be positive, and at most a million questions in all")

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="load-benchmark-") as folder:
        staged = Path(folder) / "content"
        started = time.perf_counter()
        content = stage_content(staged, args.content, args.passages, args.data, args.seed)
        print(f"content staged in {time.perf_counter() - started:.1f} s: {content}", file=sys.stderr)
        config = LoadConfig(content=staged, seconds=args.seconds, rate=args.rate, members=args.members,
                            heartbeat_ms=args.heartbeat_ms, reload=not args.no_reload, seed=args.seed,
                            drain_seconds=args.drain)
        run = run_in_process(config) if args.in_process else run_separate(config)
        report = asyncio.run(run)
    report["machine"] = machine()
    report["code"] = code_version()
    report["content"] = content
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(markdown(report, content))
    print(f"\nMachine: {report['machine']}\nCode: {report['code']}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
