"""``calvados mcp``: every registered tool, served over MCP (stdio) with the official SDK.

Calls go through :meth:`Agent.run_tool`, so argument validation and normalization apply
exactly as for the planner. A ``needs_confirmation`` tool gets an extra boolean argument
``confirm``; without ``confirm: true`` the call is refused (the MCP host must ask its user).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .agent import Agent
from .events import ToolResultEvent
from .registry import Registry, get_registry
from .tools import Tool

CONFIRM_ARG = "confirm"
CONFIRM_SCHEMA = {
    "type": "boolean",
    "default": False,
    "description": "Set to true only after the user approved this action; "
    "without it the call is refused.",
}


def input_schema(tool: Tool) -> dict[str, Any]:
    """The tool's JSON schema, plus ``confirm`` for tools that need confirmation."""
    schema = dict(tool.schema())
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    if tool.needs_confirmation:
        schema["properties"] = {**schema["properties"], CONFIRM_ARG: CONFIRM_SCHEMA}
    return schema


def describe(tool: Tool) -> str:
    text = tool.description
    if tool.needs_confirmation:
        text += f" Needs the user's confirmation: pass {CONFIRM_ARG}=true once they approved."
    return text


class ToolHost:
    """Runs tools for MCP calls, one at a time, inside one persisted session."""

    def __init__(
        self,
        registry: Registry | None = None,
        session_id: str | None = None,
        now: datetime | Callable[[], datetime] | None = None,
    ) -> None:
        self.registry = registry or get_registry()
        self._session_id = session_id
        self._now = now
        self._agent: Agent | None = None
        self._lock = threading.Lock()

    def agent(self) -> Agent:
        if self._agent is None:
            self._agent = Agent(self._session_id, registry=self.registry, now=self._now)
        return self._agent

    def call(self, name: str, arguments: dict[str, Any]) -> ToolResultEvent:
        """Run ``name``; ``confirm`` is taken out of the arguments and answers confirmation."""
        args = dict(arguments)
        tool = self.registry.tool(name)
        confirmed = args.pop(CONFIRM_ARG, False) is True if tool.needs_confirmation else False
        with self._lock:
            agent = self.agent()
            agent.confirm = lambda _request: confirmed
            return agent.run_tool(name, args)


def result_payload(event: ToolResultEvent, tool: Tool) -> tuple[str, Any, bool]:
    """(text, structured content or None, is_error) for a finished call."""
    if event.error == "not confirmed":
        text = (f"Refused: {tool.name} needs the user's confirmation; call it again with "
                f"{CONFIRM_ARG}=true once they approved.")
        return text, None, True
    if event.error:
        return event.text or event.error, None, True
    structured = json.loads(json.dumps(event.result, default=str))
    return event.text, structured if isinstance(structured, dict) else None, False


def build_server(host: ToolHost) -> Any:
    """The MCP low-level server answering ``tools/list`` and ``tools/call``."""
    import anyio
    import mcp.types as types
    from mcp.server.lowlevel import Server

    from . import __name__ as package

    limiter = anyio.CapacityLimiter(1)

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        tools = [
            types.Tool(
                name=t.name,
                description=describe(t),
                input_schema=input_schema(t),
                annotations=(
                    types.ToolAnnotations(read_only_hint=False, destructive_hint=True)
                    if t.needs_confirmation else None
                ),
            )
            for t in host.registry.tools.values()
        ]
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        name, arguments = params.name, dict(params.arguments or {})
        if name not in host.registry.tools:
            return _error_result(f"unknown tool {name!r}")
        event = await anyio.to_thread.run_sync(host.call, name, arguments, limiter=limiter)
        text, structured, failed = result_payload(event, host.registry.tools[name])
        return types.CallToolResult(
            content=[types.TextContent(text=text)],
            structured_content=structured,
            is_error=failed,
        )

    return Server(package, version=_version(), on_list_tools=list_tools,
                  on_call_tool=call_tool)


def _error_result(text: str) -> Any:
    import mcp.types as types

    return types.CallToolResult(content=[types.TextContent(text=text)], is_error=True)


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("calvados")
    except metadata.PackageNotFoundError:
        return "0"


def run_stdio(
    session_id: str | None = None, now: datetime | Callable[[], datetime] | None = None
) -> None:
    """Serve until the MCP host closes stdin."""
    import anyio
    from mcp.server.stdio import stdio_server

    host = ToolHost(session_id=session_id, now=now)
    if session_id:
        host.agent()  # an unknown session fails now, as a one-line error
    server = build_server(host)

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)
