"""What "the cheapest one", "the second", "it" and a typed id refer to.

The planner copies what the user said; this resolves it in code, after planning, against
the session's own references: the offers of its last search (in the order shown) and the
bookings made in it. An id the user typed in this message always wins over anything the
planner chose or the history suggests.
"""

from __future__ import annotations

import re
from typing import Any

from calvados import Database, ToolContext

from . import bookings as booking_store
from .fields import normalize_booking_id, normalize_offer_id
from .providers import Offer
from .render import booking_line, money
from .store import ensure_schema, load_offer

OFFERS = "travel.offers"  # session state: the last search's offers, as shown

OFFER_ID = re.compile(r"\b(?:FL|HT)[- ]?\d{1,4}\b", re.I)
BOOKING_ID = re.compile(r"\bBK[- ]?\d+\b", re.I)
CHEAPEST = re.compile(r"\b(cheapest|least expensive|lowest (price|fare|cost)|best price|"
                      r"cheaper one)\b", re.I)
DEAREST = re.compile(r"\b(most expensive|priciest|dearest)\b", re.I)
EARLIEST = re.compile(r"\b(earliest|soonest)\b", re.I)
ORDINAL = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
           "4th": 3, "fifth": 4, "5th": 4, "last": -1}
PICK = re.compile(r"\b(?:the\s+)?(" + "|".join(ORDINAL) + r")\s+(?:one|offer|option|flight|"
                  r"hotel|choice|result)\b|\b(?:number|option|#|no\.?)\s*(\d)\b", re.I)
THAT = re.compile(r"\b(it|that|this|that one|this one|the booking|my booking|"
                  r"the reservation|the trip|the flight|the hotel)\b", re.I)


def remember_offers(ctx: ToolContext | None, offers: list[Offer]) -> None:
    """Keep the offers just shown as the session's reference list."""
    if ctx is not None and ctx.session is not None and offers:
        ctx.session.set_state(OFFERS, [
            {"id": o.id, "price": o.price, "start": o.start.isoformat()} for o in offers])
        refresh_view(ctx)


def travel_view(offers: list[str], bookings: list[tuple[str, str]]) -> str:
    """The planner's line for the session: "offers FL-0001, FL-0002; bookings BK-1 for
    FL-0002" (the training data writes it with this function too)."""
    parts = [f"offers {', '.join(offers)}"] if offers else []
    if bookings:
        parts.append("bookings " + ", ".join(f"{b} for {o}" for b, o in bookings))
    return "; ".join(parts)


VIEW_BOOKINGS = 3


def refresh_view(ctx: ToolContext | None) -> None:
    """Rewrite the session's travel reference after a search, booking or cancellation."""
    if ctx is None or ctx.session is None:
        return
    db = user_db(ctx)
    ensure_schema(db)
    rows = db.execute("SELECT id, offer_id FROM travel_bookings WHERE session_id = ? AND status"
                      " = 'confirmed' ORDER BY id DESC LIMIT ?",
                      (ctx.session.id, VIEW_BOOKINGS)).fetchall()
    booked = [(f"BK-{r['id']}", r["offer_id"]) for r in reversed(rows)]
    ctx.session.set_reference("travel", travel_view([o["id"] for o in _shown(ctx)], booked))


def _shown(ctx: ToolContext) -> list[dict[str, Any]]:
    return list(ctx.session.get_state(OFFERS) or []) if ctx.session is not None else []


def pick_offer(message: str, shown: list[dict[str, Any]]) -> str | None:
    """The offer ``message`` names among ``shown``: a typed id, the cheapest, the dearest,
    the earliest, an ordinal ("the second one", "option 3"); None if it names none."""
    if typed := OFFER_ID.search(message):
        return _normal(normalize_offer_id, typed.group())
    if not shown:
        return None
    if CHEAPEST.search(message):
        return str(min(shown, key=lambda o: o["price"])["id"])
    if DEAREST.search(message):
        return str(max(shown, key=lambda o: o["price"])["id"])
    if EARLIEST.search(message):
        return str(min(shown, key=lambda o: o["start"])["id"])
    if m := PICK.search(message):
        index = ORDINAL[m.group(1).lower()] if m.group(1) else int(m.group(2)) - 1
        if -len(shown) <= index < len(shown):
            return str(shown[index]["id"])
    return None


def resolve_offer(raw: dict[str, Any], ctx: ToolContext | None) -> dict[str, Any]:
    """``prepare`` of book_offer: the offer the message names wins over the planned id."""
    if ctx is None or not ctx.message:
        return raw
    shown = _shown(ctx)
    chosen = pick_offer(ctx.message, shown)
    planned = _normal(normalize_offer_id, raw.get("offer_id") or "")
    if chosen is None and shown and planned is None and THAT.search(ctx.message):
        chosen = str(shown[0]["id"]) if len(shown) == 1 else None
    if chosen is not None:
        raw["offer_id"] = chosen
    return raw


def user_db(ctx: ToolContext) -> Database:
    """The user database the session lives in (every travel tool uses this one)."""
    return ctx.session.db if ctx.session is not None else Database()


def session_booking(ctx: ToolContext) -> str | None:
    """The latest booking made in this session that is not cancelled."""
    if ctx.session is None:
        return None
    db = user_db(ctx)
    ensure_schema(db)
    row = db.execute("SELECT id FROM travel_bookings WHERE session_id = ? AND status ="
                     " 'confirmed' ORDER BY id DESC LIMIT 1", (ctx.session.id,)).fetchone()
    return f"BK-{row['id']}" if row else None


def booked_as(ctx: ToolContext, offer_id: str) -> str | None:
    db = user_db(ctx)
    ensure_schema(db)
    row = db.execute("SELECT booked_as FROM travel_offers WHERE id = ?",
                     (offer_id.upper(),)).fetchone()
    return f"BK-{row['booked_as']}" if row and row["booked_as"] else None


def _normal(normalize: Any, value: Any) -> str | None:
    try:
        return str(normalize(value, None))
    except ValueError:
        return None


def resolve_booking(raw: dict[str, Any], ctx: ToolContext | None) -> dict[str, Any]:
    """``prepare`` of cancel_booking and export_itinerary: a typed BK- id wins; an offer id
    becomes the booking made from it; a value that is no booking id, or "it", is the
    booking made in this session (dropped, to be asked for, when there is none)."""
    if ctx is None:
        return raw
    if ctx.message and (typed := BOOKING_ID.search(ctx.message)):
        raw["booking_id"] = _normal(normalize_booking_id, typed.group())
        return raw
    planned = raw.get("booking_id")
    if planned is None or str(planned).strip().lower() in ("", "all", "none"):
        if THAT.search(ctx.message) and (mine := session_booking(ctx)):
            raw["booking_id"] = mine
        return raw
    if _normal(normalize_booking_id, planned):
        return raw
    offer = _normal(normalize_offer_id, planned)
    chosen = (booked_as(ctx, offer) if offer else None) or session_booking(ctx)
    if chosen is not None:
        raw["booking_id"] = chosen
    else:
        raw.pop("booking_id")
    return raw


def resolve_export(raw: dict[str, Any], ctx: ToolContext | None) -> dict[str, Any]:
    """``prepare`` of export_itinerary: as :func:`resolve_booking`, after a ``path`` that is
    an offer or booking id ("FL-0004": the reference, put in the wrong field) is taken as
    the booking meant."""
    path = raw.get("path")
    if isinstance(path, str) and (OFFER_ID.fullmatch(path.strip())
                                  or BOOKING_ID.fullmatch(path.strip())):
        raw.pop("path")
        if not raw.get("booking_id"):
            raw["booking_id"] = path.strip()
    return resolve_booking(raw, ctx)


def describe_offer(args: Any, ctx: ToolContext) -> str:
    """The offer a booking confirmation is about, in words."""
    db = user_db(ctx)
    ensure_schema(db)
    with db.transaction() as conn:
        offer, _, _ = load_offer(conn, args.offer_id)
    who = offer.details.get("passengers") or offer.details.get("guests")
    people = f", {who} {'passenger' if offer.kind == 'flight' else 'guest'}" \
        f"{'' if who == 1 else 's'}" if who else ""
    legs = "; ".join(f"{s.title} {s.origin} -> {s.destination} {s.start:%a %Y-%m-%d %H:%M}"
                     for s in offer.segments)
    sandbox = " (sandbox: nothing real is booked)" if offer.sandbox else ""
    return f"{offer.id}: {legs}{people}, {money(offer.price, offer.currency)} total{sandbox}"


def describe_booking(args: Any, ctx: ToolContext) -> str:
    booking_id = getattr(args, "booking_id", None)
    if not booking_id:
        return ""
    return booking_line(booking_store.get_booking(user_db(ctx), booking_id))
