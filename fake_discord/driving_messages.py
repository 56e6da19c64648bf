"""Driving the fake as the guild's people: members and channels appear, users post messages and react."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .lookups import ChannelLike, FakeLookups, MessageLike, UserLike
from .messages import DEFAULT, REPLY
from .model import Channel, Guild, Member, User
from .payloads import Json, channel_payload, member_payload

if TYPE_CHECKING:
    from .gateway import Gateway


class MessageDriving(FakeLookups):
    """``FakeDiscord``'s world changes, messages and reactions."""

    gateway: Gateway
    guild: Guild
    bot_user: User
    _reactions: dict[tuple[str, str], list[int]]

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
                event["member"] = member_payload(self.world.guilds[int(message["guild_id"])].members[user.id])
                event["message_author_id"] = message["author"]["id"]
        await self.dispatch("MESSAGE_REACTION_ADD" if add else "MESSAGE_REACTION_REMOVE", event)

