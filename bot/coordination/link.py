"""The connection to Redis, and what the bot does without it.

Every shared call goes through `RedisLink.call` with its in-process counterpart. While Redis answers, the call
is Redis's; when it fails (refused, reset, slower than `timeout`) the process says so once in the log, makes that
call and every later one in-process at once, and tries Redis again in the background, waiting longer each time,
until it answers and the calls are Redis's again. A dead Redis costs one call at most `timeout`, never an answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a Redis call may take (connecting, then its reply) before the process stops waiting for Redis: an
# answer waits on it, and a member notices a quarter of a second.
TIMEOUT_SECONDS = 0.25
# After Redis is lost, the first try to reach it again, then twice as long each time up to the last.
RETRY_SECONDS = (0.5, 30.0)
# What a Redis that cannot be used raises: redis-py's own errors, and the socket's (TimeoutError is an OSError).
UNREACHABLE = (RedisError, OSError)
# Written to see that Redis takes writes again (a replica that answers PING may still refuse them).
PROBE_MILLISECONDS = 10_000


def shown(url: str) -> str:
    """The Redis URL as the log may show it: a password, in the user part or the query (`unix://...?password=`),
    as ***."""
    parsed = make_url(url)
    if "password" in parsed.query:
        parsed = parsed.update_query_dict({"password": "***"})
    return parsed.render_as_string(hide_password=True)


class RedisLink:
    """One process's Redis client, whether Redis is `up` for it now, and the key names of its bot."""

    def __init__(self, url: str, *, timeout: float = TIMEOUT_SECONDS,
                 retry_seconds: tuple[float, float] = RETRY_SECONDS) -> None:
        self.url, self.timeout, self.retry_seconds = url, timeout, retry_seconds
        self.prefix = ""
        self.up = False
        self._client: Redis | None = None
        self._scripts: dict[str, AsyncScript] = {}
        self._reconnecting: asyncio.Task[None] | None = None

    async def start(self, namespace: str) -> None:
        """Connect, for the bot named `namespace`: its keys all start with `qa-bot:<namespace>:`. A Redis that cannot
        be reached now is logged and tried again in the background, as one lost later."""
        self.prefix = f"qa-bot:{namespace}"
        # Made here, not in __init__, so that it belongs to the event loop the bot runs on. No retries of its own:
        # a failed call falls back at once, and the reconnection below does the retrying.
        self._client = Redis.from_url(self.url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout,
                                      retry=Retry(NoBackoff(), 0))
        try:
            await self._probe(self._client)
        except UNREACHABLE as exc:
            self.lost(exc)
            return
        self.up = True
        log.info("coordination shared through Redis at %s (keys %s:*)", shown(self.url), self.prefix)

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def script(self, client: Redis, lua: str) -> AsyncScript:
        """`lua` as a script of `client`: run by its hash, and loaded again when Redis has forgotten it (a restart)."""
        script = self._scripts.get(lua)
        if script is None:
            script = self._scripts[lua] = client.register_script(lua)
        return script

    async def call(self, shared: Callable[[Redis], Awaitable[T]], local: Callable[[], Awaitable[T]]) -> T:
        """`shared(client)` while Redis is up; `local()` while it is not, or when `shared` finds it gone."""
        client = self._client
        if self.up and client is not None:
            try:
                # The socket timeouts bound each connect and reply; this bounds the whole call, whatever it does.
                async with asyncio.timeout(2 * self.timeout):
                    return await shared(client)
            except UNREACHABLE as exc:
                self.lost(exc)
        return await local()

    def pubsub(self) -> PubSub:
        """A subscriber on this process's client (it takes a connection of its own while subscribed)."""
        if self._client is None:
            raise RuntimeError("RedisLink.pubsub before start")
        return self._client.pubsub()

    def lost(self, error: BaseException) -> None:
        """Redis failed a call (`error`): calls are this process's own until it answers again."""
        client = self._client
        if self._reconnecting is not None or client is None:
            return  # already said, and already trying again: one warning per outage
        self.up = False
        log.warning("Redis at %s cannot be used (%s): coordination is local to this process now (its own request "
                    "budget, member cooldowns, leases and heartbeats; reloads neither told to nor heard from the other "
                    "processes); trying Redis again in the background",
                    shown(self.url), str(error) or type(error).__name__)
        self._reconnecting = asyncio.create_task(self._reconnect(client), name="redis-reconnect")

    async def _reconnect(self, client: Redis) -> None:
        delay, longest = self.retry_seconds
        while True:
            await asyncio.sleep(delay)
            try:
                await self._probe(client)
                break
            except UNREACHABLE:
                delay = min(2 * delay, longest)
        self.up = True
        self._reconnecting = None
        log.info("Redis at %s is back: coordination is shared with the bot's other processes again", shown(self.url))

    async def _probe(self, client: Redis) -> None:
        async with asyncio.timeout(2 * self.timeout):
            await client.set(self.key("probe"), 1, px=PROBE_MILLISECONDS)

    async def close(self) -> None:
        self.up = False
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            await asyncio.gather(self._reconnecting, return_exceptions=True)
            self._reconnecting = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None
