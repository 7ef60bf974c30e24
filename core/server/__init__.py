"""The OpenAI-compatible HTTP server: ``calvados serve``.

:func:`create_app` builds the ASGI app (tests inject scripted backends through an
:class:`AgentService`); :func:`serve` runs it with uvicorn after checking the bind. Every
request is logged once on the ``calvados.server`` logger (see :mod:`.access`); uvicorn's
own access log is off.
"""

from __future__ import annotations

import ipaddress
import os
import socket

from ..errors import ConfigError, one_line
from .app import MAX_BODY_BYTES, create_app
from .queue import DEFAULT_PENDING, QueueFull, WorkQueue
from .turn import AgentService

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def install_token() -> str:
    """This install's bearer token for ``calvados serve``: made once, kept in the user
    directory (readable by this user only)."""
    import secrets

    from ..paths import user_dir

    path = user_dir() / "server-token"
    if path.is_file() and (token := path.read_text("utf-8").strip()):
        return token
    token = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    return token


def check_bind(host: str, api_key: str | None) -> None:
    """Refuse to listen beyond this machine without an API key."""
    if not api_key and not is_loopback(host):
        raise ConfigError(
            f"refusing to listen on {host} without an API key: pass --api-key KEY "
            "(or set CALVADOS_API_KEY), or bind 127.0.0.1"
        )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or a one-line ConfigError (port in use, unknown address)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except (OSError, OverflowError) as exc:
        sock.close()
        reason = getattr(exc, "strerror", None) or one_line(exc)
        raise ConfigError(f"cannot listen on {host} port {port}: {reason}") from None
    return sock


def serve(
    service: AgentService,
    sock: socket.socket,
    *,
    api_key: str | None = None,
    pending: int = DEFAULT_PENDING,
    max_body: int = MAX_BODY_BYTES,
) -> None:
    """Run the server on ``sock`` until interrupted (the running turn finishes before exit)."""
    import uvicorn

    host = sock.getsockname()[0]
    check_bind(host, api_key)
    app = create_app(service, api_key=api_key, pending=pending, max_body=max_body)
    config = uvicorn.Config(app, log_level="warning", access_log=False,  # ours: .access
                            timeout_graceful_shutdown=30)
    uvicorn.Server(config).run(sockets=[sock])


__all__ = [
    "install_token",
    "DEFAULT_HOST",
    "DEFAULT_PENDING",
    "DEFAULT_PORT",
    "AgentService",
    "QueueFull",
    "WorkQueue",
    "bind",
    "check_bind",
    "create_app",
    "is_loopback",
    "serve",
]
