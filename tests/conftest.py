import itertools
from pathlib import Path

import pytest

from fake_discord.fixtures import *  # noqa: F401,F403  (the fake_discord fixture)
from tests.servers import PostgresServer, RedisServer, serving

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_library():
    from retrieval import Library

    return Library.load(SEEDS)


@pytest.fixture(scope="session")
def postgres_server():
    """One PostgreSQL for the whole run (starting one costs a second or two); tests get their own databases."""
    with serving(PostgresServer()) as server:
        yield server


_databases = itertools.count()


@pytest.fixture
async def postgres_url(postgres_server):
    """The SQLAlchemy URL of a new, empty database on the test PostgreSQL, dropped after the test."""
    name = f"test_{next(_databases)}"
    await postgres_server.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.url(name)
    if postgres_server.running:
        await postgres_server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def redis_server():
    """A redis-server of the test's own, empty: `.url`, and `.stop()` / `.start()` for Redis going away and back."""
    with serving(RedisServer()) as server:
        yield server
