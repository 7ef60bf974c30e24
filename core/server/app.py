"""The OpenAI-compatible HTTP API (Starlette): models, chat completions, OpenAPI, health."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import Future
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from sse_starlette.sse import EventSourceResponse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..events import ToolResultEvent
from .access import AccessLog, note
from .openapi import openapi_document
from .queue import QueueFull, WorkQueue
from .turn import AgentService, Ended, TurnRequest, TurnView, run_turn

MODEL_ID = "calvados"
SESSION_HEADER = "X-Calvados-Session"


MAX_BODY_BYTES = 1_000_000
MAX_MESSAGE_CHARS = 100_000


class BadRequest(Exception):
    """A request the API cannot accept (becomes HTTP 400, or ``status``)."""

    def __init__(self, message: str, status: int = 400, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class Disconnected(Exception):
    """The client went away before its request was read."""


def error_response(
    status: int, message: str, kind: str, code: str | None = None,
    headers: dict[str, str] | None = None, extension: dict[str, Any] | None = None,
) -> JSONResponse:
    """An OpenAI-style error body: ``{"error": {"message", "type", "code", "param"}}``."""
    body: dict[str, Any] = {
        "error": {"message": message, "type": kind, "code": code or kind, "param": None}
    }
    if extension is not None:
        body["calvados"] = extension
    return JSONResponse(body, status_code=status, headers=headers)


class Channel:
    """Carries the worker's reports to the request's event loop, in order."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue[object] = asyncio.Queue()

    def emit(self, item: object) -> None:
        try:
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)
        except RuntimeError:  # the loop is gone (shutdown): the turn still runs to its end
            pass

    def watch(self, future: Future[Any]) -> None:
        """If the job never ran (shutdown) or crashed, still end the stream."""

        def done(fut: Future[Any]) -> None:
            if fut.cancelled():
                self.emit(Ended("the server is shutting down", status=503))
            elif fut.exception() is not None:
                self.emit(Ended(f"internal error: {fut.exception()}"))

        future.add_done_callback(done)

    async def __aiter__(self) -> AsyncIterator[object]:
        while True:
            item = await self.queue.get()
            yield item
            if isinstance(item, Ended):
                return


class CalvadosAPI:
    """Request handlers around one :class:`AgentService` and one :class:`WorkQueue`."""

    def __init__(self, service: AgentService, work: WorkQueue, api_key: str | None,
                 max_body: int = MAX_BODY_BYTES) -> None:
        self.service = service
        self.work = work
        self.api_key = api_key
        self.max_body = max_body

    # ------------------------------------------------------------------ plumbing

    def refused(self, request: Request, write: bool = False) -> Response | None:
        """Requests a web page or a rebound DNS name could make are turned away: a foreign
        ``Host`` on a loopback server, a foreign ``Origin``, a POST that is not JSON; then
        the bearer key."""
        server = request.scope.get("server") or ("", 0)
        host = _host_name(request.headers.get("host", ""))
        if _loopback_name(str(server[0])) and not _loopback_name(host):
            return error_response(403, f"Host {host!r} is not this server (DNS rebinding?)",
                                  "permission_error", "foreign_host")
        origin = request.headers.get("origin")
        if origin is not None and not _local_origin(origin):
            return error_response(403, f"requests from {origin!r} are not allowed",
                                  "permission_error", "foreign_origin")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if write and kind != "application/json":
            return error_response(415, "send the request body as Content-Type: application/json",
                                  "invalid_request_error", "unsupported_media_type")
        return self.unauthorized(request)

    def unauthorized(self, request: Request) -> Response | None:
        if not self.api_key:
            return None
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        given = token.strip().encode("utf-8", "surrogateescape")
        if scheme.lower() == "bearer" and hmac.compare_digest(given, self.api_key.encode()):
            return None
        return error_response(
            401, "missing or invalid API key (send Authorization: Bearer KEY)",
            "authentication_error", "invalid_api_key", {"WWW-Authenticate": "Bearer"},
        )

    # ------------------------------------------------------------------ routes

    async def models(self, request: Request) -> Response:
        if denied := self.refused(request):
            return denied
        card = {
            "id": MODEL_ID, "object": "model", "created": 0, "owned_by": "calvados",
            "calvados": {"chat_model": self.service.chat_model,
                         "planner": self.service.settings.planner,
                         "tools": sorted(self.service.registry.tools)},
        }
        return JSONResponse({"object": "list", "data": [card]})

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "queue": {
            "in_flight": self.work.in_flight, "capacity": self.work.capacity}})

    async def chat_completions(self, request: Request) -> Response:
        if denied := self.refused(request, write=True):
            return denied
        try:
            body = await _json_body(request, self.max_body)
            note(request, model=str(body.get("model") or MODEL_ID))
            turn = parse_turn(body, request.headers.get(SESSION_HEADER))
        except BadRequest as exc:
            return error_response(exc.status, str(exc), "invalid_request_error", exc.code)
        except Disconnected:
            return Response(status_code=499)  # nobody is listening: no traceback, no work
        note(request, session=turn.session)
        channel = Channel()
        try:
            future = self.work.submit(run_turn, self.service, turn, channel.emit)
        except QueueFull as full:
            return error_response(
                429, str(full), "rate_limit_error", "queue_full",
                {"Retry-After": str(full.retry_after)},
            )
        channel.watch(future)
        model = str(body.get("model") or MODEL_ID)
        if body.get("stream"):
            return await self._stream(request, channel, model)
        view = TurnView()
        async for item in channel:
            view.feed(item)
        _note_view(request, view)
        return _completion_response(view, model)

    # ------------------------------------------------------------------ streaming

    async def _stream(self, request: Request, channel: Channel, model: str) -> Response:
        """Hold the first events until there is content, so early failures get a status."""
        view, chunks = TurnView(), _Chunks(model)
        early = [chunks.delta({"role": "assistant", "content": ""})]
        items = channel.__aiter__()
        async for item in items:
            pieces = view.feed(item)
            early += chunks.render(item, pieces, view)
            if pieces or view.consent_refused or isinstance(item, Ended):
                break
        _note_view(request, view)
        if view.error or (view.consent_refused and not view.emitted):
            return _failure_response(view)

        async def events() -> AsyncIterator[dict[str, str]]:
            for event in early:
                yield event
            async for item in items:
                pieces = view.feed(item)
                if view.consent_refused or view.error:
                    yield {"data": json.dumps(_error_body(view))}
                    break
                for event in chunks.render(item, pieces, view):
                    yield event
            else:
                yield chunks.delta({}, finish="stop", calvados=view.extension())
            _note_view(request, view)
            yield {"data": "[DONE]"}

        headers = {SESSION_HEADER: view.session_id or ""}
        return EventSourceResponse(events(), headers=headers, ping=15, sep="\n")


class _Chunks:
    """Builds ``chat.completion.chunk`` events sharing one id."""

    def __init__(self, model: str) -> None:
        self.id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        self.created = int(time.time())
        self.model = model

    def delta(
        self, delta: dict[str, Any], finish: str | None = None,
        calvados: dict[str, Any] | None = None,
    ) -> dict[str, str]:
        chunk: dict[str, Any] = {
            "id": self.id, "object": "chat.completion.chunk", "created": self.created,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        if calvados is not None:
            chunk["calvados"] = calvados
        return {"data": json.dumps(chunk, ensure_ascii=False)}

    def render(self, item: object, pieces: list[str], view: TurnView) -> list[dict[str, str]]:
        """Content deltas for ``pieces``, then a live report if ``item`` is a tool result."""
        events = [self.delta({"content": piece}) for piece in pieces]
        if isinstance(item, ToolResultEvent):
            events.append(self.delta({}, calvados={"tool": view.tools[-1]}))
        return events


def _note_view(request: Request, view: TurnView) -> None:
    """The session and where the answer came from, for the access log."""
    note(request, session=view.session_id, where=view.final.where if view.final else None)


def _error_body(view: TurnView) -> dict[str, Any]:
    if view.error:
        kind = "invalid_request_error" if view.status < 500 else "server_error"
        return {"error": {"message": view.error, "type": kind, "code": kind, "param": None},
                "calvados": view.extension()}
    message = view.consent_error() or "consent required"
    return {"error": {"message": message, "type": "permission_error",
                      "code": "consent_required", "param": None},
            "calvados": view.extension()}


def _failure_response(view: TurnView) -> Response:
    body = _error_body(view)
    status = view.status if view.error else 403
    headers = {SESSION_HEADER: view.session_id} if view.session_id else None
    return JSONResponse(body, status_code=status, headers=headers)


def _completion_response(view: TurnView, model: str) -> Response:
    if view.error or view.consent_refused:
        return _failure_response(view)
    body = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": view.content},
            "finish_reason": "stop",
        }],
        "calvados": view.extension(),
    }
    return JSONResponse(body, headers={SESSION_HEADER: view.session_id or ""})


# ---------------------------------------------------------------------------- requests

async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it passes ``limit`` bytes (never read whole into memory)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadRequest(f"the request body is larger than {limit:,} bytes", 413,
                         "request_too_large")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BadRequest(f"the request body is larger than {limit:,} bytes", 413,
                                 "request_too_large")
            chunks.append(chunk)
    except ClientDisconnect:
        raise Disconnected from None
    return b"".join(chunks)


async def _json_body(request: Request, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    try:
        body = json.loads(await _read_body(request, limit) or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(p.get("text", "")) for p in content
            if isinstance(p, dict) and p.get("type") == "text"
        )
    if content is None:
        return ""
    raise BadRequest("message content must be a string or a list of text parts")


def parse_turn(body: dict[str, Any], session_header: str | None = None) -> TurnRequest:
    """The user's message, earlier turns, session and the ``calvados`` options of a request."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest("messages must be a non-empty list")
    if not all(isinstance(m, dict) for m in messages):
        raise BadRequest("every message must be an object with role and content")
    last = messages[-1]
    if last.get("role") != "user":
        raise BadRequest("the last message must come from the user")
    message = _text(last.get("content")).strip()
    if len(message) > MAX_MESSAGE_CHARS:
        raise BadRequest(f"the message is longer than {MAX_MESSAGE_CHARS:,} characters", 413,
                         "message_too_long")
    if not message:
        raise BadRequest("the last user message is empty")
    history = [
        {"role": m["role"], "content": _text(m.get("content"))}
        for m in messages[:-1] if m.get("role") in ("user", "assistant")
    ]
    options = body.get("calvados") or {}
    if not isinstance(options, dict):
        raise BadRequest("calvados must be an object")
    session = body.get("session") or options.get("session") or session_header or None
    if session is not None and not isinstance(session, str):
        raise BadRequest("session must be a string")
    return TurnRequest(
        message=message, session=session, history=history,
        confirm=options.get("confirm") is True, consent=options.get("consent") is True,
    )


def _host_name(header: str) -> str:
    """``localhost:8765`` -> ``localhost``; ``[::1]:8765`` -> ``::1``."""
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _loopback_name(host: str) -> bool:
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _local_origin(origin: str) -> bool:
    """A page served from this machine (http://localhost:3000, http://127.0.0.1:8080)."""
    parsed = urlsplit(origin)
    return parsed.scheme in ("http", "https") and _loopback_name(parsed.hostname or "")


# ---------------------------------------------------------------------------- factory

def create_app(
    service: AgentService | None = None,
    *,
    api_key: str | None = None,
    queue: WorkQueue | None = None,
    pending: int | None = None,
    max_body: int = MAX_BODY_BYTES,
) -> Starlette:
    """The ASGI app. Tests inject a service with scripted backends; ``serve`` builds the real one.

    ``pending`` is how many requests may wait behind the running one (see ``WorkQueue``).
    """
    work = queue or WorkQueue(pending if pending is not None else 8)
    api = CalvadosAPI(service or AgentService(), work, api_key, max_body)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await asyncio.get_running_loop().run_in_executor(None, work.shutdown)

    app = Starlette(
        routes=[
            Route("/v1/models", api.models, methods=["GET"]),
            Route("/v1/chat/completions", api.chat_completions, methods=["POST"]),
            Route("/openapi.json", api.openapi, methods=["GET"]),
            Route("/health", api.health, methods=["GET"]),
        ],
        middleware=[Middleware(AccessLog)],
        lifespan=lifespan,
    )
    app.state.api = api
    return app


__all__ = ["BadRequest", "create_app", "parse_turn"]
