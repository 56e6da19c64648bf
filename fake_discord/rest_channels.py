"""REST routes about channels, messages, DMs and the guild, as the bot calls them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from .message_payloads import rest_message
from .model import Channel, Guild
from .payloads import Json, channel_payload, guild_payload, member_payload
from .responses import (
    UNKNOWN_CHANNEL,
    UNKNOWN_GUILD,
    UNKNOWN_MEMBER,
    UNKNOWN_USER,
    ApiError,
    json_response,
    no_content,
    unknown,
)
from .server import API_PREFIX, json_body, resource_routes, snowflake_param, uploaded_files

if TYPE_CHECKING:
    from .fake import FakeDiscord


class ChannelRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def routes(self) -> list[web.RouteDef]:
        channel = f"{API_PREFIX}/channels/{{channel_id}}"
        message = f"{channel}/messages/{{message_id}}"
        guild = f"{API_PREFIX}/guilds/{{guild_id}}"
        return [
            web.get(channel, self.get_channel),
            *resource_routes(f"{channel}/messages", message, list_items=self.list_messages, create=self.create_message,
                             get=self.get_message, edit=self.edit_message, delete=self.delete_message),
            web.put(f"{message}/reactions/{{emoji}}/@me", self.add_reaction),
            web.delete(f"{message}/reactions/{{emoji}}/@me", self.remove_reaction),
            web.post(f"{channel}/typing", self.typing),
            web.post(f"{API_PREFIX}/users/@me/channels", self.create_dm),
            web.get(guild, self.get_guild),
            web.get(f"{guild}/members/{{user_id}}", self.get_member),
        ]

    def _channel(self, request: web.Request) -> Channel:
        channel = self.fake.world.channel(snowflake_param(request, "channel_id"))
        if channel is None:
            raise unknown("Channel", UNKNOWN_CHANNEL)
        return channel

    def _message(self, request: web.Request) -> tuple[Channel, Json]:
        channel = self._channel(request)
        return channel, self.fake.messages.get(channel.id, snowflake_param(request, "message_id"))

    async def get_channel(self, request: web.Request) -> web.Response:
        return json_response(channel_payload(self._channel(request), self.fake.world))

    async def list_messages(self, request: web.Request) -> web.Response:
        """Newest first, honouring ``limit`` (1-100, default 50) and ``before``/``after``/``around``."""
        channel = self._channel(request)
        messages = self.fake.messages.in_channel(channel.id)
        limit = max(1, min(100, int(request.query.get("limit", 50))))
        if "before" in request.query:
            messages = [m for m in messages if int(m["id"]) < int(request.query["before"])][-limit:]
        elif "after" in request.query:
            messages = [m for m in messages if int(m["id"]) > int(request.query["after"])][:limit]
        elif "around" in request.query:
            pivot = int(request.query["around"])
            older = [m for m in messages if int(m["id"]) <= pivot][-(limit - limit // 2) :]
            newer = [m for m in messages if int(m["id"]) > pivot][: limit // 2]
            messages = older + newer
        else:
            messages = messages[-limit:]
        return json_response([rest_message(m) for m in reversed(messages)])

    async def create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        message = await self.fake.messages.create_from_body(
            channel, self.fake.world.bot, json_body(request), uploaded_files(request)
        )
        return json_response(rest_message(message))

    async def get_message(self, request: web.Request) -> web.Response:
        return json_response(rest_message(self._message(request)[1]))

    async def edit_message(self, request: web.Request) -> web.Response:
        _, message = self._message(request)
        if int(message["author"]["id"]) != self.fake.world.bot.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        await self.fake.messages.edit(message, json_body(request), uploaded_files(request))
        return json_response(rest_message(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        await self.fake.messages.delete(self._message(request)[1])
        return no_content()

    async def add_reaction(self, request: web.Request) -> web.Response:
        _, message = self._message(request)
        await self.fake.add_reaction(message, self.fake.world.bot, request.match_info["emoji"])
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        _, message = self._message(request)
        await self.fake.remove_reaction(message, self.fake.world.bot, request.match_info["emoji"])
        return no_content()

    async def typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return no_content()

    async def create_dm(self, request: web.Request) -> web.Response:
        recipient = self.fake.world.users.get(int(json_body(request).get("recipient_id", 0)))
        if recipient is None:
            raise unknown("User", UNKNOWN_USER)
        return json_response(channel_payload(self.fake.world.dm_channel(recipient), self.fake.world))

    def _guild(self, request: web.Request) -> Guild:
        guild = self.fake.world.guilds.get(snowflake_param(request, "guild_id"))
        if guild is None:
            raise unknown("Guild", UNKNOWN_GUILD)
        return guild

    async def get_guild(self, request: web.Request) -> web.Response:
        return json_response(guild_payload(self.fake.world, self._guild(request)))

    async def get_member(self, request: web.Request) -> web.Response:
        member = self._guild(request).members.get(snowflake_param(request, "user_id"))
        if member is None:
            raise unknown("Member", UNKNOWN_MEMBER)
        return json_response(member_payload(member))
