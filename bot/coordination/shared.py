"""The coordination through Redis, for a bot in several processes: one request budget spent by all of them, each
member's questions counted wherever they ask, one holder of a lease at a time, and every process's heartbeat.

Each piece wraps its in-process counterpart and uses it while Redis is away (`RedisLink.call`). Time is Redis's
own (TIME, inside the scripts), so processes whose clocks disagree still agree on a bucket or a heartbeat; every
key expires once it says nothing a missing key would not, so nothing grows without bound.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from .link import TIMEOUT_SECONDS, RETRY_SECONDS, UNREACHABLE, RedisLink
from .local import LocalCooldowns, LocalCoordination, LocalHeartbeats, LocalLease, LocalRequestBudget
from .protocols import Heartbeat

log = logging.getLogger(__name__)

# How long a listener waits for a message before it looks again whether Redis is still up.
LISTEN_SECONDS = 1.0
# How long the last announced library is kept for a process that was away when it was announced.
LATEST_SECONDS = 24 * 3600

# One take from the token bucket at KEYS[1], which holds ARGV[1] tokens at most, refilled at ARGV[2] a second.
# Returns 0 when a token was taken, else the microseconds until one will be there. The time of the last take is
# kept as TIME's seconds and microseconds, whole numbers: as one fraction it would lose the microseconds.
TAKE = """
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = redis.call('TIME')
local last = redis.call('HMGET', KEYS[1], 'tokens', 's', 'us')
local tokens = capacity
if last[1] then
  local elapsed = (tonumber(now[1]) - tonumber(last[2])) + (tonumber(now[2]) - tonumber(last[3])) / 1e6
  tokens = math.min(capacity, tonumber(last[1]) + math.max(elapsed, 0) * rate)
end
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / rate * 1e6)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 's', now[1], 'us', now[2])
-- Untouched this long, the bucket is full again: no different from no key at all.
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000))
return wait
"""

# One request counted in the sliding window at KEYS[1]: at most ARGV[1] in any ARGV[2] microseconds. Each allowed
# request is a member scored by its time (ARGV[3] makes it unique); those out of the window are dropped first.
# Returns 0 when allowed, else the microseconds until the oldest leaves the window. Times are whole microseconds
# since the epoch (about 1.7e15, exact in Lua's doubles), written out as integers.
TAKE_IN_WINDOW = """
local limit, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = redis.call('TIME')
local us = tonumber(now[1]) * 1000000 + tonumber(now[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', us - window))
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], string.format('%d', us), string.format('%d', us) .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - us)
"""

# The lease at KEYS[1] for ARGV[2] more milliseconds, if ARGV[1] still holds it.
RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""

# The lease at KEYS[1] given up, if ARGV[1] still holds it (after it expired, another may hold it now).
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# Process ARGV[1]'s heartbeat (ARGV[2]) at KEYS[2] with Redis's time, for ARGV[3] milliseconds; KEYS[1], the
# processes by when their heartbeat expires, loses those already gone and lives as long as its longest heartbeat.
BEAT = """
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local ttl = tonumber(ARGV[3])
-- Whole numbers written out: Lua's own number to text keeps 14 digits.
redis.call('HSET', KEYS[2], 'beat', ARGV[2], 'at', string.format('%d', ms))
redis.call('PEXPIRE', KEYS[2], ttl)
redis.call('ZADD', KEYS[1], string.format('%d', ms + ttl), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', ms))
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 0
"""


def milliseconds(seconds: float) -> int:
    return max(1, round(seconds * 1000))


async def take(link: RedisLink, client: Redis, key: str, capacity: float, per_second: float) -> float | None:
    """One take from the token bucket at `key`: None when allowed, else seconds until a token is there."""
    wait = await link.script(client, TAKE)(keys=[key], args=[capacity, per_second], client=client)
    return wait / 1e6 if wait else None


class RedisRequestBudget:
    """Discord's global limit shared by every process: at most `per_second` requests in any second, all together."""

    def __init__(self, link: RedisLink, local: LocalRequestBudget) -> None:
        self.link, self.local = link, local

    async def take(self) -> float | None:
        return await self.link.call(self._take, self.local.take)

    async def _take(self, client: Redis) -> float | None:
        wait = await self.link.script(client, TAKE_IN_WINDOW)(
            keys=[self.link.key("requests")], args=[self.local.per_second, 1_000_000, secrets.token_hex(6)],
            client=client)
        return wait / 1e6 if wait else None


class RedisCooldowns:
    def __init__(self, link: RedisLink, local: LocalCooldowns) -> None:
        self.link, self.local = link, local
        self.rate, self.per = local.rate, local.per

    async def take(self, member: str) -> float | None:
        return await self.link.call(
            lambda client: take(self.link, client, self.link.key("cooldown", member), self.rate, self.rate / self.per),
            lambda: self.local.take(member))


class RedisLease:
    """A lease on a job among all the bot's processes: the key holds its holder and expires with the lease."""

    def __init__(self, link: RedisLink, local: LocalLease) -> None:
        self.link, self.local = link, local
        self.name, self.ttl, self.holder = local.name, local.ttl, local.holder

    @property
    def _key(self) -> str:
        return self.link.key("lease", self.name)

    async def acquire(self) -> bool:
        async def shared(client: Redis) -> bool:
            taken = await client.set(self._key, self.holder, nx=True, px=milliseconds(self.ttl))
            return bool(taken) or await self._renew(client)

        return await self.link.call(shared, self.local.acquire)

    async def renew(self) -> bool:
        return await self.link.call(self._renew, self.local.renew)

    async def _renew(self, client: Redis) -> bool:
        renewed = await self.link.script(client, RENEW)(
            keys=[self._key], args=[self.holder, milliseconds(self.ttl)], client=client)
        return bool(renewed)

    async def release(self) -> None:
        async def shared(client: Redis) -> None:
            await self.link.script(client, RELEASE)(keys=[self._key], args=[self.holder], client=client)

        await self.link.call(shared, self.local.release)


class RedisHeartbeats:
    def __init__(self, link: RedisLink, local: LocalHeartbeats) -> None:
        self.link, self.local = link, local
        self.process, self.ttl = local.process, local.ttl

    async def beat(self, shard_ids: Sequence[int], version: str, library: str | None) -> None:
        said = json.dumps({"process": self.process, "shard_ids": list(shard_ids), "version": version,
                           "library": library})

        async def shared(client: Redis) -> None:
            await self.link.script(client, BEAT)(
                keys=[self.link.key("processes"), self.link.key("heartbeat", self.process)],
                args=[self.process, said, milliseconds(self.ttl)], client=client)

        async def beaten_locally() -> None:
            """Beaten below already."""

        # Always beaten here too, so that from the moment Redis goes away this process still lists itself (/status).
        await self.local.beat(shard_ids, version, library)
        await self.link.call(shared, beaten_locally)

    async def live(self) -> list[Heartbeat]:
        async def shared(client: Redis) -> list[Heartbeat]:
            processes = await client.zrange(self.link.key("processes"), 0, -1)
            pipeline = client.pipeline(transaction=False)
            for process in processes:
                pipeline.hmget(self.link.key("heartbeat", process.decode()), "beat", "at")
            beats = []
            for said, at in await pipeline.execute():
                if said is not None:  # gone since: its heartbeat expired before the next one cleared the list
                    fields = json.loads(said)
                    beats.append(Heartbeat(fields["process"], tuple(fields["shard_ids"]), fields["version"],
                                           fields["library"], int(at) / 1000))
            return beats

        return await self.link.call(shared, self.local.live)

    async def forget(self) -> None:
        async def shared(client: Redis) -> None:
            pipeline = client.pipeline(transaction=True)
            pipeline.zrem(self.link.key("processes"), self.process)
            pipeline.delete(self.link.key("heartbeat", self.process))
            await pipeline.execute()

        await self.local.forget()
        await self.link.call(shared, self.local.forget)


class RedisLibraryChanges:
    """Changes announced on a pub/sub channel, the last one also kept (a day) under a key: a process that was away
    from Redis, or whose subscription dropped, when one was announced reads it when it subscribes again and follows
    it then. At its first subscription a process serves what it has just loaded, so it reads nothing."""

    def __init__(self, link: RedisLink, process: str) -> None:
        self.link, self.process = link, process
        self._listening: asyncio.Task[None] | None = None

    @property
    def _channel(self) -> str:
        return self.link.key("library")

    async def announce(self, library: str) -> bool:
        said = json.dumps({"process": self.process, "library": library})

        async def shared(client: Redis) -> bool:
            await client.set(self.link.key("library", "latest"), said, ex=LATEST_SECONDS)
            await client.publish(self._channel, said)
            return True

        async def alone() -> bool:
            return False

        return await self.link.call(shared, alone)

    def listen(self, heard: Callable[[str], Awaitable[None]]) -> None:
        self._listening = asyncio.create_task(self._listen(heard), name="library-changes")

    async def _listen(self, heard: Callable[[str], Awaitable[None]]) -> None:
        subscriber: PubSub | None = None
        subscribed_before = False
        try:
            while True:
                if not self.link.up:  # lost: subscribe again once the link has found Redis again
                    subscriber = await _unsubscribed(subscriber)
                    await asyncio.sleep(self.link.timeout)
                    continue
                try:
                    if subscriber is None:
                        subscriber = self.link.pubsub()
                        await subscriber.subscribe(self._channel)
                        if subscribed_before:  # what was announced meanwhile went unheard: the last one is kept
                            latest = await self.link.call(self._latest, _nothing)
                            if latest is not None:
                                await self._act(latest, heard)
                        subscribed_before = True
                    message = await subscriber.get_message(ignore_subscribe_messages=True, timeout=LISTEN_SECONDS)
                except UNREACHABLE as exc:
                    self.link.lost(exc)
                    continue
                if message is not None:
                    await self._act(message["data"], heard)
        finally:
            await _unsubscribed(subscriber)

    async def _latest(self, client: Redis) -> bytes | None:
        return await client.get(self.link.key("library", "latest"))

    async def _act(self, data: bytes, heard: Callable[[str], Awaitable[None]]) -> None:
        try:
            said = json.loads(data)
            if said["process"] != self.process:  # a process does not follow its own announcement
                await heard(said["library"])
        except Exception:  # a bug, or a stranger's message, must not end the listening: later changes go unheard
            log.exception("acting on a library change announced on Redis failed")

    async def stop(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            await asyncio.gather(self._listening, return_exceptions=True)
            self._listening = None


async def _nothing() -> None:
    return None


async def _unsubscribed(subscriber: PubSub | None) -> None:
    """`subscriber`'s connection given back (None after); a Redis gone away cannot refuse that."""
    if subscriber is not None:
        try:
            await subscriber.aclose()
        except UNREACHABLE:
            pass


class RedisCoordination:
    """Every piece shared through the Redis at `url` by the processes of one bot, each falling back to this
    process's own while Redis is away."""

    def __init__(self, url: str, *, process: str | None = None, timeout: float = TIMEOUT_SECONDS,
                 retry_seconds: tuple[float, float] = RETRY_SECONDS) -> None:
        self.local = LocalCoordination(process)
        self.process = self.local.process
        self.link = RedisLink(url, timeout=timeout, retry_seconds=retry_seconds)

    @property
    def shared(self) -> bool:
        return self.link.up

    def request_budget(self, per_second: int) -> RedisRequestBudget:
        return RedisRequestBudget(self.link, self.local.request_budget(per_second))

    def cooldowns(self, rate: int, per: float) -> RedisCooldowns:
        return RedisCooldowns(self.link, self.local.cooldowns(rate, per))

    def lease(self, name: str, ttl: float) -> RedisLease:
        return RedisLease(self.link, self.local.lease(name, ttl))

    def heartbeats(self, ttl: float) -> RedisHeartbeats:
        return RedisHeartbeats(self.link, self.local.heartbeats(ttl))

    def library_changes(self) -> RedisLibraryChanges:
        return RedisLibraryChanges(self.link, self.process)

    async def start(self, namespace: str) -> None:
        await self.link.start(namespace)

    async def close(self) -> None:
        await self.link.close()
