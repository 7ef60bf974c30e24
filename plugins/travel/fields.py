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


# --------------------------------------------------------------------------- time of day

_WINDOWS = {
    "early morning": (5, 9), "morning": (5, 12), "late morning": (9, 12), "am": (0, 12),
    "midday": (11, 14), "noon": (11, 13), "lunchtime": (11, 14), "early afternoon": (12, 15),
    "afternoon": (12, 17), "late afternoon": (15, 18), "pm": (12, 24), "evening": (17, 22),
    "early evening": (17, 20), "late evening": (20, 24), "night": (18, 24),
    "late night": (21, 24), "late": (19, 24), "early": (5, 9), "overnight": (21, 30),
    "red eye": (21, 30), "redeye": (21, 30), "tonight": (17, 24), "daytime": (8, 18),
    "first thing": (5, 8), "as early as possible": (0, 9), "earliest": (0, 9),
}
_CLOCK = re.compile(
    r"^(\d{1,2})(?::?(\d{2}))?\s*(?:o ?clock)?\s*(am|pm|a m|p m|in the morning|in the evening"
    r"|at night|noon)?$"
)
_RANGE = re.compile(r"^(?:between |from )?(.+?) (?:and|to|-) (.+)$")


def _hour(text: str, default_pm: bool = False) -> float:
    """"4:30 pm", "430 pm", "10 am", "noon", "12 o'clock noon" -> hours since midnight."""
    text = text.replace("'", " ").replace(".", "").strip()
    text = " ".join(text.split())
    if text in ("noon", "midday", "12 noon"):
        return 12.0
    if text == "midnight":
        return 24.0
    match = _CLOCK.match(text)
    if not match:
        raise ValueError(f"cannot read {text!r} as a time of day")
    hours, minutes, part = int(match.group(1)), int(match.group(2) or 0), match.group(3) or ""
    if match.group(2) is None and hours > 24 and len(match.group(1)) in (3, 4):
        hours, minutes = divmod(hours, 100)  # "430 pm"
    if hours > 24 or minutes > 59:
        raise ValueError(f"cannot read {text!r} as a time of day")
    pm = part.replace(" ", "") in ("pm", "intheevening", "atnight") or (
        not part and default_pm and 1 <= hours < 7)
    if pm and hours < 12:
        hours += 12
    if part.replace(" ", "") in ("am", "inthemorning") and hours == 12:
        hours = 0
    return hours + minutes / 60


def _clock_text(hours: float) -> str:
    hours = min(hours, 30.0)
    h, m = divmod(round(hours * 60), 60)
    return f"{h % 24:02d}:{m:02d}"


def departure_window(value: str) -> tuple[float, float]:
    """A time-of-day phrase -> (start, end) in hours; end past 24 means after midnight."""
    text = " ".join(value.lower().replace("-", " ").replace("_", " ").split())
    text = re.sub(r"^(in the|at|leaving|departing|around|about|by) ", "", text)
    text = re.sub(r"\b(flights?|o clock|oclock)$", "", text).strip()
    if text in _WINDOWS:
        return _WINDOWS[text]
    for word in ("after", "later than", "from"):
        if text.startswith(word + " "):
            return (_hour(text[len(word) + 1:], default_pm=True), 24.0)
    for word in ("before", "earlier than", "until", "by"):
        if text.startswith(word + " "):
            return (0.0, _hour(text[len(word) + 1:], default_pm=True))
    if (match := _RANGE.match(text)) and not _CLOCK.match(text):
        start = _hour(match.group(1), default_pm=True)
        end = _hour(match.group(2), default_pm=True)
        return (start, end if end > start else end + 24)
    hour = _hour(text, default_pm=True)  # "at 3 pm": an hour either side
    return (max(0.0, hour - 1), hour + 1)


def normalize_depart_time(value: Any, info: Any) -> str | None:
    """"morning", "after 3 pm", "red eye", "between 6 and 10 pm" -> "HH:MM-HH:MM"."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "any")):
        return None
    if not isinstance(value, str):
        raise ValueError("expected a time of day such as 'morning' or 'after 3 pm'")
    if re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", value.strip()):
        return value.strip()
    try:
        start, end = departure_window(value[:60])
    except ValueError:
        raise ValueError(
            f"cannot read {value!r} as a time of day (try 'morning', 'after 3 pm', 'red eye')"
        ) from None
    return f"{_clock_text(start)}-{_clock_text(end)}"


def window_hours(window: str) -> tuple[float, float]:
    """"21:00-06:00" -> (21.0, 30.0): the end is after the start, past midnight if need be."""
    start, end = (int(p[:2]) + int(p[3:]) / 60 for p in window.split("-"))
    return start, end if end > start else end + 24


# --------------------------------------------------------------------------- airlines

AIRLINES = {
    "AA": ("American Airlines", "american", "american airline", "aa"),
    "DL": ("Delta Air Lines", "delta", "delta airlines"),
    "UA": ("United Airlines", "united", "united airline"),
    "WN": ("Southwest Airlines", "southwest"),
    "B6": ("JetBlue", "jetblue", "jet blue"),
    "AS": ("Alaska Airlines", "alaska", "alaska air"),
    "NK": ("Spirit Airlines", "spirit"),
    "F9": ("Frontier Airlines", "frontier"),
    "HA": ("Hawaiian Airlines", "hawaiian"),
    "CO": ("Continental Airlines", "continental"),
    "NW": ("Northwest Airlines", "northwest"),
    "US": ("US Airways", "us air", "usair", "us airways"),
    "TW": ("TWA", "trans world airlines", "trans world"),
    "AC": ("Air Canada", "air canada"),
    "BA": ("British Airways", "british airways", "british"),
    "AF": ("Air France", "air france"),
    "KL": ("KLM", "klm", "klm royal dutch"),
    "LH": ("Lufthansa", "lufthansa"),
    "IB": ("Iberia", "iberia"),
    "TP": ("TAP Air Portugal", "tap", "tap portugal"),
    "EI": ("Aer Lingus", "aer lingus"),
    "LX": ("Swiss", "swiss", "swiss air"),
    "AZ": ("ITA Airways", "ita", "alitalia"),
    "SK": ("SAS", "sas", "scandinavian"),
    "AY": ("Finnair", "finnair"),
    "TK": ("Turkish Airlines", "turkish", "turkish airline"),
    "EK": ("Emirates", "emirates"),
    "QR": ("Qatar Airways", "qatar", "qatar airway"),
    "EY": ("Etihad", "etihad"),
    "SQ": ("Singapore Airlines", "singapore airline"),
    "CX": ("Cathay Pacific", "cathay", "cathay pacific"),
    "JL": ("Japan Airlines", "jal", "japan airline"),
    "NH": ("ANA", "ana", "all nippon"),
    "KE": ("Korean Air", "korean", "korean air"),
    "QF": ("Qantas", "qantas"),
    "NZ": ("Air New Zealand", "air new zealand"),
    "LA": ("LATAM", "latam"),
    "AM": ("Aeromexico", "aeromexico"),
    "U2": ("easyJet", "easyjet", "easy jet"),
    "FR": ("Ryanair", "ryanair"),
    "VS": ("Virgin Atlantic", "virgin atlantic", "virgin"),
    "WS": ("WestJet", "westjet"),
    "AI": ("Air India", "air india"),
}
_AIRLINE_NAMES = {
    alias: code for code, names in AIRLINES.items()
    for alias in (code.lower(), *(n.lower() for n in names))
}


def normalize_airline(value: Any, info: Any) -> str | None:
    """"delta", "DL", "united airlines" -> the airline's IATA code; any other name is kept."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "any")):
        return None
    if not isinstance(value, str):
        raise ValueError("expected an airline name or code")
    text = " ".join(value.lower().replace(".", "").split())[:60]
    text = re.sub(r"\s+(airlines?|airways|air lines|flights?)$", "", text) or text
    code = _AIRLINE_NAMES.get(text) or _AIRLINE_NAMES.get(text + " airlines")
    if code is None:
        if not re.fullmatch(r"[\w' &-]{2,40}", text):
            raise ValueError(f"{value!r} is not an airline name")
        return value.strip().title()
    return code


def airline_name(code: str) -> str:
    return AIRLINES[code][0] if code in AIRLINES else code


DepartTime = Annotated[str | None, BeforeValidator(normalize_depart_time)]
Airline = Annotated[str | None, BeforeValidator(normalize_airline)]
