"""A local fake of Discord's gateway and REST API for testing bots built on stock discord.py.

See ``fake.FakeDiscord`` for the API, ``running`` to run a bot against it and
``fixtures`` for pytest integration.
"""

from .cdn import Upload
from .fake import FakeDiscord
from .gateway_protocol import GatewayEvent, Heartbeat
from .interactions import InteractionHandle
from .model import Channel, Member, Role, User
from .patching import patch_discord
from .running import fake_discord_server, run_bot
from .server import RecordedRequest

__all__ = [
    "Channel",
    "FakeDiscord",
    "GatewayEvent",
    "Heartbeat",
    "InteractionHandle",
    "Member",
    "RecordedRequest",
    "Role",
    "Upload",
    "User",
    "fake_discord_server",
    "patch_discord",
    "run_bot",
]
