"""One bot as two shards sharing a real Redis, as members and moderators see it through the fake Discord.

Two bots in this test process each run one shard of two (as `python -m bot cluster --processes 2` runs them in two
processes: see test_cluster_on_discord.py), with one content folder and one data folder. The fake Discord has a guild
on each shard and routes each guild's events to its shard only, as Discord does.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import pytest

from bot import processes
from fake_discord import FakeDiscord
from fake_discord.model import Guild
from fake_discord.server import RecordedRequest
from tests.bot.test_collection import LETTUCE_Q
from tests.bot.test_discord import SHCHYOGOLEV_Q, reply_to, running
from tests.bot.test_feeds import eventually
from tests.bot.test_processes import LUNAR, PATIENCE, SHORT_HEARTBEAT
from tests.servers import stopped

SHARDS = 2


@pytest.fixture(autouse=True)
def short_heartbeats(monkeypatch):
    monkeypatch.setattr(processes, "HEARTBEAT_SECONDS", SHORT_HEARTBEAT)


def guilds_by_shard(fake: FakeDiscord) -> list[Guild]:
    """A guild on each shard: the fake's own, and one added on the other shard."""
    home = (fake.guild.id >> 22) % SHARDS
    other = fake.world.add_guild("Second Guild", shard=(1 - home, SHARDS))
    return [fake.guild, other] if home == 0 else [other, fake.guild]


@asynccontextmanager
async def one_bot_per_shard(fake: FakeDiscord, content, redis_url: str | None, **overrides) -> AsyncIterator[list]:
    async with AsyncExitStack() as bots:
        yield [await bots.enter_async_context(running(fake, content, redis_url=redis_url, shard_count=SHARDS,
                                                      shard_ids=[shard], **overrides))
               for shard in range(SHARDS)]


async def answered(fake: FakeDiscord, guild: Guild, question: str) -> dict:
    """`question` asked by mentioning the bot in `guild`: the reply."""
    asked = await fake.send_message(guild.channel_named("general"), fake.member, question, mentions_bot=True)
    return await reply_to(fake, asked, timeout=PATIENCE)


def assert_each_answered_once(fake: FakeDiscord, replies: list[dict]) -> None:
    """Each question that got one of `replies` got no other reply: checked once the bots have stopped, so that a
    second answer, however late, is counted."""
    replied_to = [(m.get("message_reference") or {}).get("message_id") for m in fake.messages.log
                  if m["author"]["id"] == str(fake.bot_user.id)]
    for reply in replies:
        assert replied_to.count(reply["message_reference"]["message_id"]) == 1, reply


def answered_by(bot) -> int:
    return bot.asking.stats.summary().counts["answered"]


async def test_each_shard_answers_its_own_guilds_once_and_a_reload_is_served_by_both(
        fake_discord, content, redis_server):
    fake = fake_discord
    guilds = guilds_by_shard(fake)
    async with one_bot_per_shard(fake, content, redis_server.url) as bots:
        for shard, bot in enumerate(bots):
            assert [g.id for g in bot.guilds] == [guilds[shard].id]  # Discord sent it its own guild only
        cyber = []
        for shard, guild in enumerate(guilds):
            cyber.append(await answered(fake, guild, SHCHYOGOLEV_Q))
            # The shard of the guild asked in answered: the bot of each shard has answered its guild's only.
            assert [answered_by(bot) for bot in bots] == [1 if s <= shard else 0 for s in range(SHARDS)]
        (content / "lunar.md").write_text(LUNAR)
        reload = await (await fake.invoke_slash("reload", user=fake.moderator)).answer(timeout=PATIENCE)
        lettuce = [await answered(fake, guild, LETTUCE_Q) for guild in guilds]
    assert_each_answered_once(fake, cyber + lettuce)
    assert all("Igor Shchyogolev" in reply["embeds"][0]["description"] for reply in cyber)
    assert "Every process of the bot serves it now (2 of 2)." in reload["content"]
    assert all("twelve heads of lettuce" in reply["embeds"][0]["description"] for reply in lettuce)


async def test_with_redis_stopped_and_started_again_mid_run_every_question_in_both_shards_is_answered_once(
        fake_discord, content, redis_server):
    fake = fake_discord
    guilds = guilds_by_shard(fake)
    asked: list[dict] = []

    async def keep_asking(until: asyncio.Event) -> None:
        """A question every twentieth of a second, in each shard's guild in turn."""
        while not until.is_set():
            guild = guilds[len(asked) % SHARDS]
            asked.append(await fake.send_message(guild.channel_named("general"), fake.member, SHCHYOGOLEV_Q,
                                                 mentions_bot=True))
            await asyncio.sleep(0.05)

    async with one_bot_per_shard(fake, content, redis_server.url) as bots:
        enough = asyncio.Event()
        asking = asyncio.create_task(keep_asking(enough))
        await asyncio.sleep(0.5)
        async with stopped(redis_server):
            before = len(asked)
            await asyncio.sleep(1.0)
            assert len(asked) - before >= 2 * SHARDS  # questions in both shards while Redis was away
            assert not any(bot.coordination.shared for bot in bots)  # each found Redis gone, and answered on
        await eventually(lambda: all(bot.coordination.shared for bot in bots), timeout=PATIENCE)
        await asyncio.sleep(0.5)
        enough.set()
        await asking
        replies = [await reply_to(fake, question, timeout=PATIENCE) for question in asked]
        assert [answered_by(bot) for bot in bots] == [len(asked[shard::SHARDS]) for shard in range(SHARDS)]
    assert_each_answered_once(fake, replies)
    assert all("Igor Shchyogolev" in reply["embeds"][0]["description"] for reply in replies)


# -- Discord's request budget, one for the whole bot -------------------------------------------------------------

BUDGET = 3  # replies a second: low, so that a burst of questions meets it
BURST = 60  # questions in each shard's guild in turn, 20 a second for 3 s: far more than the budget
ASKED_EVERY = 0.05
# The fake records a request when it answers it, a little after the bot took its token, and not always equally
# late: a span between two requests may look this much shorter than it was.
LATENESS = 0.25
DROPPED = "too many replies this second: dropped the reply"
# Members may ask as often as the tests ask (settings_for's limits), the bot reply `BUDGET` times a second.
LOW_BUDGET = {"question_cooldown_rate": 100, "question_cooldown_seconds": 1.0, "replies_per_second": BUDGET}


def most_in_a_second(times: list[float]) -> int:
    """The most requests made at `times` within any second: within any span `LATENESS` shorter than one, as the
    fake recorded them (a span may look that much shorter than it was)."""
    times = sorted(times)
    return max(bisect.bisect_left(times, t + 1 - LATENESS) - n for n, t in enumerate(times))


async def burst_of_questions(fake: FakeDiscord, guilds: list[Guild], caplog) -> list[RecordedRequest]:
    """`BURST` questions in both shards' guilds, `ASKED_EVERY` seconds apart: the REST requests the bots made
    meanwhile, each a reply to one (once every question is replied to or its reply dropped)."""
    before = len(fake.requests)
    for n in range(BURST):
        await fake.send_message(guilds[n % SHARDS].channel_named("general"), fake.member, SHCHYOGOLEV_Q,
                                mentions_bot=True)
        await asyncio.sleep(ASKED_EVERY)
    await eventually(lambda: len(fake.requests) - before + caplog.text.count(DROPPED) >= BURST, timeout=PATIENCE)
    made = fake.requests.items[before:]
    assert all(r.method == "POST" and re.fullmatch(r"/channels/\d+/messages", r.path) for r in made), made
    return made


async def test_a_burst_of_questions_in_both_shards_never_takes_the_bots_requests_past_the_one_budget_they_share(
        fake_discord, content, redis_server, caplog):
    caplog.set_level(logging.WARNING, "bot.exts.answers")
    fake = fake_discord
    guilds = guilds_by_shard(fake)
    async with one_bot_per_shard(fake, content, redis_server.url, limits=LOW_BUDGET) as bots:
        replies = await burst_of_questions(fake, guilds, caplog)
        assert all(bot.coordination.shared for bot in bots)
    # Both shards replied in their own guild, and spent one budget between them.
    assert {r.path for r in replies} == {f"/channels/{g.channel_named('general').id}/messages" for g in guilds}
    times = [r.time for r in replies]
    per_second = [sum(int(t - times[0]) == s for t in times) for s in range(int(times[-1] - times[0]) + 1)]
    assert most_in_a_second(times) <= BUDGET, per_second
    assert len(times) < BURST and caplog.text.count(DROPPED) == BURST - len(times)  # the rest were dropped, logged


async def test_without_redis_each_process_spends_a_budget_of_its_own_so_together_they_pass_it(
        fake_discord, content, caplog):
    caplog.set_level(logging.WARNING, "bot.exts.answers")
    fake = fake_discord
    guilds = guilds_by_shard(fake)
    async with one_bot_per_shard(fake, content, None, limits=LOW_BUDGET):
        times = [r.time for r in await burst_of_questions(fake, guilds, caplog)]
    assert BUDGET < most_in_a_second(times) <= SHARDS * BUDGET  # each process held its own
