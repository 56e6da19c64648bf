"""Resolving what tests pass (a user or its id, a channel or its id, a message or its id) to the fake's own objects."""

from __future__ import annotations

from .messages import MessageStore
from .model import Channel, User, World
from .payloads import Json

ChannelLike = Channel | int
UserLike = User | int
MessageLike = Json | int | str


class FakeLookups:
    """The lookups every part of ``FakeDiscord`` shares; the state is set up by ``FakeDiscord.__init__``."""

    world: World
    messages: MessageStore
    general: Channel

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

    def dm_channel(self, user: UserLike) -> Channel:
        """The DM channel between the bot and ``user``."""
        return self.world.dm_channel(self._user(user))

    def channel_messages(self, channel: ChannelLike) -> list[Json]:
        """Messages currently in a channel, oldest first."""
        return self.messages.in_channel(self._channel(channel).id)
