"""A local HTTP server on 127.0.0.1 that speaks Gemini's REST API (for tests and benches).

It answers ``POST /v1beta/models/{model}:generateContent`` with JSON and
``POST /v1beta/models/{model}:streamGenerateContent?alt=sse`` with server-sent events, the
way the real service does, so the real ``google-genai`` client can be pointed at it with
``CALVADOS_GEMINI_BASE_URL``. Every request is recorded (path, headers, JSON body); replies
are scripted, including failures (HTTP errors, delays beyond a timeout, malformed bodies).

    with FakeGemini([Reply("Canberra.")]) as server:
        os.environ["CALVADOS_GEMINI_BASE_URL"] = server.url
        ...
        assert server.requests[0].texts == [...]
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

_ROUTE = re.compile(r"/v1beta/models/[\w.\-]+:(generateContent|streamGenerateContent)")


@dataclass
class Reply:
    """One scripted answer. ``calls`` are function calls ``(name, args)``."""

    text: str = "Hello from the fake Gemini."
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    raw: bytes | None = None  # sent as the body verbatim (malformed replies)
    chunks: int = 3


@dataclass
class Request:
    """What the server received."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def model(self) -> str:
        return self.path.rsplit("/", 1)[-1].split(":", 1)[0]

    @property
    def streaming(self) -> bool:
        return self.path.endswith(":streamGenerateContent")

    @property
    def texts(self) -> list[str]:
        """Every text part sent: the system instruction first, then the contents in order."""
        out = [p["text"] for p in self.body.get("systemInstruction", {}).get("parts", [])
               if "text" in p]
        for content in self.body.get("contents", []):
            out += [p["text"] for p in content.get("parts", []) if "text" in p]
        return out

    @property
    def wire(self) -> str:
        """The whole request body as text (to check nothing private is anywhere in it)."""
        return json.dumps(self.body, ensure_ascii=False)

    @property
    def function_names(self) -> list[str]:
        names = []
        for tool in self.body.get("tools", []):
            names += [d["name"] for d in tool.get("functionDeclarations", [])]
        return names


def _payload(reply: Reply, text: str, with_calls: bool, prompt_tokens: int) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"text": text}] if text else []
    if with_calls:
        parts += [{"functionCall": {"name": n, "args": a}} for n, a in reply.calls]
    return {
        "candidates": [{"content": {"role": "model", "parts": parts},
                        "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": prompt_tokens,
                          "candidatesTokenCount": max(1, len(reply.text) // 4),
                          "totalTokenCount": prompt_tokens + max(1, len(reply.text) // 4)},
        "modelVersion": "fake-gemini",
    }


def _split(text: str, n: int) -> list[str]:
    if not text or n <= 1:
        return [text]
    size = max(1, -(-len(text) // n))
    return [text[i:i + size] for i in range(0, len(text), size)]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_unparsed": raw.decode("utf-8", "replace")}
        request = Request("POST", url.path, url.query, dict(self.headers.items()), body)
        if not _ROUTE.fullmatch(url.path):
            self._send(404, "application/json", b'{"error": {"code": 404, "status": "NOT_FOUND"}}')
            return
        reply = self.server.fake.record(request)
        try:
            self._answer(request, reply)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass

    def _answer(self, request: Request, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        if reply.status != 200:
            error = {"error": {"code": reply.status, "message": "scripted failure",
                               "status": "INTERNAL"}}
            self._send(reply.status, "application/json", json.dumps(error).encode())
            return
        if reply.raw is not None:
            kind = "text/event-stream" if request.streaming else "application/json"
            self._send(200, kind, reply.raw)
            return
        tokens = max(1, len(" ".join(request.texts)) // 4)
        if not request.streaming:
            payload = _payload(reply, reply.text, True, tokens)
            self._send(200, "application/json", json.dumps(payload).encode())
            return
        pieces = _split(reply.text, reply.chunks)
        events = [
            _payload(reply, piece, i == len(pieces) - 1, tokens) for i, piece in enumerate(pieces)
        ]
        data = b"".join(b"data: " + json.dumps(e).encode() + b"\r\n\r\n" for e in events)
        self._send(200, "text/event-stream", data)

    def _send(self, status: int, kind: str, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeGemini


class FakeGemini:
    """Run the fake service on a free port of 127.0.0.1 (a context manager)."""

    def __init__(self, replies: list[Reply] | None = None, default: Reply | None = None) -> None:
        self.replies = list(replies or [])
        self.default = default or Reply()
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def record(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            return self.replies.pop(0) if self.replies else self.default

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGemini:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeGemini:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (connection refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


if __name__ == "__main__":  # a standalone server for manual runs
    fake = FakeGemini().start()
    print(fake.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()
