"""The bot's processes coordinated: in one process alone (the default), and through a real Redis shared by two
processes (two coordinations, as two bot processes have), with Redis stopped and started under them.

Timing: the shared tests give Redis calls a long timeout, so a loaded machine never makes them fall back by
accident; waits for something to expire or come back poll with a generous deadline.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.coordination import Coordination, LocalCoordination, RedisCoordination
from bot.coordination import local
from bot.coordination.local import TokenBucket
from bot.coordination.shared import LISTEN_SECONDS
from bot.limits import QuestionLimiter
from bot.member_ids import hashed_id
from tests.bot.test_discord import SHCHYOGOLEV_Q, reply_to, running
from tests.bot.test_feeds import eventually
from tests.bot.test_limits import Clock
from tests.servers import free_port, stopped

NAMESPACE = "424242"  # an application id
PATIENT = 5.0  # the shared tests' Redis timeout: long, so that only a stopped Redis makes them fall back
QUICK_RETRIES = (0.05, 0.2)  # tries to reach Redis again soon after losing it, so the tests see it come back


async def process(url: str, namespace: str = NAMESPACE, timeout: float = PATIENT) -> RedisCoordination:
    """One bot process's coordination through the Redis at `url`, started."""
    coordination = RedisCoordination(url, timeout=timeout, retry_seconds=QUICK_RETRIES)
    await coordination.start(namespace)
    return coordination


@pytest.fixture
async def two_processes(redis_server) -> AsyncIterator[tuple[RedisCoordination, RedisCoordination]]:
    a, b = await process(redis_server.url), await process(redis_server.url)
    assert a.shared and b.shared
    yield a, b
    await a.close()
    await b.close()


@pytest.fixture(params=["in-process", "redis"])
def holders(request) -> tuple[Coordination, Coordination]:
    """Where two would-be holders of a lease live: one process alone, or two processes sharing Redis."""
    if request.param == "in-process":
        alone = LocalCoordination()
        return alone, alone
    return request.getfixturevalue("two_processes")


def coordination_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name.startswith("bot.coordination") and r.levelno == logging.WARNING]


# -- the in-process token bucket --------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(capacity=st.integers(1, 60), rate=st.floats(0.1, 100),
       steps=st.lists(st.tuples(st.floats(0, 3), st.integers(0, 80)), min_size=1, max_size=30))
def test_the_in_process_bucket_never_allows_more_than_capacity_plus_what_refilled_and_its_waits_are_exact(
        capacity, rate, steps):
    clock = Clock()
    allowed_at: list[float] = []
    with mock.patch.object(local.time, "monotonic", clock):
        bucket = TokenBucket(capacity, rate)
        for pause, takes in steps:
            clock.now += pause
            for _ in range(takes):
                wait = bucket.take()
                if wait is None:
                    allowed_at.append(clock.now)
                    continue
                assert wait > 0
                # The wait a refusal names is enough, and no longer than needed (checked a microsecond short of it,
                # where a wait is long enough for that to be far from the floats' rounding).
                if wait > 1e-3:
                    clock.now += wait - 1e-6
                    assert bucket.take() is not None
                    clock.now += 1e-6 + 1e-9
                else:
                    clock.now += wait + 1e-9
                assert bucket.take() is None
                allowed_at.append(clock.now)
    for first in range(len(allowed_at)):
        for last in range(first, len(allowed_at)):
            elapsed = allowed_at[last] - allowed_at[first]
            assert last - first + 1 <= capacity + rate * elapsed + 1e-6


# -- two processes sharing Redis --------------------------------------------------------------------------------


async def spend(budget, until: float) -> int:
    """Take from `budget` as fast as this process can until `until`; how many were allowed."""
    allowed = 0
    while time.monotonic() < until:
        allowed += await budget.take() is None
    return allowed


async def test_two_processes_never_spend_more_than_the_one_request_budget_together(two_processes):
    a, b = two_processes
    started = time.monotonic()
    # Each process asks far faster than 50 a second: alone, each would be allowed the whole budget.
    spent = await asyncio.gather(spend(a.request_budget(50), started + 1.0), spend(b.request_budget(50), started + 1.0))
    elapsed = time.monotonic() - started
    assert a.shared and b.shared  # no call fell back to a process's own budget
    assert 50 <= sum(spent) <= 50 + 50 * elapsed


async def test_a_members_questions_count_in_every_process_and_redis_never_holds_their_id(two_processes, redis_server):
    a, b = two_processes
    member, other = 316_507_433_911_205_888, 316_507_433_911_205_889
    in_a = QuestionLimiter(2, 60, coordination=a)
    in_b = QuestionLimiter(2, 60, coordination=b)
    assert [await in_a.check(member), await in_a.check(member)] == [None, None]
    retry = await in_b.check(member)
    assert retry is not None and 0 < retry <= 30  # one question back every 60/2 seconds
    assert await in_b.check(other) is None
    keys = await redis_keys(redis_server.url)
    assert any(hashed_id(member) in key for key in keys)
    assert not any(str(member) in key for key in keys)


async def redis_keys(url: str) -> dict[str, int]:
    """Every key in the Redis at `url`, with its time to live in milliseconds (-1: none)."""
    from redis.asyncio import Redis

    client = Redis.from_url(url, decode_responses=True)
    try:
        return {key: await client.pttl(key) async for key in client.scan_iter()}
    finally:
        await client.aclose()


async def test_every_key_expires_and_another_bot_on_the_same_redis_shares_nothing(two_processes, redis_server):
    a, _ = two_processes
    other_bot = await process(redis_server.url, namespace="999")
    try:
        assert await a.cooldowns(1, 60).take("m-1") is None
        assert await other_bot.cooldowns(1, 60).take("m-1") is None  # its own count of the member
        await a.request_budget(50).take()
        await a.lease("reload", 30).acquire()
        await a.heartbeats(30).beat([0], "1.0", None)
    finally:
        await other_bot.close()
    keys = await redis_keys(redis_server.url)
    assert {key.split(":")[1] for key in keys} == {NAMESPACE, "999"}
    assert all(ttl > 0 for ttl in keys.values()), keys  # nothing stays after it means nothing


async def test_a_lease_has_one_holder_at_a_time_and_only_the_holder_gives_it_up(holders):
    a, b = holders
    mine, theirs = a.lease("reload", 30), b.lease("reload", 30)
    assert await mine.acquire()
    assert not await theirs.acquire()
    assert await mine.acquire() and await mine.renew()  # still the holder
    assert not await theirs.renew()
    await theirs.release()  # not theirs to give up
    assert not await theirs.acquire()
    await mine.release()
    assert await theirs.acquire()
    assert not await mine.renew()


async def test_a_lease_whose_holder_stops_renewing_expires_and_the_old_holder_cannot_take_it_back(holders):
    a, b = holders
    stalled, waiting = a.lease("feed-poller", 2.0), b.lease("feed-poller", 2.0)
    assert await stalled.acquire()
    assert not await waiting.acquire()
    async with asyncio.timeout(30):  # the stalled holder never renews: after its two seconds, the lease is free
        while not await waiting.acquire():
            await asyncio.sleep(0.05)
    assert not await stalled.renew()
    await stalled.release()
    assert await waiting.renew()  # the late release took nothing from the new holder


async def test_heartbeats_list_the_live_processes_and_drop_one_that_stops(two_processes):
    a, b = two_processes
    short, long = a.heartbeats(2.0), b.heartbeats(30)
    await short.beat([0, 1], "1.2.0", "index-abc")
    await long.beat([2], "1.2.0", None)
    beats = await long.live()
    assert {(h.process, h.shard_ids, h.version, h.library) for h in beats} == {
        (a.process, (0, 1), "1.2.0", "index-abc"), (b.process, (2,), "1.2.0", None)}
    assert all(abs(h.at - time.time()) < 60 for h in beats)  # Redis's clock, on this machine
    async with asyncio.timeout(30):  # `short` stops beating: it drops out after its two seconds
        while a.process in {h.process for h in await long.live()}:
            await asyncio.sleep(0.05)
    assert [h.process for h in await short.live()] == [b.process]


async def test_in_one_process_alone_the_only_live_process_is_itself_until_it_stops_beating():
    heartbeats = LocalCoordination().heartbeats(0.5)
    assert await heartbeats.live() == []
    await heartbeats.beat([0], "1.2.0", "index-abc")
    [beat] = await heartbeats.live()
    assert (beat.process, beat.shard_ids, beat.library) == (heartbeats.process, (0,), "index-abc")
    async with asyncio.timeout(30):
        while await heartbeats.live():
            await asyncio.sleep(0.05)


# -- Redis going away and coming back ---------------------------------------------------------------------------


async def test_with_redis_stopped_limits_are_local_said_once_and_shared_again_once_it_is_back(
        two_processes, redis_server, caplog):
    a, b = two_processes
    in_a, in_b = QuestionLimiter(2, 3600, coordination=a), QuestionLimiter(2, 3600, coordination=b)
    await in_a.check(1)
    await in_a.check(1)
    assert await in_b.check(1) is not None
    with caplog.at_level(logging.INFO, "bot.coordination"):
        async with stopped(redis_server):
            # Replies at once, many calls finding Redis gone together; questions within this process's own limits.
            assert all(await asyncio.gather(*(in_a.reply_allowed() for _ in range(20))))
            checks = [await in_a.check(2) for _ in range(3)]
            assert checks[:2] == [None, None] and checks[2] is not None
            assert await a.lease("reload", 30).acquire()
            assert not a.shared
            warnings = coordination_warnings(caplog)
        await eventually(lambda: a.shared, timeout=30)
    assert len(warnings) == 1 and "coordination is local to this process now" in warnings[0]
    assert any("is back" in r.getMessage() for r in caplog.records)
    # Shared again: Redis started empty, and a member's questions in A count in B once more.
    await in_a.check(3)
    await in_a.check(3)
    assert await in_b.check(3) is not None
    assert b.shared  # B asked nothing while Redis was away: it never had to fall back


async def test_an_unreachable_redis_is_logged_without_its_password_and_the_bot_limits_locally(caplog):
    url = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    coordination = RedisCoordination(url, retry_seconds=QUICK_RETRIES)
    with caplog.at_level(logging.WARNING, "bot.coordination"):
        await coordination.start(NAMESPACE)
        limiter = QuestionLimiter(1, 60, coordination=coordination)
        checks = [await limiter.check(7) for _ in range(2)]
        await asyncio.sleep(0.5)  # several tries to reach it again meanwhile: still one warning
    await coordination.close()
    assert checks[0] is None and checks[1] is not None
    warnings = coordination_warnings(caplog)
    assert len(warnings) == 1 and "redis://:***@127.0.0.1:" in warnings[0], warnings
    assert "hunter2" not in caplog.text


async def test_a_redis_that_never_answers_costs_a_question_a_quarter_second_once_not_every_time():
    connections = []

    async def never_answer(reader, writer):  # takes the connection and the commands, and says nothing
        connections.append(writer)
        await reader.read()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    url = f"redis://127.0.0.1:{server.sockets[0].getsockname()[1]}/0"
    coordination = RedisCoordination(url)  # the bot's own timeout: a quarter of a second
    started = time.monotonic()
    await coordination.start(NAMESPACE)
    limiter = QuestionLimiter(100, 60, coordination=coordination)
    allowed = [await limiter.check(member) for member in range(40)]
    elapsed = time.monotonic() - started
    await coordination.close()
    server.close()
    await server.wait_closed()
    assert connections and allowed == [None] * 40
    # Waiting on this Redis each time would take at least 40 x 0.25 s; it is waited for once, at the start.
    assert elapsed < 5


# -- the bot ----------------------------------------------------------------------------------------------------


async def test_a_bot_on_redis_shares_its_cooldowns_and_answers_while_redis_is_down(fake_discord, content, redis_server,
                                                                                   caplog):
    limits = {"question_cooldown_rate": 2, "question_cooldown_seconds": 60}
    async with running(fake_discord, content, redis_url=redis_server.url, limits=limits) as bot:
        for _ in range(2):
            await (await fake_discord.invoke_slash("ask", {"question": SHCHYOGOLEV_Q})).answer()
        other_process = await process(redis_server.url, namespace=str(fake_discord.application_id))
        try:
            assert await other_process.cooldowns(2, 60).take(hashed_id(fake_discord.member.id)) is not None
        finally:
            await other_process.close()
        with caplog.at_level(logging.WARNING, "bot.coordination"):
            async with stopped(redis_server):
                asked = await fake_discord.send_message(fake_discord.general, fake_discord.moderator, SHCHYOGOLEV_Q,
                                                        mentions_bot=True)
                answer = await reply_to(fake_discord, asked)
                assert not bot.coordination.shared
    assert "Igor Shchyogolev" in answer["embeds"][0]["description"]
    assert len(coordination_warnings(caplog)) == 1


async def test_a_library_change_is_heard_by_the_other_process_only_and_again_after_redis_comes_back(
        two_processes, redis_server):
    a, b = two_processes
    heard_by_a, heard_by_b = [], []

    async def into(heard: list[str], library: str) -> None:
        heard.append(library)

    in_a, in_b = a.library_changes(), b.library_changes()
    in_a.listen(lambda library: into(heard_by_a, library))
    in_b.listen(lambda library: into(heard_by_b, library))
    try:
        await until_heard(a, heard_by_b, "first")
        await publish(redis_server.url, f"qa-bot:{NAMESPACE}:library", "not what a process says")  # logged, no more
        async with stopped(redis_server):
            assert not await a.library_changes().announce("while-away")  # nobody can hear it
        await until_heard(a, heard_by_b, "second")  # b subscribed again once Redis was back
    finally:
        await in_a.stop()
        await in_b.stop()
    assert heard_by_a == []  # a process does not hear itself
    assert "while-away" not in heard_by_b


async def publish(url: str, channel: str, message: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    try:
        await client.publish(channel, message)
    finally:
        await client.aclose()


async def until_heard(announcer: RedisCoordination, heard: list[str], library: str) -> None:
    """Announce `library` until it is heard: a listener subscribes a moment after it starts, or after Redis is back."""
    async with asyncio.timeout(30):
        while library not in heard:
            await announcer.library_changes().announce(library)
            await asyncio.sleep(0.1)


async def test_a_library_change_announced_while_a_process_was_cut_off_is_followed_when_it_is_back(
        two_processes, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    a, b = two_processes
    heard_by_b: list[str] = []

    async def into(library: str) -> None:
        heard_by_b.append(library)

    in_b = b.library_changes()
    in_b.listen(into)
    try:
        await until_heard(a, heard_by_b, "first")
        # b loses Redis (a itself can still reach it) and stays away until let back.
        monkeypatch.setattr(b.link, "_probe", mock.AsyncMock(side_effect=RedisConnectionError("cut off")))
        b.link.lost(RedisConnectionError("cut off"))
        await asyncio.sleep(LISTEN_SECONDS + 0.5)  # b's listener has given its subscription up
        assert await a.library_changes().announce("while-b-was-away")  # announced once, never again
        monkeypatch.undo()
        async with asyncio.timeout(30):
            while "while-b-was-away" not in heard_by_b:
                await asyncio.sleep(0.05)
    finally:
        await in_b.stop()
