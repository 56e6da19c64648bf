"""A load run against the bot as several processes: `python -m bot cluster --processes P`, coordinated through a
redis-server started for the run, each process with its shards of the fake Discord (issue 17).

The fake Discord and the driver run in this process (the bot is not here: it runs in the cluster's children), and
the cluster is started as an operator starts it, with `tests/fake_discord_site` on its PYTHONPATH so that discord.py
in each of its processes talks to this fake (the way `tests/bot/test_cluster_on_discord.py` runs it). The fake has
a guild on each shard and members ask in all of them in turn; the moderator's /reload goes to the first guild's
shard, and its reply says how many of the bot's processes serve the new index.

What is measured of the bot from outside its processes: each process's memory (from /proc), the warnings and
errors in their log, and, from the fake's records, the bot's REST requests per second, all processes together,
against the shared budget (`limits.replies_per_second`). Event-loop lag and garbage-collection pauses are measured
inside the bot's process only in the one-process modes.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ..common import ROOT, rss_mb
from .config import LoadConfig
from .driver import Driver
from .figures import GOAL_P99_CLUSTER_MS, finish
from .plan import plan_questions
from .probes import LogCounter, drive_without_collector

SITE = ROOT / "tests" / "fake_discord_site"  # its sitecustomize points each process's discord.py at the fake
CONFIG = ROOT / "config" / "settings.toml"
STOP_SECONDS = 60.0
LOG_LINE = re.compile(r"^\S+ \S+ (WARNING|ERROR|CRITICAL) ")
# Discord's global limit of 50 requests a second per bot does not apply to interaction endpoints (a slash command's
# response and its follow-ups through the webhook): the bot's shared budget counts the rest, its message replies.
EXEMPT = ("/interactions/", "/webhooks/")


def redis_server() -> Any:
    """A redis-server of the run's own (tests/servers.py's), not started yet; exits naming what is missing."""
    import pytest

    from tests.servers import RedisServer

    try:
        return RedisServer()
    except (pytest.skip.Exception, pytest.fail.Exception) as missing:
        raise SystemExit(f"--processes needs a redis-server to coordinate the bot's processes: {missing.msg}") from None


def environment(fake: Any, config: LoadConfig, redis_url: str, folder: Path) -> dict[str, str]:
    """The cluster's environment: this fake, this content, this Redis; the repository's settings file otherwise,
    with the load run's cooldown and the one-process runs' other settings."""
    index_path = config.index_path or config.content.parent / "index"
    python_path = [str(SITE), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(python_path), "FAKE_DISCORD_URL": fake.url,
            "BOT_CONFIG": str(CONFIG), "DISCORD_TOKEN": fake.token, "CONTENT_PATH": str(config.content),
            "DATA_PATH": str(folder / "data"), "INDEX_PATH": str(index_path), "REDIS_URL": redis_url,
            "LIMITS__QUESTION_COOLDOWN_RATE": str(config.cooldown_rate),
            "LIMITS__QUESTION_COOLDOWN_SECONDS": str(config.cooldown_seconds),
            "MESSAGE_CONTENT_INTENT": "false", "ANSWER_CHANNEL_IDS": "[]", "LOG_LEVEL": "WARNING"}


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc), oldest first."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) ": state, ppid, ..., starttime (22nd)
        if int(fields[1]) == pid:
            found.append((int(fields[19]), int(entry.name)))
    return [child for _, child in sorted(found)]


def most_in_a_second(times: list[float]) -> int:
    """The most of `times` (seconds) within any 1-second window [t, t + 1)."""
    ordered, most, first = sorted(times), 0, 0
    for last, moment in enumerate(ordered):
        while ordered[first] <= moment - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def request_rates(fake: Any, started: float, finished: float, budget: int) -> dict[str, Any]:
    """The bot's REST requests to the fake while the run lasted, most in any second: all of them, and those Discord
    counts against its global limit, against the bot's shared budget."""
    during = [r for r in fake.requests if started <= r.time <= finished]
    counted = [r.time for r in during if not r.path.startswith(EXEMPT)]
    most = most_in_a_second(counted)
    return {"all_max_per_s": most_in_a_second([r.time for r in during]), "global_max_per_s": most,
            "global_requests": len(counted), "requests": len(during), "budget_per_s": budget, "held": most <= budget}


async def _ready(fake: Any, cluster: asyncio.subprocess.Process, shards: int, timeout: float) -> None:
    """Until every shard has identified and got READY (the bot registers no slash command here: the fake takes an
    unregistered one as global, and discord.py finds it by its name)."""
    deadline = time.monotonic() + timeout
    while True:
        ready = {event.connection_id for event in fake.gateway_log if event.kind == "ready"}
        identified = {tuple(event.detail.get("shard") or ()) for event in fake.gateway_log
                      if event.kind == "identify" and event.connection_id in ready}
        if all((shard, shards) in identified for shard in range(shards)):
            return
        if cluster.returncode is not None:
            raise RuntimeError(f"the cluster ended before its shards connected (exit code {cluster.returncode})")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the cluster's {shards} shards did not all connect within {timeout:.0f} s")
        await asyncio.sleep(0.2)


async def _stop(cluster: asyncio.subprocess.Process) -> int:
    """The cluster told to stop as on Ctrl-C (SIGTERM: it stops its children), killed if it takes too long."""
    if cluster.returncode is None:
        cluster.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(cluster.wait(), STOP_SECONDS)
        except TimeoutError:
            cluster.kill()
            await cluster.wait()
    return cluster.returncode


def _logged(log: Path) -> LogCounter:
    counter = LogCounter()
    for line in log.read_text(errors="replace").splitlines() if log.exists() else []:
        if (level := LOG_LINE.match(line)) is not None:
            counter.counts[level.group(1)] += 1
            if len(counter.first) < 5:
                counter.first.append(line[:200])
    return counter


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


async def run_cluster(config: LoadConfig, processes: int, folder: Path) -> dict[str, Any]:
    """The fake and the driver in this process, the bot as `python -m bot cluster --processes P` with P shards, one
    guild on each, a redis-server for the run; `folder` holds the cluster's log and data."""
    from fake_discord import FakeDiscord

    from bot.settings import Settings

    budget = Settings(_env_file=None).limits.replies_per_second
    plan = plan_questions(config.content, config.count, config.count // 2 if config.reload else None, config.seed)
    log = folder / "cluster.log"
    async with FakeDiscord(heartbeat_interval_ms=config.heartbeat_ms) as fake:
        home = (fake.guild.id >> 22) % processes
        guilds = {home: fake.guild}
        for shard in range(processes):
            guilds.setdefault(shard, fake.world.add_guild(f"Guild on shard {shard}", shard=(shard, processes)))
        driver = Driver(fake, config, plan, guilds=[guilds[shard] for shard in range(processes)],
                        shard_count=processes)
        await driver.add_members()
        redis = redis_server()
        redis.start()
        try:
            with log.open("wb") as output:
                cluster = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "cluster", "--processes", str(processes), cwd=folder,
                    env=environment(fake, config, redis.url, folder), stdout=asyncio.subprocess.DEVNULL, stderr=output)
                try:
                    try:
                        await _ready(fake, cluster, processes, config.start_timeout)
                    except (RuntimeError, TimeoutError) as exc:
                        raise SystemExit(f"{exc}; the cluster's log ends:\n{_tail(log)}") from None
                    pids = [pid for pid in children(cluster.pid)]
                    status = await fake.invoke_slash("status", user=fake.admin)
                    driver.setup_interactions.add(str(status.id))
                    said = (await status.answer(timeout=60)).get("content") or ""
                    collection = re.search(r"\*\*Collection:\*\* ([\d,]+) articles, ([\d,]+) passages", said)
                    live = re.search(r"\*\*Processes:\*\* (\d+) live", said)
                    library = SimpleNamespace(articles=int(collection.group(1).replace(",", "")),
                                              passages=int(collection.group(2).replace(",", ""))) if collection else \
                        SimpleNamespace(articles=0, passages=0)
                    rss_ready = {pid: rss_mb(pid) for pid in pids}
                    load_before = os.getloadavg()
                    # The fake's collector is off while it times the bot, as in the two-process layout (run.py).
                    fake_gc = await drive_without_collector(driver)
                    rss_after = {pid: rss_mb(pid) for pid in pids}
                finally:
                    code = await _stop(cluster)
        finally:
            redis.stop()  # whatever happened: a failed run leaves no redis-server behind
            redis.remove()
        results = driver.results()
    results["fake_gc"] = fake_gc
    results["bot_gc"] = None  # inside the bot's processes: not measured here
    results["rest_per_second"] = request_rates(fake, driver.started, driver.finished, budget)
    results["bot_processes"] = {
        "count": processes, "live_in_status": int(live.group(1)) if live else None, "cluster_exit_code": code,
        "rss_mb": [{"pid": pid, "ready": rss_ready[pid], "after": rss_after[pid]} for pid in pids]}
    logs = _logged(log)
    mode = (f"{processes} bot processes (python -m bot cluster --processes {processes}, one shard each, "
            f"coordinated through Redis; /status before the run: {live.group(1) if live else '?'} live), "
            f"fake and driver in the benchmark's process")
    nan = {"rss": float("nan"), "peak": float("nan")}
    rss = {"start": nan, "ready": _summed(rss_ready), "after": _summed(rss_after)}
    report = finish(config, mode, results, library, rss, [], logs, load_before)
    report["goal_p99_ms"] = GOAL_P99_CLUSTER_MS
    report["by_shard"] = [(shard, {"asked": sum(r["shard"] == shard for r in records),
                                   "lost": sum(r["shard"] == shard and r["answers"] == 0 for r in records),
                                   "duplicated": sum(r["shard"] == shard and r["answers"] > 1 for r in records)})
                          for shard in range(processes) for records in [report["records"]]]
    return report


def _summed(figures: dict[int, dict[str, float]]) -> dict[str, float]:
    return {key: round(sum(f[key] for f in figures.values()), 1) for key in ("rss", "peak")}
