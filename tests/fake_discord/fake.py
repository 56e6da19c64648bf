"""``FakeDiscord``: a local stand-in for Discord that a stock discord.py client talks to.

It owns the world (one application, its bot user, one guild), the REST server
and the gateway, and gives tests three kinds of tools:

* driving: act as users (send messages, run slash commands, press buttons);
* observing: every REST request, message, gateway event and heartbeat is
  recorded and can be awaited;
* faults: drop or invalidate the gateway session, fail or delay REST calls.

Point discord.py at it with ``patch_discord`` (see ``patching``) or the
``fake_discord`` fixture.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import socket
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .gateway import Gateway, GatewayEvent, Heartbeat
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
from .messages import DEFAULT, REPLY, MessageStore
from .model import PRIVILEGED_INTENTS, Channel, Member, User, default_world
from .payloads import Json, channel_payload, interaction_payload, member_payload, rest_message
from .rest_application import ApplicationRoutes
from .rest_channels import ChannelRoutes
from .rest_interactions import InteractionRoutes
from .server import API_PREFIX, Fault, Faults, RecordedRequest, build_app
from .waiting import Recorder

ChannelLike = Channel | int
UserLike = User | int
MessageLike = Json | int | str

USER_REACTION_DELAY = 0.05
"""Seconds between something appearing and a user acting on it (using a message's components,
submitting a modal). Real users are slower; the fake needs this much because discord.py
registers a view or modal only after the REST call that showed it has returned, which is
after the fake has already stored it."""

# GATEWAY_GUILD_MEMBERS_LIMITED | GATEWAY_MESSAGE_CONTENT_LIMITED: an unverified bot's flags.
DEFAULT_APPLICATION_FLAGS = (1 << 15) | (1 << 19)


class FakeDiscord:
    """The fake Discord server and its state.

    The default cast: ``bot_user`` (whose id is also ``application_id``),
    ``member`` (alice, no roles), ``moderator`` (MANAGE_GUILD via the
    "Moderator" role), ``admin`` (ADMINISTRATOR, owns the guild); text
    channels ``general`` and ``questions`` in ``guild``.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        heartbeat_interval_ms: int = 41250,
        interaction_timeout: float = 3.0,
        privileged_intents: int = PRIVILEGED_INTENTS,
        application_flags: int = DEFAULT_APPLICATION_FLAGS,
        bot_name: str = "answerbot",
    ) -> None:
        """
        :param heartbeat_interval_ms: sent in HELLO; keep it small in tests so heartbeats are observable.
        :param interaction_timeout: seconds a bot has to send the interaction callback.
        :param privileged_intents: the privileged intents "enabled in the developer portal";
            asking for others in IDENTIFY closes the gateway with 4014, as on Discord.
        """
        self.world = default_world(bot_name)
        self.token = token
        self.application_id = self.world.bot.id
        self.application_flags = application_flags
        self.privileged_intents = privileged_intents
        self.interaction_timeout = interaction_timeout

        self.gateway = Gateway(self, heartbeat_interval_ms)
        self.messages = MessageStore(self.world, self.gateway.dispatch)
        self.requests: Recorder[RecordedRequest] = Recorder()
        self.faults = Faults()
        self.commands: dict[int | None, dict[int, Json]] = {}
        """Registered application commands by guild id (None: global), then command id."""
        self.interactions: list[InteractionHandle] = []
        self._interactions_by_token: dict[str, InteractionHandle] = {}
        self._reactions: dict[tuple[str, str], list[int]] = {}
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

        users = {u.username: u for u in self.world.users.values()}
        channels = {c.name: c for c in self.world.guild.channels.values()}
        self.bot_user: User = self.world.bot
        self.guild = self.world.guild
        self.member: User = users["alice"]
        self.moderator: User = users["mod"]
        self.admin: User = users["admin"]
        self.general: Channel = channels["general"]
        self.questions: Channel = channels["questions"]

    # -- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        """Serve on a free loopback port."""
        routes = ApplicationRoutes(self).routes() + ChannelRoutes(self).routes() + InteractionRoutes(self).routes()
        self._runner = web.AppRunner(build_app(self, routes), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self.gateway.close(1001, resumable=False)
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeDiscord is not started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What discord.py's ``Route.BASE`` must be set to."""
        return self.url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    # -- lookups -----------------------------------------------------------------

    def _user(self, user: UserLike | None, default: User | None = None) -> User:
        if user is None:
            if default is None:
                raise ValueError("a user is required")
            return default
        return user if isinstance(user, User) else self.world.user(int(user))

    def _channel(self, channel: ChannelLike | None) -> Channel:
        if channel is None:
            return self.general
        found = channel if isinstance(channel, Channel) else self.world.channel(int(channel))
        if found is None:
            raise ValueError(f"unknown channel {channel!r}")
        return found

    def _message(self, message: MessageLike) -> Json:
        """A stored message by id, or the given message dict (e.g. an ephemeral one from ``messages.log``)."""
        if isinstance(message, dict):
            return self.messages.by_id.get(int(message["id"]), message)
        found = self.messages.by_id.get(int(message))
        if found is None:
            raise ValueError(f"unknown message {message!r}")
        return found

    def interaction_by_token(self, token: str) -> InteractionHandle | None:
        return self._interactions_by_token.get(token)

    def dm_channel(self, user: UserLike) -> Channel:
        """The DM channel between the bot and ``user``."""
        return self.world.dm_channel(self._user(user))

    def channel_messages(self, channel: ChannelLike) -> list[Json]:
        """Messages currently in a channel, oldest first."""
        return self.messages.in_channel(self._channel(channel).id)

    # -- observing ---------------------------------------------------------------

    def requests_matching(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """Recorded REST requests whose method and path (below /api/v10, full match) fit."""
        pattern = re.compile(path_regex)
        return [r for r in self.requests if method in ("*", r.method) and pattern.fullmatch(r.path)]

    @property
    def unknown_requests(self) -> list[RecordedRequest]:
        """Requests to routes the fake does not implement (answered 404/405)."""
        return [r for r in self.requests if r.unknown_route]

    async def wait_for_request(
        self,
        method: str,
        path_regex: str,
        timeout: float = 5.0,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        *,
        since: int = 0,
    ) -> RecordedRequest:
        """The first completed request (from index ``since`` of ``requests``) matching method,
        path (full match below /api/v10) and ``predicate``."""
        pattern = re.compile(path_regex)

        def match(r: RecordedRequest) -> bool:
            return method in ("*", r.method) and bool(pattern.fullmatch(r.path)) and (predicate is None or predicate(r))

        return await self.requests.wait_for(match, since=since, timeout=timeout, what=f"{method} {path_regex}")

    async def wait_for_message(
        self,
        *,
        channel: ChannelLike | None = None,
        author: UserLike | None = None,
        predicate: Callable[[Json], bool] | None = None,
        since: int = 0,
        timeout: float = 5.0,
    ) -> Json:
        """The first message created (from index ``since`` of ``messages.log``) by ``author``
        (default: the bot) in ``channel`` (default: any) satisfying ``predicate``.
        The dict is live: later edits show in it."""
        author_id = str(self._user(author, self.bot_user).id)
        channel_id = str(self._channel(channel).id) if channel is not None else None

        def match(m: Json) -> bool:
            return (
                m["author"]["id"] == author_id
                and (channel_id is None or m["channel_id"] == channel_id)
                and (predicate is None or predicate(m))
            )

        where = f"channel {channel_id}" if channel_id else "any channel"
        return await self.messages.log.wait_for(
            match, since=since, timeout=timeout, what=f"a message by user {author_id} in {where}"
        )

    @property
    def gateway_log(self) -> Recorder[GatewayEvent]:
        return self.gateway.log

    async def wait_for_gateway(self, kind: str, *, since: int = 0, timeout: float = 5.0) -> GatewayEvent:
        """The first gateway event of ``kind`` (see ``GatewayEvent``) from index ``since`` of ``gateway_log``."""
        return await self.gateway.log.wait_for(
            lambda e: e.kind == kind, since=since, timeout=timeout, what=f"gateway {kind}"
        )

    @property
    def heartbeats(self) -> Recorder[Heartbeat]:
        return self.gateway.heartbeats

    @property
    def heartbeat_interval(self) -> float:
        """Seconds, as announced in HELLO."""
        return self.gateway.heartbeat_interval_ms / 1000

    def worst_heartbeat_lateness(self) -> float:
        """How far past the interval the longest wait between heartbeats ran (0 if never late)."""
        return max((max(0.0, h.gap - self.heartbeat_interval) for h in self.heartbeats), default=0.0)

    # -- faults ------------------------------------------------------------------

    async def close_gateway(self, code: int = 4000, *, resumable: bool = True) -> None:
        """Close every gateway connection with ``code``. With ``resumable=False`` the
        sessions die too, so the client's RESUME gets op 9 and it must IDENTIFY again."""
        await self.gateway.close(code, resumable=resumable)

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION (d=``resumable``) on every connection."""
        await self.gateway.invalidate(resumable=resumable)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client should close and RESUME."""
        await self.gateway.request_reconnect()

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        retry_after: float | None = None,
        times: int = 1,
        *,
        is_global: bool = False,
    ) -> None:
        """Answer the next ``times`` matching REST requests with ``status`` instead of handling them.

        429s carry Discord's body (message, ``retry_after`` seconds, default 0.05; global) and
        rate-limit headers; other statuses a plain error body. ``method`` may be ``"*"``."""
        self.faults.failures.append(
            Fault(
                method,
                re.compile(path_regex),
                remaining=times,
                status=status,
                retry_after=0.05 if retry_after is None else retry_after,
                is_global=is_global,
            )
        )

    def delay_next(self, method: str, path_regex: str, seconds: float, times: int = 1) -> None:
        """Hold the next ``times`` matching REST requests for ``seconds`` before handling them."""
        self.faults.delays.append(Fault(method, re.compile(path_regex), remaining=times, delay=seconds))

    # -- driving: world changes ------------------------------------------------------

    async def dispatch(self, event: str, data: Json) -> None:
        """Send any gateway event to the connected sessions (intents still apply)."""
        await self.gateway.dispatch(event, data)

    async def add_member(self, username: str, role_ids: list[int] | None = None) -> Member:
        member = self.world.add_member(username, role_ids)
        await self.dispatch("GUILD_MEMBER_ADD", {**member_payload(member), "guild_id": str(self.guild.id)})
        return member

    async def add_text_channel(self, name: str, topic: str | None = None) -> Channel:
        channel = self.world.add_text_channel(name, topic)
        await self.dispatch("CHANNEL_CREATE", channel_payload(channel, self.world))
        return channel

    # -- driving: messages ---------------------------------------------------------

    async def send_message(
        self,
        channel: ChannelLike | None,
        author: UserLike,
        content: str,
        mentions_bot: bool = False,
        reply_to: MessageLike | None = None,
        *,
        mention_author: bool = True,
        embeds: list[Json] | None = None,
        referenced_delivered: bool = True,
    ) -> Json:
        """A user posts a message: stored and dispatched as MESSAGE_CREATE.

        ``mentions_bot`` prefixes the bot's mention unless ``content`` already has it;
        every ``<@id>`` in the content lands in ``mentions``. ``reply_to`` makes it a
        reply, pinging the replied-to author unless ``mention_author`` is false; the
        replied-to message comes along in ``referenced_message`` unless
        ``referenced_delivered`` is false (Discord sometimes leaves it out: the client
        must then fetch it). Returns the full message (bots without MESSAGE_CONTENT
        may get it stripped)."""
        channel = self._channel(channel)
        user = self._user(author)
        bot = self.bot_user
        if mentions_bot and not re.search(rf"<@!?{bot.id}>", content):
            content = f"{bot.mention} {content}"
        referenced = self._message(reply_to) if reply_to is not None else None
        users, roles, everyone = self.messages.mentions_in(content)
        if referenced is not None and mention_author:
            replied = self.world.user(int(referenced["author"]["id"]))
            if replied not in users:
                users.append(replied)
        return await self.messages.create(
            channel,
            user,
            content=content,
            mentions=users,
            mention_roles=roles,
            mention_everyone=everyone,
            referenced=referenced,
            referenced_delivered=referenced_delivered,
            message_type=REPLY if referenced is not None else DEFAULT,
            embeds=embeds,
        )

    async def send_dm(self, author: UserLike, content: str) -> Json:
        """``author`` writes to the bot in DMs."""
        return await self.send_message(self.dm_channel(author), author, content)

    async def add_reaction(self, message: MessageLike, user: UserLike, emoji: str) -> None:
        """``user`` reacts with ``emoji`` (a unicode emoji or ``name:id``); dispatches MESSAGE_REACTION_ADD."""
        await self._react(self._message(message), self._user(user), emoji, add=True)

    async def remove_reaction(self, message: MessageLike, user: UserLike, emoji: str) -> None:
        await self._react(self._message(message), self._user(user), emoji, add=False)

    async def _react(self, message: Json, user: User, emoji: str, *, add: bool) -> None:
        name, _, emoji_id = emoji.partition(":")
        emoji_json = {"id": emoji_id or None, "name": name}
        users = self._reactions.setdefault((message["id"], emoji), [])
        if (user.id in users) == add:
            return
        if add:
            users.append(user.id)
        else:
            users.remove(user.id)
        reactions = [r for r in message.get("reactions", []) if r["emoji"] != emoji_json]
        if users:
            me = self.bot_user.id in users
            reactions.append(
                {
                    "emoji": emoji_json,
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": me,
                    "me_burst": False,
                    "burst_colors": [],
                }
            )
        message["reactions"] = reactions
        event: Json = {
            "user_id": str(user.id),
            "channel_id": message["channel_id"],
            "message_id": message["id"],
            "emoji": emoji_json,
            "burst": False,
            "type": 0,
        }
        if "guild_id" in message:
            event["guild_id"] = message["guild_id"]
            if add:
                event["member"] = member_payload(self.guild.members[user.id])
                event["message_author_id"] = message["author"]["id"]
        await self.dispatch("MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE", event)

    # -- driving: interactions -----------------------------------------------------

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
        """A registered command, preferring the guild's over a global one (not in DMs)."""
        scopes = [self.guild.id, None] if channel is None or channel.guild_id is not None else [None]
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
        names to values (``User``/``Channel``/``Role`` values are resolved as Discord does);
        a list is sent as raw options."""
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
            data["options"] = command_options(self.world, schema, path, options or {}, resolved, focused)
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
        data["target_id"] = resolve_value(self.world, target, resolved)
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
