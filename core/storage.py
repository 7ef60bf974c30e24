"""SQLite storage: sessions, messages and tool calls. Skills add their own tables."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import SessionNotFound
from .paths import database_path

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}',
    created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_session ON messages(session_id, id);
CREATE TABLE IF NOT EXISTS tool_calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    tool TEXT NOT NULL,
    arguments TEXT NOT NULL,
    result TEXT,
    error TEXT,
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    message_id INTEGER REFERENCES messages(id)
);
"""
# Databases made before tool calls named their turn: add the column, then give each call
# the user message it followed (what the timestamps said until then).
MESSAGE_ID_MIGRATION = """
ALTER TABLE tool_calls ADD COLUMN message_id INTEGER REFERENCES messages(id);
UPDATE tool_calls SET message_id = (SELECT max(m.id) FROM messages m WHERE m.session_id =
    tool_calls.session_id AND m.role = 'user' AND m.created <= tool_calls.created);
"""


REFERENCE = "ref:"  # state keys that hold a skill's planner-readable line
REFERENCE_CHARS = 200


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """One SQLite file shared by the framework and skills (WAL, one connection per thread)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path else database_path()
        self._local = threading.local()
        self.executescript(SCHEMA)
        columns = {r["name"] for r in self.execute("PRAGMA table_info(tool_calls)")}
        if "message_id" not in columns:
            try:
                with self.transaction() as conn:
                    for statement in MESSAGE_ID_MIGRATION.split(";"):
                        if statement.strip():
                            conn.execute(statement)
            except sqlite3.OperationalError as exc:  # another process migrated it first
                if "duplicate column" not in str(exc):
                    raise

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    def executescript(self, script: str) -> None:
        self.conn.executescript(script)

    def execute(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:  # SQLite may already have rolled back (disk full)
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def like_prefix(text: str) -> str:
    """A LIKE pattern for "starts with ``text``", with ``%``, ``_`` and ``\\`` escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass
class Session:
    """A conversation: its messages, tool calls and per-skill state, persisted in SQLite."""

    id: str
    db: Database
    title: str = ""
    turn: int | None = None  # the id of the user message whose turn is running
    said: str = ""  # and its text

    @classmethod
    def create(cls, db: Database, title: str = "") -> Session:
        sid = uuid.uuid4().hex[:12]
        now = utcnow()
        db.execute(
            "INSERT INTO sessions (id, title, created, updated) VALUES (?, ?, ?, ?)",
            (sid, title, now, now),
        )
        return cls(sid, db, title)

    @classmethod
    def load(cls, db: Database, sid: str) -> Session:
        """The session with exactly this id."""
        row = db.execute("SELECT id, title FROM sessions WHERE id = ?", (sid,)).fetchone()
        if row is None:
            raise SessionNotFound(f"no session {sid!r} (see: calvados sessions list)")
        return cls(row["id"], db, row["title"])

    @classmethod
    def find(cls, db: Database, prefix: str) -> Session:
        """The session with this id, or the only one whose id starts with ``prefix`` (what a
        person types at the command line); several matches are an error that lists them."""
        row = db.execute("SELECT id, title FROM sessions WHERE id = ?", (prefix,)).fetchone()
        if row is not None:
            return cls(row["id"], db, row["title"])
        rows = db.execute(
            "SELECT id, title FROM sessions WHERE id LIKE ? ESCAPE '\\' ORDER BY updated DESC "
            "LIMIT 6", (like_prefix(prefix),),
        ).fetchall() if prefix else []
        if len(rows) == 1:
            return cls(rows[0]["id"], db, rows[0]["title"])
        if not rows:
            raise SessionNotFound(f"no session {prefix!r} (see: calvados sessions list)")
        ids = ", ".join(r["id"] for r in rows[:5])
        raise SessionNotFound(f"{prefix!r} matches several sessions ({ids}): give more of the id")

    def add_message(self, role: str, content: str, **meta: Any) -> int:
        """Store a message; a user message starts a turn, whose tool calls record its id."""
        now = utcnow()
        cur = self.db.execute(
            "INSERT INTO messages (session_id, role, content, meta, created) VALUES (?,?,?,?,?)",
            (self.id, role, content, json.dumps(meta, default=str), now),
        )
        if role == "user":
            self.turn, self.said = cur.lastrowid, content
        title = self.title or (content[:60] if role == "user" else "")
        self.db.execute(
            "UPDATE sessions SET updated = ?, title = ? WHERE id = ?", (now, title, self.id)
        )
        self.title = title
        return int(cur.lastrowid or 0)

    def messages(self, limit: int | None = None) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT id, role, content, meta, created FROM messages WHERE session_id = ?"
            " ORDER BY id", (self.id,),
        ).fetchall()
        out = [
            {"id": r["id"], "role": r["role"], "content": r["content"],
             "meta": json.loads(r["meta"]), "created": r["created"]}
            for r in rows
        ]
        return out[-limit:] if limit else out

    def history(self, turns: int = 6) -> list[dict[str, str]]:
        """The last ``turns`` user/assistant messages as ``{"role", "content"}``."""
        msgs = [m for m in self.messages() if m["role"] in ("user", "assistant")]
        return [{"role": m["role"], "content": m["content"]} for m in msgs[-turns:]]

    def record_tool_call(
        self, tool: str, arguments: dict[str, Any], status: str,
        result: Any = None, error: str | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO tool_calls (session_id, tool, arguments, result, error, status, created,"
            " message_id) VALUES (?,?,?,?,?,?,?,?)",
            (self.id, tool, json.dumps(arguments, default=str),
             None if result is None else json.dumps(result, default=str), error, status, utcnow(),
             self.turn),
        )

    def tool_calls(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT tool, arguments, result, error, status, created, message_id FROM tool_calls"
            " WHERE session_id = ? ORDER BY id",
            (self.id,),
        ).fetchall()
        return [dict(r) for r in rows]

    def delete(self) -> None:
        """Remove the session with its messages and tool calls (skills' records stay)."""
        with self.db.transaction() as conn:
            for table in ("messages", "tool_calls"):
                conn.execute(f"DELETE FROM {table} WHERE session_id = ?", (self.id,))
            conn.execute("DELETE FROM sessions WHERE id = ?", (self.id,))

    def get_state(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT state FROM sessions WHERE id = ?", (self.id,)).fetchone()
        return json.loads(row["state"]).get(key, default) if row else default

    def references(self) -> list[str]:
        """What skills said the session holds, one planner-readable line each (offers shown,
        bookings, documents), in the order of their names; see :meth:`set_reference`."""
        row = self.db.execute("SELECT state FROM sessions WHERE id = ?", (self.id,)).fetchone()
        state = json.loads(row["state"]) if row else {}
        return [state[k] for k in sorted(state) if k.startswith(REFERENCE) and state[k]]

    def set_reference(self, name: str, text: str) -> None:
        """Set (or, with an empty ``text``, clear) the skill ``name``'s line of
        :meth:`references`: the planner reads it before the history, quoted as data."""
        self.set_state(REFERENCE + name, " ".join(text.split())[:REFERENCE_CHARS])

    def set_state(self, key: str, value: Any) -> None:
        with self.db.transaction() as conn:
            row = conn.execute("SELECT state FROM sessions WHERE id = ?", (self.id,)).fetchone()
            state = json.loads(row["state"]) if row else {}
            state[key] = value
            conn.execute(
                "UPDATE sessions SET state = ? WHERE id = ?", (json.dumps(state), self.id)
            )


def latest_session(db: Database) -> Session | None:
    """The most recently updated session that holds a message, if any."""
    row = db.execute(
        "SELECT s.id, s.title FROM sessions s WHERE EXISTS (SELECT 1 FROM messages m"
        " WHERE m.session_id = s.id) ORDER BY s.updated DESC, s.rowid DESC LIMIT 1"
    ).fetchone()
    return Session(row["id"], db, row["title"]) if row else None


def list_sessions(db: Database, limit: int = 50) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT s.id, s.title, s.created, s.updated,"
        " (SELECT COUNT(*) FROM messages m WHERE m.session_id = s.id) AS messages"
        " FROM sessions s ORDER BY s.updated DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [dict(r) for r in rows]
