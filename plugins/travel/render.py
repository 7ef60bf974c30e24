"""What the user reads: offers, bookings and itineraries as short numbered text."""

from __future__ import annotations

from datetime import datetime

from .bookings import Booking
from .places import City
from .providers import FlightQuery, HotelQuery, Offer, Segment

SANDBOX_NOTE = "SANDBOX offers: made up for testing, nothing real is booked"


def money(amount: float, currency: str) -> str:
    if currency == "USD":
        return f"${amount:,.0f}"
    return f"{amount:,.0f} {currency}"


def duration(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _place(city: City) -> str:
    return f"{city.name} ({city.airports_text()})"


def namesake_notes(*cities: City) -> list[str]:
    """"Florence is Florence, IT: did you mean Florence, South Carolina, US?" lines."""
    from .places import describe, index

    notes = []
    for city in dict.fromkeys(cities):
        other = index().runner_up(city)
        if other is not None:
            notes.append(f"({city.name} is {describe(city)}: did you mean {describe(other)}? "
                         f"Say \"{city.name}, {other.subd or other.country}\".)")
    return notes


def _leg(seg: Segment, with_day: bool) -> str:
    day = f"{seg.start:%a %b %d} " if with_day else ""
    later = (seg.end.date() - seg.start.date()).days
    plus = f" +{later}" if later > 0 else ""
    minutes = int(seg.details.get("duration_minutes") or
                  (seg.end - seg.start).total_seconds() // 60)
    stops = int(seg.details.get("stops") or 0)
    how = "nonstop" if not stops else _plural(stops, "stop")
    return (f"{seg.title}  {day}{seg.start:%H:%M} {seg.origin} -> {seg.end:%H:%M}{plus} "
            f"{seg.destination}  {duration(minutes)} {how}")


def _sandbox(offers: list[Offer]) -> str:
    return f" - {SANDBOX_NOTE}" if any(o.sandbox for o in offers) else ""


def flights_text(query: FlightQuery, offers: list[Offer]) -> str:
    trip = (f"{query.depart_date:%a %Y-%m-%d}" if query.return_date is None else
            f"{query.depart_date:%a %Y-%m-%d}, back {query.return_date:%a %Y-%m-%d}")
    head = (f"Flights {_place(query.origin)} -> {_place(query.destination)}, {trip}, "
            f"{_plural(query.passengers, 'passenger')}, {query.cabin.replace('_', ' ')}")
    notes = namesake_notes(query.origin, query.destination)
    if not offers:
        return "\n".join([f"{head}: no flights found.", *notes])
    lines = [f"{head}{_sandbox(offers)}:", *notes]
    for n, offer in enumerate(offers, 1):
        price = money(offer.price, offer.currency)
        if len(offer.segments) == 1:
            lines.append(f"{n}. {offer.id}  {_leg(offer.segments[0], False)}  {price}")
            continue
        lines.append(f"{n}. {offer.id}  {price} round trip")
        for label, seg in zip(("out ", "back"), offer.segments, strict=False):
            lines.append(f"   {label} {_leg(seg, True)}")
    lines.append(_footer(offers, "passengers"))
    return "\n".join(lines)


def hotels_text(query: HotelQuery, offers: list[Offer]) -> str:
    nights = (query.check_out - query.check_in).days
    head = (f"Hotels in {query.city.name}, {query.check_in:%a %Y-%m-%d} -> "
            f"{query.check_out:%a %Y-%m-%d} ({_plural(nights, 'night')}), "
            f"{_plural(query.guests, 'guest')}")
    notes = namesake_notes(query.city)
    if not offers:
        return "\n".join([f"{head}: no hotels found.", *notes])
    lines = [f"{head}{_sandbox(offers)}:", *notes]
    for n, offer in enumerate(offers, 1):
        seg = offer.segments[0]
        stars = offer.details.get("stars")
        rating = f" ({stars}*)" if stars else ""
        per_night = money(offer.price / max(nights, 1), offer.currency)
        lines.append(f"{n}. {offer.id}  {seg.title}{rating}  {seg.location}  "
                     f"{money(offer.price, offer.currency)} total ({per_night}/night)")
    lines.append(_footer(offers, "guests"))
    return "\n".join(lines)


def _footer(offers: list[Offer], who: str) -> str:
    until = min(o.expires for o in offers)
    return (f"Prices are totals for all {who}, valid until {until:%H:%M}. "
            f"To book, say: book {offers[0].id}.")


def booking_line(booking: Booking) -> str:
    first = booking.segments[0] if booking.segments else None
    if first is None:
        what = booking.title
    elif booking.kind == "flight":
        back = " (round trip)" if len(booking.segments) > 1 else ""
        what = (f"Flight {first.origin} -> {first.destination}{back}, "
                f"{first.start:%Y-%m-%d %H:%M} ({first.title})")
    else:
        what = (f"Hotel {first.title}, {first.location}, {first.start:%Y-%m-%d} to "
                f"{first.end:%Y-%m-%d}")
    tag = ", sandbox" if booking.sandbox else ""
    return f"{booking.id}  {what}  {money(booking.price, booking.currency)}{tag}"


def bookings_text(bookings: list[Booking], now: datetime) -> str:
    if not bookings:
        return "You have no bookings."
    groups: dict[str, list[Booking]] = {"upcoming": [], "past": [], "cancelled": []}
    for booking in bookings:
        groups[booking.when(now)].append(booking)
    counts = ", ".join(f"{len(v)} {k}" for k, v in groups.items() if v)
    lines = [f"Your bookings ({counts}):"]
    for name, items in groups.items():
        if items:
            lines.append(f"{name.capitalize()}:")
            lines += [f"- {booking_line(b)}" for b in items]
    if any(b.sandbox for b in bookings):
        lines.append("(sandbox bookings are tests: nothing real was booked)")
    return "\n".join(lines)


def booked_text(booking: Booking, created: bool) -> str:
    note = " SANDBOX booking: nothing real was booked." if booking.sandbox else ""
    if not created:
        return (f"{booking.offer_id} is already booked as {booking.id} (no second booking "
                f"made): {booking_line(booking)}, confirmation {booking.confirmation}.{note}")
    return (f"Booked {booking.offer_id} as {booking.id}: {booking_line(booking)}, "
            f"confirmation {booking.confirmation}.{note}")
