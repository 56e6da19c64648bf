"""REST routes about the bot itself: login, gateway discovery, application info and commands."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from aiohttp import web

from .interaction_payloads import command_payload
from .payloads import Json, application_payload, client_user_payload, user_payload
from .responses import UNKNOWN_COMMAND, UNKNOWN_USER, ApiError, invalid_form_body, json_response, no_content, unknown
from .server import API_PREFIX, json_body, request_json, resource_routes, snowflake_param

if TYPE_CHECKING:
    from .fake import FakeDiscord

_CHAT_INPUT_NAME = re.compile(r"[-_\w]{1,32}")


def validate_command(body: Json, where: str = "") -> None:
    """The checks Discord applies to a command registration that a client is likely to trip."""
    name = body.get("name") or ""
    if not 1 <= len(name) <= 32:
        raise invalid_form_body(f"{where}name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
    if body.get("type", 1) == 1:
        if not _CHAT_INPUT_NAME.fullmatch(name) or name != name.lower():
            raise invalid_form_body(f"{where}name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        if not 1 <= len(body.get("description") or "") <= 100:
            raise invalid_form_body(
                f"{where}description", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
    if len(body.get("options") or []) > 25:
        raise invalid_form_body(f"{where}options", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")


class ApplicationRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def routes(self) -> list[web.RouteDef]:
        p = API_PREFIX
        routes = [
            web.get(f"{p}/users/@me", self.me),
            web.get(f"{p}/users/{{user_id}}", self.user),
            web.get(f"{p}/gateway", self.gateway),
            web.get(f"{p}/gateway/bot", self.gateway_bot),
            web.get(f"{p}/oauth2/applications/@me", self.application),
            web.get(f"{p}/applications/@me", self.application),
        ]
        for scope in ("", "/guilds/{guild_id}"):
            base = f"{p}/applications/{{application_id}}{scope}/commands"
            routes.append(web.put(base, self.bulk_overwrite))
            routes += resource_routes(base, f"{base}/{{command_id}}", list_items=self.list_commands,
                                      create=self.create_command, get=self.get_command, edit=self.edit_command,
                                      delete=self.delete_command)
        return routes

    async def me(self, request: web.Request) -> web.Response:
        return json_response(client_user_payload(self.fake.world.bot))

    async def user(self, request: web.Request) -> web.Response:
        user = self.fake.world.users.get(snowflake_param(request, "user_id"))
        if user is None:
            raise unknown("User", UNKNOWN_USER)
        return json_response(user_payload(user))

    async def gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.fake.gateway_url})

    async def gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 86400000, "max_concurrency": 1}
        return json_response({"url": self.fake.gateway_url, "shards": 1, "session_start_limit": limit})

    async def application(self, request: web.Request) -> web.Response:
        fake = self.fake
        owner = fake.world.user(fake.world.guild.owner_id)
        return json_response(
            application_payload(
                fake.world, application_id=fake.application_id, flags=fake.application_flags, owner=owner
            )
        )

    # -- application commands --------------------------------------------------

    def _scope(self, request: web.Request) -> tuple[int | None, dict[int, Json]]:
        """(guild id or None for global, the command table of that scope)."""
        if snowflake_param(request, "application_id") != self.fake.application_id:
            raise ApiError(403, 50001, "Missing Access")
        guild_id = snowflake_param(request, "guild_id") if "guild_id" in request.match_info else None
        if guild_id is not None and guild_id not in self.fake.world.guilds:
            raise ApiError(403, 50001, "Missing Access")
        return guild_id, self.fake.commands.setdefault(guild_id, {})

    def _command(self, request: web.Request) -> tuple[int | None, dict[int, Json], Json]:
        guild_id, table = self._scope(request)
        command = table.get(snowflake_param(request, "command_id"))
        if command is None:
            raise unknown("application command", UNKNOWN_COMMAND)
        return guild_id, table, command

    def _save(self, table: dict[int, Json], body: Json, guild_id: int | None, previous: Iterable[Json]) -> Json:
        """Store ``body``, keeping the id of the ``previous`` command with the same (name, type) as Discord does."""
        key = (body["name"], body.get("type", 1))
        match = next((c for c in previous if (c["name"], c["type"]) == key), None)
        command_id = int(match["id"]) if match else self.fake.world.new_id()
        command = command_payload(
            body, command_id=command_id, application_id=self.fake.application_id, guild_id=guild_id
        )
        table[command_id] = command
        return command

    async def list_commands(self, request: web.Request) -> web.Response:
        _, table = self._scope(request)
        return json_response(list(table.values()))

    async def bulk_overwrite(self, request: web.Request) -> web.Response:
        guild_id, table = self._scope(request)
        bodies = request_json(request)
        if not isinstance(bodies, list):
            raise invalid_form_body("_root", "BASE_TYPE_ARRAY", "Must be an array.")
        seen = set()
        for index, body in enumerate(bodies):
            validate_command(body, f"{index}.")
            key = (body["name"], body.get("type", 1))
            if key in seen:
                raise invalid_form_body(
                    f"{index}.name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"
                )
            seen.add(key)
        previous = list(table.values())
        table.clear()
        result = [self._save(table, body, guild_id, previous) for body in bodies]
        return json_response(result)

    async def create_command(self, request: web.Request) -> web.Response:
        guild_id, table = self._scope(request)
        body = json_body(request)
        validate_command(body)
        count = len(table)
        command = self._save(table, body, guild_id, list(table.values()))
        return json_response(command, status=201 if len(table) > count else 200)

    async def get_command(self, request: web.Request) -> web.Response:
        return json_response(self._command(request)[2])

    async def edit_command(self, request: web.Request) -> web.Response:
        guild_id, table, command = self._command(request)
        body = {**command, **json_body(request)}
        validate_command(body)
        table[int(command["id"])] = updated = command_payload(
            body, command_id=int(command["id"]), application_id=self.fake.application_id, guild_id=guild_id
        )
        return json_response(updated)

    async def delete_command(self, request: web.Request) -> web.Response:
        _, table, command = self._command(request)
        del table[int(command["id"])]
        return no_content()
