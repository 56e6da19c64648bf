"""pytest integration: a started fake per test, with discord.py pointed at it.

A conftest can expose these with ``from fake_discord.fixtures import *``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .fake import FakeDiscord
from .running import fake_discord_server, run_bot

__all__ = ["fake_discord", "fake_discord_server", "run_bot"]


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A fresh fake per test (small heartbeat interval), discord.py patched to it, stopped and restored after."""
    async with fake_discord_server() as fake:
        yield fake
