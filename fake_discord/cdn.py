"""Discord's CDN for attachments: the bytes of files users attach to commands and the bot uploads.

Discord serves an attachment from ``https://cdn.discordapp.com`` (``media.discordapp.net`` for its
``proxy_url``) at ``/attachments/{channel}/{attachment}/{filename}``, or for a file attached to a slash
command option ``/ephemeral-attachments/{application}/{attachment}/{filename}``, with signed query
parameters (``ex`` expiry, ``is`` issued, both hex Unix times, and ``hm`` a signature); a url without a
valid signature answers 404. The fake serves the same paths, and ``patching`` sends discord.py's CDN
downloads (``Attachment.read``) to it. The media proxy's resizing options are not imitated.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from .payloads import Json
from .waiting import Recorder

CDN_BASE = "https://cdn.discordapp.com"
MEDIA_PROXY_BASE = "https://media.discordapp.net"
SIGNED_FOR_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Upload:
    """A file a user picks to attach to a command's attachment option (``invoke_slash(..., {"file": Upload(...)})``)."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class HostedAttachment:
    """An attachment the CDN serves, as Discord describes it (an attachment object)."""

    payload: Json

    @property
    def id(self) -> str:
        return self.payload["id"]


class Cdn:
    """The hosted files, by path; ``downloads`` records each path fetched (status and path)."""

    def __init__(self, new_id: Callable[[], int]) -> None:
        self._new_id = new_id
        self._secret = secrets.token_bytes(16)
        self._files: dict[str, tuple[bytes, str | None]] = {}
        self.downloads: Recorder[tuple[int, str]] = Recorder()

    def host(self, folder: str, owner_id: int, filename: str, data: bytes, content_type: str | None,
             **extra: object) -> HostedAttachment:
        """Serve ``data`` under ``/{folder}/{owner_id}/{new id}/{filename}``; its attachment object."""
        attachment_id = self._new_id()
        path = f"/{folder}/{owner_id}/{attachment_id}/{filename}"
        self._files[path] = data, content_type
        query = self._signed(path)
        payload: Json = {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(data),
            "url": f"{CDN_BASE}{path}?{query}",
            "proxy_url": f"{MEDIA_PROXY_BASE}{path}?{query}",
            "content_type": content_type,
            **extra,
        }
        return HostedAttachment(payload)

    def attach(self, upload: Upload, application_id: int) -> HostedAttachment:
        """A file attached to a slash command option: hosted as an ephemeral attachment."""
        return self.host("ephemeral-attachments", application_id, upload.filename, upload.data, upload.content_type,
                         ephemeral=True)

    def _signature(self, path: str, expires: str, issued: str) -> str:
        return hashlib.blake2b(f"{path}|{expires}|{issued}".encode(), key=self._secret, digest_size=32).hexdigest()

    def _signed(self, path: str) -> str:
        now = int(time.time())
        expires, issued = f"{now + SIGNED_FOR_SECONDS:x}", f"{now:x}"
        return f"ex={expires}&is={issued}&hm={self._signature(path, expires, issued)}"

    async def serve(self, request: web.Request) -> web.Response:
        path, query = request.path, request.query
        hosted = self._files.get(path)
        signed = query.get("hm") == self._signature(path, query.get("ex", ""), query.get("is", ""))
        if hosted is None or not signed or int(query["ex"], 16) <= time.time():
            self.downloads.append((404, path))
            return web.Response(status=404, text="This content is no longer available.")
        self.downloads.append((200, path))
        data, content_type = hosted
        return web.Response(body=data, content_type=content_type or "application/octet-stream")

    def routes(self) -> list[web.RouteDef]:
        return [web.get(f"/{folder}/{{owner}}/{{attachment}}/{{filename}}", self.serve)
                for folder in ("attachments", "ephemeral-attachments")]

    @staticmethod
    def redirected(url: str, fake_url: str) -> str:
        """``url`` on Discord's CDN or media proxy, pointed at the fake (``fake_url``); other urls unchanged."""
        for base in (CDN_BASE, MEDIA_PROXY_BASE):
            if url.startswith(base + "/"):
                return fake_url + url[len(base):]
        return url
