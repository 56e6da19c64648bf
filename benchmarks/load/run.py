"""Running a load: the fake and the driver in a child process and the bot in this one (the default), or
all three in one event loop (as the tests do)."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from dataclasses import dataclass
from typing import Any

from ..common import rss_mb
from .config import LoadConfig
from .driver import Driver
from .figures import finish
from .plan import Question, plan_questions
from .probes import LogCounter, drive_without_collector, measuring


def _settings(config: LoadConfig, token: str, guild_id: int) -> Any:
    from bot.settings import Settings

    index_path = config.index_path or config.content.parent / "index"
    return Settings(_env_file=None, token=token, content_path=config.content, index_path=index_path,
                    dev_guild_id=guild_id,
                    limits={"question_cooldown_rate": config.cooldown_rate,
                            "question_cooldown_seconds": config.cooldown_seconds},
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
        rss_start = rss_mb()
        bot = create_bot(_settings(config, fake.token, fake.guild.id))
        async with run_bot(bot, fake, timeout=config.start_timeout):
            library = bot.content.library.report
            rss_ready = rss_mb()
            load_before = os.getloadavg()
            async with measuring(config, logs) as (lags, pauses):
                await driver.run()
            rss_after = rss_mb()
        results = driver.results()
        results["fake_gc"] = results["bot_gc"] = pauses.summary()  # one process: the same collector
    return finish(config, "one process (fake, driver and bot share an event loop)", results, library,
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
        fake_gc = await drive_without_collector(driver)
        results = driver.results()
        results["fake_gc"] = fake_gc
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
            rss_start = rss_mb()
            bot = create_bot(_settings(config, remote.token, remote.guild.id))
            async with run_bot(bot, remote, timeout=config.start_timeout):  # type: ignore[arg-type]
                library = bot.content.library.report
                rss_ready = rss_mb()
                load_before = os.getloadavg()
                here.send("go")
                async with measuring(config, logs) as (lags, pauses):
                    results = await _recv(here, config.seconds * 3 + config.drain_seconds + 120, "results")
                results["bot_gc"] = pauses.summary()
                rss_after = rss_mb()
        here.send("stop")
    finally:
        child.join(timeout=20)
        if child.is_alive():
            child.terminate()
            child.join(timeout=5)
    return finish(config, "separate processes (fake and driver in a child process, bot in the parent)", results,
                  library, {"start": rss_start, "ready": rss_ready, "after": rss_after}, lags, logs, load_before)
