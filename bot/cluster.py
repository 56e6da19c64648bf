"""`python -m bot cluster`: the bot as several `python -m bot run` processes on this machine, each running its own
shards, started again when one ends, and stopped together.

Before the first child starts, the saved index is built once (`python -m bot index`, in a child process so that the
cluster itself stays small): otherwise every child would build it at once, each with the memory of a whole build.
The children then load the saved index.

Each child runs in a process group of its own, so that a Ctrl-C in the terminal reaches the cluster only and each
child is told to stop once, by the cluster (SIGTERM, which `run` handles as Ctrl-C: it closes cleanly).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field

from .coordination.local import PROCESS_NAME_VARIABLE
from .settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Patience:
    """How the cluster restarts and stops its children."""

    quick_seconds: float = 30.0
    """A child that ends sooner than this after starting died at once (a bad token, a broken setting, Discord
    refusing it): each such death in a row waits twice as long before the next start."""
    restart_seconds: tuple[float, float] = (1.0, 60.0)
    """The wait before a start again: the first, and the longest it doubles up to."""
    give_up_after: int = 5
    """Deaths at once in a row after which starting again is pointless: the cluster stops, with an error."""
    stop_seconds: float = 30.0
    """How long a child told to stop may take (answers in flight, closing its sessions) before it is killed."""


@dataclass(frozen=True)
class Child:
    name: str
    command: tuple[str, ...]
    environment: Mapping[str, str] = field(default_factory=dict)
    """Set for the child on top of the cluster's own environment."""


# Run to its end before any process of the bot starts: builds the saved index, or finds it current.
SAVED_INDEX = Child("building the saved index (python -m bot index)", (sys.executable, "-m", "bot", "index"))


class GaveUp(Exception):
    """A child kept dying at once; the message says which and how."""


def bot_processes(processes: int, shard_count: int | None, shard_ids: Sequence[int] | None = None) -> list[Child]:
    """`python -m bot run` once per process, process i with every `processes`-th of this machine's shards from the
    i-th (`shard_ids`, default all of `shard_count`), so that each runs in one process. One process without a count
    runs the bot as `run` alone does (every shard Discord recommends)."""
    run = (sys.executable, "-m", "bot", "run")
    if shard_count is None:
        return [Child("the bot's process", run, _named("all shards"))]
    here = list(shard_ids) if shard_ids is not None else list(range(shard_count))
    children = []
    for process in range(processes):
        ids = ",".join(map(str, here[process::processes]))
        children.append(Child(f"process {process} (shards {ids} of {shard_count})",
                              (*run, "--shard-count", str(shard_count), "--shard-ids", ids), _named(f"shards {ids}")))
    return children


def _named(shards: str) -> dict[str, str]:
    """The name a child's heartbeat goes by, the same each time it is started: a child started again replaces its
    old heartbeat at once, rather than /status listing one process too many (and a reload waiting for it) until
    the old one expires. Its shards make it unique among the bot's processes, on every machine."""
    return {PROCESS_NAME_VARIABLE: f"{socket.gethostname()}:{shards}"}


def refusal(settings: Settings, processes: int) -> str | None:
    """Why the cluster must not start with these settings (None: it may)."""
    if settings.token is None:
        return "cluster runs the bot on Discord and needs a bot token: set DISCORD_TOKEN in the environment or .env"
    if processes > 1 and settings.redis_url is None:
        return (f"{processes} processes need Redis to share Discord's request budget, members' cooldowns and reloads: "
                "set redis_url (see README, Running several processes), or run --processes 1")
    shards = len(settings.shard_ids) if settings.shard_ids is not None else settings.shard_count
    if shards is not None and shards < processes:
        which = "shard_ids names" if settings.shard_ids is not None else "shard_count is"
        return (f"{which} {shards} shard(s), fewer than the {processes} processes: each process needs a shard of its "
                f"own; ask for at most {shards} processes or more shards")
    return None


def run_cluster(settings: Settings, processes: int) -> int:
    """`python -m bot cluster`: the exit code (0 when stopped by Ctrl-C or SIGTERM, 1 when the saved index could not
    be built or a child kept dying)."""
    shard_count = settings.shard_count or (processes if processes > 1 else None)
    if settings.index_path is None:
        log.info("index_path is empty: each process builds its own library at each start (nothing is saved)")
    first = SAVED_INDEX if settings.index_path is not None else None
    return asyncio.run(Cluster(bot_processes(processes, shard_count, settings.shard_ids), first=first).run())


def _ended(code: int | None) -> str:
    if code is None:
        return "could not be started"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


async def _first(*waits: Awaitable[object]) -> None:
    """Until the first of `waits` is done; the others are cancelled."""
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class Cluster:
    """Keeps each of `children` running until Ctrl-C or SIGTERM (or `stop()`), then stops them all. `first`, if
    given, runs to its end before them; if it fails, none is started."""

    def __init__(self, children: Sequence[Child], patience: Patience = Patience(), first: Child | None = None
                 ) -> None:
        self.children, self.patience, self.first = list(children), patience, first
        self._stopping = asyncio.Event()
        self._kill_now = asyncio.Event()  # a second Ctrl-C: the operator will not wait

    def stop(self, reason: str = "asked to stop") -> None:
        if not self._stopping.is_set():
            log.info("%s: stopping %d process(es) (each has %.0f s to close, then is killed; again to kill now)",
                     reason, len(self.children), self.patience.stop_seconds)
            self._stopping.set()
        elif not self._kill_now.is_set():
            log.warning("%s again: killing every process now", reason)
            self._kill_now.set()

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.stop, signal.Signals(signum).name)
        try:
            if self.first is not None and not await self._done_first(self.first):
                return 0 if self._stopping.is_set() else 1
            keepers = [asyncio.create_task(self._keep(child), name=child.name) for child in self.children]
            await _first(self._stopping.wait(), asyncio.wait(keepers, return_when=asyncio.FIRST_EXCEPTION))
            self._stopping.set()  # a child gave up: the others stop too (a part of the bot is no bot)
            results = await asyncio.gather(*keepers, return_exceptions=True)
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)
        failures = [result for result in results if isinstance(result, BaseException)]
        for failure in failures:
            if not isinstance(failure, GaveUp):  # a bug in the cluster itself
                log.error("supervising a process failed", exc_info=failure)
        log.info("every process of the bot has stopped")
        return 1 if failures else 0

    async def _done_first(self, job: Child) -> bool:
        """`job` run to its end: True when it succeeded and the children may start."""
        started = time.monotonic()
        # What `index` prints is a line per article (a million passages' worth): the log keeps its errors only.
        code = await self._run_once(job, stdout=asyncio.subprocess.DEVNULL)
        if self._stopping.is_set():
            log.info("stopped before any process of the bot was started")
            return False
        if code != 0:
            log.error("%s failed (%s): not starting the bot's processes; its error above says why", job.name,
                      _ended(code))
            return False
        log.info("%s: done in %.1f s; starting the bot's processes", job.name, time.monotonic() - started)
        return True

    async def _keep(self, child: Child) -> None:
        """`child` running until the cluster stops, started again each time it ends; raises `GaveUp`."""
        at_once = 0
        while not self._stopping.is_set():
            started = time.monotonic()
            code = await self._run_once(child)
            if self._stopping.is_set():
                return
            lived = time.monotonic() - started
            at_once = at_once + 1 if lived < self.patience.quick_seconds else 0
            if at_once >= self.patience.give_up_after:
                gave_up = (f"{child.name} ended {at_once} times in a row within {self.patience.quick_seconds:.0f} s "
                           f"of starting (last: {_ended(code)}): not starting it again, and stopping the others; "
                           f"its log above says why")
                log.error("%s", gave_up)  # now, before the others' stopping fills the log
                raise GaveUp(gave_up)
            first, longest = self.patience.restart_seconds
            delay = min(first * 2 ** max(at_once - 1, 0), longest)
            said = (f"{lived:.1f} s after it started ({at_once} time(s) in a row; the cluster gives up at "
                    f"{self.patience.give_up_after})" if at_once else f"after running {lived:.0f} s")
            log.warning("%s ended (%s) %s: starting it again in %.1f s", child.name, _ended(code), said, delay)
            await _first(self._stopping.wait(), asyncio.sleep(delay))

    async def _run_once(self, child: Child, stdout: int | None = None) -> int | None:
        """Start `child` and wait until it ends (its exit code) or the cluster stops (then it is stopped)."""
        environment = {**os.environ, **child.environment} if child.environment else None
        try:
            # A process group of its own: the terminal's Ctrl-C is the cluster's to pass on, once.
            process = await asyncio.create_subprocess_exec(*child.command, process_group=0, env=environment,
                                                           stdout=stdout)
        except OSError as exc:
            log.error("%s could not be started: %s", child.name, exc)
            return None
        log.info("%s started (pid %d)", child.name, process.pid)
        await _first(process.wait(), self._stopping.wait())
        if process.returncode is None:
            await self._end(child, process)
        return process.returncode

    async def _end(self, child: Child, process: asyncio.subprocess.Process) -> None:
        try:
            process.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass  # it ended meanwhile
        await _first(process.wait(), self._kill_now.wait(), asyncio.sleep(self.patience.stop_seconds))
        if process.returncode is None:
            log.warning("%s did not stop in time: killing it", child.name)
            process.kill()
            await process.wait()
        log.info("%s stopped (%s)", child.name, _ended(process.returncode))
