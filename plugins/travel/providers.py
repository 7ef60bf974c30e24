"""Travel providers: the interface a booking API implements, and the offers it returns.

A provider searches flights and/or hotels and returns :class:`Offer` objects, books an
offer (idempotently, keyed by the key Calvados passes) and cancels a booking. Plugins
register providers with the ``register_travel_providers`` hook; see docs/travel.md.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from calvados import ToolError

from .places import City, airport, city

PROVIDERS_ENV = "CALVADOS_TRAVEL_PROVIDERS"


class TravelError(ToolError):
    """A travel request failed in a way the user can act on."""


class ProviderError(TravelError):
    """A travel provider failed or is not installed."""


@dataclass
class Segment:
    """One leg of an offer: a flight, or a hotel stay. Times are zone-aware."""

    kind: str  # "flight" or "hotel"
    title: str  # "Orchard Air 214" or the hotel's name
    origin: str  # airport code (for a hotel: the city code)
    destination: str  # airport code (for a hotel: the city code)
    start: datetime
    end: datetime
    location: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def start_tz(self) -> str:
        return _zone_name(self.start)

    @property
    def end_tz(self) -> str:
        return _zone_name(self.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "title": self.title, "origin": self.origin,
            "destination": self.destination, "start": self.start.isoformat(),
            "start_tz": self.start_tz, "end": self.end.isoformat(), "end_tz": self.end_tz,
            "location": self.location, "details": self.details,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        return cls(
            data["kind"], data["title"], data["origin"], data["destination"],
            zoned(data["start"], data["start_tz"]), zoned(data["end"], data["end_tz"]),
            data.get("location", ""), dict(data.get("details") or {}),
        )


@dataclass
class Offer:
    """Something bookable: one or more segments at a price, valid until ``expires``."""

    kind: str  # "flight" or "hotel"
    provider: str
    ref: str  # the provider's own reference for this offer
    title: str
    price: float
    currency: str
    expires: datetime
    segments: list[Segment]
    sandbox: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    id: str = ""  # FL-0001 / HT-0001, given when the offer is stored

    @property
    def start(self) -> datetime:
        return min(s.start for s in self.segments)

    @property
    def end(self) -> datetime:
        return max(s.end for s in self.segments)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "provider": self.provider, "ref": self.ref,
            "title": self.title, "price": round(self.price, 2), "currency": self.currency,
            "expires": self.expires.isoformat(), "sandbox": self.sandbox,
            "segments": [s.to_dict() for s in self.segments], "details": self.details,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Offer:
        return cls(
            data["kind"], data["provider"], data["ref"], data["title"], float(data["price"]),
            data["currency"], datetime.fromisoformat(data["expires"]),
            [Segment.from_dict(s) for s in data["segments"]], bool(data.get("sandbox")),
            dict(data.get("details") or {}), data.get("id", ""),
        )


@dataclass(frozen=True)
class FlightQuery:
    """A validated flight search (places resolved, dates checked)."""

    origin: City
    destination: City
    depart_date: date
    return_date: date | None
    passengers: int
    cabin: str
    now: datetime  # zone-aware
    nonstop: bool = False
    airline: str | None = None  # an IATA code, or a name the airline table does not know
    depart_time: str | None = None  # a local window, "HH:MM-HH:MM" (may cross midnight)


@dataclass(frozen=True)
class HotelQuery:
    """A validated hotel search."""

    city: City
    check_in: date
    check_out: date
    guests: int
    now: datetime  # zone-aware


class TravelProvider(ABC):
    """A source of offers that can book them. Subclass, then register an instance."""

    name: ClassVar[str] = "provider"
    sandbox: ClassVar[bool] = False

    def search_flights(self, query: FlightQuery) -> list[Offer]:
        """Flight offers for ``query`` (none by default: a hotel-only provider)."""
        return []

    def search_hotels(self, query: HotelQuery) -> list[Offer]:
        """Hotel offers for ``query`` (none by default: a flight-only provider)."""
        return []

    @abstractmethod
    def book(self, offer: Offer, idempotency_key: str) -> str:
        """Book ``offer`` and return the provider's confirmation code.

        Calling again with the same ``idempotency_key`` must return the same booking,
        never a second one.
        """

    def cancel(self, offer: Offer, confirmation: str) -> None:
        """Cancel a booking made by :meth:`book`."""
        raise ProviderError(f"{self.name} cannot cancel online: contact them ({confirmation})")


# --------------------------------------------------------------------------- helpers

def zoned(value: datetime | str, tz: str) -> datetime:
    """A datetime in zone ``tz``: naive values are local times there, aware ones converted."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    zone = ZoneInfo(tz)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def _zone_name(moment: datetime) -> str:
    key = getattr(moment.tzinfo, "key", None)
    if not key:
        raise ValueError(f"{moment.isoformat()} has no named time zone (use zoned())")
    return str(key)


def flight_segment(
    title: str, origin: str, destination: str, depart: datetime | str, arrive: datetime | str,
    **details: Any,
) -> Segment:
    """A flight leg between two airports; times in each airport's own zone."""
    here, there = airport(origin), airport(destination)
    return Segment(
        "flight", title, here.code, there.code, zoned(depart, here.tz), zoned(arrive, there.tz),
        here.name, details,
    )


def hotel_segment(
    title: str, city_code: str, check_in: date, check_out: date, address: str,
    check_in_time: time = time(15, 0), check_out_time: time = time(11, 0), **details: Any,
) -> Segment:
    """A hotel stay, from check-in to check-out time in the city's zone."""
    place = city(city_code)
    start = zoned(datetime.combine(check_in, check_in_time), place.tz)
    end = zoned(datetime.combine(check_out, check_out_time), place.tz)
    return Segment("hotel", title, place.code, place.code, start, end, address, details)


def select_providers(registered: list[TravelProvider]) -> list[TravelProvider]:
    """Providers to search: ``CALVADOS_TRAVEL_PROVIDERS`` if set, else the real ones
    if any are installed, else the sandbox."""
    wanted = os.environ.get(PROVIDERS_ENV, "").strip()
    if wanted:
        return [provider_named(registered, n.strip()) for n in wanted.split(",") if n.strip()]
    real = [p for p in registered if not p.sandbox]
    chosen = real or [p for p in registered if p.sandbox]
    if not chosen:
        raise ProviderError("no travel provider is installed")
    return chosen


def provider_named(registered: list[TravelProvider], name: str) -> TravelProvider:
    for provider in registered:
        if provider.name == name:
            return provider
    known = ", ".join(p.name for p in registered) or "none"
    raise ProviderError(f"travel provider {name!r} is not installed (installed: {known})")
