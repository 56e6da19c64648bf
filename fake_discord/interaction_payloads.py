"""Interactions as Discord sends them (INTERACTION_CREATE), and the application commands that start them.

Shapes as in ``payloads``: Discord's documented objects, not only what discord.py reads today.
"""

from __future__ import annotations

from .model import DM, Channel, User, World
from .payloads import Json, channel_payload, member_payload, user_payload

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


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
        guild = world.guilds[channel.guild_id] if channel.guild_id is not None else world.guild
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
