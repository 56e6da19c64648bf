"""Builders for Discord API v10 JSON objects of the fake's world (users, members, roles, channels, the guild,
the application), from its model; messages and interactions are in ``message_payloads`` and
``interaction_payloads``.

Shapes follow Discord's documented objects closely (not just what discord.py
happens to read today), so the client code under test meets what it would meet
in production: ids as strings, ISO timestamps, ``member`` objects without
``user`` where Discord omits it, and so on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .model import DM, Channel, Guild, Member, Role, User, World

Json = dict[str, Any]


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


def guild_payload(world: World, guild: Guild | None = None) -> Json:
    """The guild object (default: the default guild) as REST returns it (GET /guilds/{id})."""
    guild = guild or world.guild
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


def guild_create_payload(world: World, members: Iterable[Member], guild: Guild | None = None) -> Json:
    """GUILD_CREATE as sent after READY: the whole guild (default: the default guild), marked available."""
    guild = guild or world.guild
    channels = []
    for channel in guild.channels.values():
        data = channel_payload(channel, world)
        del data["guild_id"]  # Discord omits it inside GUILD_CREATE
        channels.append(data)
    return {
        **guild_payload(world, guild),
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

