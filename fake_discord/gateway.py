"""The fake gateway: Discord's websocket protocol as a stock client sees it.

A ``Gateway`` serves the websocket: HELLO, IDENTIFY and RESUME (the
sessions and connections are in ``gateway_protocol``), heartbeats, member
requests, and the dispatches the fake sends.

Delivery honours the intents from IDENTIFY, including Discord's
MESSAGE_CONTENT rule: without that intent a bot gets message bodies only for
DMs, its own messages, messages mentioning it and replies to it.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .gateway_protocol import (
    ALREADY_AUTHENTICATED,
    AUTHENTICATION_FAILED,
    DECODE_ERROR,
    DISALLOWED_INTENTS,
    HEARTBEAT,
    HEARTBEAT_ACK,
    HELLO,
    IDENTIFY,
    INVALID_API_VERSION,
    INVALID_INTENTS,
    INVALID_SEQ,
    INVALID_SESSION,
    INVALID_SHARD,
    NOT_AUTHENTICATED,
    PRESENCE_UPDATE,
    RECONNECT,
    REQUEST_GUILD_MEMBERS,
    RESUME,
    TRACE,
    UNKNOWN_OPCODE,
    VOICE_STATE_UPDATE,
    GatewayConnection,
    GatewayEvent,
    GatewaySession,
    Heartbeat,
)
from .model import (
    INTENT_DIRECT_MESSAGE_REACTIONS,
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MEMBERS,
    INTENT_GUILD_MESSAGE_REACTIONS,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    PRIVILEGED_INTENTS,
)
from .payloads import Json, client_user_payload, guild_create_payload, member_payload
from .waiting import Recorder

if TYPE_CHECKING:
    from .fake import FakeDiscord


def _required_intent(event: str, data: Json) -> int | None:
    in_dm = "guild_id" not in data
    if event.startswith("MESSAGE_REACTION_"):
        return INTENT_DIRECT_MESSAGE_REACTIONS if in_dm else INTENT_GUILD_MESSAGE_REACTIONS
    if event.startswith("MESSAGE_"):
        return INTENT_DIRECT_MESSAGES if in_dm else INTENT_GUILD_MESSAGES
    if event.startswith("GUILD_MEMBER_"):
        return INTENT_GUILD_MEMBERS
    if event.startswith(("GUILD_", "CHANNEL_")):
        return INTENT_GUILDS
    return None


def content_visible(message: Json, bot_id: int) -> bool:
    """Discord's exemptions from the MESSAGE_CONTENT intent."""
    if "guild_id" not in message or int(message["author"]["id"]) == bot_id:
        return True
    if any(int(u["id"]) == bot_id for u in message.get("mentions", [])):
        return True
    referenced = message.get("referenced_message")
    return referenced is not None and int(referenced["author"]["id"]) == bot_id


def strip_content(message: Json, bot_id: int) -> Json:
    """The message as a bot without MESSAGE_CONTENT sees it: body fields empty (the replied-to
    message judged on its own). Returns ``message`` itself when nothing is hidden."""
    result = message
    if not content_visible(message, bot_id):
        result = {**message, "content": "", "embeds": [], "attachments": [], "components": []}
        result.pop("poll", None)
    referenced = message.get("referenced_message")
    if referenced:
        seen = strip_content(referenced, bot_id)
        if seen is not referenced:
            result = {**result, "referenced_message": seen}
    return result


class Gateway:
    """Serves the websocket at ``/`` and fans dispatches out to live sessions."""

    def __init__(self, fake: FakeDiscord, heartbeat_interval_ms: int) -> None:
        self.fake = fake
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.log: Recorder[GatewayEvent] = Recorder()
        self.heartbeats: Recorder[Heartbeat] = Recorder()
        self._connection_ids = 0

    # -- websocket handling ------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False, max_msg_size=0)
        await ws.prepare(request)
        self._connection_ids += 1
        compression = request.query.get("compress")
        try:
            conn = GatewayConnection(self._connection_ids, ws, compression)
        except (ValueError, ImportError):
            await ws.close(code=DECODE_ERROR, message=f"unsupported compress={compression}".encode())
            return ws
        self.connections.add(conn)
        self._record("connect", conn, query=dict(request.query))
        try:
            if request.query.get("v") != "10":
                await ws.close(code=INVALID_API_VERSION)
            elif request.query.get("encoding", "json") != "json":
                await ws.close(code=DECODE_ERROR, message=b"only encoding=json is faked")
            else:
                await conn.send(
                    {"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": TRACE}}
                )
                await self._serve(conn)
        finally:
            self.connections.discard(conn)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            self._record("closed", conn, code=ws.close_code)
        return ws

    async def _serve(self, conn: GatewayConnection) -> None:
        async for message in conn.ws:
            if message.type is not WSMsgType.TEXT:
                await conn.ws.close(code=DECODE_ERROR)
                return
            try:
                payload = json.loads(message.data)
                op, data = payload["op"], payload.get("d")
            except (ValueError, KeyError, TypeError):
                await conn.ws.close(code=DECODE_ERROR)
                return
            close_code = await self._on_payload(conn, op, data)
            if close_code is not None:
                await conn.ws.close(code=close_code)
                return

    async def _on_payload(self, conn: GatewayConnection, op: int, data: Any) -> int | None:
        """Handle one client payload; returns a close code when the server must hang up."""
        if op == HEARTBEAT:
            now = time.monotonic()
            self.heartbeats.append(Heartbeat(conn.id, now, now - conn.last_beat, data))
            conn.last_beat = now
            await conn.send({"op": HEARTBEAT_ACK})
            return None
        if op == IDENTIFY:
            return await self._identify(conn, data)
        if op == RESUME:
            return await self._resume(conn, data)
        if conn.session is None:
            return NOT_AUTHENTICATED
        if op == PRESENCE_UPDATE:
            self._record("presence", conn, **(data or {}))
        elif op == VOICE_STATE_UPDATE:
            self._record("voice_state", conn, **(data or {}))
        elif op == REQUEST_GUILD_MEMBERS:
            await self._request_members(conn, data)
        else:
            return UNKNOWN_OPCODE
        return None

    def _refused(self, conn: GatewayConnection, data: Json) -> int | None:
        """Why IDENTIFY or RESUME is refused before anything else: already in a session, or a wrong token."""
        if conn.session is not None:
            return ALREADY_AUTHENTICATED
        if data.get("token") != self.fake.token:
            return AUTHENTICATION_FAILED
        return None

    async def _identify(self, conn: GatewayConnection, data: Json) -> int | None:
        if (refused := self._refused(conn, data)) is not None:
            return refused
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0:
            return INVALID_INTENTS
        if intents & PRIVILEGED_INTENTS & ~self.fake.privileged_intents:
            return DISALLOWED_INTENTS
        shard = data.get("shard")
        if shard is not None and not (isinstance(shard, list) and len(shard) == 2 and 0 <= shard[0] < shard[1]):
            return INVALID_SHARD
        session = GatewaySession(intents, tuple(shard) if shard else None)
        session.connection = conn
        conn.session = session
        self.sessions[session.id] = session
        self._record("identify", conn, intents=intents, shard=shard, properties=data.get("properties"))

        world = self.fake.world
        guilds = [guild for guild in world.guilds.values() if self._in_shard(session, guild.id)]
        ready: Json = {
            "v": 10,
            "user": client_user_payload(world.bot),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.fake.gateway_url,
            "application": {"id": str(self.fake.application_id), "flags": self.fake.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": TRACE,
        }
        if shard is not None:
            ready["shard"] = shard
        await session.push("READY", ready)
        self._record("ready", conn)
        for guild in guilds if intents & INTENT_GUILDS else []:
            members = guild.members.values()
            if not intents & INTENT_GUILD_MEMBERS:
                members = [guild.members[world.bot.id]]  # Discord sends only the bot itself
            await session.push("GUILD_CREATE", guild_create_payload(world, members, guild))
        return None

    async def _resume(self, conn: GatewayConnection, data: Json) -> int | None:
        if (refused := self._refused(conn, data)) is not None:
            return refused
        session = self.sessions.get(data.get("session_id", ""))
        seq = data.get("seq") or 0
        self._record("resume", conn, session_id=data.get("session_id"), seq=seq)
        if session is None or not session.alive:
            await conn.send({"op": INVALID_SESSION, "d": False})
            self._record("invalid_session", conn, resumable=False)
            return None
        if seq > session.seq:
            return INVALID_SEQ
        async with session.lock:
            session.connection = conn
            conn.session = session
            missed = [text for s, text in session.backlog if s > seq]
            for text in missed:
                await conn.send(text)
        await session.push("RESUMED", {"_trace": TRACE})
        self._record("resumed", conn, replayed=len(missed))
        return None

    async def _request_members(self, conn: GatewayConnection, data: Json) -> None:
        self._record("request_members", conn, **data)
        world = self.fake.world
        guild = world.guilds.get(int(data.get("guild_id") or 0), world.guild)
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.user.id in wanted]
        elif data.get("query"):
            prefix = data["query"].lower()
            members = [m for m in members if m.user.username.lower().startswith(prefix)]
        if data.get("limit"):
            members = members[: data["limit"]]
        chunk: Json = {
            "guild_id": str(guild.id),
            "members": [member_payload(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("presences"):
            chunk["presences"] = []
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        assert conn.session is not None
        await conn.session.push("GUILD_MEMBERS_CHUNK", chunk)

    # -- delivery ------------------------------------------------------------

    def _in_shard(self, session: GatewaySession, guild_id: int | None) -> bool:
        """Discord's shard routing: ``(guild_id >> 22) % num_shards``; DMs go to shard 0."""
        if session.shard is None:
            return True
        shard_id, count = session.shard
        return (0 if guild_id is None else (guild_id >> 22) % count) == shard_id

    async def dispatch(self, event: str, data: Json) -> None:
        """Send an event to every live session entitled to it by its shard and intents."""
        bot_id = self.fake.world.bot.id
        guild_id = int(data["guild_id"]) if "guild_id" in data else None
        needed = _required_intent(event, data)
        for session in list(self.sessions.values()):
            if not session.alive or not self._in_shard(session, guild_id):
                continue
            if needed is not None and not session.intents & needed:
                continue
            payload = data
            if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and not session.intents & INTENT_MESSAGE_CONTENT:
                payload = strip_content(data, bot_id)
            await session.push(event, payload)

    # -- fault injection -----------------------------------------------------

    async def close(self, code: int, *, resumable: bool) -> None:
        if not resumable:
            for session in self.sessions.values():
                session.alive = False
        for conn in list(self.connections):
            self._record("server_close", conn, code=code)
            await conn.ws.close(code=code)

    async def invalidate(self, *, resumable: bool) -> None:
        for conn in list(self.connections):
            if conn.session is None:
                continue
            if not resumable:
                conn.session.alive = False
            self._record("invalid_session", conn, resumable=resumable)
            await conn.send({"op": INVALID_SESSION, "d": resumable})

    async def request_reconnect(self) -> None:
        for conn in list(self.connections):
            self._record("reconnect_requested", conn)
            await conn.send({"op": RECONNECT, "d": None})

    def _record(self, kind: str, conn: GatewayConnection, **detail: Any) -> None:
        session_id = conn.session.id if conn.session is not None else None
        self.log.append(GatewayEvent(kind, session_id, conn.id, time.monotonic(), detail))
