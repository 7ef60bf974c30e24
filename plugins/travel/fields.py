"""The other travel arguments: counts, cabins, offer and booking ids."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

CABINS = ("economy", "premium_economy", "business", "first")
_CABIN_WORDS = {
    "coach": "economy", "eco": "economy", "standard": "economy",
    "premium": "premium_economy", "premium economy": "premium_economy",
    "biz": "business", "1st": "first",
}
_COUNT_WORDS = {
    "one": 1, "a": 1, "just me": 1, "me": 1, "solo": 1, "myself": 1, "alone": 1,
    "two": 2, "a couple": 2, "couple": 2, "us two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
_OFFER = re.compile(r"^\s*(FL|HT)[\s\-_#]*0*(\d{1,7})\s*$", re.IGNORECASE)
_BOOKING = re.compile(r"^\s*(?:BK)?[\s\-_#]*0*(\d{1,9})\s*$", re.IGNORECASE)


def count(value: Any, low: int, high: int, what: str) -> int:
    """An integer from ``3``, ``"3"`` or ``"three"``, between ``low`` and ``high``."""
    if isinstance(value, str):
        text = " ".join(value.lower().replace("people", "").replace("persons", "").split())
        text = text.removesuffix(" adults").removesuffix(" guests").removesuffix(" passengers")
        value = _COUNT_WORDS.get(text, text)
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"{what} must be a whole number from {low} to {high}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number from {low} to {high}") from None
    if not low <= number <= high:
        raise ValueError(f"{what} must be from {low} to {high} (got {number})")
    return number


def normalize_people(value: Any, info: Any) -> int:
    """Passengers or guests: 1 to 9 (a bigger group is a group booking)."""
    return count(value, 1, 9, getattr(info, "field_name", None) or "people")


def normalize_nights(value: Any, info: Any) -> int | None:
    """Nights of a hotel stay: 1 to 60."""
    if value is None:
        return None
    return count(value, 1, 60, "nights")


def normalize_cabin(value: Any, info: Any) -> str:
    """"Business class", "premium economy", "coach" -> one of :data:`CABINS`."""
    if not isinstance(value, str):
        return value  # type: ignore[no-any-return]
    text = " ".join(value.lower().replace("_", " ").replace("-", " ").split())
    text = text.removesuffix(" class").removesuffix(" cabin")
    text = _CABIN_WORDS.get(text, text).replace(" ", "_")
    if text not in CABINS:
        raise ValueError(f"unknown cabin {value!r} (one of: {', '.join(CABINS)})")
    return text


def normalize_offer_id(value: Any, info: Any) -> str:
    """"fl-711", "FL 0711" -> "FL-0711"."""
    match = _OFFER.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not an offer id (offer ids look like FL-0001 or HT-0001)")
    return f"{match.group(1).upper()}-{int(match.group(2)):04d}"


def normalize_optional_booking_id(value: Any, info: Any) -> str | None:
    """A booking id, or ``None`` for "all upcoming bookings"."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "all", "none")):
        return None
    return normalize_booking_id(value, info)


def normalize_booking_id(value: Any, info: Any) -> str:
    """"bk-07", "BK 7", "7" -> "BK-7"."""
    match = _BOOKING.match(str(value))
    if not match or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a booking id (booking ids look like BK-7)")
    return f"BK-{int(match.group(1))}"


People = Annotated[int, BeforeValidator(normalize_people)]
Nights = Annotated[int | None, BeforeValidator(normalize_nights)]
Cabin = Annotated[
    Literal["economy", "premium_economy", "business", "first"], BeforeValidator(normalize_cabin)
]
OfferId = Annotated[str, BeforeValidator(normalize_offer_id)]
BookingId = Annotated[str, BeforeValidator(normalize_booking_id)]
OptionalBookingId = Annotated[str | None, BeforeValidator(normalize_optional_booking_id)]
