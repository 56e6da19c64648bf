"""Pointing a stock discord.py at the fake without touching bot code.

discord.py builds every REST URL from ``Route.BASE`` (webhooks and
interaction callbacks included) and connects to
``DiscordWebSocket.DEFAULT_GATEWAY`` (a ``yarl.URL``; it never asks
``GET /gateway`` unless sharded automatically). After READY it reconnects
to ``resume_gateway_url``, which the fake sets to itself. Downloads from
Discord's CDN and media proxy (``Attachment.read`` and other assets, all through
``HTTPClient.get_from_cdn``) go to the fake's CDN instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import HTTPClient, Route

from .cdn import Cdn
from .fake import FakeDiscord
from .server import API_PREFIX


@dataclass(frozen=True)
class FakeAt:
    """A fake started by another process, by its ``url`` (``FakeDiscord.url``): what ``patch_discord`` reads of it.
    For a bot started as a process of its own by a test that serves the fake."""

    url: str

    @property
    def api_base(self) -> str:
        return self.url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return "ws" + self.url.removeprefix("http") + "/"


@contextmanager
def patch_discord(fake: FakeDiscord | FakeAt) -> Iterator[FakeDiscord | FakeAt]:
    """Redirect discord.py's REST base and default gateway to ``fake`` (started), restoring them on exit."""
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY, HTTPClient.get_from_cdn
    get_from_cdn = HTTPClient.get_from_cdn

    async def get_from_fake_cdn(self: HTTPClient, url: str) -> bytes:
        return await get_from_cdn(self, Cdn.redirected(url, fake.url))

    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    HTTPClient.get_from_cdn = get_from_fake_cdn  # type: ignore[method-assign]
    try:
        yield fake
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY, HTTPClient.get_from_cdn = saved
