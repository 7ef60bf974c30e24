"""``calvados sessions``: list and show stored conversations."""

from __future__ import annotations

import click

from ..storage import Database, Session, list_sessions
from . import cli
from .common import print_json


@cli.group()
def sessions() -> None:
    """List and show stored sessions."""


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
        print_json({"id": session.id, "title": session.title, "messages": session.messages(),
                    "tool_calls": session.tool_calls()})
        return
    for msg in session.messages():
        click.echo(f"{msg['role']}> {msg['content']}\n")
