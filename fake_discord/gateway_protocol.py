"""The gateway's wire protocol: opcodes, close codes, transport compression, connections and sessions.

One ``GatewaySession`` per IDENTIFY holds the sequence counter and the log of
every event sent, so a client that reconnects and RESUMEs gets the events it
missed, as on Discord. A ``GatewayConnection`` is one websocket; it owns the
transport compressor, which must see every payload of the connection in
order (zlib-stream is a single deflate stream per connection).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .payloads import Json

# Opcodes.
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11

# Close codes (https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway).
UNKNOWN_OPCODE, DECODE_ERROR, NOT_AUTHENTICATED, AUTHENTICATION_FAILED = 4001, 4002, 4003, 4004
ALREADY_AUTHENTICATED, INVALID_SEQ, INVALID_SHARD = 4005, 4007, 4010
INVALID_API_VERSION, INVALID_INTENTS, DISALLOWED_INTENTS = 4012, 4013, 4014

TRACE = ['["fake-discord-gateway",{"micros":0}]']


def _compressor(kind: str | None) -> Callable[[bytes], bytes] | None:
    """Transport compression as asked for in the connect URL's ``compress`` parameter."""
    if kind is None:
        return None
    if kind == "zlib-stream":
        deflate = zlib.compressobj()
        return lambda data: deflate.compress(data) + deflate.flush(zlib.Z_SYNC_FLUSH)
    if kind == "zstd-stream":
        # discord.py asks for zstd only when it can import zstandard (or compression.zstd on
        # Python 3.14+, which this fake does not use: the ImportError closes the connection).
        import zstandard

        stream = zstandard.ZstdCompressor().compressobj()
        return lambda data: stream.compress(data) + stream.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
    raise ValueError(f"unsupported gateway compression {kind!r}")


@dataclass
class GatewayEvent:
    """One thing that happened on the gateway, for tests to assert on or await.

    ``kind`` is one of: connect, identify, ready, resume, resumed,
    invalid_session, reconnect_requested, server_close, closed, presence,
    voice_state, request_members.
    """

    kind: str
    session_id: str | None
    connection_id: int
    time: float
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Heartbeat:
    connection_id: int
    time: float
    gap: float
    """Seconds since the previous heartbeat on this connection (or since HELLO for the first)."""
    sequence: int | None


class GatewayConnection:
    def __init__(self, connection_id: int, ws: web.WebSocketResponse, compression: str | None) -> None:
        self.id = connection_id
        self.ws = ws
        self.session: GatewaySession | None = None
        self.last_beat = time.monotonic()
        self._compress = _compressor(compression)
        self._lock = asyncio.Lock()

    async def send(self, payload: Json | str) -> None:
        """Send one payload; a dropped connection is ignored (RESUME replays from the session)."""
        text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.ws.closed:
                return
            try:
                if self._compress is None:
                    await self.ws.send_str(text)
                else:
                    await self.ws.send_bytes(self._compress(text.encode()))
            except ConnectionError:
                pass


class GatewaySession:
    def __init__(self, intents: int, shard: tuple[int, int] | None) -> None:
        self.id = uuid.uuid4().hex
        self.intents = intents
        self.shard = shard
        self.seq = 0
        self.alive = True
        self.connection: GatewayConnection | None = None
        self.backlog: list[tuple[int, str]] = []
        self.lock = asyncio.Lock()

    async def push(self, event: str, data: Json) -> None:
        """Number, log and (if connected) send a dispatch; serialised now so later edits don't leak in."""
        async with self.lock:
            self.seq += 1
            text = json.dumps({"op": DISPATCH, "t": event, "s": self.seq, "d": data}, separators=(",", ":"))
            self.backlog.append((self.seq, text))
            if self.connection is not None:
                await self.connection.send(text)

