"""Rate limits: fair per member, and the bot's replies kept under Discord's global limit."""

import asyncio
import time

import pytest
from hypothesis import given, strategies as st

from bot import limits
from bot.coordination import local
from bot.coordination.local import SlidingWindow, TokenBucket
from bot.limits import QuestionLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(limits.time, "monotonic", clock)
    return clock


def test_an_evenly_spaced_stream_at_the_limit_is_never_refused(clock):
    bucket = TokenBucket(50, 50)
    refused = 0
    for _ in range(3000):  # a minute at exactly 50 a second
        refused += bucket.take() is not None
        clock.now += 1 / 50
    assert refused == 0


def test_a_burst_over_capacity_is_refused_with_the_wait(clock):
    bucket = TokenBucket(50, 50)
    assert all(bucket.take() is None for _ in range(50))
    assert bucket.take() == pytest.approx(1 / 50)


async def test_one_member_asking_fast_does_not_limit_another(clock):
    limiter = QuestionLimiter(rate=5, per=30)
    assert [await limiter.check(1) for _ in range(5)] == [None] * 5
    retry = await limiter.check(1)
    assert retry == pytest.approx(6.0)  # one question back every 30/5 seconds
    assert await limiter.check(2) is None
    clock.now += 6
    assert await limiter.check(1) is None


def test_a_member_over_the_limit_is_told_once_per_cooldown(clock):
    limiter = QuestionLimiter(rate=1, per=10)
    assert limiter.first_notice(7, 10) and not limiter.first_notice(7, 10)
    clock.now += 10.1
    assert limiter.first_notice(7, 10)


async def test_the_member_map_stays_bounded(clock, monkeypatch):
    monkeypatch.setattr(local, "MAX_TRACKED_MEMBERS", 100)
    limiter = QuestionLimiter(rate=5, per=30)
    for member in range(1000):
        await limiter.check(member)
        clock.now += 31
    assert len(limiter.cooldowns._members) <= 101


@given(st.lists(st.floats(min_value=0.0, max_value=0.2), min_size=1, max_size=300), st.integers(1, 60))
def test_the_request_budget_never_allows_more_than_its_limit_in_any_second_nor_refuses_below_it(gaps, limit):
    # Discord counts requests per second whatever came before: after a quiet spell a token bucket would let its
    # capacity through and then its refill in the same second, twice the limit.
    now = [1000.0]
    window = SlidingWindow(limit)
    local.time.monotonic, saved = (lambda: now[0]), local.time.monotonic
    try:
        allowed: list[float] = []
        for gap in gaps:
            now[0] += gap
            in_last_second = sum(t > now[0] - 1 for t in allowed)
            wait = window.take()
            assert (wait is None) == (in_last_second < limit)
            if wait is None:
                allowed.append(now[0])
            else:
                assert 0 < wait <= 1
    finally:
        local.time.monotonic = saved


async def test_replies_past_the_budget_wait_for_a_place_in_the_next_second_rather_than_being_dropped():
    limiter = QuestionLimiter(rate=5, per=30, replies_per_second=5)
    allowed_at: list[float] = []

    async def reply() -> bool:
        allowed = await limiter.reply_allowed()
        allowed_at.append(time.monotonic())
        return allowed

    started = time.monotonic()
    assert all(await asyncio.gather(*(reply() for _ in range(10))))  # a burst of twice the budget, all sent
    assert sum(t - started < 0.9 for t in allowed_at) == 5  # half at once, the rest a second later
    # Where a reply cannot wait (an interaction's 3 seconds), past the budget it is refused at once.
    assert not await limiter.reply_allowed(wait=0)
