"""MCP servers listed in ``config.toml`` become skills; their tools get data class ``external``.

```toml
[mcp_servers.weather]
command = "weather-mcp"
args = ["--units", "metric"]
env = { WEATHER_TOKEN = "..." }
```

Each server is one plugin (named ``mcp:NAME``). Nothing is imported or started until the
registry loads; then the server is spawned once per process and kept running on a
background thread (``mcp`` is asyncio-based, the agent is not). A server that fails to
start or to list its tools is reported by name in the registry's problems and skipped.
Tool ``T`` of server ``S`` is registered as ``S_T``; results are untrusted data.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import functools
import json
import keyword
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from .errors import CalvadosError, PluginError, ToolError, one_line
from .hookspecs import hookimpl
from .paths import user_dir
from .tools import Tool, ToolContext, describe_validation_error

DATA_CLASS = "external"
DEPTH_ENV = "CALVADOS_MCP_DEPTH"  # set for the servers we start: a Calvados among them starts none


class McpServerSpec(BaseModel):
    """One ``[mcp_servers.NAME]`` table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: str = Field(description="Executable that speaks MCP on stdio.")
    args: list[str] = Field(default_factory=list, description="Its arguments.")
    env: dict[str, str] = Field(default_factory=dict, description="Extra environment variables.")
    cwd: str | None = Field(None, description="Working directory.")
    timeout: float = Field(60.0, gt=0, description="Seconds to start, and for each call.")
    confirm: bool = Field(False, description="Every tool of this server needs confirmation.")


# ---------------------------------------------------------------------------- connection

class McpConnection:
    """A running MCP server and its client session, driven by a private event loop thread."""

    def __init__(self, name: str, spec: McpServerSpec) -> None:
        self.name = name
        self.spec = spec
        self.tools: list[Any] = []
        self._client: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: str | None = None
        self._thread: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return bool(self._thread and self._thread.is_alive() and self._client is not None)

    def start(self) -> list[Any]:
        """Spawn the server, connect and list its tools; raises PluginError on failure."""
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(target=self._run, name=f"mcp-{self.name}", daemon=True)
        self._thread.start()
        if not self._ready.wait(self.spec.timeout):
            self.close()
            raise PluginError(
                f"MCP server {self.name!r} did not answer within {self.spec.timeout:g}s"
                f" (log: {log_path(self.name)})"
            )
        if self._error is not None or self._client is None:
            raise PluginError(f"MCP server {self.name!r}: {self._error or 'closed'}"
                              f" (log: {log_path(self.name)})")
        return self.tools

    def call(self, tool: str, arguments: dict[str, Any]) -> Any:
        """Call one tool; returns the ``CallToolResult``. Restarts a server that died once."""
        if not self.alive:
            self.start()
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(
            self._client.call_tool(tool, arguments), self._loop
        )
        try:
            return future.result(self.spec.timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise ToolError(
                f"MCP server {self.name!r}: {tool} did not answer within {self.spec.timeout:g}s"
            ) from None
        except Exception as exc:
            raise ToolError(f"MCP server {self.name!r}: {tool} failed: {_reason(exc)}") from exc

    def close(self) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stop.set)
            except RuntimeError:  # the loop just ended
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # noqa: BLE001  (reported through start())
            self._error = self._error or _reason(exc)
        finally:
            self._client = None
            self._ready.set()

    async def _main(self) -> None:
        from mcp import Client, StdioServerParameters
        from mcp.client.stdio import stdio_client

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        params = StdioServerParameters(
            command=self.spec.command, args=self.spec.args,
            env={**self.spec.env, DEPTH_ENV: "1"}, cwd=self.spec.cwd,
        )
        log = log_path(self.name)
        with log.open("a", encoding="utf-8") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as client:
                self.tools = await _list_all(client)
                self._client = client
                self._ready.set()
                await self._stop.wait()


async def _list_all(client: Any) -> list[Any]:
    tools: list[Any] = []
    cursor = None
    while True:
        page = await client.list_tools(cursor=cursor)
        tools += page.tools
        cursor = page.next_cursor
        if not cursor:
            return tools


def _reason(exc: BaseException) -> str:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return f"{type(exc).__name__}: {one_line(exc)}"


def log_path(name: str) -> Path:
    """Where a server's stderr goes (kept out of the terminal and the TUI)."""
    folder = user_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"mcp-{_identifier(name)}.log"


_connections: dict[str, McpConnection] = {}
_connections_lock = threading.Lock()


def connect(name: str, spec: McpServerSpec) -> McpConnection:
    """The live connection for this server and spec, started once per process."""
    key = f"{name}\0{spec.model_dump_json()}"
    with _connections_lock:
        conn = _connections.get(key)
        if conn is None or not conn.alive:
            conn = McpConnection(name, spec)
            conn.start()
            _connections[key] = conn
        return conn


@atexit.register
def close_all() -> None:
    """Stop every MCP server this process started."""
    with _connections_lock:
        conns = list(_connections.values())
        _connections.clear()
    for conn in conns:
        conn.close()


# ---------------------------------------------------------------------------- tools

class McpTool(Tool):
    """A tool backed by an MCP server: only the arguments the caller gave are sent."""

    def call(self, args: BaseModel, ctx: ToolContext) -> Any:
        return self.func(args.model_dump(by_alias=True, exclude_unset=True, mode="json"))


_TYPES: dict[str, Any] = {
    "string": str, "integer": int, "number": float, "boolean": bool,
    "array": list[Any], "object": dict[str, Any],
}


def _field_type(prop: dict[str, Any]) -> Any:
    enum = prop.get("enum")
    if enum and all(isinstance(v, str | int | bool) for v in enum):
        return Literal[tuple(enum)]
    kind = prop.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return _TYPES.get(kind, Any) if isinstance(kind, str) else Any


def _identifier(name: str, prefix: str = "x") -> str:
    ident = re.sub(r"\W", "_", name, flags=re.ASCII).strip("_") or prefix
    if ident[0].isdigit() or keyword.iskeyword(ident):
        ident = f"{prefix}_{ident}"
    return ident


def args_model(tool_name: str, schema: dict[str, Any]) -> type[BaseModel]:
    """A pydantic model accepting what the server's JSON schema describes (the common subset)."""
    required = set(schema.get("required") or [])
    fields: dict[str, Any] = {}
    for name, prop in (schema.get("properties") or {}).items():
        prop = prop if isinstance(prop, dict) else {}
        py_name = _identifier(name, "arg")
        kind = _field_type(prop)
        info = {"alias": name, "description": str(prop.get("description") or name)}
        if name in required:
            fields[py_name] = (kind, Field(..., **info))  # type: ignore[arg-type]
        else:
            fields[py_name] = (kind | None, Field(prop.get("default"), **info))  # type: ignore[arg-type]
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{_identifier(tool_name)}_args", __config__=ConfigDict(extra="forbid"), **fields
    )


def make_tool(server: str, spec: McpServerSpec, conn: McpConnection, remote: Any) -> McpTool:
    """Wrap one of the server's tool definitions as a Calvados tool."""
    name = _identifier(f"{server}_{remote.name}")
    annotations = remote.annotations
    destructive = bool(
        annotations is not None and annotations.destructive_hint is True
        and not annotations.read_only_hint
    )

    def call(arguments: dict[str, Any]) -> dict[str, Any]:
        return tool_result(server, remote.name, conn.call(remote.name, arguments))

    return McpTool(
        name=name,
        func=call,
        description=(remote.description or remote.name).strip()
        + f" (from MCP server {server})",
        args_model=args_model(name, remote.input_schema or {}),
        data_class=DATA_CLASS,
        needs_confirmation=spec.confirm or destructive,
        skill=f"mcp:{server}",
    )


def tool_result(server: str, tool: str, result: Any) -> dict[str, Any]:
    """A ``CallToolResult`` as a tool value; an error result raises ToolError."""
    parts = []
    for block in result.content:
        parts.append(block.text if getattr(block, "type", "") == "text" else f"[{block.type}]")
    text = "\n".join(parts).strip()
    if result.is_error:
        raise ToolError(f"{server}/{tool}: {text or 'failed'}")
    value: dict[str, Any] = {"text": text}
    if result.structured_content is not None:
        value["data"] = json.loads(json.dumps(result.structured_content, default=str))
    return value


# ---------------------------------------------------------------------------- plugins

class McpSkill:
    """The plugin for one configured server: registers its tools when the registry loads."""

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        self.name = name
        self.spec = spec

    @hookimpl
    def register_skills(self, register: Any) -> None:
        try:
            spec = McpServerSpec.model_validate(self.spec)
        except ValidationError as exc:
            raise PluginError(
                f"MCP server {self.name!r}: bad config: {describe_validation_error(exc)}"
            ) from None
        conn = connect(self.name, spec)
        for remote in conn.tools:
            register(make_tool(self.name, spec, conn, remote))


def mcp_plugins() -> list[tuple[str, Callable[[], McpSkill]]]:
    """One ``(name, loader)`` per server in the config; nothing starts before the hook runs."""
    from .config import load_settings

    if os.environ.get(DEPTH_ENV):  # started by another Calvados: no chains, no loops
        return []
    try:
        servers = load_settings().mcp_servers
    except CalvadosError:  # a broken config is reported where settings are loaded
        return []
    return [
        (f"mcp:{name}", functools.partial(McpSkill, name, dict(spec)))
        for name, spec in servers.items()
    ]
