"""``FakeDiscord``: a local stand-in for Discord that a stock discord.py client talks to.

It owns the world (one application, its bot user, its guilds: one unless a test adds more), the REST server
and the gateway, and gives tests three kinds of tools:

* driving: act as users (send messages, run slash commands, press buttons),
  in ``driving_messages`` and ``driving_interactions``;
* observing: every REST request, message, gateway event and heartbeat is
  recorded and can be awaited;
* faults: drop or invalidate the gateway session, fail or delay REST calls.

Point discord.py at it with ``patch_discord`` (see ``patching``) or the
``fake_discord`` fixture.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable

from aiohttp import web

from .cdn import Cdn
from .driving_interactions import InteractionDriving
from .driving_messages import MessageDriving
from .gateway import Gateway
from .gateway_protocol import GatewayEvent, Heartbeat
from .interactions import InteractionHandle
from .lookups import ChannelLike, UserLike
from .messages import MessageStore
from .model import PRIVILEGED_INTENTS, Channel, User, default_world
from .payloads import Json
from .rest_application import ApplicationRoutes
from .rest_channels import ChannelRoutes
from .rest_interactions import InteractionRoutes
from .server import API_PREFIX, Fault, Faults, RecordedRequest, build_app
from .waiting import Recorder

# GATEWAY_GUILD_MEMBERS_LIMITED | GATEWAY_MESSAGE_CONTENT_LIMITED: an unverified bot's flags.
DEFAULT_APPLICATION_FLAGS = (1 << 15) | (1 << 19)


class FakeDiscord(MessageDriving, InteractionDriving):
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
        self.cdn = Cdn(self.world.new_id)
        """Attachments' bytes, served at Discord's CDN paths (see ``cdn``)."""
        self.messages = MessageStore(self.world, self.gateway.dispatch, self.cdn)
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
        routes = (ApplicationRoutes(self).routes() + ChannelRoutes(self).routes() + InteractionRoutes(self).routes()
                  + self.cdn.routes())
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
