"""The fake's world: users, roles, channels, members and guilds (one by default; more with ``World.add_guild``).

Kept as plain dataclasses, separate from their JSON shapes (see ``payloads``),
so tests can read and adjust the world without knowing Discord's wire format.
The fake defines its own permission and intent bits instead of borrowing them
from discord.py: it plays the server, so it must not trust the client's view.
"""

from __future__ import annotations

import datetime
import threading
import time
from dataclasses import dataclass, field

DISCORD_EPOCH_MS = 1420070400000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
CREATE_INSTANT_INVITE = 1 << 0
KICK_MEMBERS = 1 << 1
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
ALL_PERMISSIONS = (1 << 51) - 1

EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
)

# Gateway intent bits (https://discord.com/developers/docs/events/gateway#gateway-intents).
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_GUILD_MESSAGE_REACTIONS = 1 << 10
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_DIRECT_MESSAGE_REACTIONS = 1 << 13
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Channel types.
GUILD_TEXT = 0
DM = 1


class SnowflakeGenerator:
    """Makes strictly increasing snowflakes stamped with the current time.

    Real time matters: discord.py derives ``created_at`` from ids and treats an
    interaction whose id is older than 15 minutes as expired.
    """

    def __init__(self) -> None:
        self._last = 0
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
            self._last = max(candidate, self._last + 1)
            return self._last

    def on_shard(self, shard_id: int, shard_count: int) -> int:
        """A snowflake for a guild that Discord routes to shard ``shard_id`` of ``shard_count``
        (``(id >> 22) % shard_count``): the next one whose millisecond fits, at most that many ms ahead."""
        with self._lock:
            candidate = max((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22, self._last + 1)
            ms = candidate >> 22
            if (ms - shard_id) % shard_count:
                ms += (shard_id - ms) % shard_count
                candidate = ms << 22
            self._last = candidate
            return candidate


def snowflake_time(snowflake: int) -> datetime.datetime:
    """The creation time encoded in a snowflake, as an aware UTC datetime."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC)


def iso_timestamp(snowflake: int) -> str:
    """Discord's ISO-8601 timestamp for the moment a snowflake was made."""
    return snowflake_time(snowflake).isoformat()


@dataclass
class User:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class Role:
    id: int
    name: str
    permissions: int
    position: int
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    bot_id: int | None = None
    """Set for the managed role Discord creates for a bot when it joins."""


@dataclass
class Channel:
    id: int
    name: str
    type: int = GUILD_TEXT
    position: int = 0
    guild_id: int | None = None
    topic: str | None = None
    recipient_id: int | None = None
    """The other user of a DM channel."""


@dataclass
class Member:
    user: User
    role_ids: list[int]
    joined_at: str
    nick: str | None = None


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, Role] = field(default_factory=dict)
    channels: dict[int, Channel] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def everyone(self) -> Role:
        return self.roles[self.id]

    def channel_named(self, name: str) -> Channel:
        return next(c for c in self.channels.values() if c.name == name)

    def permissions_for(self, user_id: int) -> int:
        """Guild-level permissions of a member: no channel overwrites exist in the fake."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members[user_id]
        value = self.everyone.permissions
        for role_id in member.role_ids:
            value |= self.roles[role_id].permissions
        return ALL_PERMISSIONS if value & ADMINISTRATOR else value


@dataclass
class World:
    """Everything the fake knows about, with named handles to the default cast."""

    new_id: SnowflakeGenerator
    bot: User
    guild: Guild
    """The default guild: where the world's methods act unless told another."""
    users: dict[int, User]
    dm_channels: dict[int, Channel]
    """DM channels keyed by the human's user id."""
    guilds: dict[int, Guild] = field(default_factory=dict)
    """Every guild the bot is in, the default one first."""

    def __post_init__(self) -> None:
        self.guilds.setdefault(self.guild.id, self.guild)

    def user(self, user_id: int) -> User:
        return self.users[user_id]

    def user_named(self, username: str) -> User:
        return next(u for u in self.users.values() if u.username == username)

    def guild_of(self, channel: Channel) -> Guild | None:
        """The guild a channel is in (None: a DM)."""
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    def channel(self, channel_id: int) -> Channel | None:
        found = next((g.channels[channel_id] for g in self.guilds.values() if channel_id in g.channels), None)
        if found is None:
            found = next((c for c in self.dm_channels.values() if c.id == channel_id), None)
        return found

    def dm_channel(self, user: User) -> Channel:
        """The DM channel between the bot and ``user``, created on first use."""
        channel = self.dm_channels.get(user.id)
        if channel is None:
            channel = Channel(id=self.new_id(), name="", type=DM, recipient_id=user.id)
            self.dm_channels[user.id] = channel
        return channel

    def add_user(self, username: str, *, bot: bool = False) -> User:
        user = User(id=self.new_id(), username=username, bot=bot, global_name=username.title())
        self.users[user.id] = user
        return user

    def add_member(self, username: str, role_ids: list[int] | None = None, *, guild: Guild | None = None) -> Member:
        return self.join(self.add_user(username), role_ids, guild=guild)

    def join(self, user: User, role_ids: list[int] | None = None, *, guild: Guild | None = None) -> Member:
        """``user`` becomes a member of ``guild`` (default: the default guild)."""
        guild = guild or self.guild
        member = Member(user=user, role_ids=list(role_ids or []), joined_at=iso_timestamp(max(user.id, guild.id)))
        guild.members[user.id] = member
        return member

    def add_role(self, name: str, permissions: int, *, bot_id: int | None = None, guild: Guild | None = None) -> Role:
        guild = guild or self.guild
        position = max((r.position for r in guild.roles.values()), default=0) + 1
        role = Role(id=self.new_id(), name=name, permissions=permissions, position=position, bot_id=bot_id)
        guild.roles[role.id] = role
        return role

    def add_text_channel(self, name: str, topic: str | None = None, *, guild: Guild | None = None) -> Channel:
        guild = guild or self.guild
        channel = Channel(id=self.new_id(), name=name, position=len(guild.channels), guild_id=guild.id, topic=topic)
        guild.channels[channel.id] = channel
        return channel

    def add_guild(self, name: str, *, shard: tuple[int, int] | None = None) -> Guild:
        """Another guild furnished like the default one, with the same people: ``shard`` = (shard id, shard count)
        picks an id that Discord routes to that shard. Add guilds before the bot connects: the fake sends each
        shard its guilds after READY only."""
        guild_id = self.new_id.on_shard(*shard) if shard else self.new_id()
        guild = Guild(id=guild_id, name=name, owner_id=0)
        self.guilds[guild.id] = guild
        self._furnish(guild)
        return guild

    def _furnish(self, guild: Guild) -> None:
        """The default cast's roles, memberships and channels in ``guild`` (see ``default_world``)."""
        guild.roles[guild.id] = Role(id=guild.id, name="@everyone", permissions=EVERYONE_PERMISSIONS, position=0)
        bot_role = self.add_role(self.bot.username, EVERYONE_PERMISSIONS, bot_id=self.bot.id, guild=guild)
        moderator = self.add_role("Moderator", MANAGE_GUILD | MANAGE_MESSAGES | KICK_MEMBERS, guild=guild)
        admin = self.add_role("Admin", ADMINISTRATOR, guild=guild)
        guild.members[self.bot.id] = Member(user=self.bot, role_ids=[bot_role.id], joined_at=iso_timestamp(guild.id))
        self.join(self.user_named("alice"), guild=guild)
        self.join(self.user_named("mod"), [moderator.id], guild=guild)
        guild.owner_id = self.join(self.user_named("admin"), [admin.id], guild=guild).user.id
        self.add_text_channel("general", topic="Chat", guild=guild)
        self.add_text_channel("questions", topic="Ask the bot", guild=guild)


def default_world(bot_name: str = "answerbot") -> World:
    """A small guild with the cast tests need.

    Roles: @everyone (Discord's defaults), the bot's managed role, "Moderator"
    (MANAGE_GUILD + MANAGE_MESSAGES) and "Admin" (ADMINISTRATOR). Members: the
    bot, ``alice`` (no roles), ``mod`` (Moderator) and ``admin`` (Admin, also
    the owner). Text channels: ``general`` and ``questions``.
    """
    new_id = SnowflakeGenerator()
    bot = User(id=new_id(), username=bot_name, bot=True)
    world = World(
        new_id=new_id,
        bot=bot,
        guild=Guild(id=new_id(), name="Fake Guild", owner_id=0),
        users={bot.id: bot},
        dm_channels={},
    )
    for username in ("alice", "mod", "admin"):
        world.add_user(username)
    world._furnish(world.guild)
    return world
