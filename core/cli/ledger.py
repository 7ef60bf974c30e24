"""``calvados ledger``: every request that left the device, with the exact text sent."""

from __future__ import annotations

import re

import click

from ..ledger import Ledger
from ..storage import Database
from . import cli
from .common import print_json


@cli.command("ledger")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--limit", default=20, show_default=True, help="How many requests to show.")
@click.option("--session", "session_id", help="Only this session's requests.")
@click.option("--full", is_flag=True, help="Print the whole text that was sent.")
def ledger_command(as_json: bool, limit: int, session_id: str | None, full: bool) -> None:
    """Cloud requests, newest first: when, why (rule, data classes), model, text, tokens."""
    rows = Ledger(Database()).entries(limit, session_id)
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("no cloud requests: nothing has left this device")
        return
    for row in rows:
        tokens = f"{row['prompt_tokens'] or 0}+{row['reply_tokens'] or 0} tokens"
        click.echo(f"#{row['id']}  {row['created']}  {row['model']}  {row['status']}  {tokens}")
        click.echo(f"    {row['rule']}; data: {', '.join(row['data_classes'])}; "
                   f"trigger: {row['trigger']}; session {row['session_id']}")
        if row["error"]:
            click.echo(f"    error: {row['error']}")
        sent = row["sent"] if full else _preview(row["sent"])
        click.echo("    sent: " + sent.replace("\n", "\n    ") + "\n")


def _preview(sent: str, width: int = 160) -> str:
    """One line of what was sent, without the fixed system instruction."""
    blocks = [b for b in re.split(r"\n\n(?=\[)", sent) if not b.startswith("[system]")]
    text = " ".join(" ".join(blocks).split())
    return text if len(text) <= width else text[: width - 3] + "..."
