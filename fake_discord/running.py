"""Running a stock discord.py bot against a started, patched-in fake (no pytest needed)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import discord

from .fake import FakeDiscord
from .patching import patch_discord

TEST_HEARTBEAT_INTERVAL_MS = 250
"""Small enough that a test of a few hundred ms sees several heartbeats."""


@asynccontextmanager
async def fake_discord_server(**options: Any) -> AsyncIterator[FakeDiscord]:
    """A started ``FakeDiscord(**options)`` with discord.py patched to use it, for tests that
    need non-default options (the ``fake_discord`` fixture is this with defaults)."""
    options.setdefault("heartbeat_interval_ms", TEST_HEARTBEAT_INTERVAL_MS)
    async with FakeDiscord(**options) as fake:
        with patch_discord(fake):
            yield fake


@asynccontextmanager
async def run_bot(
    bot: discord.Client,
    fake: FakeDiscord,
    *,
    timeout: float = 5.0,
    guild_ready_timeout: float | None = 0.05,
    fast_reidentify: bool = True,
) -> AsyncIterator[discord.Client]:
    """Run ``bot.start`` in a task until the bot is ready and sees the fake's guilds on its shards (if it
    asked for the GUILDS intent), then close it cleanly (HTTP session and websocket closed, task
    finished) on exit.

    Two discord.py waits meant for the real Discord are shortened on this bot
    instance so tests stay fast: ``on_ready`` fires only after no GUILD_CREATE
    arrived for ``guild_ready_timeout`` seconds (2 by default; None keeps the
    bot's), and the default ``before_identify_hook`` sleeps 5 s before every
    re-IDENTIFY (``fast_reidentify`` skips that unless the bot overrides the hook).
    An exception that ended the bot's task is re-raised at exit.
    """
    if guild_ready_timeout is not None:
        bot._connection.guild_ready_timeout = guild_ready_timeout
    if fast_reidentify and type(bot).before_identify_hook is discord.Client.before_identify_hook:
        bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
    task = asyncio.create_task(bot.start(fake.token), name="fake-discord-bot")
    try:
        await _until_ready(bot, fake, task, timeout)
        yield bot
    finally:
        await bot.close()
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            task.cancel()
            await asyncio.wait({task})
    if not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    """The fake has no identify rate limit to respect."""


async def _until_ready(bot: discord.Client, fake: FakeDiscord, task: asyncio.Task[None], timeout: float) -> None:
    """Poll the client's own state: ``wait_until_ready`` cannot be awaited before login starts."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if task.done():
            error = task.exception() if not task.cancelled() else None
            raise RuntimeError(f"bot stopped before becoming ready: {error!r}") from error
        guilds = [bot.get_guild(guild_id) for guild_id in _routed_to(bot, fake)]
        guilds_seen = all(guild is not None and not guild.unavailable for guild in guilds)
        if bot.is_ready() and (guilds_seen or not bot.intents.guilds):  # no GUILDS intent: no GUILD_CREATE
            return
        if loop.time() > deadline:
            gateway = [e.kind for e in fake.gateway_log]
            unknown = [f"{r.method} {r.path}" for r in fake.unknown_requests]
            raise TimeoutError(f"bot not ready after {timeout}s; gateway: {gateway}; unknown routes: {unknown}")
        await asyncio.sleep(0.01)


def _routed_to(bot: discord.Client, fake: FakeDiscord) -> list[int]:
    """The ids of the fake's guilds that Discord sends this bot: those of its shards (every one, unsharded)."""
    # A stand-in for a fake in another process (the load benchmark's) names its one guild only.
    world = getattr(fake, "world", None)
    guild_ids = list(world.guilds) if world is not None else [fake.guild.id]
    count = bot.shard_count
    if not count:
        return guild_ids
    shards = getattr(bot, "shard_ids", None) or ([bot.shard_id] if bot.shard_id is not None else range(count))
    return [guild_id for guild_id in guild_ids if (guild_id >> 22) % count in shards]
