"""Driving the fake's interactions as users: slash commands, autocomplete, context menus, components, modals."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import TYPE_CHECKING, Any

from .cdn import Cdn, Upload
from .interaction_payloads import interaction_payload
from .interactions import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    InteractionHandle,
    command_options,
    modal_submission,
    resolve_value,
)
from .lookups import ChannelLike, FakeLookups, MessageLike, UserLike
from .message_payloads import rest_message
from .model import Channel, Guild, User
from .payloads import Json

if TYPE_CHECKING:
    from .gateway import Gateway

USER_REACTION_DELAY = 0.05
"""Seconds between something appearing and a user acting on it (using a message's components,
submitting a modal). Real users are slower; the fake needs this much because discord.py
registers a view or modal only after the REST call that showed it has returned, which is
after the fake has already stored it."""


class InteractionDriving(FakeLookups):
    """``FakeDiscord``'s interactions: each returns the ``InteractionHandle`` to await the bot's answer on."""

    gateway: Gateway
    cdn: Cdn
    guild: Guild
    member: User
    application_id: int
    commands: dict[int | None, dict[int, Json]]
    interactions: list[InteractionHandle]
    _interactions_by_token: dict[str, InteractionHandle]

    def interaction_by_token(self, token: str) -> InteractionHandle | None:
        return self._interactions_by_token.get(token)

    async def _interact(
        self, interaction_type: int, data: Json, user: User, channel: Channel, message: Json | None = None
    ) -> InteractionHandle:
        payload = interaction_payload(
            self.world,
            interaction_id=self.world.new_id(),
            application_id=self.application_id,
            interaction_type=interaction_type,
            token=f"fake-interaction-{secrets.token_urlsafe(32)}",
            data=data,
            user=user,
            channel=channel,
            message=message,
        )
        handle = InteractionHandle(payload, channel, user)
        self.interactions.append(handle)
        self._interactions_by_token[handle.token] = handle
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return handle

    def find_command(self, name: str, command_type: int = 1, channel: Channel | None = None) -> Json | None:
        """A registered command, preferring the channel's guild's (default: the default guild's) over a global one
        (not in DMs)."""
        guild_id = self.guild.id if channel is None else channel.guild_id
        scopes = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for command in self.commands.get(scope, {}).values():
                if command["name"] == name and command["type"] == command_type:
                    return command
        return None

    def _command_data(self, name: str, command_type: int, channel: Channel) -> Json:
        """``id``/``name``/``type`` (and ``guild_id`` for guild commands) of an invoked command.
        An unregistered command gets a made-up id and is treated as global."""
        command = self.find_command(name, command_type, channel)
        data: Json = {"id": command["id"] if command else str(self.world.new_id()), "name": name, "type": command_type}
        if command is not None and "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data

    async def invoke_slash(
        self,
        name: str,
        options: dict[str, Any] | list[Json] | None = None,
        user: UserLike | None = None,
        channel_id: ChannelLike | None = None,
        *,
        focused: str | None = None,
    ) -> InteractionHandle:
        """Run a chat-input command as ``user`` (default: ``member``) in a channel (default: ``general``).

        ``name`` may include a subcommand (group): ``"faq add"``. ``options`` maps option
        names to values (``User``/``Channel``/``Role`` values are resolved as Discord does; an
        ``Upload`` is hosted on the CDN and sent as an attachment option); a list is sent as raw options."""
        return await self._invoke(APPLICATION_COMMAND, name, options, user, channel_id, focused)

    async def invoke_autocomplete(
        self,
        name: str,
        options: dict[str, Any],
        focused: str,
        user: UserLike | None = None,
        channel_id: ChannelLike | None = None,
    ) -> InteractionHandle:
        """The user is typing option ``focused`` (its value in ``options`` is the partial text)."""
        return await self._invoke(AUTOCOMPLETE, name, options, user, channel_id, focused)

    async def _invoke(
        self,
        interaction_type: int,
        name: str,
        options: dict[str, Any] | list[Json] | None,
        user: UserLike | None,
        channel: ChannelLike | None,
        focused: str | None,
    ) -> InteractionHandle:
        where = self._channel(channel)
        root, *path = name.split()
        data = self._command_data(root, 1, where)
        if isinstance(options, list):
            data["options"] = options
        else:
            command = self.find_command(root, 1, where)
            resolved: Json = {}
            schema = command.get("options", []) if command else []
            values = {name: self.cdn.attach(value, self.application_id) if isinstance(value, Upload) else value
                      for name, value in (options or {}).items()}
            data["options"] = command_options(self.world, schema, path, values, resolved, focused,
                                              self.world.guild_of(where))
            if resolved:
                data["resolved"] = resolved
        return await self._interact(interaction_type, data, self._user(user, self.member), where)

    async def invoke_message_command(
        self, name: str, target_message: MessageLike, user: UserLike | None = None
    ) -> InteractionHandle:
        """Run a message context-menu command on ``target_message``, in that message's channel."""
        message = self._message(target_message)
        channel = self._channel(int(message["channel_id"]))
        data = self._command_data(name, 3, channel)
        data["target_id"] = message["id"]
        data["resolved"] = {"messages": {message["id"]: rest_message(message)}}
        return await self._interact(APPLICATION_COMMAND, data, self._user(user, self.member), channel)

    async def invoke_user_command(
        self, name: str, target_user: UserLike, user: UserLike | None = None, channel_id: ChannelLike | None = None
    ) -> InteractionHandle:
        """Run a user context-menu command on ``target_user``."""
        channel = self._channel(channel_id)
        target = self._user(target_user)
        data = self._command_data(name, 2, channel)
        resolved: Json = {}
        data["target_id"] = resolve_value(self.world, target, resolved, self.world.guild_of(channel))
        data["resolved"] = resolved
        return await self._interact(APPLICATION_COMMAND, data, self._user(user, self.member), channel)

    async def press_button(
        self, message: MessageLike, custom_id: str, user: UserLike | None = None
    ) -> InteractionHandle:
        """Click the button ``custom_id`` on ``message`` (it must have one)."""
        return await self._use_component(message, custom_id, user, None)

    async def select_options(
        self, message: MessageLike, custom_id: str, values: list[str], user: UserLike | None = None
    ) -> InteractionHandle:
        """Pick ``values`` in the select menu ``custom_id`` on ``message``."""
        return await self._use_component(message, custom_id, user, values)

    async def _use_component(
        self, message: MessageLike, custom_id: str, user: UserLike | None, values: list[str] | None
    ) -> InteractionHandle:
        target = self._message(message)
        component = _find_component(target.get("components", []), custom_id)
        if component is None:
            raise ValueError(f"message {target['id']} has no component {custom_id!r}")
        data: Json = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = values
        await _react_after(self.messages.created_at.get(target["id"], 0.0))
        channel = self._channel(int(target["channel_id"]))
        return await self._interact(MESSAGE_COMPONENT, data, self._user(user, self.member), channel, message=target)

    async def submit_modal(
        self, shown: InteractionHandle, values: dict[str, Any], user: UserLike | None = None
    ) -> InteractionHandle:
        """Submit the modal the bot answered ``shown`` with, filling fields by custom_id."""
        callback = shown.callback
        if callback is None or callback["type"] != MODAL:
            raise ValueError(f"{shown} was not answered with a modal")
        await _react_after(shown.callback_at or 0.0)
        modal = callback["data"]
        data = {"custom_id": modal["custom_id"], "components": modal_submission(modal, values)}
        return await self._interact(
            MODAL_SUBMIT, data, self._user(user, shown.user), shown.channel, message=shown.payload.get("message")
        )


async def _react_after(shown_at: float) -> None:
    """Wait until ``USER_REACTION_DELAY`` has passed since ``shown_at`` (monotonic)."""
    remaining = shown_at + USER_REACTION_DELAY - time.monotonic()
    if remaining > 0:
        await asyncio.sleep(remaining)


def _find_component(tree: Any, custom_id: str) -> Json | None:
    """Search a component tree (action rows, containers, sections, labels) for ``custom_id``."""
    if isinstance(tree, list):
        return next((found for item in tree if (found := _find_component(item, custom_id)) is not None), None)
    if isinstance(tree, dict):
        if tree.get("custom_id") == custom_id:
            return tree
        return next(
            (
                found
                for key in ("components", "accessory", "component")
                if (found := _find_component(tree.get(key), custom_id)) is not None
            ),
            None,
        )
    return None
