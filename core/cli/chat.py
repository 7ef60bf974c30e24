"""``calvados ask`` and ``calvados chat``."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..commands import PLAIN, help_lines, is_command, parse_command
from ..errors import CalvadosError, one_line
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
        click.echo(f"error: {printable(event.text or event.error)}", err=True)
    elif isinstance(event, ConfirmationNeeded) and not event.approved:
        click.echo(f"[not confirmed] {event.tool}", err=True)


def _run_message(agent: Any, message: str, as_json: bool) -> tuple[Final, bool]:
    """Run one turn, printing as it goes; (the final event, whether a tool failed)."""
    final: Final | None = None
    streamed = False
    errors: list[str] = []  # each printed once, as it happens
    events: list[dict[str, Any]] = []
    notices: list[str] = []
    for event in agent.chat(message):
        if isinstance(event, ToolResultEvent) and event.error:
            errors.append(event.text or event.error)
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
                    "tools": events, "crisis": final.crisis, "notices": notices,
                    "failed": bool(errors)})
    elif streamed:
        click.echo()
    elif not set(final.text.strip().splitlines()) <= {e.strip() for e in errors}:
        click.echo(printable(final.text))  # (a reply that is only the errors was printed)
    return final, bool(errors)


def read_message(message: str | None) -> str:
    """The message from the argument, from stdin, or both (stdin then as an attachment)."""
    piped = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    if message is None:
        return piped.strip()
    if piped.strip():
        return f"{message}\n\n{piped.strip()}"
    return message


def _session_for(session_id: str | None, resume_last: bool) -> Any:
    if session_id and resume_last:
        raise click.UsageError("--session and --continue name two sessions: give one")
    if resume_last:
        from ..storage import Database, latest_session

        session = latest_session(Database())
        if session is None:
            from ..errors import SessionNotFound

            raise SessionNotFound("no earlier session to continue")
        return session
    return typed_session(session_id)


def _settings_with(model: str | None) -> Any:
    from ..config import load_settings

    settings = load_settings()
    if model is None:
        return settings
    from ..models import get_model

    get_model(model)  # an unknown name fails here, before any session exists
    return settings.model_copy(update={"default_model": model})


@cli.command()
@click.argument("message", required=False)
@click.option("-c", "--continue", "resume_last", is_flag=True,
              help="Continue the most recent session.")
@click.option("--session", "session_id", help="Continue this session (default: a new one).")
@click.option("-m", "--model", help="Chat model for this request (see `calvados models list`).")
@click.option("--now", help="Clock for dates (ISO 8601).")
@click.option("--yes", is_flag=True, help="Approve confirmations without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of streaming.")
@click.option("--cloud", type=click.Choice(["allow", "ask", "deny"]),
              help="Override the privacy policy for this request (emotional data stays local).")
def ask(message: str | None, resume_last: bool, session_id: str | None, model: str | None,
        now: str | None, yes: bool, as_json: bool, cloud: str | None) -> None:
    """Ask one question and print the answer. MESSAGE may come on stdin; with both, stdin
    is attached to the message. Exits 1 when a tool failed."""
    from ..agent import Agent
    from ..errors import MessageError

    text = read_message(message)
    if not text.strip():  # before a session is made for it
        raise MessageError("the message is empty: say what you would like "
                           "(as an argument or on stdin)")
    clock = parse_now(now)
    settings = _settings_with(model)
    session = _session_for(session_id, resume_last)
    agent = Agent(session, settings=settings, now=clock, confirm=confirm_on_tty(yes),
                  consent=consent_on_tty())
    agent.cloud.override = cloud
    try:
        final, failed = _run_message(agent, text, as_json)
    except BaseException:
        if session is None and not agent.session.messages():
            agent.session.delete()  # a command that failed leaves no empty session behind
        raise
    if not as_json:
        click.echo(f"-- {final.where}  (session {final.session_id})", err=True)
    if failed:
        sys.exit(1)


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
    click.echo(f"Calvados — session {agent.session.id}. /help for commands, /quit to leave.",
               err=True)
    while True:
        try:
            message = input("you> ").strip()
        except EOFError:
            click.echo(err=True)
            break
        if not message:
            continue
        if is_command(message):
            try:
                name, argument = parse_command(message, PLAIN)
            except CalvadosError as exc:
                click.echo(f"error: {one_line(exc)}", err=True)
                continue
            if name == "/quit":
                break
            agent = _plain_command(agent, name, argument)
            continue
        try:
            _run_message(agent, message, as_json=False)
        except KeyboardInterrupt:
            click.echo("\n[cancelled]", err=True)
        except CalvadosError as exc:  # the session goes on
            click.echo(f"error: {one_line(exc)}", err=True)
    sys.stdout.flush()


def _plain_command(agent: Any, name: str, argument: str) -> Any:
    """Run a line-REPL command; returns the agent to go on with (a new one after /new)."""
    if name == "/help":
        click.echo("\n".join(help_lines(PLAIN)))
        click.echo("Anything else is a message: ask a question, search flights or hotels, "
                   "scan and summarize a document, ask for a story.")
    elif name == "/new":
        agent = type(agent)(None, confirm=agent.confirm, consent=agent.consent)
        click.echo(f"new session {agent.session.id}", err=True)
    elif name == "/ledger":
        from ..ledger import Ledger

        ledger = Ledger()
        one = ledger.get(int(argument)) if argument.isdigit() else None
        rows = [one] if one else ledger.entries(1, session_id=agent.session.id)
        if not rows:
            click.echo("nothing from this session has left the device")
        for row in rows:
            click.echo(f"#{row['id']}  {row['created']}  {row['model']}  {row['status']}\n"
                       f"    sent: {row['sent']}")
    return agent
