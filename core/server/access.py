"""The access log: one line per request on the ``calvados.server`` logger.

A line says who asked, the method and path, the status and how long the answer took;
for chat completions also the session, the model the request named and where the answer
was produced (one line; wrapped here)::

    127.0.0.1:50312 "POST /v1/chat/completions" 200 812.4 ms session=3f2a9c1d0b7e
        model=calvados where="on-device: smollm2-135m"

Nothing a user wrote is ever logged: no message text, no query string, no error message
(a tool's error may quote its arguments). A streamed reply is logged when its stream ends,
so the duration is the whole answer's.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("calvados.server")

NOTES = "calvados.access"  # the scope key where handlers leave what the line should say
MAX_PATH = 200
MAX_VALUE = 80
_PLAIN = re.compile(r"[\w.:@+/-]{1,80}")


def note(request: Request, **fields: str | None) -> None:
    """Add ``fields`` (``session``, ``model``, ``where``) to this request's log line."""
    notes = request.scope.get(NOTES)
    if notes is not None:
        notes.update({k: v for k, v in fields.items() if v})


class AccessLog:
    """ASGI middleware: logs every HTTP request once, after its response was sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]  # what the client gets if the app fails before answering
        notes: dict[str, str] = {}
        scope[NOTES] = notes

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            log.info("%s", access_line(scope, status[0], elapsed, notes))


def access_line(scope: Scope, status: int, elapsed_ms: float, notes: dict[str, str]) -> str:
    """The log line for one request (see the module docstring)."""
    client = scope.get("client")
    who = f"{client[0]}:{client[1]}" if client else "-"
    path = quote(str(scope.get("path", "")), safe="/:@!$&'()*+,;=-._~")
    if len(path) > MAX_PATH:
        path = path[:MAX_PATH] + "..."
    parts = [who, f'"{scope.get("method", "-")} {path}"', str(status), f"{elapsed_ms:.1f} ms"]
    parts += [f"{key}={_value(notes[key])}" for key in ("session", "model", "where")
              if key in notes]
    return " ".join(parts)


def _value(value: Any) -> str:
    """A field value on one line: as it is when plain, else quoted with escapes."""
    text = str(value)
    if _PLAIN.fullmatch(text):
        return text
    text = text[:MAX_VALUE].encode("unicode_escape").decode("ascii").replace('"', '\\"')
    return f'"{text}"'


__all__ = ["AccessLog", "access_line", "log", "note"]
