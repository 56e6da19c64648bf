"""Pointing a stock discord.py at the fake without touching bot code.

discord.py builds every REST URL from ``Route.BASE`` (webhooks and
interaction callbacks included) and connects to
``DiscordWebSocket.DEFAULT_GATEWAY`` (a ``yarl.URL``; it never asks
``GET /gateway`` unless sharded automatically). After READY it reconnects
to ``resume_gateway_url``, which the fake sets to itself. Asset and CDN URLs
(``https://cdn.discordapp.com``) are not redirected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .fake import FakeDiscord


@contextmanager
def patch_discord(fake: FakeDiscord) -> Iterator[FakeDiscord]:
    """Redirect discord.py's REST base and default gateway to ``fake`` (started), restoring them on exit."""
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield fake
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
