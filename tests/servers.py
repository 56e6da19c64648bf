"""Real PostgreSQL and Redis servers for the tests, each started in a temporary folder on a free port.

The binaries come from the system (Debian's `postgresql` and `redis-server` packages; `.ci/run` installs
them). Where one is missing, the tests that need it are skipped with the binary's name, except under CI
(`REQUIRE_TEST_SERVERS=1`), where that is a failure: a green CI run means they ran.

`start()` and `stop()` block until the server is up or down: a test calls them between its steps, where
nothing else is meant to run.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager
from pathlib import Path

import asyncpg
import pytest

REQUIRED = os.environ.get("REQUIRE_TEST_SERVERS") == "1"
# Debian keeps PostgreSQL's server programs off PATH, one folder per major version.
DEBIAN_POSTGRES = Path("/usr/lib/postgresql")
# initdb refuses to run as root: as root, the cluster belongs to this user (Debian's package creates it).
POSTGRES_USER = "postgres"
READY_SECONDS = 30.0


def binary(name: str, *, debian_postgres: bool = False) -> Path:
    """The server binary, from PATH or (PostgreSQL) Debian's versioned folder, newest first; else the test is
    skipped, or failed under CI."""
    found = shutil.which(name)
    if found:
        return Path(found)
    if debian_postgres:
        versions = sorted(DEBIAN_POSTGRES.glob(f"*/bin/{name}"),
                          key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
        if versions:
            return versions[-1]
    missing = f"{name} not found (install Debian's {'postgresql' if debian_postgres else name} package: .ci/run does)"
    if REQUIRED:
        pytest.fail(f"REQUIRE_TEST_SERVERS=1 but {missing}", pytrace=False)
    pytest.skip(missing)


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"


class PostgresServer:
    """A PostgreSQL cluster in a temporary folder: trust authentication, its unix socket inside the folder, TCP on
    127.0.0.1:`port`. `url(database)` is the SQLAlchemy URL of one of its databases."""

    def __init__(self) -> None:
        self.bin = binary("pg_ctl", debian_postgres=True).parent
        self.folder = Path(tempfile.mkdtemp(prefix="qa-bot-postgres-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = free_port()
        self.running = False
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam(POSTGRES_USER)
            except KeyError:
                pytest.fail(f"the tests run as root, initdb refuses root, and there is no {POSTGRES_USER!r} user to "
                            f"run it as (Debian's postgresql package creates one)", pytrace=False)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self._as_owner = ["runuser", "-u", POSTGRES_USER, "--"]

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run([*self._as_owner, str(self.bin / program), *args],
                              capture_output=True, text=True, cwd=self.folder)
        if done.returncode:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr or done.stdout}\n{_tail(self.log)}")

    def url(self, database: str = "postgres", password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql+asyncpg://postgres{secret}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        if not self.data.exists():
            self._run("initdb", "--pgdata", str(self.data), "--username", "postgres", "--auth", "trust",
                      "--encoding", "UTF8", "--locale", "C", "--no-sync")
        # Durability is not what the tests are about: without fsync a test database costs no disk flushes.
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "start", "--wait", "--timeout", str(int(READY_SECONDS)), "--pgdata", str(self.data),
                  "--log", str(self.log), "-o", options)
        self.running = True

    def stop(self) -> None:
        if self.running:
            self._run("pg_ctl", "stop", "--wait", "--mode", "fast", "--pgdata", str(self.data))
            self.running = False

    async def execute(self, statement: str) -> None:
        """Run one statement in the `postgres` database (CREATE DATABASE cannot run inside a transaction)."""
        connection = await asyncpg.connect(host="127.0.0.1", port=self.port, user="postgres", database="postgres")
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class RedisServer:
    """A redis-server on 127.0.0.1:`port`, nothing saved to disk; `stop()` and `start()` again on the same port
    are Redis going away and coming back."""

    def __init__(self) -> None:
        self.program = binary("redis-server")
        self.folder = Path(tempfile.mkdtemp(prefix="qa-bot-redis-"))
        self.log = self.folder / "server.log"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        if self._process is not None:
            raise RuntimeError("redis-server is already running")
        self._process = subprocess.Popen(
            [str(self.program), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--logfile", str(self.log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + READY_SECONDS
        while not self._answers_ping():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not start on port {self.port}:\n{_tail(self.log)}")
            time.sleep(0.01)

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(READY_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def serving(server: PostgresServer | RedisServer) -> Iterator:
    """The server started for the block; then stopped, and its folder removed whatever happened."""
    try:
        server.start()
        yield server
        server.stop()
    finally:
        server.remove()


@asynccontextmanager
async def stopped(server: PostgresServer | RedisServer) -> AsyncIterator[None]:
    """The server down for the block and up again after it, on the same port. Stopped and started off the event
    loop, so that the bot under test goes on running meanwhile."""
    await asyncio.to_thread(server.stop)
    try:
        yield
    finally:
        await asyncio.to_thread(server.start)
