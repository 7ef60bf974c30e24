"""Booking and cancelling: one SQLite transaction each, idempotent, never half-written.

``book`` holds the database's write lock from the moment it reads the offer until the
booking, its segments and the offer's mark are committed together. A second attempt for
the same offer (a retry, another thread, another process) waits for the lock and then
finds the booking, so it never books twice. If saving fails after the provider booked,
the provider booking is cancelled again and the user is told so.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calvados import CalvadosError, Database, one_line

from .providers import Offer, ProviderError, Segment, TravelError, TravelProvider, provider_named
from .store import dumps, ensure_schema, load_offer

log = logging.getLogger("calvados.travel")
LOCK_TIMEOUT_S = 10.0  # how long a booking waits for another writer (as the session does)


class BookingNotSaved(TravelError):
    """The database refused the write (locked, full, read-only): nothing was booked."""


@dataclass
class Booking:
    """A confirmed (or cancelled) booking as stored in the user database."""

    id: str  # BK-7
    offer_id: str
    kind: str
    provider: str
    confirmation: str
    title: str
    price: float
    currency: str
    sandbox: bool
    starts: datetime
    ends: datetime
    status: str
    created: str
    cancelled: str | None = None
    segments: list[Segment] = field(default_factory=list)
    offer: dict[str, Any] = field(default_factory=dict)

    def when(self, now: datetime) -> str:
        """'cancelled', 'past' or 'upcoming' relative to ``now``."""
        if self.status == "cancelled":
            return "cancelled"
        return "past" if self.ends <= now else "upcoming"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "offer_id": self.offer_id, "kind": self.kind,
            "provider": self.provider, "confirmation": self.confirmation, "title": self.title,
            "price": self.price, "currency": self.currency, "sandbox": self.sandbox,
            "starts": self.starts.isoformat(), "ends": self.ends.isoformat(),
            "status": self.status, "created": self.created, "cancelled": self.cancelled,
            "segments": [s.to_dict() for s in self.segments],
        }


def booking_number(booking_id: str) -> int:
    return int(booking_id.removeprefix("BK-"))


# --------------------------------------------------------------------------- storage errors

@contextmanager
def _write_lock_timeout(db: Database, seconds: float) -> Iterator[None]:
    conn = db.conn
    old = int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout = {old}")


def _storage_problem(exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "the database is locked by another program"
    if "full" in text:
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "the database is read-only"
    return f"the database failed ({one_line(exc)})"


# --------------------------------------------------------------------------- booking

def book(
    db: Database, offer_id: str, providers: list[TravelProvider], now: datetime,
    session_id: str | None = None,
) -> tuple[Booking, bool]:
    """Book an offer; returns (booking, created). A booked offer returns its booking.

    The provider is called outside any write transaction (a slow provider never holds the
    database), with the offer's idempotency key, so two racing bookings of one offer make
    one provider booking; the local record is then written in one short transaction, and
    if another booking of the offer got there first, that one is returned.
    """
    ensure_schema(db)
    try:  # a short write transaction first: a locked database books nothing
        with _write_lock_timeout(db, LOCK_TIMEOUT_S), db.transaction() as conn:
            offer, token, booked_as = load_offer(conn, offer_id)
            if booked_as is not None:
                return _load_booking(conn, f"BK-{booked_as}"), False
            _check_bookable(offer, now)
    except sqlite3.Error as exc:
        raise BookingNotSaved(f"could not save the booking of {offer_id}: "
                              f"{_storage_problem(exc)}; nothing was booked. Try again.") from exc
    provider = provider_named(providers, offer.provider)
    confirmation = _provider_book(provider, offer, token)
    booked = [(provider, offer, confirmation)]
    try:
        with _write_lock_timeout(db, LOCK_TIMEOUT_S), db.transaction() as conn:
            _, _, booked_as = load_offer(conn, offer_id)
            if booked_as is not None:  # a racing booking saved it (same key: same booking)
                return _load_booking(conn, f"BK-{booked_as}"), False
            number = _insert_booking(conn, offer, confirmation, now, session_id)
            _insert_segments(conn, number, offer)
            _mark_offer(conn, offer_id, number)
    except sqlite3.Error as exc:
        raise BookingNotSaved(
            f"could not save the booking of {offer_id}: {_storage_problem(exc)}; "
            + _undo(booked) + " Try again."
        ) from exc
    except BaseException:
        log.warning("booking %s failed after the provider booked it; %s", offer_id,
                    _undo(booked))
        raise
    return get_booking(db, f"BK-{number}"), True


def _check_bookable(offer: Offer, now: datetime) -> None:
    if offer.expires <= now:
        raise TravelError(
            f"offer {offer.id} expired at {offer.expires:%Y-%m-%d %H:%M}; search again for"
            " current prices"
        )
    if offer.start <= now:
        raise TravelError(f"offer {offer.id} starts in the past ({offer.start:%Y-%m-%d %H:%M})")


def _provider_book(provider: TravelProvider, offer: Offer, token: str) -> str:
    try:
        confirmation = provider.book(offer, f"calvados-{offer.id}-{token}")
    except CalvadosError:
        raise
    except Exception as exc:
        raise ProviderError(f"{provider.name} could not book {offer.id}: {one_line(exc)}") from exc
    if not confirmation:
        raise ProviderError(f"{provider.name} did not confirm {offer.id}")
    return str(confirmation)


def _undo(booked: list[tuple[TravelProvider, Offer, str]]) -> str:
    """Cancel a provider booking whose local record could not be saved."""
    if not booked:
        return "nothing was booked."
    provider, offer, confirmation = booked[0]
    try:
        provider.cancel(offer, confirmation)
    except Exception as exc:
        return (f"{provider.name} booked it as {confirmation} and cancelling that failed "
                f"({one_line(exc)}): contact {provider.name}.")
    return f"the {provider.name} booking {confirmation} was cancelled again, nothing is booked."


def _insert_booking(
    conn: sqlite3.Connection, offer: Offer, confirmation: str, now: datetime,
    session_id: str | None,
) -> int:
    cur = conn.execute(
        "INSERT INTO travel_bookings (offer_id, kind, provider, confirmation, title, price,"
        " currency, sandbox, starts, ends, data, session_id, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (offer.id, offer.kind, offer.provider, confirmation, offer.title, offer.price,
         offer.currency, int(offer.sandbox), offer.start.isoformat(), offer.end.isoformat(),
         dumps(offer.to_dict()), session_id, now.isoformat()),
    )
    return int(cur.lastrowid or 0)


def _insert_segments(conn: sqlite3.Connection, number: int, offer: Offer) -> None:
    for position, seg in enumerate(offer.segments):
        conn.execute(
            "INSERT INTO travel_segments (booking_id, position, kind, title, origin,"
            " destination, starts, start_tz, ends, end_tz, location, details)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (number, position, seg.kind, seg.title, seg.origin, seg.destination,
             seg.start.isoformat(), seg.start_tz, seg.end.isoformat(), seg.end_tz,
             seg.location, dumps(seg.details)),
        )


def _mark_offer(conn: sqlite3.Connection, offer_id: str, number: int) -> None:
    conn.execute("UPDATE travel_offers SET booked_as = ? WHERE id = ?", (number, offer_id))


# --------------------------------------------------------------------------- reading

def _row_to_booking(conn: sqlite3.Connection, row: sqlite3.Row) -> Booking:
    segments = [
        Segment.from_dict({
            "kind": s["kind"], "title": s["title"], "origin": s["origin"],
            "destination": s["destination"], "start": s["starts"], "start_tz": s["start_tz"],
            "end": s["ends"], "end_tz": s["end_tz"], "location": s["location"],
            "details": json.loads(s["details"]),
        })
        for s in conn.execute(
            "SELECT * FROM travel_segments WHERE booking_id = ? ORDER BY position", (row["id"],)
        )
    ]
    return Booking(
        f"BK-{row['id']}", row["offer_id"], row["kind"], row["provider"], row["confirmation"],
        row["title"], row["price"], row["currency"], bool(row["sandbox"]),
        datetime.fromisoformat(row["starts"]), datetime.fromisoformat(row["ends"]),
        row["status"], row["created"], row["cancelled"], segments, json.loads(row["data"]),
    )


def _load_booking(conn: sqlite3.Connection, booking_id: str) -> Booking:
    row = conn.execute(
        "SELECT * FROM travel_bookings WHERE id = ?", (booking_number(booking_id),)
    ).fetchone()
    if row is None:
        ids = [f"BK-{r[0]}" for r in conn.execute(
            "SELECT id FROM travel_bookings WHERE status = 'confirmed' ORDER BY id DESC LIMIT 5")]
        known = f" (your bookings: {', '.join(ids)})" if ids else " (you have no bookings)"
        raise TravelError(f"no booking {booking_id}{known}")
    return _row_to_booking(conn, row)


def get_booking(db: Database, booking_id: str) -> Booking:
    ensure_schema(db)
    return _load_booking(db.conn, booking_id)


def all_bookings(db: Database) -> list[Booking]:
    """Every booking of this user, in trip order."""
    ensure_schema(db)
    rows = db.execute("SELECT * FROM travel_bookings ORDER BY id").fetchall()
    found = [_row_to_booking(db.conn, row) for row in rows]
    return sorted(found, key=lambda b: b.starts)  # by instant: the offsets differ


# --------------------------------------------------------------------------- cancelling

def cancel(
    db: Database, booking_id: str, providers: list[TravelProvider], now: datetime
) -> Booking:
    """Cancel a confirmed, not yet started booking (at the provider, then here)."""
    ensure_schema(db)
    try:
        with _write_lock_timeout(db, LOCK_TIMEOUT_S), db.transaction() as conn:
            booking = _load_booking(conn, booking_id)
            if booking.status == "cancelled":
                when = datetime.fromisoformat(booking.cancelled or "").strftime("%Y-%m-%d %H:%M")
                raise TravelError(f"{booking_id} is already cancelled (on {when})")
            if booking.starts <= now:
                raise TravelError(f"{booking_id} has already started; it cannot be cancelled")
            provider = provider_named(providers, booking.provider)
            try:
                provider.cancel(Offer.from_dict(booking.offer), booking.confirmation)
            except CalvadosError:
                raise
            except Exception as exc:
                raise ProviderError(
                    f"{provider.name} could not cancel {booking_id}: {one_line(exc)}"
                ) from exc
            conn.execute(
                "UPDATE travel_bookings SET status = 'cancelled', cancelled = ?"
                " WHERE id = ? AND status = 'confirmed'",
                (now.isoformat(timespec="minutes"), booking_number(booking_id)),
            )
    except sqlite3.Error as exc:
        raise BookingNotSaved(
            f"could not record the cancellation of {booking_id}: {_storage_problem(exc)}."
            " Try again (cancelling twice at the provider is harmless)."
        ) from exc
    return get_booking(db, booking_id)
