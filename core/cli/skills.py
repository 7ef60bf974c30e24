"""``calvados skills`` and ``calvados run``: inspect and run tools directly."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..events import Token, ToolResultEvent
from ..planner import render_tool
from ..registry import get_registry
from ..terminal import printable
from . import cli
from .common import confirm_on_tty, parse_now, print_json, typed_session


@cli.group()
def skills() -> None:
    """List and inspect the registered tools."""


@skills.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def skills_list(as_json: bool) -> None:
    """List every tool with its skill and data class."""
    registry = get_registry()
    if as_json:
        print_json([t.card() for t in registry.tools.values()])
        return
    for tool in registry.tools.values():
        flag = " [confirm]" if tool.needs_confirmation else ""
        click.echo(f"{tool.name:20} {tool.skill:12} {tool.data_class:10}{flag}")
    for problem in registry.problems:
        click.echo(f"warning: {problem}", err=True)


@skills.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def skills_show(name: str, as_json: bool) -> None:
    """Show one tool: description, arguments and examples."""
    tool = get_registry().tool(name)
    if as_json:
        print_json(tool.card())
        return
    click.echo(render_tool(tool))
    click.echo(f"\n{tool.description}\n")
    click.echo(f"skill: {tool.skill}   data class: {tool.data_class}   "
               f"needs confirmation: {tool.needs_confirmation}")
    for pname, prop in tool.schema().get("properties", {}).items():
        click.echo(f"  {pname}: {prop.get('description', '')}")
    for ex in tool.examples:
        click.echo(f"  e.g. {ex.message!r} -> {ex.arguments}")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("tool_name")
@click.argument("assignments", nargs=-1)
@click.option("--now", help="Clock for date arguments (ISO 8601), e.g. 2026-11-27T10:00:00.")
@click.option("--session", "session_id", help="Run inside this session (default: a new one).")
@click.option("--yes", is_flag=True, help="Approve a confirmation without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def run(tool_name: str, assignments: tuple[str, ...], now: str | None, session_id: str | None,
        yes: bool, as_json: bool) -> None:
    """Run one tool directly: calvados run TOOL key=value ...

    Values are passed as text and validated by the tool's argument model, exactly as if
    the planner had produced them (so depart_date="March 3rd" works).
    """
    from ..agent import Agent
    from ..errors import CalvadosError

    arguments = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CalvadosError(f"expected key=value, got {item!r}")
        arguments[key] = value
    agent = Agent(typed_session(session_id), now=parse_now(now), confirm=confirm_on_tty(yes))
    agent.progress = _print_progress  # long work (multi-page scans, summaries) on stderr
    result, streamed = _run_streaming(agent, tool_name, arguments, stream=not as_json)
    if as_json:
        print_json({"tool": tool_name, "arguments": arguments, "session": agent.session.id,
                    "result": result.result, "error": result.error, "text": result.text})
    elif not result.error:
        click.echo("" if streamed else printable(result.text))
    if result.error:
        if not as_json:
            click.echo(f"error: {printable(result.text)}", err=True)
        raise SystemExit(1)


def _run_streaming(
    agent: Any, tool_name: str, arguments: dict[str, Any], stream: bool
) -> tuple[ToolResultEvent, bool]:
    """Run one tool, printing the text a streaming tool yields as it comes."""
    result: ToolResultEvent | None = None
    streamed = False
    for event in agent.tool_events(tool_name, arguments):
        if isinstance(event, Token) and stream:
            click.echo(printable(event.text), nl=False)
            streamed = True
        elif isinstance(event, ToolResultEvent):
            result = event
    assert result is not None
    return result, streamed


def _print_progress(done: int, total: int, label: str) -> None:
    if total < 4:  # a page or three needs no progress display
        return
    if sys.stderr.isatty():
        click.echo(f"\r{label}: {done}/{total}", err=True, nl=done == total)
    elif done == total or done % max(1, total // 10) == 0:
        click.echo(f"{label}: {done}/{total}", err=True)
