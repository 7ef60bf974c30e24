"""Travel: search flights and hotels, book and cancel offers, export an itinerary (.ics).

Searching goes through travel providers (``register_travel_providers``); the built-in one
is an offline sandbox over real airport data, and says so in everything it returns.
Bookings belong to the user and live in the user database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import calvados
from calvados import CalvadosError, ToolContext, load_settings, one_line

from . import bookings as booking_store
from . import hooks as calvados_hookspecs
from .dates import FutureDate, OptionalFutureDate, aware, split_stay
from .fields import (
    Airline,
    BookingId,
    Cabin,
    DepartTime,
    Nights,
    OfferId,
    OptionalBookingId,
    People,
)
from .ics import target_path, write_itinerary
from .places import Place, city
from .providers import (
    FlightQuery,
    HotelQuery,
    Offer,
    ProviderError,
    Segment,
    TravelError,
    TravelProvider,
    flight_segment,
    hotel_segment,
    select_providers,
)
from .refs import (
    describe_booking,
    describe_offer,
    refresh_view,
    remember_offers,
    resolve_booking,
    resolve_export,
    resolve_offer,
    user_db,
)
from .render import booked_text, booking_line, bookings_text, flights_text, hotels_text
from .sandbox import SandboxProvider
from .store import save_offers

__all__ = [
    "calvados_hookspecs",
    "FlightQuery",
    "HotelQuery",
    "Offer",
    "ProviderError",
    "SandboxProvider",
    "Segment",
    "TravelError",
    "TravelProvider",
    "flight_segment",
    "hotel_segment",
]


# --------------------------------------------------------------------------- services

def _providers(ctx: ToolContext) -> list[TravelProvider]:
    registry = ctx.registry if ctx.registry is not None else calvados.get_registry()
    return list(registry.contributed("register_travel_providers"))


def _session_id(ctx: ToolContext) -> str | None:
    return getattr(ctx.session, "id", None)


def _search(ctx: ToolContext, run: Callable[[TravelProvider], list[Offer]]) -> list[Offer]:
    """Ask every selected provider; one failing provider does not hide the others."""
    offers: list[Offer] = []
    problems: list[str] = []
    chosen = select_providers(_providers(ctx))
    for provider in chosen:
        try:
            offers += run(provider)
        except CalvadosError as exc:
            problems.append(one_line(exc))
        except Exception as exc:  # a provider's network or parsing failure
            problems.append(f"{provider.name}: {one_line(exc)}")
    if problems and len(problems) == len(chosen):
        raise ProviderError("; ".join(problems))
    return offers


# --------------------------------------------------------------------------- checks

def _check_flights(args: Any, ctx: ToolContext | None) -> None:
    if args.origin == args.destination:
        raise ValueError(f"origin and destination are the same place ({city(args.origin).label()})")
    if args.return_date is not None and args.return_date < args.depart_date:
        raise ValueError(
            f"return_date {args.return_date} is before depart_date {args.depart_date}"
        )


def _check_hotels(args: Any, ctx: ToolContext | None) -> None:
    if args.nights is not None:
        derived = args.check_in + timedelta(days=args.nights)
        if args.check_out is not None and args.check_out != derived:
            raise ValueError(
                f"check_out {args.check_out} does not match {args.nights} nights from "
                f"{args.check_in} ({derived})"
            )
        args.check_out = derived
    if args.check_out is None:
        raise ValueError("give check_out or nights")
    if args.check_out <= args.check_in:
        raise ValueError(f"check_out {args.check_out} must be after check_in {args.check_in}")
    args.nights = (args.check_out - args.check_in).days
    if args.nights > 60:
        raise ValueError("a stay can be at most 60 nights")


# --------------------------------------------------------------------------- tools

@calvados.tool(
    data_class="travel",
    check=_check_flights,
    examples=[
        ("flights from Boston to Lisbon on March 3rd",
         {"origin": "Boston", "destination": "Lisbon", "depart_date": "March 3rd"}),
        ("find me a flight SEA to LAX next Friday for 2 people",
         {"origin": "SEA", "destination": "LAX", "depart_date": "next Friday",
          "passengers": 2}),
        ("round trip Chicago to Rome leaving May 4, coming back May 12",
         {"origin": "Chicago", "destination": "Rome", "depart_date": "May 4",
          "return_date": "May 12"}),
        ("business class from Madrid to Tokyo on Feb 2",
         {"origin": "Madrid", "destination": "Tokyo", "depart_date": "Feb 2",
          "cabin": "business"}),
        ("I need to fly from Denver to Miami tomorrow",
         {"origin": "Denver", "destination": "Miami", "depart_date": "tomorrow"}),
        ("3 seats in premium economy from Toronto to Vancouver on the 20th of January",
         {"origin": "Toronto", "destination": "Vancouver", "depart_date": "20th of January",
          "passengers": 3, "cabin": "premium_economy"}),
        ("nonstop delta flights from atlanta to denver monday morning",
         {"origin": "atlanta", "destination": "denver", "depart_date": "monday",
          "nonstop": True, "airline": "delta", "depart_time": "morning"}),
    ],
)
def search_flights(
    origin: Place,
    destination: Place,
    depart_date: FutureDate,
    return_date: OptionalFutureDate = None,
    passengers: People = 1,
    cabin: Cabin = "economy",
    nonstop: bool = False,
    airline: Airline = None,
    depart_time: DepartTime = None,
    ctx: ToolContext | None = None,
) -> dict[str, Any]:
    """Search flights between two cities on a date, one way or round trip.

    Args:
        origin: Where the trip starts: a city name or an airport code (Boston, BOS).
        destination: Where the trip goes: a city name or an airport code (Lisbon, LIS).
        depart_date: Day of departure, as said (March 3rd, next Friday) or ISO.
        return_date: Day of the return flight for a round trip; none for one way.
        passengers: Number of travellers, 1 to 9.
        cabin: Cabin class.
        nonstop: Only flights without a stop.
        airline: An airline's name or code (delta, DL); empty for any.
        depart_time: Time of day to leave, as said (morning, after 3 pm, red eye).
    """
    assert ctx is not None
    query = FlightQuery(city(origin), city(destination), depart_date, return_date,
                        passengers, cabin, aware(ctx.now), nonstop, airline, depart_time)
    offers = save_offers(user_db(ctx), _search(ctx, lambda p: p.search_flights(query)), query.now)
    remember_offers(ctx, offers)
    return {
        "text": flights_text(query, offers),
        "sandbox": any(o.sandbox for o in offers),
        "origin": query.origin.as_dict(),
        "destination": query.destination.as_dict(),
        "depart_date": depart_date.isoformat(),
        "return_date": return_date.isoformat() if return_date else None,
        "passengers": passengers,
        "cabin": cabin,
        "nonstop": nonstop,
        "airline": airline,
        "depart_time": depart_time,
        "offers": [o.to_dict() for o in offers],
    }


def _prepare_hotels(args: dict[str, Any], ctx: ToolContext | None) -> dict[str, Any]:
    return split_stay(args, ctx.now.replace(tzinfo=None) if ctx else datetime.now())


@calvados.tool(
    data_class="travel",
    check=_check_hotels,
    prepare=_prepare_hotels,
    examples=[
        ("hotel in Lisbon from March 3 to March 7",
         {"city": "Lisbon", "check_in": "March 3", "check_out": "March 7"}),
        ("3 nights in Rome from Jan 16", {"city": "Rome", "check_in": "Jan 16", "nights": 3}),
        ("find a room in Tokyo for 2 guests, checking in next Monday for 4 nights",
         {"city": "Tokyo", "check_in": "next Monday", "nights": 4, "guests": 2}),
        ("where can I stay in Berlin tomorrow night",
         {"city": "Berlin", "check_in": "tomorrow", "nights": 1}),
        ("hotels in NYC April 2 to April 5 for four people",
         {"city": "NYC", "check_in": "April 2", "check_out": "April 5", "guests": 4}),
    ],
)
def search_hotels(
    city: Place,
    check_in: FutureDate,
    check_out: OptionalFutureDate = None,
    nights: Nights = None,
    guests: People = 1,
    ctx: ToolContext | None = None,
) -> dict[str, Any]:
    """Search hotels in a city for a stay; give either the check-out day or the nights.

    Args:
        city: The city to stay in: a city name or an airport code.
        check_in: Day of arrival, as said (Jan 16, next Monday) or ISO.
        check_out: Day of departure; leave empty when giving nights.
        nights: Length of the stay in nights; check_out is worked out from it.
        guests: Number of guests, 1 to 9.
    """
    assert ctx is not None and check_out is not None
    query = HotelQuery(_city(city), check_in, check_out, guests, aware(ctx.now))
    offers = save_offers(user_db(ctx), _search(ctx, lambda p: p.search_hotels(query)), query.now)
    remember_offers(ctx, offers)
    offers.sort(key=lambda o: o.price)
    return {
        "text": hotels_text(query, offers),
        "sandbox": any(o.sandbox for o in offers),
        "city": query.city.as_dict(),
        "check_in": check_in.isoformat(),
        "check_out": check_out.isoformat(),
        "nights": (check_out - check_in).days,
        "guests": guests,
        "offers": [o.to_dict() for o in offers],
    }


_city = city  # search_hotels has an argument called ``city``


@calvados.tool(
    data_class="travel",
    needs_confirmation=True,
    prepare=resolve_offer,
    describe=describe_offer,
    examples=[
        ("book FL-0003", {"offer_id": "FL-0003"}),
        ("I'll take HT-0002", {"offer_id": "HT-0002"}),
        ("reserve offer FL-0012 please", {"offer_id": "FL-0012"}),
        ("go ahead and book the hotel HT-0007", {"offer_id": "HT-0007"}),
    ],
)
def book_offer(offer_id: OfferId, ctx: ToolContext | None = None) -> dict[str, Any]:
    """Book a flight or hotel offer from an earlier search (asks for confirmation first).

    Args:
        offer_id: The offer's id from the search results, like FL-0001 or HT-0001.
    """
    assert ctx is not None
    booking, created = booking_store.book(
        user_db(ctx), offer_id, _providers(ctx), aware(ctx.now), _session_id(ctx)
    )
    refresh_view(ctx)
    return {"text": booked_text(booking, created), "created": created,
            "sandbox": booking.sandbox, "booking": booking.to_dict()}


@calvados.tool(
    data_class="travel",
    examples=[
        ("show my bookings", {}),
        ("what trips do I have coming up?", {}),
        ("list my reservations", {}),
        ("which hotels have I booked?", {}),
    ],
)
def list_bookings(ctx: ToolContext | None = None) -> dict[str, Any]:
    """List the user's bookings: upcoming, past and cancelled."""
    assert ctx is not None
    now = aware(ctx.now)
    found = booking_store.all_bookings(user_db(ctx))
    groups: dict[str, list[dict[str, Any]]] = {"upcoming": [], "past": [], "cancelled": []}
    for booking in found:
        groups[booking.when(now)].append(booking.to_dict())
    return {"text": bookings_text(found, now), **groups}


@calvados.tool(
    data_class="travel",
    needs_confirmation=True,
    prepare=resolve_booking,
    describe=describe_booking,
    examples=[
        ("cancel booking BK-3", {"booking_id": "BK-3"}),
        ("please cancel my reservation BK-12", {"booking_id": "BK-12"}),
        ("I no longer need BK-5, cancel it", {"booking_id": "BK-5"}),
    ],
)
def cancel_booking(booking_id: BookingId, ctx: ToolContext | None = None) -> dict[str, Any]:
    """Cancel one of the user's bookings (asks for confirmation first).

    Args:
        booking_id: The booking's id, like BK-7 (see list_bookings).
    """
    assert ctx is not None
    booking = booking_store.cancel(user_db(ctx), booking_id, _providers(ctx), aware(ctx.now))
    refresh_view(ctx)
    note = " (sandbox: nothing real was booked or cancelled)" if booking.sandbox else ""
    return {"text": f"Cancelled {booking_line(booking)}{note}.", "sandbox": booking.sandbox,
            "booking": booking.to_dict()}


@calvados.tool(
    data_class="travel",
    needs_confirmation=True,
    prepare=resolve_export,
    describe=describe_booking,
    examples=[
        ("export my itinerary", {}),
        ("add BK-4 to my calendar", {"booking_id": "BK-4"}),
        ("save my trips as an ics file in ~/Documents", {"path": "~/Documents"}),
        ("export booking BK-2 to ~/trip.ics", {"booking_id": "BK-2", "path": "~/trip.ics"}),
    ],
)
def export_itinerary(
    booking_id: OptionalBookingId = None,
    path: str | None = None,
    ctx: ToolContext | None = None,
) -> dict[str, Any]:
    """Write bookings to an iCalendar (.ics) file for any calendar program (asks first).

    Args:
        booking_id: One booking to export, like BK-7; empty for all upcoming bookings.
        path: File or folder to write to; empty for the Calvados itineraries folder.
    """
    assert ctx is not None
    now = aware(ctx.now)
    db = user_db(ctx)
    if booking_id:
        chosen = [booking_store.get_booking(db, booking_id)]
        if chosen[0].status == "cancelled":
            raise TravelError(f"{booking_id} is cancelled: nothing to export")
    else:
        chosen = [b for b in booking_store.all_bookings(db) if b.when(now) == "upcoming"]
        if not chosen:
            raise TravelError("no upcoming bookings to export (see list_bookings)")
    settings = ctx.settings or load_settings()
    allowed = [Path(p) for p in settings.export_folders]
    written = write_itinerary(chosen, target_path(path, booking_id, now, allowed), now)
    events = sum(len(b.segments) for b in chosen)
    sandbox = any(b.sandbox for b in chosen)
    note = " (sandbox bookings: not real reservations)" if sandbox else ""
    ids = ", ".join(b.id for b in chosen)
    return {"text": f"Wrote {events} calendar event(s) for {ids} to {written}{note}.",
            "path": str(written), "events": events, "bookings": [b.id for b in chosen],
            "sandbox": sandbox}


TOOLS = (search_flights, search_hotels, book_offer, list_bookings, cancel_booking,
         export_itinerary)


@calvados.hookimpl
def register_skills(register: Callable[..., Any]) -> None:
    """The travel tools."""
    for travel_tool in TOOLS:
        register(travel_tool)


@calvados.hookimpl
def register_travel_providers(register: Callable[..., Any]) -> None:
    """The offline sandbox provider."""
    register(SandboxProvider())
