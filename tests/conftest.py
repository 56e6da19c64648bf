from pathlib import Path

import pytest

from fake_discord.fixtures import *  # noqa: F401,F403  (the fake_discord fixture)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_library():
    from retrieval import Library

    return Library.load(SEEDS)
