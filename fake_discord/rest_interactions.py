"""Interaction callbacks and the interaction webhook (original response and follow-ups).

Discord's rules that bots get wrong are enforced: one callback per
interaction, within ``FakeDiscord.interaction_timeout`` seconds (3 on
Discord), with a callback type valid for the interaction type; follow-ups
only after the callback; and a follow-up to a deferred ("thinking") response
completes that response instead of posting a new message.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from aiohttp import web

from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    UPDATE_MESSAGE,
    InteractionHandle,
)
from .message_payloads import rest_message
from .messages import CHAT_INPUT_COMMAND, CONTEXT_MENU_COMMAND, DEFAULT, EPHEMERAL, LOADING
from .payloads import Json, user_payload
from .responses import (
    UNKNOWN_INTERACTION,
    UNKNOWN_MESSAGE,
    UNKNOWN_WEBHOOK,
    ApiError,
    invalid_form_body,
    json_response,
    no_content,
    unknown,
)
from .server import API_PREFIX, json_body, resource_routes, snowflake_param, uploaded_files

if TYPE_CHECKING:
    from .fake import FakeDiscord

_VALID_CALLBACKS = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE},
}


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true")


class InteractionRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def routes(self) -> list[web.RouteDef]:
        webhook = f"{API_PREFIX}/webhooks/{{application_id}}/{{token}}"
        return [
            web.post(f"{API_PREFIX}/interactions/{{interaction_id}}/{{token}}/callback", self.callback),
            *resource_routes(webhook, f"{webhook}/messages/{{message_id}}", create=self.execute, get=self.get_message,
                             edit=self.edit_message, delete=self.delete_message),
        ]

    def _metadata(self, handle: InteractionHandle) -> Json:
        """``interaction_metadata`` of messages created in answer to ``handle``."""
        metadata: Json = {
            "id": str(handle.id),
            "type": handle.type,
            "user": user_payload(handle.user),
            "authorizing_integration_owners": handle.payload["authorizing_integration_owners"],
        }
        if "message" in handle.payload:
            metadata["interacted_message_id"] = handle.payload["message"]["id"]
        return metadata

    def _response_message_type(self, handle: InteractionHandle) -> int:
        if handle.type != APPLICATION_COMMAND:
            return DEFAULT
        return CHAT_INPUT_COMMAND if handle.payload["data"].get("type", 1) == 1 else CONTEXT_MENU_COMMAND

    async def callback(self, request: web.Request) -> web.Response:
        fake = self.fake
        handle = fake.interaction_by_token(request.match_info["token"])
        if handle is None or handle.id != snowflake_param(request, "interaction_id"):
            raise unknown("interaction", UNKNOWN_INTERACTION)
        if handle.callback is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        now = time.monotonic()
        if now - handle.created > fake.interaction_timeout:
            raise unknown("interaction", UNKNOWN_INTERACTION)
        body = json_body(request)
        callback_type = body.get("type")
        data = body.get("data") or {}
        if callback_type not in _VALID_CALLBACKS[handle.type]:
            raise invalid_form_body("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type")

        message: Json | None = None
        extra = {"webhook_id": fake.application_id, "interaction_metadata": self._metadata(handle)}
        bot = fake.world.bot
        if callback_type == CHANNEL_MESSAGE:
            message = await fake.messages.create_from_body(
                handle.channel,
                bot,
                data,
                uploaded_files(request),
                message_type=self._response_message_type(handle),
                **extra,
            )
        elif callback_type == DEFERRED_CHANNEL_MESSAGE:
            flags = LOADING | (int(data.get("flags") or 0) & EPHEMERAL)
            message = await fake.messages.create(
                handle.channel, bot, flags=flags, message_type=self._response_message_type(handle), **extra
            )
        elif callback_type in (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE):
            if "message" not in handle.payload:
                raise invalid_form_body(
                    "type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid interaction response type"
                )
            message = handle.payload["message"]
            if callback_type == UPDATE_MESSAGE:
                await fake.messages.edit(message, data, uploaded_files(request))
        elif callback_type == AUTOCOMPLETE_RESULT and len(data.get("choices") or []) > 25:
            raise invalid_form_body("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        elif callback_type == MODAL and not (data.get("custom_id") and data.get("title") and data.get("components")):
            raise invalid_form_body("data", "BASE_TYPE_REQUIRED", "Modals need custom_id, title and components")

        handle.callback = {"type": callback_type, "data": data}
        handle.callback_at = now
        handle.original = message
        handle.changed()
        if not _truthy(request.query.get("with_response")):
            return no_content()
        interaction: Json = {"id": str(handle.id), "type": handle.type}
        resource: Json = {"type": callback_type}
        if message is not None:
            interaction["response_message_id"] = message["id"]
            interaction["response_message_loading"] = bool(message["flags"] & LOADING)
            interaction["response_message_ephemeral"] = bool(message["flags"] & EPHEMERAL)
            if callback_type != DEFERRED_UPDATE_MESSAGE:
                resource["message"] = rest_message(message)
        return json_response({"interaction": interaction, "resource": resource})

    # -- the interaction webhook -------------------------------------------------

    def _handle(self, request: web.Request) -> InteractionHandle:
        handle = self.fake.interaction_by_token(request.match_info["token"])
        if handle is None or snowflake_param(request, "application_id") != self.fake.application_id:
            raise unknown("Webhook", UNKNOWN_WEBHOOK)
        return handle

    def _target(self, request: web.Request) -> tuple[InteractionHandle, Json]:
        handle = self._handle(request)
        wanted = request.match_info["message_id"]
        if wanted == "@original":
            found = handle.original
        else:
            found = next((m for m in [handle.original, *handle.followups] if m is not None and m["id"] == wanted), None)
        if found is None:
            raise unknown("Message", UNKNOWN_MESSAGE)
        return handle, found

    async def execute(self, request: web.Request) -> web.Response:
        """A follow-up message (discord.py always sends ``wait=1`` for interactions)."""
        handle = self._handle(request)
        if handle.callback is None:
            raise unknown("Webhook", UNKNOWN_WEBHOOK)
        body, files = json_body(request), uploaded_files(request)
        original = handle.original
        if original is not None and original["flags"] & LOADING and handle.callback["type"] == DEFERRED_CHANNEL_MESSAGE:
            message = await self.fake.messages.edit(original, body, files)
            handle.edits += 1
        else:
            message = await self.fake.messages.create_from_body(
                handle.channel,
                self.fake.world.bot,
                body,
                files,
                webhook_id=self.fake.application_id,
                interaction_metadata=self._metadata(handle),
            )
            handle.followups.append(message)
        handle.changed()
        return json_response(rest_message(message)) if _truthy(request.query.get("wait")) else no_content()

    async def get_message(self, request: web.Request) -> web.Response:
        return json_response(rest_message(self._target(request)[1]))

    async def edit_message(self, request: web.Request) -> web.Response:
        handle, message = self._target(request)
        await self.fake.messages.edit(message, json_body(request), uploaded_files(request))
        if message is handle.original:
            handle.edits += 1
        handle.changed()
        return json_response(rest_message(message))

    async def delete_message(self, request: web.Request) -> web.Response:
        handle, message = self._target(request)
        await self.fake.messages.delete(message)
        if message is handle.original:
            handle.original = None  # follow-ups stay listed: that list is a history
        handle.changed()
        return no_content()
