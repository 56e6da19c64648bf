"""Messages: validation, storage and the gateway events their changes cause.

Every path that creates or edits a message (the bot's REST calls, interaction
responses, webhook follow-ups, and users in tests) goes through
``MessageStore`` so limits, mentions and MESSAGE_CREATE/UPDATE/DELETE
dispatches behave the same everywhere, as on Discord.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from .cdn import Cdn
from .message_payloads import mention_payload, message_payload
from .model import Channel, User, World
from .payloads import Json
from .responses import UNKNOWN_MESSAGE, ApiError, invalid_form_body, unknown
from .waiting import Recorder

# Message types and flags.
DEFAULT, REPLY, CHAT_INPUT_COMMAND, CONTEXT_MENU_COMMAND = 0, 19, 20, 23
EPHEMERAL = 1 << 6
LOADING = 1 << 7

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
_EMBED_LIMITS = {"title": 256, "description": 4096}
_FIELD_LIMITS = {"name": 256, "value": 1024}

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclass
class UploadedFile:
    """A file part of a multipart request; its bytes are served by the CDN once it is a message's attachment."""

    field: str
    filename: str
    content_type: str | None
    size: int
    data: bytes = dataclass_field(default=b"", repr=False)


def _embed_text_length(embed: Json, index: int) -> int:
    total = 0
    for key, limit in _EMBED_LIMITS.items():
        text = embed.get(key) or ""
        if len(text) > limit:
            raise invalid_form_body(
                f"embeds.{index}.{key}", "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."
            )
        total += len(text)
    fields = embed.get("fields") or []
    if len(fields) > 25:
        raise invalid_form_body(f"embeds.{index}.fields", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for n, field in enumerate(fields):
        for key, limit in _FIELD_LIMITS.items():
            text = field.get(key) or ""
            if not text:
                raise invalid_form_body(
                    f"embeds.{index}.fields.{n}.{key}", "BASE_TYPE_REQUIRED", "This field is required"
                )
            if len(text) > limit:
                raise invalid_form_body(
                    f"embeds.{index}.fields.{n}.{key}", "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length."
                )
            total += len(text)
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def validate_body(body: Json, files: list[UploadedFile], *, creating: bool) -> None:
    """Discord's message limits; raises the ``ApiError`` Discord would answer with."""
    content = body.get("content")
    if content is not None and len(content) > MAX_CONTENT:
        raise invalid_form_body("content", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length.")
    embeds = body.get("embeds") or []
    if len(embeds) > MAX_EMBEDS:
        raise invalid_form_body("embeds", "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
    if sum(_embed_text_length(e, i) for i, e in enumerate(embeds)) > MAX_EMBED_TOTAL:
        raise invalid_form_body("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
    if creating and not (
        content or embeds or body.get("components") or files or body.get("sticker_ids") or body.get("poll")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")


def _now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


class MessageStore:
    def __init__(self, world: World, dispatch: Callable[[str, Json], Awaitable[None]], cdn: Cdn) -> None:
        self.world = world
        self.cdn = cdn
        self._dispatch = dispatch
        self.by_id: dict[int, Json] = {}
        """Messages visible in channels (ephemeral ones are never stored here)."""
        self.log: Recorder[Json] = Recorder()
        """Every message created, ephemeral included, in creation order; entries reflect later edits."""
        self.created_at: dict[str, float] = {}
        """Monotonic creation time by message id."""

    def get(self, channel_id: int, message_id: int) -> Json:
        message = self.by_id.get(message_id)
        if message is None or int(message["channel_id"]) != channel_id:
            raise unknown("Message", UNKNOWN_MESSAGE)
        return message

    def in_channel(self, channel_id: int) -> list[Json]:
        """Oldest first."""
        return [m for m in self.by_id.values() if int(m["channel_id"]) == channel_id]

    def mentions_in(self, content: str) -> tuple[list[User], list[int], bool]:
        """Users, role ids and @everyone/@here mentioned in ``content``."""
        user_ids = dict.fromkeys(int(i) for i in _USER_MENTION.findall(content))
        role_ids = dict.fromkeys(int(i) for i in _ROLE_MENTION.findall(content))
        users = [self.world.users[i] for i in user_ids if i in self.world.users]
        roles = [i for i in role_ids if any(i in guild.roles for guild in self.world.guilds.values())]
        return users, roles, "@everyone" in content or "@here" in content

    async def create(
        self,
        channel: Channel,
        author: User,
        *,
        content: str = "",
        mentions: Iterable[User] = (),
        mention_roles: Iterable[int] = (),
        mention_everyone: bool = False,
        flags: int = 0,
        **fields: Any,
    ) -> Json:
        """Store a message and announce it; ``fields`` are passed to ``message_payload``."""
        message = message_payload(
            self.world,
            message_id=self.world.new_id(),
            channel=channel,
            author=author,
            content=content,
            mentions=mentions,
            mention_roles=mention_roles if channel.guild_id else (),
            mention_everyone=mention_everyone,
            flags=flags,
            **fields,
        )
        self.created_at[message["id"]] = time.monotonic()
        self.log.append(message)
        if not flags & EPHEMERAL:
            self.by_id[int(message["id"])] = message
            await self._dispatch("MESSAGE_CREATE", message)
        return message

    async def create_from_body(
        self,
        channel: Channel,
        author: User,
        body: Json,
        files: list[UploadedFile],
        *,
        message_type: int = DEFAULT,
        **fields: Any,
    ) -> Json:
        """A message from a REST body (channel send, interaction response, follow-up)."""
        validate_body(body, files, creating=True)
        referenced = self._referenced(channel, body.get("message_reference"))
        content = body.get("content") or ""
        users, roles, everyone = self._allowed(content, body.get("allowed_mentions"), referenced)
        return await self.create(
            channel,
            author,
            content=content,
            embeds=body.get("embeds"),
            components=body.get("components"),
            attachments=self._attachments(channel, body, files),
            mentions=users,
            mention_roles=roles,
            mention_everyone=everyone,
            referenced=referenced,
            message_type=REPLY if referenced is not None else message_type,
            flags=int(body.get("flags") or 0),
            tts=bool(body.get("tts")),
            nonce=body.get("nonce"),
            **fields,
        )

    async def edit(self, message: Json, body: Json, files: list[UploadedFile]) -> Json:
        """Apply a PATCH body in place, finishing a deferred ("thinking") message, and announce it."""
        validate_body(body, files, creating=False)
        was_loading = message["flags"] & LOADING
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else ("" if key == "content" else [])
        if "content" in body:
            users, roles, everyone = self._allowed(message["content"], body.get("allowed_mentions"), None)
            guild_id = self._channel_of(message).guild_id
            message["mentions"] = [mention_payload(self.world, u, guild_id) for u in users]
            message["mention_roles"] = [str(r) for r in roles]
            message["mention_everyone"] = everyone
        if "attachments" in body or files:
            kept = {str(a.get("id")) for a in body.get("attachments") or []}
            current = [a for a in message["attachments"] if a["id"] in kept]
            message["attachments"] = current + self._attachments(self._channel_of(message), body, files)
        if body.get("flags") is not None:
            message["flags"] = (message["flags"] & EPHEMERAL) | (int(body["flags"]) & ~(EPHEMERAL | LOADING))
        message["flags"] &= ~LOADING
        if not was_loading:
            message["edited_timestamp"] = _now_iso()
        if not message["flags"] & EPHEMERAL:
            await self._dispatch("MESSAGE_UPDATE", message)
        return message

    async def delete(self, message: Json) -> None:
        message_id = int(message["id"])
        if self.by_id.pop(message_id, None) is None:
            return
        event = {"id": message["id"], "channel_id": message["channel_id"]}
        if "guild_id" in message:
            event["guild_id"] = message["guild_id"]
        await self._dispatch("MESSAGE_DELETE", event)

    def _channel_of(self, message: Json) -> Channel:
        channel = self.world.channel(int(message["channel_id"]))
        assert channel is not None
        return channel

    def _referenced(self, channel: Channel, reference: Json | None) -> Json | None:
        if not reference or reference.get("type", 0) != 0:
            return None
        message_id = int(reference["message_id"])
        found = self.by_id.get(message_id)
        if found is None and reference.get("fail_if_not_exists", True):
            raise invalid_form_body("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
        if found is not None and int(found["channel_id"]) != channel.id:
            raise invalid_form_body("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
        return found

    def _allowed(
        self, content: str, allowed: Json | None, referenced: Json | None
    ) -> tuple[list[User], list[int], bool]:
        """Mentions that actually ping, after ``allowed_mentions`` (absent means: everything parses)."""
        users, roles, everyone = self.mentions_in(content)
        if allowed is not None:
            parse = allowed.get("parse") or []
            if "users" not in parse:
                users = [u for u in users if str(u.id) in {str(i) for i in allowed.get("users") or []}]
            if "roles" not in parse:
                roles = [r for r in roles if str(r) in {str(i) for i in allowed.get("roles") or []}]
            everyone = everyone and "everyone" in parse
        if referenced is not None and (allowed is None or allowed.get("replied_user")):
            replied = self.world.users.get(int(referenced["author"]["id"]))
            if replied is not None and replied not in users:
                users.append(replied)
        return users, roles, everyone

    def _attachments(self, channel: Channel, body: Json, files: list[UploadedFile]) -> list[Json]:
        described = {str(a.get("id")): a for a in body.get("attachments") or []}
        result = []
        for index, upload in enumerate(files):
            meta = described.get(str(index), {})
            hosted = self.cdn.host("attachments", channel.id, upload.filename, upload.data, upload.content_type,
                                   description=meta.get("description"))
            result.append(hosted.payload)
        return result
