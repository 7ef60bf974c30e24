"""``calvados ask`` and ``calvados chat``."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..events import ConfirmationNeeded, Event, Final, Notice, Token, ToolCallEvent, ToolResultEvent
from ..terminal import printable
from . import cli
from .common import confirm_on_tty, parse_now, print_json, typed_session
from .policy import consent_on_tty


def _render(event: Event, stream: bool) -> None:
    if isinstance(event, Token) and stream:
        click.echo(printable(event.text), nl=False)
    elif isinstance(event, Notice):
        click.echo(f"[{printable(event.text)}]", err=True)
    elif isinstance(event, ToolCallEvent):
        click.echo(f"[tool] {event.tool} {event.arguments}", err=True)
    elif isinstance(event, ToolResultEvent) and event.error:
        click.echo(f"[tool] {event.tool}: {printable(event.error or '')}", err=True)
    elif isinstance(event, ConfirmationNeeded) and not event.approved:
        click.echo(f"[not confirmed] {event.tool}", err=True)


def _run_message(agent: Any, message: str, as_json: bool) -> Final:
    final: Final | None = None
    streamed = False
    events: list[dict[str, Any]] = []
    notices: list[str] = []
    for event in agent.chat(message):
        if as_json:
            if isinstance(event, ToolResultEvent):
                events.append({"tool": event.tool, "arguments": event.arguments,
                               "result": event.result, "error": event.error})
            elif isinstance(event, Notice):
                notices.append(event.text)
        else:
            _render(event, stream=True)
            streamed = streamed or isinstance(event, Token)
        if isinstance(event, Final):
            final = event
    assert final is not None
    if as_json:
        print_json({"session": final.session_id, "text": final.text, "where": final.where,
                    "tools": events, "crisis": final.crisis, "notices": notices})
    elif not streamed:
        click.echo(printable(final.text))
    else:
        click.echo()
    return final


@cli.command()
@click.argument("message")
@click.option("--session", "session_id", help="Continue this session (default: a new one).")
@click.option("--now", help="Clock for dates (ISO 8601).")
@click.option("--yes", is_flag=True, help="Approve confirmations without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of streaming.")
@click.option("--cloud", type=click.Choice(["allow", "ask", "deny"]),
              help="Override the privacy policy for this request (emotional data stays local).")
def ask(message: str, session_id: str | None, now: str | None, yes: bool, as_json: bool,
        cloud: str | None) -> None:
    """Ask one question and print the answer."""
    from ..agent import Agent
    from ..errors import MessageError

    if not message.strip():  # before a session is made for it
        raise MessageError("the message is empty: say what you would like")
    agent = Agent(typed_session(session_id), now=parse_now(now), confirm=confirm_on_tty(yes),
                  consent=consent_on_tty())
    agent.cloud.override = cloud
    final = _run_message(agent, message, as_json)
    if not as_json:
        click.echo(f"-- {final.where}  (session {final.session_id})", err=True)


@cli.command()
@click.option("--session", "session_id", help="Resume this session.")
@click.option("--plain", is_flag=True, help="A line-based REPL instead of the full-screen UI.")
def chat(session_id: str | None, plain: bool) -> None:
    """Chat in the full-screen UI (Ctrl-Q leaves), or a line REPL with --plain (/quit)."""
    if not plain and sys.stdin.isatty() and sys.stdout.isatty():
        from ..tui import run_tui

        run_tui(typed_session(session_id).id if session_id else None)
        return
    from ..agent import Agent

    agent = Agent(typed_session(session_id), confirm=confirm_on_tty(), consent=consent_on_tty())
    click.echo(f"Calvados — session {agent.session.id}. /quit to leave.", err=True)
    while True:
        try:
            message = input("you> ").strip()
        except EOFError:
            click.echo(err=True)
            break
        if message in ("/quit", "/exit"):
            break
        if not message:
            continue
        try:
            _run_message(agent, message, as_json=False)
        except KeyboardInterrupt:
            click.echo("\n[cancelled]", err=True)
    sys.stdout.flush()
