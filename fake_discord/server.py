"""The aiohttp application: REST under ``/api/v10`` and the gateway at ``/``.

A middleware sits in front of every REST route to do what tests need around
the handlers: record each request, apply injected delays and failures, check
the bot token, turn ``ApiError`` into Discord's error JSON, and add the
headers Discord sends (discord.py trusts a 429 only if it has a ``Via``
header; without one it assumes a Cloudflare ban and raises).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .messages import UploadedFile
from .responses import ApiError, json_response

if TYPE_CHECKING:
    from .fake import FakeDiscord

API_PREFIX = "/api/v10"
_JSON = web.RequestKey("json", object)
_FILES = web.RequestKey("files", list)

# Routes authenticated by the interaction/webhook token in the path, not the bot token.
_TOKEN_AUTHENTICATED = re.compile(r"/interactions/\d+/[^/]+/callback|/webhooks/\d+/[^/]+(/.*)?")


@dataclass
class RecordedRequest:
    method: str
    path: str
    """Path below ``/api/v10``, e.g. ``/channels/123/messages``."""
    query: dict[str, str]
    json: Any
    """The JSON body, or a multipart request's ``payload_json``; None if there was none."""
    headers: dict[str, str]
    """Request headers except Authorization."""
    files: list[UploadedFile]
    status: int
    unknown_route: bool
    time: float


@dataclass
class Fault:
    """An injected failure or delay for the next ``remaining`` matching requests."""

    method: str
    pattern: re.Pattern[str]
    remaining: int
    status: int | None = None
    retry_after: float = 0.0
    is_global: bool = False
    delay: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and self.method in ("*", method) and self.pattern.fullmatch(path) is not None

    def response(self, bucket: str) -> web.Response:
        assert self.status is not None
        if self.status != 429:
            return json_response({"message": f"{self.status}: Fake server error", "code": 0}, status=self.status)
        body = {"message": "You are being rate limited.", "retry_after": self.retry_after, "global": self.is_global}
        headers = {
            "Via": "1.1 google",  # without it discord.py takes a 429 for a Cloudflare ban
            "Retry-After": str(max(1, round(self.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + self.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Scope": "global" if self.is_global else "user",
        }
        if self.is_global:
            headers["X-RateLimit-Global"] = "true"
        return json_response(body, status=429, headers=headers)


@dataclass
class Faults:
    failures: list[Fault] = field(default_factory=list)
    delays: list[Fault] = field(default_factory=list)

    @staticmethod
    def take(rules: list[Fault], method: str, path: str) -> Fault | None:
        rule = next((r for r in rules if r.matches(method, path)), None)
        if rule is not None:
            rule.remaining -= 1
        return rule


async def _read_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    """JSON body or multipart (``payload_json`` plus files), as discord.py sends them."""
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        files: list[UploadedFile] = []
        reader = await request.multipart()
        async for part in reader:
            data = await part.read()  # type: ignore[union-attr]
            if part.name == "payload_json":
                payload = json.loads(data)
            else:
                files.append(
                    UploadedFile(part.name or "", part.filename or "", part.headers.get("Content-Type"), len(data),
                                 data)
                )
        return payload, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


def _bucket(method: str, path: str) -> str:
    """A stable per-route bucket hash, like Discord's X-RateLimit-Bucket."""
    route = re.sub(r"\d+", "_", f"{method} {path}")
    return f"fake-{zlib.crc32(route.encode()):08x}"


def _discord_headers(bucket: str) -> dict[str, str]:
    """Discord's headers with plenty of rate limit left, so the client's bucket logic runs but never waits."""
    return {
        "Via": "1.1 google",
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": bucket,
    }


def build_app(fake: FakeDiscord, routes: list[web.RouteDef]) -> web.Application:
    @web.middleware
    async def api_middleware(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        method, path = request.method, request.path[len(API_PREFIX) :]
        unknown_route = request.match_info.http_exception is not None
        files: list[UploadedFile] = []
        body: Any = None
        response: web.StreamResponse
        try:
            body, files = await _read_body(request)
            request[_JSON], request[_FILES] = body, files
            delay = Faults.take(fake.faults.delays, method, path)
            if delay is not None:
                await asyncio.sleep(delay.delay)
            failure = Faults.take(fake.faults.failures, method, path)
            if failure is not None:
                response = failure.response(_bucket(method, path))
            elif (
                not _TOKEN_AUTHENTICATED.fullmatch(path) and request.headers.get("Authorization") != f"Bot {fake.token}"
            ):
                response = json_response({"message": "401: Unauthorized", "code": 0}, status=401)
            elif unknown_route:
                missing = request.match_info.http_exception
                assert missing is not None
                response = json_response(
                    {"message": f"{missing.status}: {missing.reason}", "code": 0}, status=missing.status
                )
            else:
                response = await handler(request)
        except ApiError as error:
            response = error.response()
        if response.status != 429:
            response.headers.update(_discord_headers(_bucket(method, path)))
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        fake.requests.append(
            RecordedRequest(
                method,
                path,
                dict(request.query),
                body,
                headers,
                files,
                response.status,
                unknown_route,
                time.monotonic(),
            )
        )
        return response

    app = web.Application(middlewares=[api_middleware])
    app.router.add_get("/", fake.gateway.handle)
    app.router.add_routes(routes)
    return app


def request_json(request: web.Request) -> Any:
    """The request's JSON body (or multipart ``payload_json``) as parsed by the middleware."""
    return request.get(_JSON)


def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object body, {} when absent."""
    body = request_json(request)
    return body if isinstance(body, dict) else {}


def uploaded_files(request: web.Request) -> list[UploadedFile]:
    return request.get(_FILES, [])


def snowflake_param(request: web.Request, name: str) -> int:
    """A numeric path parameter; Discord answers 404 for non-numeric ids in most routes."""
    try:
        return int(request.match_info[name])
    except ValueError:
        raise ApiError(404, 0, "404: Not Found") from None


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def resource_routes(collection: str, item: str, *, list_items: Handler | None = None, create: Handler | None = None,
                    get: Handler | None = None, edit: Handler | None = None,
                    delete: Handler | None = None) -> list[web.RouteDef]:
    """A REST resource's routes: GET (list) and POST (create) on the collection, GET, PATCH (edit) and
    DELETE on one item at ``item``; only the handlers given are routed."""
    routes = [(web.get, collection, list_items), (web.post, collection, create), (web.get, item, get),
              (web.patch, item, edit), (web.delete, item, delete)]
    return [route(path, handler) for route, path, handler in routes if handler is not None]

