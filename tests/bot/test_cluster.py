"""`python -m bot cluster`: which shards each process runs, what it refuses, and its supervision of real child
processes (tiny `python -c` children here; the bot's own processes in test_cluster_on_discord.py).

Timing: restarts wait a twentieth of a second here (a second and more in the bot); what the tests wait for they poll
for with a generous deadline.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.cluster import Child, Cluster, Patience, bot_processes
from bot.coordination.local import PROCESS_NAME_VARIABLE
from tests.conftest import ROOT

PATIENCE = 30.0
QUICK = Patience(quick_seconds=5.0, restart_seconds=(0.05, 0.1), give_up_after=3, stop_seconds=1.0)

# A child that writes its pid to the file named by its first argument, then runs until stopped.
SLEEPER = "import os, sys, time; open(sys.argv[1], 'a').write(f'{os.getpid()}\\n'); time.sleep(600)"
# The same, deaf to SIGTERM (a child stuck closing): only a kill stops it.
DEAF = "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); " + SLEEPER


def child(name: str, code: str, *args: object) -> Child:
    return Child(name, (sys.executable, "-c", code, *map(str, args)))


def pids(file: Path) -> list[int]:
    return [int(line) for line in file.read_text().split()] if file.exists() else []


async def until(check, what: str) -> None:
    try:
        async with asyncio.timeout(PATIENCE):
            while not check():
                await asyncio.sleep(0.05)
    except TimeoutError:
        pytest.fail(f"not within {PATIENCE:.0f} s: {what}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# -- which process runs which shards ----------------------------------------------------------------------------


def test_each_process_runs_every_processes_th_shard_so_every_shard_runs_once():
    children = bot_processes(2, 5)
    assert [c.name for c in children] == ["process 0 (shards 0,2,4 of 5)", "process 1 (shards 1,3 of 5)"]
    assert [c.command[-4:] for c in children] == [("--shard-count", "5", "--shard-ids", "0,2,4"),
                                                   ("--shard-count", "5", "--shard-ids", "1,3")]
    assert children[0].command[:4] == (sys.executable, "-m", "bot", "run")


def test_a_machine_with_some_of_the_shards_shares_those_out_among_its_processes():
    children = bot_processes(2, 8, [4, 5, 6])
    assert [c.command[-3:] for c in children] == [("8", "--shard-ids", "4,6"), ("8", "--shard-ids", "5")]


def test_one_process_without_a_shard_count_runs_the_bot_as_run_does():
    [alone] = bot_processes(1, None)
    assert alone.command == (sys.executable, "-m", "bot", "run")


def test_each_process_goes_by_a_name_of_its_own_that_stays_when_it_is_started_again():
    names = [c.environment[PROCESS_NAME_VARIABLE] for c in bot_processes(2, 4)]
    assert len(set(names)) == 2 and names[0].endswith(":shards 0,2") and names[1].endswith(":shards 1,3")
    assert [c.environment[PROCESS_NAME_VARIABLE] for c in bot_processes(2, 4)] == names


@pytest.fixture
def cli(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no developer's .env
    monkeypatch.setenv("BOT_CONFIG", str(ROOT / "config" / "settings.toml"))
    monkeypatch.setenv("DISCORD_TOKEN", "a-token")
    for name in ("REDIS_URL", "SHARD_COUNT", "SHARD_IDS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("argv, env, said", [
    (["--processes", "2"], {}, "2 processes need Redis to share Discord's request budget"),
    (["--processes", "3", "--shard-count", "2"], {"REDIS_URL": "redis://127.0.0.1:1/0"},
     "shard_count is 2 shard(s), fewer than the 3 processes"),
    (["--processes", "2"], {"REDIS_URL": "redis://127.0.0.1:1/0", "SHARD_COUNT": "4", "SHARD_IDS": "3"},
     "shard_ids names 1 shard(s), fewer than the 2 processes"),
    (["--processes", "1"], {"DISCORD_TOKEN": ""}, "needs a bot token"),
])
def test_cluster_refuses_what_cannot_work_before_starting_anything(cli, capsys, argv, env, said):
    for name, value in env.items():
        cli.setenv(name, value)
    assert main(["cluster", *argv]) == 2
    assert said in capsys.readouterr().err


# -- supervising child processes --------------------------------------------------------------------------------


async def test_a_child_that_ends_is_started_again_and_the_others_run_on(tmp_path, caplog):
    caplog.set_level(logging.INFO, "bot.cluster")
    first, second = tmp_path / "first", tmp_path / "second"
    cluster = Cluster([child("first", SLEEPER, first), child("second", SLEEPER, second)], QUICK)
    running = asyncio.create_task(cluster.run())
    try:
        await until(lambda: pids(first) and pids(second), "both started")
        os.kill(pids(first)[0], signal.SIGKILL)
        await until(lambda: len(pids(first)) == 2, "first started again")
    finally:
        cluster.stop()
        code = await asyncio.wait_for(running, PATIENCE)
    assert code == 0
    assert len(pids(second)) == 1  # never touched
    assert not any(alive(pid) for pid in pids(first) + pids(second))
    assert "first ended (killed by SIGKILL)" in caplog.text and "starting it again in" in caplog.text


async def test_a_child_dying_at_once_again_and_again_makes_the_cluster_give_up_with_an_error(tmp_path, caplog):
    caplog.set_level(logging.INFO, "bot.cluster")
    other = tmp_path / "other"
    cluster = Cluster([child("broken", "import sys; sys.exit(3)"), child("other", SLEEPER, other)], QUICK)
    code = await asyncio.wait_for(cluster.run(), PATIENCE)
    assert code == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == ["broken ended 3 times in a row within 5 s of starting (last: exit code 3): not starting it "
                      "again, and stopping the others; its log above says why"]
    restarts = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(restarts) == 2 and "(1 time(s) in a row; the cluster gives up at 3)" in restarts[0]
    assert pids(other) and not alive(pids(other)[0])  # the others are stopped with it


async def test_a_child_that_cannot_be_started_counts_as_dying_at_once(tmp_path):
    cluster = Cluster([Child("missing", (str(tmp_path / "no-such-program"),))], QUICK)
    assert await asyncio.wait_for(cluster.run(), PATIENCE) == 1


# A first job that notes when it ends, and children that note when they start, in one file.
SLOW_FIRST = "import sys, time; time.sleep(0.5); open(sys.argv[1], 'a').write('first\\n')"
NOTING = "import sys, time; open(sys.argv[1], 'a').write('child\\n'); time.sleep(600)"


async def test_the_first_job_runs_to_its_end_before_any_child_starts(tmp_path):
    order = tmp_path / "order"
    cluster = Cluster([child("a", NOTING, order), child("b", NOTING, order)], QUICK,
                      first=child("first", SLOW_FIRST, order))
    running = asyncio.create_task(cluster.run())
    try:
        await until(lambda: order.exists() and order.read_text().count("child") == 2, "both children started")
    finally:
        cluster.stop()
        assert await asyncio.wait_for(running, PATIENCE) == 0
    assert order.read_text().split() == ["first", "child", "child"]


async def test_a_first_job_that_fails_stops_the_cluster_with_an_error_before_any_child_starts(tmp_path, caplog):
    started = tmp_path / "started"
    cluster = Cluster([child("a", SLEEPER, started)], QUICK, first=child("the build", "import sys; sys.exit(1)"))
    assert await asyncio.wait_for(cluster.run(), PATIENCE) == 1
    assert not started.exists()
    assert ("the build failed (exit code 1): not starting the bot's processes; its error above says why"
            in caplog.text)


def test_the_cluster_command_over_content_it_cannot_read_says_why_and_starts_no_process(tmp_path):
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "BOT_CONFIG": str(ROOT / "config" / "settings.toml"),
                   "DISCORD_TOKEN": "a-token", "REDIS_URL": "redis://127.0.0.1:1/0",
                   "CONTENT_PATH": str(tmp_path / "missing"), "DATA_PATH": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-m", "bot", "cluster", "--processes", "2"], cwd=tmp_path,
                          env=environment, capture_output=True, text=True, timeout=PATIENCE)
    assert done.returncode == 1, done.stderr
    assert "error: content path" in done.stderr and "does not exist" in done.stderr
    assert "building the saved index (python -m bot index) failed (exit code 1)" in done.stderr
    assert "process 0" not in done.stderr and "process 1" not in done.stderr


# The cluster in a process of its own, as an operator runs it: children from JSON, stopped by a real signal.
CLUSTER = """
import asyncio, json, logging, sys
from bot.cluster import Child, Cluster, Patience
logging.basicConfig(level="INFO", format="%(message)s")
children = [Child(name, tuple(command)) for name, command in json.loads(sys.argv[1])]
sys.exit(asyncio.run(Cluster(children, Patience(stop_seconds=1.0)).run()))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
async def test_sigterm_or_ctrl_c_stops_every_child_and_kills_one_that_does_not_stop_in_time(tmp_path, signum):
    polite, deaf = tmp_path / "polite", tmp_path / "deaf"
    children = [["polite", [sys.executable, "-c", SLEEPER, str(polite)]],
                ["deaf", [sys.executable, "-c", DEAF, str(deaf)]]]
    cluster = subprocess.Popen([sys.executable, "-c", CLUSTER, json.dumps(children)], cwd=ROOT,
                               stderr=subprocess.PIPE, text=True)
    try:
        await until(lambda: pids(polite) and pids(deaf), "both started")
        cluster.send_signal(signum)
        code = await asyncio.to_thread(cluster.wait, PATIENCE)
    finally:
        cluster.kill()
        log = cluster.stderr.read()
    assert code == 0, log
    assert not alive(pids(polite)[0]) and not alive(pids(deaf)[0])
    assert f"{signum.name}: stopping 2 process(es)" in log
    assert "polite stopped (killed by SIGTERM)" in log
    assert "deaf did not stop in time: killing it" in log and "deaf stopped (killed by SIGKILL)" in log
