"""Travel tables in the user database, and the offers shown to the user.

Offers and bookings belong to the user, not to a conversation: every session on this
device sees the same bookings. Offer ids (FL-0001, HT-0001) are short so they can be
read back ("book FL-0007"); searching the same thing again keeps the same id while the
offer is open.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from calvados import Database

from .providers import Offer, TravelError

SCHEMA = """
CREATE TABLE IF NOT EXISTS travel_counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS travel_offers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,
    ref TEXT NOT NULL,
    token TEXT NOT NULL,
    data TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    booked_as INTEGER
);
CREATE INDEX IF NOT EXISTS travel_offers_ref ON travel_offers(provider, ref);
CREATE TABLE IF NOT EXISTS travel_bookings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    offer_id TEXT NOT NULL UNIQUE REFERENCES travel_offers(id),
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,
    confirmation TEXT NOT NULL,
    title TEXT NOT NULL,
    price REAL NOT NULL,
    currency TEXT NOT NULL,
    sandbox INTEGER NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'cancelled')),
    data TEXT NOT NULL,
    session_id TEXT,
    created TEXT NOT NULL,
    cancelled TEXT
);
CREATE TABLE IF NOT EXISTS travel_segments (
    booking_id INTEGER NOT NULL REFERENCES travel_bookings(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    starts TEXT NOT NULL,
    start_tz TEXT NOT NULL,
    ends TEXT NOT NULL,
    end_tz TEXT NOT NULL,
    location TEXT NOT NULL,
    details TEXT NOT NULL,
    PRIMARY KEY (booking_id, position)
);
"""
PREFIX = {"flight": "FL", "hotel": "HT"}
KEEP_EXPIRED = timedelta(days=7)  # unbooked offers are forgotten this long after expiry
_ready: set[str] = set()


def ensure_schema(db: Database) -> None:
    """Create the travel tables once per database file."""
    key = str(db.path)
    if key not in _ready:
        db.executescript(SCHEMA)
        _ready.add(key)


def _next_number(conn: sqlite3.Connection, name: str) -> int:
    conn.execute(
        "INSERT INTO travel_counters (name, value) VALUES (?, 1)"
        " ON CONFLICT(name) DO UPDATE SET value = value + 1",
        (name,),
    )
    return int(conn.execute("SELECT value FROM travel_counters WHERE name = ?",
                            (name,)).fetchone()[0])


def save_offers(db: Database, offers: list[Offer], now: datetime) -> list[Offer]:
    """Store ``offers`` and give each its id; an open offer seen again keeps its id."""
    ensure_schema(db)
    with db.transaction() as conn:
        conn.execute(
            "DELETE FROM travel_offers WHERE booked_as IS NULL AND expires < ?",
            ((now - KEEP_EXPIRED).astimezone(UTC).isoformat(),),
        )
        for offer in offers:
            offer.id = _store_offer(conn, offer, now)
    return offers


def _store_offer(conn: sqlite3.Connection, offer: Offer, now: datetime) -> str:
    row = conn.execute(
        "SELECT id FROM travel_offers WHERE provider = ? AND ref = ? AND booked_as IS NULL"
        " ORDER BY created DESC LIMIT 1",
        (offer.provider, offer.ref),
    ).fetchone()
    if row is not None:
        offer.id = row["id"]
        conn.execute(
            "UPDATE travel_offers SET data = ?, expires = ? WHERE id = ?",
            (json.dumps(offer.to_dict()), _utc(offer.expires), offer.id),
        )
        return offer.id
    prefix = PREFIX[offer.kind]
    offer.id = f"{prefix}-{_next_number(conn, prefix):04d}"
    conn.execute(
        "INSERT INTO travel_offers (id, kind, provider, ref, token, data, created, expires)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (offer.id, offer.kind, offer.provider, offer.ref, uuid.uuid4().hex,
         json.dumps(offer.to_dict()), _utc(now), _utc(offer.expires)),
    )
    return offer.id


def load_offer(conn: sqlite3.Connection, offer_id: str) -> tuple[Offer, str, int | None]:
    """(offer, idempotency token, booking row id or None); :class:`TravelError` if unknown."""
    row = conn.execute(
        "SELECT data, token, booked_as FROM travel_offers WHERE id = ?", (offer_id,)
    ).fetchone()
    if row is None:
        raise TravelError(f"no offer {offer_id} (search again: offer ids come from a search)")
    return Offer.from_dict(json.loads(row["data"])), row["token"], row["booked_as"]


def _utc(moment: datetime) -> str:
    """UTC ISO text, so that stored times compare as strings."""
    return moment.astimezone(UTC).isoformat()


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)
