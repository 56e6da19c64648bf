"""Builders for Discord API v10 JSON objects, from the fake's model.

Shapes follow Discord's documented objects closely (not just what discord.py
happens to read today), so the client code under test meets what it would meet
in production: ids as strings, ISO timestamps, ``member`` objects without
``user`` where Discord omits it, and so on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .model import DM, Channel, Guild, Member, Role, User, World, iso_timestamp

Json = dict[str, Any]

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


def user_payload(user: User) -> Json:
    return {
        "id": str(user.id),
        "username": user.username,
        "discriminator": "0",
        "global_name": user.global_name,
        "avatar": None,
        "bot": user.bot,
        "system": False,
        "public_flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
        "collectibles": None,
    }


def client_user_payload(user: User) -> Json:
    """The bot's own user, as in READY and ``GET /users/@me``."""
    return {
        **user_payload(user),
        "verified": True,
        "mfa_enabled": False,
        "email": None,
        "flags": 0,
        "premium_type": 0,
        "locale": "en-US",
    }


def role_payload(role: Role) -> Json:
    payload: Json = {
        "id": str(role.id),
        "name": role.name,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": role.hoist,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.bot_id is not None,
        "mentionable": role.mentionable,
        "flags": 0,
    }
    if role.bot_id is not None:
        payload["tags"] = {"bot_id": str(role.bot_id)}
    return payload


def member_payload(member: Member, *, with_user: bool = True, permissions: int | None = None) -> Json:
    """A guild member; ``permissions`` is only present inside interactions."""
    payload: Json = {
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "roles": [str(r) for r in member.role_ids],
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if with_user:
        payload["user"] = user_payload(member.user)
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def channel_payload(channel: Channel, world: World, *, permissions: int | None = None) -> Json:
    if channel.type == DM:
        recipient = world.user(channel.recipient_id) if channel.recipient_id else None
        payload: Json = {
            "id": str(channel.id),
            "type": DM,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user_payload(recipient)] if recipient else [],
        }
    else:
        payload = {
            "id": str(channel.id),
            "type": channel.type,
            "guild_id": str(channel.guild_id),
            "name": channel.name,
            "position": channel.position,
            "permission_overwrites": [],
            "parent_id": None,
            "topic": channel.topic,
            "nsfw": False,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def guild_payload(world: World) -> Json:
    """The guild object as REST returns it (GET /guilds/{id})."""
    guild: Guild = world.guild
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "features": [],
        "system_channel_id": str(next(iter(guild.channels))) if guild.channels else None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "application_id": None,
        "roles": [role_payload(r) for r in guild.roles.values()],
        "emojis": [],
        "stickers": [],
    }


def guild_create_payload(world: World, members: Iterable[Member]) -> Json:
    """GUILD_CREATE as sent after READY: the whole guild, marked available."""
    guild: Guild = world.guild
    channels = []
    for channel in guild.channels.values():
        data = channel_payload(channel, world)
        del data["guild_id"]  # Discord omits it inside GUILD_CREATE
        channels.append(data)
    return {
        **guild_payload(world),
        "joined_at": guild.members[world.bot.id].joined_at,
        "large": False,
        "unavailable": False,
        "member_count": len(guild.members),
        "members": [member_payload(m) for m in members],
        "channels": channels,
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "incidents_data": None,
        "lazy": True,
    }


def application_payload(world: World, *, application_id: int, flags: int, owner: User) -> Json:
    """``GET /oauth2/applications/@me``: no interactions endpoint URL, so
    interactions arrive over the gateway (discord.py warns otherwise)."""
    return {
        "id": str(application_id),
        "name": world.bot.username,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": flags,
        "owner": user_payload(owner),
        "team": None,
        "hook": True,
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "approximate_guild_count": 1,
        "integration_types_config": {"0": {}},
        "bot": user_payload(world.bot),
    }


def mention_payload(world: World, user: User, guild_id: int | None) -> Json:
    """An entry of a message's ``mentions``: a user with a partial member in guilds."""
    data = user_payload(user)
    member = world.guild.members.get(user.id) if guild_id else None
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
        member = world.guild.members.get(author.id)
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


def interaction_payload(
    world: World,
    *,
    interaction_id: int,
    application_id: int,
    interaction_type: int,
    token: str,
    data: Json,
    user: User,
    channel: Channel,
    message: Json | None = None,
) -> Json:
    """INTERACTION_CREATE data, guild or DM flavoured by the channel."""
    payload: Json = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": interaction_type,
        "data": data,
        "token": token,
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        "channel_id": str(channel.id),
    }
    if channel.type == DM:
        payload["user"] = user_payload(user)
        payload["channel"] = channel_payload(channel, world)
        payload["app_permissions"] = str(world.guild.everyone.permissions)
        payload["authorizing_integration_owners"] = {"0": str(user.id)}
        payload["context"] = 1
    else:
        guild = world.guild
        permissions = guild.permissions_for(user.id)
        payload["guild_id"] = str(guild.id)
        payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
        payload["guild_locale"] = "en-US"
        payload["member"] = member_payload(guild.members[user.id], permissions=permissions)
        payload["channel"] = channel_payload(channel, world, permissions=permissions)
        payload["app_permissions"] = str(guild.permissions_for(world.bot.id))
        payload["authorizing_integration_owners"] = {"0": str(guild.id)}
        payload["context"] = 0
    if message is not None:
        payload["message"] = message
    return payload


def command_payload(body: Json, *, command_id: int, application_id: int, guild_id: int | None) -> Json:
    """A stored application command, echoing what the client registered plus Discord's fields."""
    payload: Json = {
        "type": 1,
        "description": "",
        "options": [],
        "default_member_permissions": None,
        "nsfw": False,
        "name_localizations": None,
        "description_localizations": None,
        **body,
        "id": str(command_id),
        "application_id": str(application_id),
        "version": str(command_id),
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
    return payload
