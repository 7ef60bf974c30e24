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
HORIZON = timedelta(days=366)  # bookable days ahead
MAX_DATE_CHARS = 80
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
_WEEKDAYS = [d.lower() for d in calendar.day_name]
_MONTHS = [m.lower() for m in calendar.month_name[1:]]
_MONTH = r"(" + "|".join(m[:3] + r"[a-z]*" for m in _MONTHS) + r")"
_WEEKDAY = r"(" + "|".join(_WEEKDAYS) + r")"
_DAY = r"(\d{1,2}(?:st|nd|rd|th)?|" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")"
_YEAR = r"(?: (\d{4}))?"
_DAY_MONTH = re.compile(rf"^(?:{_WEEKDAY} )?(?:the )?{_DAY} (?:of )?{_MONTH}{_YEAR}$")
_MONTH_DAY = re.compile(rf"^(?:{_WEEKDAY} )?{_MONTH} (?:the )?{_DAY}{_YEAR}$")
_DAY_ONLY = re.compile(rf"^(?:{_WEEKDAY} )?(?:the )?{_DAY}$")
_WEEK_OF = re.compile(rf"^{_WEEKDAY} (?:of|in) (next|this|the next|the following) week$")
_TIME_WORDS = re.compile(
    r"\b(early|late|in the|morning|afternoon|evening|night|pm|am|noon|midday)\b")
_LEADS = re.compile(rf"^(?:(?:the )?following|a|an|upcoming|coming) (?={_WEEKDAY}$)")


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


def _day_number(text: str) -> int:
    return _ORDINALS[text] if text in _ORDINALS else int(re.sub(r"\D", "", text))


def _month_day(month: str, day: int, year: str | None, weekday: str | None,
               now: datetime) -> date:
    """That day of the month, this year or the next one it is still ahead; a weekday said with
    it must agree ("wednesday april thirteenth" when the 13th is a Tuesday is an error)."""
    number = next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(month[:3]))
    found = date(now.year, number, day)
    if found < now.date() or (year and int(year) < now.year):
        found = date(now.year + 1, number, day)
    elif year and int(year) > now.year:
        found = date(int(year), number, day)
    return _agrees(found, weekday)


def _agrees(found: date, weekday: str | None) -> date:
    if weekday and _WEEKDAYS[found.weekday()] != weekday:
        raise ValueError(
            f"{found:%B} {found.day} is a {_WEEKDAYS[found.weekday()].title()}, not a "
            f"{weekday.title()}: which day do you mean?"
        )
    return found


def _day_of_month(day: int, weekday: str | None, now: datetime) -> date:
    """"the 5th": this month's 5th if it is still ahead, else next month's."""
    year, month = now.year, now.month
    for _ in range(3):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= now.date():
            return _agrees(date(year, month, day), weekday)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError(f"there is no day {day} in a month")


def _holiday(text: str, now: datetime) -> date | None:
    """A public holiday by name ("memorial day", "thanksgiving"), the next one ahead."""
    import holidays

    table = holidays.country_holidays("US", years=[now.year, now.year + 1])
    key = text.removesuffix(" day") if text.endswith(" day") else text
    for day, name in sorted(table.items()):
        plain = _plain(name.split(" (")[0])
        if day >= now.date() and key in (plain, plain.removesuffix(" day")):
            return day
    return None


def _spoken(text: str, now: datetime) -> date | None:
    """Dates as people say them: ordinal words, a weekday with a date, "wednesday of next
    week", "the 5th"."""
    if m := _WEEK_OF.match(text):
        monday = now.date() - timedelta(days=now.weekday())
        ahead = 0 if m.group(2) == "this" else 7
        return monday + timedelta(days=ahead + _WEEKDAYS.index(m.group(1)))
    if m := _DAY_MONTH.match(text):
        return _month_day(m.group(3), _day_number(m.group(2)), m.group(4), m.group(1), now)
    if m := _MONTH_DAY.match(text):
        return _month_day(m.group(2), _day_number(m.group(3)), m.group(4), m.group(1), now)
    if m := _DAY_ONLY.match(text):
        return _day_of_month(_day_number(m.group(2)), m.group(1), now)
    return None


def _phrase(text: str, now: datetime) -> date | None:
    """Phrases ``dateparser`` does not read: holidays, "mid-March", "a week from Friday"."""
    if text in _HOLIDAYS:
        return _dateparse(_HOLIDAYS[text], now)
    if (found := _spoken(text, now)) or (found := _holiday(text, now)):
        return found
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
    if len(text) > MAX_DATE_CHARS:
        raise ValueError(f"a date is at most {MAX_DATE_CHARS} characters (try 'March 3')")
    plain = _plain(text)
    bare = _LEADS.sub("", " ".join(_TIME_WORDS.sub(" ", plain).split())) or plain
    if plain.startswith(("the following ", "following ")) and bare in _WEEKDAYS:
        bare = "next " + bare
    try:
        found = _phrase(bare, now) or _dateparse(bare, now)
    except ValueError as exc:  # a day that does not exist, or a weekday that disagrees
        if "which day" in str(exc):
            raise
        found = None
    if found is None:
        raise ValueError(f"cannot read {text!r} as a date (try 'March 3' or '2027-03-03')")
    return found


def future_date(value: str | date | datetime, now: datetime) -> date:
    """:func:`parse_date`, refusing days before today."""
    day = parse_date(value, now)
    if day < now.date():
        raise ValueError(f"{day.isoformat()} is in the past (today is {now.date().isoformat()})")
    if day > now.date() + HORIZON:
        raise ValueError(f"{day.isoformat()} is more than a year ahead: give a date before "
                         f"{(now.date() + HORIZON).isoformat()}")
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


_STAY = re.compile(r"^(?:from |between )?(.+?)\s*(?:-|\u2013|\bto\b|\bthrough\b|\bthru\b|\buntil\b"
                   r"|\btill\b|\band\b)\s*(.+)$")
_NIGHT = re.compile(r"^(.+?) night$")
_BARE_DAY = re.compile(rf"^(?:the )?{_DAY}$")


def split_stay(args: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A hotel stay said in one phrase, as check-in and check-out: "Dec 5-8", "from the 5th
    to the 8th", "this weekend" (Friday to Sunday), "tonight", "tomorrow night" (one night).
    Only when neither ``check_out`` nor ``nights`` is given."""
    text = args.get("check_in")
    if not isinstance(text, str) or args.get("check_out") or args.get("nights"):
        return args
    plain = _plain(text)
    if _ISO.match(text.strip()) or len(plain) > MAX_DATE_CHARS:
        return args
    if _WEEKEND.match(plain) or plain == "next weekend":
        saturday = parse_date(plain, now)
        return {**args, "check_in": saturday - timedelta(days=1),
                "check_out": saturday + timedelta(days=1)}
    if plain == "tonight" or _NIGHT.match(plain):
        day = "today" if plain == "tonight" else _NIGHT.match(plain).group(1)  # type: ignore[union-attr]
        return {**args, "check_in": day, "nights": 1}
    match = _STAY.match(" ".join(text.lower().replace("\u2019", "'").split()))
    if not match:
        return args
    first, second = match.group(1), match.group(2)
    try:
        start = parse_date(first, now)
    except ValueError:
        return args
    if day := _BARE_DAY.match(second):  # "Dec 5-8": the 8th of the same month
        end = _day_of_month(_day_number(day.group(1)), None,
                            datetime.combine(start, datetime.min.time()))
    else:
        try:
            end = parse_date(second, datetime.combine(start, datetime.min.time()))
        except ValueError:
            return args
    return {**args, "check_in": start, "check_out": end}
