"""Itineraries as iCalendar (RFC 5545) files: one event per flight or hotel stay.

Each event keeps the local time and IANA zone of where it happens (a flight starts in
the departure airport's zone and ends in the arrival airport's), and the calendar
carries a VTIMEZONE for every zone it names, so any calendar program shows the right
times wherever the reader is.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
from calvados import user_dir

from .bookings import Booking
from .providers import Segment, TravelError

PRODID = "-//Calvados//Travel itinerary//EN"


def _summary(booking: Booking, seg: Segment) -> str:
    tag = " [sandbox]" if booking.sandbox else ""
    if seg.kind == "flight":
        return f"Flight {seg.origin} -> {seg.destination} ({seg.title}){tag}"
    return f"Hotel: {seg.title}{tag}"


def _description(booking: Booking, seg: Segment) -> str:
    lines = [f"Booking {booking.id} ({booking.provider}), confirmation {booking.confirmation}",
             f"Price: {booking.price:.2f} {booking.currency}"]
    if seg.kind == "flight":
        lines.append(f"Departs {seg.start:%H:%M} {seg.start_tz}, arrives {seg.end:%H:%M} "
                     f"{seg.end_tz}")
    else:
        lines.append(f"Check-in {seg.start:%H:%M}, check-out {seg.end:%H:%M} ({seg.start_tz})")
    if booking.sandbox:
        lines.append("SANDBOX: a test booking, not a real reservation.")
    return "\n".join(lines)


def itinerary(bookings: list[Booking], now: datetime) -> icalendar.Calendar:
    """A calendar with one event per segment of ``bookings``."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "Travel itinerary")
    stamp = now.astimezone(UTC)
    for booking in bookings:
        for position, seg in enumerate(booking.segments):
            event = icalendar.Event()
            event.add("uid", f"{booking.id}-{position}@calvados.travel")
            event.add("dtstamp", stamp)
            event.add("dtstart", seg.start)
            event.add("dtend", seg.end)
            event.add("summary", _summary(booking, seg))
            event.add("location", seg.location)
            event.add("description", _description(booking, seg))
            event.add("status", "CONFIRMED")
            event.add("categories", ["Travel", "Sandbox"] if booking.sandbox else ["Travel"])
            cal.add_component(event)
    starts = [s.start.date() for b in bookings for s in b.segments]
    ends = [s.end.date() for b in bookings for s in b.segments]
    cal.add_missing_timezones(first_date=min(starts) - timedelta(days=366),
                              last_date=max(ends) + timedelta(days=366))
    return cal


def default_path(booking_id: str | None, now: datetime) -> Path:
    folder = user_dir() / "itineraries"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{booking_id or 'itinerary-' + now.strftime('%Y-%m-%d')}.ics"


def target_path(path: str | None, booking_id: str | None, now: datetime,
                allowed: list[Path] | None = None) -> Path:
    """Where to write: the given file, a file in the given folder, or the default place.

    The path is resolved (``..`` and links followed) and must lie in the user's home, the
    Calvados user directory or one of the ``allowed`` folders; an existing file is never
    replaced: the next free name (``trip-2.ics``) is used instead.
    """
    if not path:
        return _free(default_path(booking_id, now))
    target = Path(os.path.expandvars(path)).expanduser()
    if target.is_dir() or path.endswith(("/", os.sep)):
        target = target / default_path(booking_id, now).name
    elif target.suffix.lower() != ".ics":
        target = target.with_name(target.name + ".ics")
    target = target.resolve()
    roots = [Path.home(), user_dir(), *(allowed or [])]
    if not any(target.is_relative_to(root.expanduser().resolve()) for root in roots):
        where = ", ".join(str(r) for r in roots)
        raise TravelError(f"{target} is outside the folders Calvados writes to ({where}); "
                          "add a folder to export_folders in config.toml")
    if not target.parent.is_dir():
        raise TravelError(f"folder {target.parent} does not exist")
    return _free(target)


def _free(target: Path) -> Path:
    """``target``, or ``name-2.ics``, ``name-3.ics``... if it is taken."""
    candidate, n = target, 1
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    return candidate


def write_itinerary(bookings: list[Booking], target: Path, now: datetime) -> Path:
    """Write the .ics atomically (a reader never sees half a file)."""
    data = itinerary(bookings, now).to_ical()
    fd, tmp = tempfile.mkstemp(prefix=".itinerary-", suffix=".ics", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
