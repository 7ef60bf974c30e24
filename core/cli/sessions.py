"""``calvados sessions``: list, show, export and remove stored conversations."""

from __future__ import annotations

import json
from typing import Any

import click

from ..storage import Database, Session, list_sessions
from . import cli
from .common import print_json


@cli.group()
def sessions() -> None:
    """List, show, export and remove stored sessions."""


@sessions.command("list")
@click.option("--limit", default=20, show_default=True, help="How many sessions to show.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def sessions_list(limit: int, as_json: bool) -> None:
    """Most recently updated sessions first."""
    rows = list_sessions(Database(), limit)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}  {row['updated']}  {row['messages']:3} msgs  {row['title']}")


@sessions.command("show")
@click.argument("session_id")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def sessions_show(session_id: str, as_json: bool) -> None:
    """Show a session's messages and tool calls."""
    session = Session.find(Database(), session_id)
    if as_json:
        print_json(as_data(session))
        return
    for msg in session.messages():
        click.echo(f"{msg['role']}> {msg['content']}\n")


def markdown(session: Session) -> str:
    """A session as Markdown: its title, then each message under its role."""
    lines = [f"# {session.title or session.id}", "", f"Session `{session.id}`", ""]
    for msg in session.messages():
        lines += [f"## {msg['role']}", "", msg["content"], ""]
    calls = session.tool_calls()
    if calls:
        lines += ["## tool calls", ""]
        lines += [f"- `{c['tool']}` {c['arguments']} -> {c['status']}" for c in calls]
        lines.append("")
    return "\n".join(lines)


def as_data(session: Session) -> dict[str, Any]:
    return {"id": session.id, "title": session.title, "messages": session.messages(),
            "tool_calls": session.tool_calls()}


@sessions.command("export")
@click.argument("session_id")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md",
              show_default=True, help="Markdown for reading, JSON for programs.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of stdout (an existing file is kept).")
def sessions_export(session_id: str, fmt: str, output: str | None) -> None:
    """Export one session (an id or a unique prefix of it) as Markdown or JSON."""
    from pathlib import Path

    from ..errors import CalvadosError

    session = Session.find(Database(), session_id)
    text = markdown(session) if fmt == "md" else json.dumps(
        as_data(session), indent=2, default=str, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with Path(output).open("x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise CalvadosError(f"{output} exists: choose another file name") from None
    click.echo(f"session {session.id} -> {output}", err=True)


@sessions.command("rm")
@click.argument("session_ids", nargs=-1, required=True, metavar="SESSION_ID...")
@click.option("--yes", is_flag=True, help="Do not ask first.")
def sessions_rm(session_ids: tuple[str, ...], yes: bool) -> None:
    """Delete sessions (ids or unique prefixes) with their messages; bookings stay."""
    import sys

    from ..errors import CalvadosError

    db = Database()
    found = [Session.find(db, sid) for sid in session_ids]  # all found, or nothing removed
    if not yes and not sys.stdin.isatty():
        raise CalvadosError("no terminal to ask: pass --yes to delete without asking")
    for session in found:
        if not yes and not click.confirm(f"delete session {session.id} "
                                         f"({session.title or 'untitled'})?", err=True):
            continue
        session.delete()
        click.echo(f"deleted {session.id}", err=True)
