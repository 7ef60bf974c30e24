"""Dates: "March 3rd", "next Tuesday", "the day after tomorrow" -> a date, from the clock.

The clock is the injected ``now`` of the validation context, never the wall clock, so a
case evaluated "on 2026-11-27" always means the same days. Dates read as the next such day
(``dateparser`` with future preference); a date that is still in the past is an error.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import dateparser
from pydantic import BeforeValidator

LANGUAGES = ["en", "fr", "de", "es"]
_SETTINGS: dict[str, Any] = {
    "PREFER_DATES_FROM": "future",
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_HOLIDAYS = {
    "christmas eve": "December 24", "christmas day": "December 25", "christmas": "December 25",
    "xmas": "December 25", "new years eve": "December 31", "new year s eve": "December 31",
    "new years day": "January 1", "new year s day": "January 1", "new year": "January 1",
    "valentines day": "February 14", "valentine s day": "February 14",
    "halloween": "October 31",
}
_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
          "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
_ORDINALS = {w: i + 1 for i, w in enumerate(_UNITS)}
_ORDINALS |= {w: i + 10 for i, w in enumerate(_TEENS)}
_ORDINALS |= {"twentieth": 20, "thirtieth": 30}
_ORDINALS |= {f"twenty {w}": 21 + i for i, w in enumerate(_UNITS)}
_ORDINALS |= {"thirty first": 31}
_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10}

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][\d:.+\-Z]*)?$")
_ORDINAL_OF = re.compile(r"^(?:the )?([a-z ]+?) of ([a-z]+)$")
_MID = re.compile(r"^(?:mid|the middle of|middle of) ?([a-z]+)$")
_END = re.compile(r"^(?:the )?(?:end|last day) of ([a-z]+)$")
_START = re.compile(r"^(?:the )?(?:start|beginning|first day) of ([a-z]+)$")
_OFFSET = re.compile(r"^([a-z0-9]+) (day|days|week|weeks) (?:from|after) (.+)$")
_WEEKEND = re.compile(r"^(this |the )?weekend$")


def _plain(text: str) -> str:
    text = text.strip().lower().replace("'", " ").replace("\u2019", " ")
    text = re.sub(r"[.,!?]+$", "", text)
    text = re.sub(r"^(on|for|by) ", "", text)
    return re.sub(r"[-\s]+", " ", text).strip()


def _month(name: str, now: datetime) -> date | None:
    """The first day of the next month called ``name`` (this month counts)."""
    parsed = _dateparse(f"{name} 1", now)
    if parsed is None or parsed.strftime("%B").lower()[:3] != name[:3]:
        return None
    first = parsed.replace(day=1)
    if (first.year, first.month) < (now.year, now.month):
        first = first.replace(year=first.year + 1)
    return first


def _dateparse(text: str, now: datetime) -> date | None:
    settings = dict(_SETTINGS, RELATIVE_BASE=now)
    parsed = dateparser.parse(text, languages=LANGUAGES, settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def _phrase(text: str, now: datetime) -> date | None:
    """Phrases ``dateparser`` does not read: holidays, "mid-March", "a week from Friday"."""
    if text in _HOLIDAYS:
        return _dateparse(_HOLIDAYS[text], now)
    if _WEEKEND.match(text):
        return now.date() + timedelta(days=(5 - now.weekday()) % 7)
    if text == "next weekend":
        return now.date() + timedelta(days=(5 - now.weekday()) % 7 + 7)
    if (m := _ORDINAL_OF.match(text)) and m.group(1) in _ORDINALS:
        first = _month(m.group(2), now)
        return first.replace(day=_ORDINALS[m.group(1)]) if first else None
    if (m := _MID.match(text)) and (first := _month(m.group(1), now)):
        return first.replace(day=15)
    if (m := _START.match(text)) and (first := _month(m.group(1), now)):
        return first
    if (m := _END.match(text)) and (first := _month(m.group(1), now)):
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if m := _OFFSET.match(text):
        count = _NUMBERS.get(m.group(1)) or (int(m.group(1)) if m.group(1).isdigit() else 0)
        base = parse_date(m.group(3), now) if count else None
        if base is not None:
            return base + timedelta(days=count * (7 if m.group(2).startswith("week") else 1))
    return None


def parse_date(value: str | date | datetime, now: datetime) -> date:
    """Read a date; relative words count from ``now``; ``ValueError`` if unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if _ISO.match(text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(f"{text!r} is not a valid date") from None
    now = now.replace(tzinfo=None)
    plain = _plain(text)
    try:
        found = _phrase(plain, now) or _dateparse(plain, now)
    except ValueError:  # a day that does not exist ("the thirty first of February")
        found = None
    if found is None:
        raise ValueError(f"cannot read {text!r} as a date (try 'March 3' or '2027-03-03')")
    return found


def future_date(value: str | date | datetime, now: datetime) -> date:
    """:func:`parse_date`, refusing days before today."""
    day = parse_date(value, now)
    if day < now.date():
        raise ValueError(f"{day.isoformat()} is in the past (today is {now.date().isoformat()})")
    return day


def clock(info: Any) -> datetime:
    """The injected clock from a pydantic validation context (wall clock if none)."""
    context = getattr(info, "context", None) or {}
    now = context.get("now")
    if now is None and context.get("ctx") is not None:
        now = context["ctx"].now
    return (now or datetime.now()).replace(tzinfo=None)


def aware(now: datetime) -> datetime:
    """``now`` with a time zone (a naive clock is this machine's local time)."""
    return now if now.tzinfo is not None else now.astimezone()


def normalize_date(value: Any, info: Any) -> date:
    """Pydantic validator: a date in words or ISO -> a date today or later."""
    if not isinstance(value, str | date):
        raise ValueError("expected a date such as 'March 3' or '2027-03-03'")
    return future_date(value, clock(info))


def normalize_optional_date(value: Any, info: Any) -> date | None:
    """Like :func:`normalize_date`, but empty / "none" / "one way" mean no date."""
    if value is None or (isinstance(value, str) and _plain(value) in ("", "none", "one way")):
        return None
    return normalize_date(value, info)


FutureDate = Annotated[date, BeforeValidator(normalize_date)]
"""A ``date`` argument that accepts words ("next Friday") resolved against the clock."""

OptionalFutureDate = Annotated[date | None, BeforeValidator(normalize_optional_date)]
