"""Messages as Discord sends them: in MESSAGE_CREATE (with their mentions) and from REST.

Shapes as in ``payloads``: Discord's documented objects, not only what discord.py reads today.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Channel, User, World, iso_timestamp
from .payloads import Json, member_payload, user_payload


def mention_payload(world: World, user: User, guild_id: int | None) -> Json:
    """An entry of a message's ``mentions``: a user with a partial member in guilds."""
    data = user_payload(user)
    guild = world.guilds.get(guild_id) if guild_id else None
    member = guild.members.get(user.id) if guild is not None else None
    if member is not None:
        data["member"] = member_payload(member, with_user=False)
    return data


def message_payload(
    world: World,
    *,
    message_id: int,
    channel: Channel,
    author: User,
    content: str = "",
    embeds: list[Json] | None = None,
    components: list[Json] | None = None,
    attachments: list[Json] | None = None,
    mentions: Iterable[User] = (),
    mention_roles: Iterable[int] = (),
    mention_everyone: bool = False,
    referenced: Json | None = None,
    referenced_delivered: bool = True,
    message_type: int = 0,
    flags: int = 0,
    tts: bool = False,
    nonce: str | int | None = None,
    webhook_id: int | None = None,
    interaction_metadata: Json | None = None,
) -> Json:
    """A message as in MESSAGE_CREATE (guild messages carry ``guild_id`` and ``member``).

    A reply carries the message it replies to in ``referenced_message``, unless ``referenced_delivered`` is
    false: Discord then leaves the field out ("the backend did not attempt to fetch" it)."""
    guild_id = channel.guild_id
    payload: Json = {
        "id": str(message_id),
        "channel_id": str(channel.id),
        "author": user_payload(author),
        "content": content,
        "timestamp": iso_timestamp(message_id),
        "edited_timestamp": None,
        "tts": tts,
        "mention_everyone": mention_everyone,
        "mentions": [mention_payload(world, u, guild_id) for u in mentions],
        "mention_roles": [str(r) for r in mention_roles],
        "attachments": attachments or [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "type": message_type,
        "flags": flags,
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        guild = world.guilds.get(guild_id)
        member = guild.members.get(author.id) if guild is not None else None
        if member is not None and webhook_id is None:
            payload["member"] = member_payload(member, with_user=False)
    if nonce is not None:
        payload["nonce"] = nonce
    if webhook_id is not None:
        payload["webhook_id"] = str(webhook_id)
        payload["application_id"] = str(webhook_id)
    if interaction_metadata is not None:
        payload["interaction_metadata"] = interaction_metadata
    if referenced is not None:
        payload["message_reference"] = {
            "type": 0,
            "message_id": referenced["id"],
            "channel_id": referenced["channel_id"],
            **({"guild_id": str(guild_id)} if guild_id is not None else {}),
        }
        if referenced_delivered:
            payload["referenced_message"] = referenced
    return payload


def rest_message(message: Json) -> Json:
    """How REST returns a stored message: without the gateway-only ``guild_id`` and ``member``."""
    return {k: v for k, v in message.items() if k not in ("guild_id", "member")}

