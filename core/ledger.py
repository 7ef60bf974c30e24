"""The cloud ledger: one SQLite row for every request that leaves the device.

A row is written *before* the request is sent (status ``sending``) and completed after it
(``ok`` with the token counts the service reported, or ``error`` with a one-line reason), so
even a request that failed half-way is on record. ``sent`` is the exact text that left,
after redaction. It lives in the same database file as sessions (``calvados ledger``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .storage import Database, utcnow

SCHEMA = """
CREATE TABLE IF NOT EXISTS cloud_ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    session_id TEXT,
    model TEXT NOT NULL,
    rule TEXT NOT NULL,
    data_classes TEXT NOT NULL,
    trigger TEXT NOT NULL,
    sent TEXT NOT NULL,
    prompt_tokens INTEGER,
    reply_tokens INTEGER,
    status TEXT NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS cloud_ledger_session ON cloud_ledger(session_id, id);
"""


@dataclass
class Entry:
    """What is about to be sent, and why it may be."""

    session_id: str | None
    model: str
    rule: str
    data_classes: tuple[str, ...]
    trigger: str
    sent: str


class Ledger:
    """Read and write ledger rows in ``db`` (the table is created on first use)."""

    def __init__(self, db: Database | None = None) -> None:
        self.db = db or Database()
        self.db.executescript(SCHEMA)

    def open(self, entry: Entry) -> int:
        """Record a request before it is sent; returns its id."""
        cur = self.db.execute(
            "INSERT INTO cloud_ledger (created, session_id, model, rule, data_classes, trigger,"
            " sent, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'sending')",
            (utcnow(), entry.session_id, entry.model, entry.rule,
             json.dumps(list(entry.data_classes)), entry.trigger, entry.sent),
        )
        return int(cur.lastrowid or 0)

    def close(
        self, row_id: int, *, prompt_tokens: int | None = None, reply_tokens: int | None = None,
        error: str | None = None,
    ) -> None:
        """Complete a row: ``ok`` with token counts, or ``error`` with the reason."""
        self.db.execute(
            "UPDATE cloud_ledger SET status = ?, prompt_tokens = ?, reply_tokens = ?, error = ?"
            " WHERE id = ?",
            ("error" if error else "ok", prompt_tokens, reply_tokens, error, row_id),
        )

    def entries(self, limit: int = 50, session_id: str | None = None) -> list[dict[str, Any]]:
        """The most recent rows first."""
        where, params = ("WHERE session_id = ?", (session_id,)) if session_id else ("", ())
        rows = self.db.execute(
            f"SELECT * FROM cloud_ledger {where} ORDER BY id DESC LIMIT ?", (*params, limit)
        ).fetchall()
        return [_row(r) for r in rows]

    def get(self, row_id: int) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM cloud_ledger WHERE id = ?", (row_id,)).fetchone()
        return _row(row) if row else None


def _row(row: Any) -> dict[str, Any]:
    data = dict(row)
    data["data_classes"] = json.loads(data["data_classes"])
    return data
