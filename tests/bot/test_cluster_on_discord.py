"""`python -m bot cluster --processes 2` for real: the command an operator types, starting two `python -m bot run`
processes that connect to this test's fake Discord (through tests/fake_discord_site) and share a real Redis.

Slow for a test (each process imports and loads the bot): everything else about the cluster is tested with tiny
children in test_cluster.py, and two shards in one process in test_shards.py.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
from contextlib import asynccontextmanager

from fake_discord import FakeDiscord
from tests.bot.test_cluster import alive
from tests.bot.test_collection import LETTUCE_Q
from tests.bot.test_discord import SHCHYOGOLEV_Q
from tests.bot.test_processes import LUNAR, process_line
from tests.bot.test_shards import answered, assert_each_answered_once, guilds_by_shard
from tests.conftest import ROOT
from bot.reloading import SERVED_WAIT_SECONDS
from tests.servers import stopped

STARTING = 120.0  # two processes importing and loading the bot on a busy 2-core machine


class Output:
    """The cluster's log and its processes' (they share its standard error), read as it comes."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.lines: list[str] = []
        self._reading = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        async for line in stream:
            self.lines.append(line.decode(errors="replace").rstrip())

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    async def pid(self, process: int, started: int = 1) -> int:
        """The pid of process `process`'s `started`-th start, once the cluster has said it."""
        said = rf"process {process} \(shards [\d,]+ of \d+\) started \(pid (\d+)\)"
        async with asyncio.timeout(STARTING):
            while len(found := re.findall(said, self.text)) < started:
                await asyncio.sleep(0.1)
        return int(found[started - 1])

    async def close(self) -> None:
        await asyncio.wait_for(self._reading, 10)


def environment(fake: FakeDiscord, content, redis_url: str) -> dict[str, str]:
    return {**os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "fake_discord_site"), str(ROOT)]),
            "FAKE_DISCORD_URL": fake.url, "BOT_CONFIG": str(ROOT / "config" / "settings.toml"),
            "DISCORD_TOKEN": fake.token, "CONTENT_PATH": str(content), "DATA_PATH": str(content.parent / "data"),
            "REDIS_URL": redis_url, "LOG_LEVEL": "INFO"}


@asynccontextmanager
async def cluster_of_two(fake: FakeDiscord, content, redis_url: str, cwd):
    """`python -m bot cluster --processes 2` running (its output read as it comes), killed after the block if it
    has not stopped by then; its output is printed, to be seen when the test fails."""
    cluster = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "cluster", "--processes", "2", cwd=cwd,
        env=environment(fake, content, redis_url), stderr=asyncio.subprocess.PIPE)
    output = Output(cluster.stderr)
    try:
        yield cluster, output
    finally:
        if cluster.returncode is None:
            cluster.kill()
            await cluster.wait()
        await output.close()
        print(output.text)


async def identified(fake: FakeDiscord, shard: list[int], count: int = 1) -> None:
    """Until `count` gateway sessions have identified as `shard`."""
    async with asyncio.timeout(STARTING):
        while sum(e.kind == "identify" and e.detail["shard"] == shard for e in fake.gateway_log) < count:
            await asyncio.sleep(0.1)


async def test_the_cluster_answers_each_shards_guild_once_through_a_reload_a_redis_outage_and_a_killed_process_then_stops(  # noqa: E501
        fake_discord, content, redis_server, tmp_path):
    fake = fake_discord
    guilds = guilds_by_shard(fake)
    async with cluster_of_two(fake, content, redis_server.url, tmp_path) as (cluster, output):
        for shard in range(2):
            await identified(fake, [shard, 2])
        # Once each shard's process is connected, its guild's questions reach it and are answered.
        first = [await answered(fake, guild, SHCHYOGOLEV_Q) for guild in guilds]
        (content / "lunar.md").write_text(LUNAR)
        reload = await (await fake.invoke_slash("reload", user=fake.moderator)).answer(timeout=STARTING)
        lettuce = [await answered(fake, guild, LETTUCE_Q) for guild in guilds]
        async with stopped(redis_server):
            without_redis = [await answered(fake, guild, SHCHYOGOLEV_Q) for guild in guilds]
        without_redis += [await answered(fake, guild, SHCHYOGOLEV_Q) for guild in guilds]  # as it comes back
        killed = await output.pid(1)
        os.kill(killed, signal.SIGKILL)
        await identified(fake, [1, 2], count=2)  # started again: shard 1 connects anew
        again = await answered(fake, guilds[1], SHCHYOGOLEV_Q)
        pids = [await output.pid(0), await output.pid(1, started=2)]
        cluster.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(cluster.wait(), STARTING)
    assert code == 0, output.text
    assert_each_answered_once(fake, first + lettuce + without_redis + [again])
    assert all("Igor Shchyogolev" in reply["embeds"][0]["description"] for reply in first + without_redis + [again])
    assert "Every process of the bot serves it now (2 of 2)." in reload["content"]
    assert all("twelve heads of lettuce" in reply["embeds"][0]["description"] for reply in lettuce)
    assert "process 1 (shards 1 of 2) ended (killed by SIGKILL)" in output.text
    # Told to stop, each process closed as on Ctrl-C (its exit code 0), and none is left running.
    for process in range(2):
        assert f"process {process} (shards {process} of 2) stopped (exit code 0)" in output.text
    assert not any(alive(pid) for pid in [*pids, killed])


async def test_the_cluster_builds_the_saved_index_once_and_a_process_started_again_takes_its_old_place_at_once(
        fake_discord, content, redis_server, tmp_path):
    fake = fake_discord
    async with cluster_of_two(fake, content, redis_server.url, tmp_path) as (cluster, output):
        for shard in range(2):
            await identified(fake, [shard, 2])
        os.kill(await output.pid(1), signal.SIGKILL)
        await identified(fake, [1, 2], count=2)  # started again, and connected
        status = (await (await fake.invoke_slash("status", user=fake.admin)).answer())["content"]
        (content / "lunar.md").write_text(LUNAR)
        asked = time.monotonic()
        reload = await (await fake.invoke_slash("reload", user=fake.moderator)).answer(timeout=STARTING)
        waited = time.monotonic() - asked
        cluster.send_signal(signal.SIGTERM)
        await asyncio.wait_for(cluster.wait(), STARTING)
    # First start: built once, before either process started; each process loaded what was saved, and so did the
    # one started again.
    log = output.text
    assert log.count("building the saved index (python -m bot index) started") == 1
    built = log.index("building the saved index (python -m bot index): done")
    assert all(built < log.index(f"process {n} (shards {n} of 2) started") for n in range(2))
    assert log.count("(from the saved index)") == 3 and "(indexed)" not in log
    # The process started again beats under its old name: /status lists two, and the reload waits for no ghost.
    assert "**Processes:** 2 live, coordinated through Redis" in status, status
    host = socket.gethostname()
    assert process_line(status, f"{host}:shards 0") and process_line(status, f"{host}:shards 1")
    assert "Every process of the bot serves it now (2 of 2)." in reload["content"]
    assert waited < SERVED_WAIT_SECONDS
