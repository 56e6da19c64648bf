"""Interactions the fake dispatches, and what the bot answers to them.

An ``InteractionHandle`` is returned by every driving helper that creates an
interaction. The REST side fills it in (callback, original response, edits,
follow-ups) and tests await those through it, without caring whether the
bot answered at once, deferred and edited, or deferred and followed up.
"""

from __future__ import annotations

import time
from typing import Any

from .cdn import HostedAttachment
from .messages import LOADING
from .model import Channel, Guild, Role, User, World
from .payloads import Json, channel_payload, member_payload, role_payload, user_payload
from .waiting import Signal

# Interaction types.
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5

# Callback types.
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE = 4, 5, 6
UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = 7, 8, 9

# Command option types.
SUB_COMMAND, SUB_COMMAND_GROUP, STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, NUMBER = 1, 2, 3, 4, 5, 6, 7, 8, 10
ATTACHMENT = 11


class InteractionHandle:
    """One dispatched interaction; await the bot's reaction to it through the methods."""

    def __init__(self, payload: Json, channel: Channel, user: User) -> None:
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.channel = channel
        self.user = user
        self.created = time.monotonic()
        self.callback: Json | None = None
        """The callback body the bot POSTed: ``{"type": ..., "data": ...}``."""
        self.callback_at: float | None = None
        """Monotonic time the callback arrived."""
        self.original: Json | None = None
        """The original response message (for component callbacks 6/7: the component's message)."""
        self.followups: list[Json] = []
        self.edits = 0
        """PATCHes of the original response, counting a first follow-up that completes a deferral."""
        self._signal = Signal()

    @property
    def callback_delay(self) -> float | None:
        """Seconds between dispatch and the callback (Discord allows 3)."""
        return None if self.callback_at is None else self.callback_at - self.created

    def changed(self) -> None:
        self._signal.notify()

    async def response(self, timeout: float = 5.0) -> Json:
        """The interaction callback (``type`` and ``data``) once the bot has sent it."""
        return await self._signal.wait_until(lambda: self.callback, timeout=timeout, what=f"a callback to {self}")

    async def original_message(self, timeout: float = 5.0) -> Json:
        return await self._signal.wait_until(
            lambda: self.original, timeout=timeout, what=f"the original response to {self}"
        )

    async def followup(self, index: int = 0, timeout: float = 5.0) -> Json:
        """The ``index``-th follow-up message. As on Discord, a follow-up sent while the
        response is still "thinking" replaces the original instead: see ``answer``."""

        def found() -> Json | None:
            return self.followups[index] if len(self.followups) > index else None

        return await self._signal.wait_until(found, timeout=timeout, what=f"follow-up #{index} to {self}")

    async def answer(self, timeout: float = 5.0) -> Json:
        """The message the user finally sees as the answer, however the bot produced it:
        an immediate reply or message update, or a deferral completed by an edit or follow-up.
        Raises ``ValueError`` if the bot answered with autocomplete choices or a modal."""

        def done() -> Json | None:
            callback = self.callback
            if callback is None:
                return None
            if callback["type"] in (AUTOCOMPLETE_RESULT, MODAL):
                raise ValueError(f"{self} was answered with callback type {callback['type']}, not a message")
            if self.original is None or self.original["flags"] & LOADING:
                return None
            if callback["type"] in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE) and not self.edits:
                return None
            return self.original

        return await self._signal.wait_until(done, timeout=timeout, what=f"the answer to {self}")

    def __repr__(self) -> str:
        name = (self.payload.get("data") or {}).get("name") or (self.payload.get("data") or {}).get("custom_id")
        return f"<interaction {self.id} type={self.type} {name!r}>"


# The option type of a Python value, first match (bool before int: a bool is an int).
_OPTION_TYPES: tuple[tuple[type, int], ...] = (
    (bool, BOOLEAN), (int, INTEGER), (float, NUMBER), (User, USER), (Channel, CHANNEL), (Role, ROLE),
    (HostedAttachment, ATTACHMENT),
)


def _infer_option_type(value: Any) -> int:
    return next((option for kind, option in _OPTION_TYPES if isinstance(value, kind)), STRING)


def resolve_value(world: World, value: Any, resolved: Json, guild: Guild | None = None) -> Any:
    """The wire value of an option or target, adding users, channels, roles and attachments to ``resolved``
    (members and permissions as in ``guild``, default: the default guild)."""
    guild = guild or world.guild
    if isinstance(value, HostedAttachment):
        resolved.setdefault("attachments", {})[value.id] = value.payload
        return value.id
    if isinstance(value, User):
        resolved.setdefault("users", {})[str(value.id)] = user_payload(value)
        member = guild.members.get(value.id)
        if member is not None:
            permissions = guild.permissions_for(value.id)
            resolved.setdefault("members", {})[str(value.id)] = member_payload(
                member, with_user=False, permissions=permissions
            )
        return str(value.id)
    if isinstance(value, Channel):
        permissions = guild.permissions_for(world.bot.id)
        resolved.setdefault("channels", {})[str(value.id)] = channel_payload(value, world, permissions=permissions)
        return str(value.id)
    if isinstance(value, Role):
        resolved.setdefault("roles", {})[str(value.id)] = role_payload(value)
        return str(value.id)
    return value


def command_options(
    world: World,
    schema: list[Json],
    path: list[str],
    values: dict[str, Any],
    resolved: Json,
    focused: str | None = None,
    guild: Guild | None = None,
) -> list[Json]:
    """Interaction ``options`` for a command invocation.

    ``path`` names the subcommand group/subcommand below the command, if any;
    option types come from the registered ``schema`` when known, otherwise
    from the Python values.
    """
    if path:
        head, rest = path[0], path[1:]
        sub = next((o for o in schema if o["name"] == head), None)
        sub_type = sub["type"] if sub else (SUB_COMMAND_GROUP if rest else SUB_COMMAND)
        inner = command_options(world, sub.get("options", []) if sub else [], rest, values, resolved, focused, guild)
        return [{"name": head, "type": sub_type, "options": inner}]
    options = []
    for name, value in values.items():
        declared = next((o for o in schema if o["name"] == name), None)
        option: Json = {
            "name": name,
            "type": declared["type"] if declared else _infer_option_type(value),
            "value": resolve_value(world, value, resolved, guild),
        }
        if name == focused:
            option["focused"] = True
        options.append(option)
    return options


def modal_submission(modal: Json, values: dict[str, Any]) -> list[Json]:
    """The ``components`` of a modal submit, mirroring the layout of the modal the bot sent.

    Leaves named in ``values`` get that value (a list becomes ``values``, e.g.
    for selects); other leaves with a ``custom_id`` are submitted empty.
    """

    def submit(component: Json) -> Json:
        if component["type"] == 1:  # action row
            return {"type": 1, "components": [submit(c) for c in component.get("components", [])]}
        if component["type"] == 18:  # label
            return {"type": 18, "component": submit(component["component"])}
        result: Json = {"type": component["type"]}
        if "id" in component:
            result["id"] = component["id"]
        if "custom_id" in component:
            result["custom_id"] = component["custom_id"]
            value = values.get(component["custom_id"], "")
            result["values" if isinstance(value, list) else "value"] = value
        return result

    return [submit(c) for c in modal.get("components", [])]
