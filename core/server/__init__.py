"""The OpenAI-compatible HTTP server: ``calvados serve``.

:func:`create_app` builds the ASGI app (tests inject scripted backends through an
:class:`AgentService`); :func:`serve` runs it with uvicorn after checking the bind.
"""

from __future__ import annotations

import ipaddress

from ..errors import ConfigError
from .app import create_app
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


def check_bind(host: str, api_key: str | None) -> None:
    """Refuse to listen beyond this machine without an API key."""
    if not api_key and not is_loopback(host):
        raise ConfigError(
            f"refusing to listen on {host} without an API key: pass --api-key KEY "
            "(or set CALVADOS_API_KEY), or bind 127.0.0.1"
        )


def serve(
    service: AgentService,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    api_key: str | None = None,
    pending: int = DEFAULT_PENDING,
) -> None:
    """Run the server until interrupted (the running turn finishes before exit)."""
    import uvicorn

    check_bind(host, api_key)
    app = create_app(service, api_key=api_key, pending=pending)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=30)


__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PENDING",
    "DEFAULT_PORT",
    "AgentService",
    "QueueFull",
    "WorkQueue",
    "check_bind",
    "create_app",
    "is_loopback",
    "serve",
]
