"""``calvados serve`` (OpenAI-compatible HTTP API) and ``calvados mcp`` (MCP over stdio)."""

from __future__ import annotations

import logging

import click

from . import cli
from .common import parse_now


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option("--api-key", envvar="CALVADOS_API_KEY",
              help="Bearer key clients must send (default: this install's token, kept in the "
                   "user directory; env CALVADOS_API_KEY).")
@click.option("--no-auth", is_flag=True,
              help="No bearer key (only on loopback): any local program may use the API.")
@click.option("--queue", "pending", default=8, show_default=True, type=click.IntRange(0, 10_000),
              help="Requests that may wait behind the running one before HTTP 429.")
@click.option("--max-body", default=1_000_000, show_default=True, type=click.IntRange(1024),
              help="Largest request body in bytes (HTTP 413 beyond).")
@click.option("--no-warm", is_flag=True, help="Load the models on the first request, not now.")
@click.option("-q", "--quiet", is_flag=True,
              help="No access log (one line per request on stderr: method, path, status, "
                   "duration, session and model; never message text).")
def serve(host: str, port: int, api_key: str | None, no_auth: bool, pending: int,
          max_body: int, no_warm: bool, quiet: bool) -> None:
    """Serve the agent as an OpenAI-compatible API (/v1/chat/completions)."""
    from ..server import AgentService, bind, check_bind, install_token
    from ..server import serve as run_server

    if no_auth and api_key:
        raise click.UsageError("--no-auth and --api-key contradict each other")
    if not no_auth and not api_key:
        api_key = install_token()
    check_bind(host, api_key)
    sock = bind(host, port)
    service = AgentService()
    if not no_warm:
        click.echo("loading models...", err=True)
        service.warm()
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"Calvados on http://{shown}:{sock.getsockname()[1]}/v1 (OpenAPI: /openapi.json; "
        f"auth: {'bearer key' if api_key else 'none, loopback only'}; queue: {pending})",
        err=True,
    )
    if api_key and not no_auth:
        click.echo(f"clients send: Authorization: Bearer {api_key}", err=True)
    _access_log(quiet)
    run_server(service, sock, api_key=api_key, pending=pending, max_body=max_body)


def _access_log(quiet: bool) -> None:
    """Requests are logged on stderr, one line each, unless ``quiet``."""
    logger = logging.getLogger("calvados.server")
    if quiet:
        logger.setLevel(logging.WARNING)
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # once, even with --debug's handler on the root logger


@cli.command()
@click.option("--session", "session_id", help="Run tools inside this session (default: a new one).")
@click.option("--now", help="Clock for date arguments (ISO 8601).")
def mcp(session_id: str | None, now: str | None) -> None:
    """Serve every registered tool over MCP (stdio), for MCP hosts."""
    from ..mcp_server import run_stdio

    run_stdio(session_id=session_id, now=parse_now(now))
