"""Helpers shared by command modules."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from typing import Any

import click

from ..errors import CalvadosError
from ..events import ConfirmationNeeded


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise CalvadosError(f"--now: not an ISO date-time: {value!r}") from None


def print_json(data: Any) -> None:
    """JSON on stdout; C1 controls and DEL are escaped too (JSON escapes the others)."""
    text = json.dumps(data, indent=2, default=str, ensure_ascii=False)
    click.echo(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


_C1 = re.compile(r"[\x7f-\x9f]")


def confirm_on_tty(yes: bool = False) -> Any:
    """A confirmation callback: asks on a terminal, approves with ``--yes``, else refuses."""

    def confirm(request: ConfirmationNeeded) -> bool:
        if yes:
            return True
        if not sys.stdin.isatty():
            click.echo(
                f"{request.prompt} -> refused: no terminal to ask (pass --yes to approve)",
                err=True,
            )
            return False
        return click.confirm(request.prompt, default=False, err=True)

    return confirm


def typed_session(session_id: str | None) -> Any:
    """The session a person named on the command line: its id or a unique prefix of it."""
    if not session_id:
        return None
    from ..storage import Database, Session

    return Session.find(Database(), session_id)
