"""The sandbox provider: made-up flights between real airports and made-up hotels.

Offline and deterministic: the same route and day always give the same timetable and
fares. Durations come from the great-circle distance, fares from distance, cabin, weekday
and how far ahead the trip is. Every offer is marked ``sandbox`` and nothing is booked
anywhere; it exists so Calvados can be tried and tested without a booking account.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .fields import airline_name, window_hours
from .places import Airport, City, distance_km
from .providers import (
    FlightQuery,
    HotelQuery,
    Offer,
    Segment,
    TravelProvider,
    flight_segment,
    hotel_segment,
)

SANDBOX = "sandbox"
OFFER_TTL = timedelta(minutes=30)
MIN_KM = 90.0  # closer than this there are no flights
MAX_FLIGHT_OFFERS = 8
MAX_HOTEL_OFFERS = 6
CRUISE_KMH = 820.0
CARRIERS = ("Orchard Air", "Pomme Airways", "Russet Jet", "Bramley Airlines", "Cider Coast")
CABIN_FACTOR = {"economy": 1.0, "premium_economy": 1.7, "business": 3.6, "first": 5.8}
HOTEL_ADJ = ("Golden", "Old", "Royal", "Quiet", "Blue", "Little", "Grand", "Green")
HOTEL_NOUN = ("Pear", "Apple", "Orchard", "Harbour", "Garden", "Lantern", "Bridge", "Cellar")
HOTEL_KIND = ("Hotel", "Inn", "Suites", "House", "Lodge")
STREETS = ("Market Street", "Station Road", "Harbour Lane", "Orchard Row", "Cider Square",
           "Old Mill Way", "Press Lane", "Cask Street")


def _rng(*parts: object) -> random.Random:
    """A random generator seeded by ``parts`` (stable across runs and machines)."""
    seed = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def _round5(minutes: float) -> int:
    return int(5 * round(minutes / 5))


def _in_window(depart: datetime, query: FlightQuery) -> bool:
    """Does a local departure time fall in the asked time of day (windows may pass midnight)?"""
    if not query.depart_time:
        return True
    start, end = window_hours(query.depart_time)
    hour = depart.hour + depart.minute / 60
    return start <= hour < end or start <= hour + 24 < end


class SandboxProvider(TravelProvider):
    """Made-up offers over real airport data; ``book`` only returns a code."""

    name = SANDBOX
    sandbox = True

    # ---------------------------------------------------------------- flights

    def search_flights(self, query: FlightQuery) -> list[Offer]:
        outbound = self._legs(query.origin, query.destination, query.depart_date, query)
        if query.return_date is None:
            return [self._offer(query, [leg]) for leg in outbound[:MAX_FLIGHT_OFFERS]]
        back = self._legs(query.destination, query.origin, query.return_date, query)
        pairs = []
        for i, out in enumerate(outbound[:MAX_FLIGHT_OFFERS]):
            turnaround = out["segment"].end + timedelta(hours=2)
            later = [leg for leg in back if leg["segment"].start >= turnaround]
            if later:
                pairs.append(self._offer(query, [out, later[i % len(later)]]))
        return pairs

    def _legs(
        self, origin: City, dest: City, day: date, query: FlightQuery
    ) -> list[dict[str, Any]]:
        legs = []
        for here in origin.airports[:2]:
            for there in dest.airports[:2]:
                legs += list(self._timetable(here, there, day, query))
        return sorted(legs, key=lambda leg: leg["segment"].start)

    def _timetable(
        self, here: Airport, there: Airport, day: date, query: FlightQuery
    ) -> Iterator[dict[str, Any]]:
        km = distance_km(here, there)
        if km < MIN_KM:
            return
        route = _rng("route", here.code, there.code)
        count = 6 if km < 1500 else 4 if km < 5000 else 3 if km < 10000 else 2
        slots = sorted(route.sample(range(5 * 12, 24 * 12), count + 2))
        for slot in slots:
            carrier = route.choice(CARRIERS)
            if query.airline:  # the sandbox flies the asked airline on some of its slots
                if route.random() < 0.5:
                    continue
                carrier = airline_name(query.airline)
            number = route.randint(100, 2999)
            stops = 1 if km > 12500 or (km > 6000 and route.random() < 0.35) else 0
            if stops and query.nonstop:
                continue
            minutes = _round5(km / CRUISE_KMH * 60 + 35 + 120 * stops)
            depart = datetime.combine(day, time(slot // 12, slot % 12 * 5), ZoneInfo(here.tz))
            if depart < query.now + timedelta(hours=1) or not _in_window(depart, query):
                continue
            daily = _rng("fare", here.code, there.code, day.isoformat(), number)
            seats = daily.randint(1, 9)
            if seats < query.passengers:
                continue
            fare = self._fare(km, day, query, daily.uniform(0.82, 1.3))
            arrive = depart + timedelta(minutes=minutes)
            segment = flight_segment(
                f"{carrier} {number}", here.code, there.code, depart, arrive,
                carrier=carrier, flight=f"{carrier} {number}", cabin=query.cabin,
                duration_minutes=minutes, stops=stops, km=round(km), seats_left=seats,
                sandbox=True,
            )
            yield {"segment": segment, "fare": fare, "seats": seats}

    def _fare(self, km: float, day: date, query: FlightQuery, factor: float) -> float:
        base = (45 + 0.085 * km) * factor * CABIN_FACTOR[query.cabin]
        if day.weekday() in (4, 6):  # Fridays and Sundays are busy
            base *= 1.12
        if (day - query.now.date()).days < 14:
            base *= 1.25
        return float(math.ceil(base))

    def _offer(self, query: FlightQuery, legs: list[dict[str, Any]]) -> Offer:
        segments: list[Segment] = [leg["segment"] for leg in legs]
        per_person = sum(leg["fare"] for leg in legs) * (0.95 if len(legs) == 2 else 1.0)
        route = " / ".join(f"{s.origin}-{s.destination} {s.start:%Y-%m-%dT%H:%M} {s.title}"
                           for s in segments)
        ref = f"sbx-flight:{route}:{query.cabin}:{query.passengers}"
        first = segments[0]
        trip = "round trip" if len(segments) == 2 else "one way"
        return Offer(
            kind="flight", provider=self.name, ref=ref,
            title=f"{first.title} {first.origin} -> {first.destination}, {trip} (sandbox)",
            price=round(per_person * query.passengers, 2), currency="USD",
            expires=query.now + OFFER_TTL, segments=segments, sandbox=True,
            details={"passengers": query.passengers, "cabin": query.cabin,
                     "price_per_person": round(per_person, 2), "trip": trip,
                     "note": "sandbox offer: not a real flight"},
        )

    # ---------------------------------------------------------------- hotels

    def search_hotels(self, query: HotelQuery) -> list[Offer]:
        offers = [self._hotel(query, i) for i in range(MAX_HOTEL_OFFERS)]
        return sorted(offers, key=lambda o: o.price)

    def _hotel(self, query: HotelQuery, index: int) -> Offer:
        place = query.city
        rng = _rng("hotel", place.code, index)
        name = rng.choice((
            f"The {rng.choice(HOTEL_ADJ)} {rng.choice(HOTEL_NOUN)} {rng.choice(HOTEL_KIND)}",
            f"{place.name} {rng.choice(HOTEL_NOUN)} {rng.choice(HOTEL_KIND)}",
        ))
        stars = rng.randint(2, 5)
        nightly = (45 + stars * 38) * rng.uniform(0.85, 1.25)
        rooms = math.ceil(query.guests / 2)
        nights = (query.check_out - query.check_in).days
        total = 0.0
        for n in range(nights):
            day = query.check_in + timedelta(days=n)
            total += nightly * (1.15 if day.weekday() in (4, 5) else 1.0)
        address = f"{rng.randint(1, 240)} {rng.choice(STREETS)}, {place.name}"
        segment = hotel_segment(
            name, place.code, query.check_in, query.check_out, address,
            stars=stars, rooms=rooms, nights=nights, guests=query.guests, sandbox=True,
        )
        return Offer(
            kind="hotel", provider=self.name,
            ref=f"sbx-hotel:{place.code}:{index}:{query.check_in}:{query.check_out}:{query.guests}",
            title=f"{name} ({stars}*), {place.name} (sandbox)",
            price=float(math.ceil(total * rooms)), currency="USD",
            expires=query.now + OFFER_TTL, segments=[segment], sandbox=True,
            details={"stars": stars, "nights": nights, "rooms": rooms, "guests": query.guests,
                     "price_per_night": round(total * rooms / nights, 2),
                     "note": "sandbox offer: not a real hotel"},
        )

    # ---------------------------------------------------------------- booking

    def book(self, offer: Offer, idempotency_key: str) -> str:
        digest = hashlib.sha256(f"{offer.ref}|{idempotency_key}".encode()).hexdigest()
        return f"SBX-{digest[:6].upper()}"

    def cancel(self, offer: Offer, confirmation: str) -> None:
        """Nothing to undo: the sandbox never booked anything."""
