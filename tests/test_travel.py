"""Travel: normalizers, the sandbox, booking through the agent, concurrency, crashes, .ics."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import airportsdata
import icalendar
import pluggy
import pytest
from calvados import (
    Agent,
    ConfirmationNeeded,
    ToolArgumentError,
    ToolContext,
    ToolResultEvent,
    hookspecs,
)
from calvados.evaluation import calls_match
from calvados.planner import Planner, ToolCall
from calvados.plugins.travel import (
    TOOLS,
    Offer,
    SandboxProvider,
    book_offer,
    bookings,
    search_flights,
    search_hotels,
)
from calvados.plugins.travel import hooks as travel_hooks
from calvados.plugins.travel.bookings import BookingNotSaved
from calvados.plugins.travel.fields import normalize_booking_id, normalize_offer_id
from calvados.plugins.travel.places import normalize_place
from calvados.registry import Registry, get_registry
from docs_blocks import blocks

NOW = datetime(2026, 11, 27, 10, 0)
LATER = datetime(2031, 5, 14, 9, 0)  # a Wednesday, far from the wall clock
REPO = Path(__file__).resolve().parents[1]
AIRPORTS = airportsdata.load("IATA")


class RecordingSandbox(SandboxProvider):
    """The sandbox provider, recording what it is asked to book and cancel."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.booked: list[str] = []
        self.cancelled: list[str] = []
        self.lock = threading.Lock()

    def book(self, offer: Offer, idempotency_key: str) -> str:
        time.sleep(self.delay)
        with self.lock:
            self.booked.append(idempotency_key)
        return super().book(offer, idempotency_key)

    def cancel(self, offer: Offer, confirmation: str) -> None:
        with self.lock:
            self.cancelled.append(confirmation)


class Clock:
    """An injected clock the test can move."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def provider() -> RecordingSandbox:
    return RecordingSandbox()


def make_registry(*providers: Any) -> Registry:
    registry = Registry()
    for tool in TOOLS:
        registry.add(tool)
    registry.contributed("register_travel_providers").extend(providers)
    return registry


@pytest.fixture
def registry(provider: RecordingSandbox) -> Registry:
    return make_registry(provider)


def make_agent(scripted: Any, registry: Registry, plans: list[str] | None = None,
               **kwargs: Any) -> Agent:
    planner = Planner(scripted(plans or []), list(registry.tools.values()), set(), "fewshot")
    kwargs.setdefault("now", NOW)
    return Agent(registry=registry, planner=planner, **kwargs)


def run(agent: Agent, tool: str, **arguments: Any) -> dict[str, Any]:
    result = agent.run_tool(tool, arguments)
    assert result.error is None, result.error
    return result.result  # type: ignore[no-any-return]


def search(agent: Agent, **arguments: Any) -> list[dict[str, Any]]:
    args = {"origin": "BOS", "destination": "Lisbon", "depart_date": "March 3rd", **arguments}
    offers = run(agent, "search_flights", **args)["offers"]
    assert offers
    return offers  # type: ignore[no-any-return]


def count(agent: Agent, table: str) -> int:
    return int(agent.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


# --------------------------------------------------------------------------- normalizers

@pytest.mark.parametrize(("text", "now", "expected"), [
    ("March 3rd", NOW, date(2027, 3, 3)),
    ("Tuesday", NOW, date(2026, 12, 1)),
    ("the day after tomorrow", NOW, date(2026, 11, 29)),
    ("December 10", NOW, date(2026, 12, 10)),
    ("Jan 8", NOW, date(2027, 1, 8)),
    ("2027-03-03", NOW, date(2027, 3, 3)),
    ("today", NOW, date(2026, 11, 27)),
    ("next Friday", NOW, date(2026, 12, 4)),
    ("in 2 weeks", NOW, date(2026, 12, 11)),
    ("on Jan 16", NOW, date(2027, 1, 16)),
    ("3rd of March", NOW, date(2027, 3, 3)),
    ("first of April", NOW, date(2027, 4, 1)),
    ("mid-March", NOW, date(2027, 3, 15)),
    ("end of February", NOW, date(2027, 2, 28)),
    ("Christmas", NOW, date(2026, 12, 25)),
    ("a week from Tuesday", NOW, date(2026, 12, 8)),
    ("le 3 mars", NOW, date(2027, 3, 3)),
    ("March 3rd", LATER, date(2032, 3, 3)),
    ("tomorrow", LATER, date(2031, 5, 15)),
    ("Tuesday", LATER, date(2031, 5, 20)),
    ("this weekend", LATER, date(2031, 5, 17)),
    ("end of February", LATER, date(2032, 2, 29)),
    ("Jan 8", LATER, date(2032, 1, 8)),
])
def test_dates_are_read_against_the_injected_clock(text: str, now: datetime,
                                                   expected: date) -> None:
    args = search_flights.validate(
        {"origin": "BOS", "destination": "LIS", "depart_date": text}, ToolContext(now=now)
    )
    assert args.depart_date == expected  # type: ignore[attr-defined]


@pytest.mark.parametrize(("text", "message"), [
    ("yesterday", "2026-11-26 is in the past (today is 2026-11-27)"),
    ("2026-11-20", "is in the past"),
    ("someday", "cannot read 'someday' as a date"),
    ("2027-02-30", "'2027-02-30' is not a valid date"),
])
def test_bad_dates_are_one_line_errors(text: str, message: str) -> None:
    with pytest.raises(ToolArgumentError) as err:
        search_flights.validate({"origin": "BOS", "destination": "LIS", "depart_date": text},
                                ToolContext(now=NOW))
    assert message in str(err.value) and "depart_date" in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(("code", "spellings"), [
    ("BOS", ["Boston", "BOS", "bos", "Boston, MA", "Boston Logan airport", "Bostn",
             "Boston, US (BOS)"]),
    ("NYC", ["New York", "JFK", "NYC", "EWR", "LGA", "new york city", "New York JFK",
             "New York, US (JFK, EWR, LGA)"]),
    ("SEA", ["Seattle", "SEA", "seattle, wa"]),
    ("SFO", ["San Francisco", "SFO"]),
    ("LON", ["London", "LHR", "Gatwick", "Heathrow", "Londn", "London, UK"]),
    ("PAR", ["Paris", "CDG", "ORY", "Paris, France"]),
    ("LIS", ["Lisbon", "Lisboa", "Lisbn", "LIS"]),
    ("MUC", ["Munich", "München"]),
    ("SYD", ["Sydney", "Sydny"]),
    ("MEL", ["Melbourne", "Melborne"]),
    ("PDX", ["Portland", "Portland, Oregon", "Portland OR", "PDX"]),
    ("PWM", ["Portland, ME", "Portland, Maine"]),
    ("YXU", ["London, Canada"]),
    ("SAO", ["São Paulo", "Sao Paulo", "GRU"]),
    ("BCN", ["Barcelona", "Barcellona", "Barcelona, Spain"]),
    ("TYO", ["Tokyo", "HND", "NRT"]),
])
def test_every_way_of_naming_a_place_is_one_city(code: str, spellings: list[str]) -> None:
    for spelling in spellings:
        assert normalize_place(spelling, None) == code, spelling
        args = search_hotels.validate({"city": spelling, "check_in": "Jan 8", "nights": 1},
                                      ToolContext(now=NOW))
        assert args.city == code  # type: ignore[attr-defined]


@pytest.mark.parametrize(("text", "code"), [
    ("San Jose", "SJC"), ("Madison", "MSN"), ("Charleston", "CHS"), ("Florence", "FLR"),
    ("portland maine", "PWM"), ("Portland", "PDX"), ("philly", "PHL"),
    ("san diego california", "SAN"), ("phoenix arizona", "PHX"), ("detroit michigan", "DTW"),
])
def test_the_most_populous_namesake_wins_unless_qualified(text: str, code: str) -> None:
    assert normalize_place(text, None) == normalize_place(code, None)


@pytest.mark.parametrize(("text", "parts"), [
    ("Rochester", ["'Rochester' is ambiguous", "(ROC)", "(RST)", "add the country"]),
    ("Springfield", ["ambiguous", "Missouri", "Illinois"]),
    ("Xyzzy", ["unknown place 'Xyzzy'"]),
    ("Bartholona", ["unknown place 'Bartholona'; close matches: ", "Barcelona, ES (BCN)"]),
    ("Portugal", ["'Portugal' is a country: name a city (Lisbon"]),
])
def test_unknown_or_ambiguous_places_list_close_matches(text: str, parts: list[str]) -> None:
    with pytest.raises(ToolArgumentError) as err:
        search_flights.validate({"origin": text, "destination": "LIS", "depart_date": "Jan 8"},
                                ToolContext(now=NOW))
    message = str(err.value)
    assert message.startswith("search_flights: origin: ") and "\n" not in message
    for part in parts:
        assert part in message


def test_counts_cabins_and_ids() -> None:
    ctx = ToolContext(now=NOW)
    args = search_flights.validate({"origin": "SEA", "destination": "SFO", "depart_date": "Jan 8",
                                    "passengers": "two", "cabin": "Business class"}, ctx)
    assert (args.passengers, args.cabin) == (2, "business")  # type: ignore[attr-defined]
    args = search_flights.validate({"origin": "SEA", "destination": "SFO", "depart_date": "Jan 8",
                                    "cabin": "premium economy"}, ctx)
    assert args.cabin == "premium_economy"  # type: ignore[attr-defined]
    for bad, message in [({"passengers": 0}, "from 1 to 9"), ({"passengers": 10}, "(got 10)"),
                         ({"cabin": "luxury"}, "unknown cabin 'luxury'"),
                         ({"destination": "Seattle"}, "same place"),
                         ({"return_date": "Jan 2"}, "before depart_date")]:
        with pytest.raises(ToolArgumentError, match=re.escape(message)):
            search_flights.validate({"origin": "SEA", "destination": "SFO",
                                     "depart_date": "Jan 8", **bad}, ctx)
    assert normalize_offer_id("fl-7", None) == "FL-0007"
    assert normalize_offer_id("HT 0012", None) == "HT-0012"
    assert normalize_booking_id("bk-07", None) == normalize_booking_id("7", None) == "BK-7"
    with pytest.raises(ToolArgumentError, match="not an offer id"):
        book_offer.validate({"offer_id": "XX-1"}, ctx)


def test_nights_derive_the_check_out() -> None:
    ctx = ToolContext(now=NOW)
    args = search_hotels.validate({"city": "Prague", "check_in": "Jan 16", "nights": 3}, ctx)
    assert args.check_out == date(2027, 1, 19) and args.nights == 3  # type: ignore[attr-defined]
    args = search_hotels.validate({"city": "Prague", "check_in": "Jan 16",
                                   "check_out": "Jan 19"}, ctx)
    assert args.nights == 3  # type: ignore[attr-defined]
    for bad, message in [({}, "give check_out or nights"),
                         ({"check_out": "Jan 12"}, "must be after check_in"),
                         ({"check_out": "Jan 20", "nights": 3}, "does not match 3 nights"),
                         ({"nights": 0}, "nights must be from 1 to 60")]:
        with pytest.raises(ToolArgumentError, match=message):
            search_hotels.validate({"city": "Prague", "check_in": "Jan 16", **bad}, ctx)


# The development cases of the evaluation contract, answered in other words: the eval
# validates both sides with the tools' own argument models, so these must match.
EVAL_CASES = [
    ({"tool": "search_flights", "arguments": {"origin": "New York", "destination": "London",
                                              "depart_date": "2026-12-10"}},
     {"origin": "JFK", "destination": "LHR", "depart_date": "December 10"}),
    ({"tool": "search_flights", "arguments": {"origin": "Seattle", "destination": "San Francisco",
                                              "depart_date": "2026-12-01", "passengers": 2}},
     {"origin": "SEA", "destination": "SFO", "depart_date": "Tuesday", "passengers": "two"}),
    ({"tool": "search_flights", "arguments": {
        "origin": "Paris", "destination": "Berlin", "depart_date": "2027-01-08",
        "return_date": "2027-01-12", "cabin": "business"}},
     {"origin": "CDG", "destination": "BER", "depart_date": "Jan 8", "return_date": "Jan 12",
      "cabin": "business class"}),
    ({"tool": "search_flights", "arguments": {"origin": "Sydney", "destination": "Melbourne",
                                              "depart_date": "2026-11-29"}},
     {"origin": "SYD", "destination": "MEL", "depart_date": "the day after tomorrow"}),
    ({"tool": "search_hotels", "arguments": {"city": "Prague", "check_in": "2027-02-20",
                                             "check_out": "2027-02-22", "guests": 3}},
     {"city": "Prague", "check_in": "February 20", "nights": 2, "guests": "three"}),
    ({"tool": "book_offer", "arguments": {"offer_id": "FL-1001"}}, {"offer_id": "fl-1001"}),
    ({"tool": "cancel_booking", "arguments": {"booking_id": "BK-7"}}, {"booking_id": "bk 7"}),
    ({"tool": "export_itinerary", "arguments": {"booking_id": "BK-12"}}, {"booking_id": "BK-12"}),
]


@pytest.mark.parametrize(("expected", "said"), EVAL_CASES)
def test_eval_contract_compares_normalized_arguments(expected: dict[str, Any],
                                                     said: dict[str, Any]) -> None:
    registry = make_registry(SandboxProvider())
    ctx = ToolContext(now=NOW)
    assert calls_match(registry, [expected], [ToolCall(expected["tool"], said)], ctx)
    if "depart_date" in said:
        wrong = dict(said, depart_date="Dec 24")
        assert not calls_match(registry, [expected], [ToolCall(expected["tool"], wrong)], ctx)


def test_tool_examples_validate_and_tools_are_registered() -> None:
    for tool in TOOLS:
        assert len(tool.examples) >= 3, tool.name
        for example in tool.examples:
            tool.validate(example.arguments, ToolContext(now=NOW))
    registry = get_registry()
    assert {t.name for t in TOOLS} <= registry.builtin_tools
    assert all(registry.tools[t.name].data_class == "travel" for t in TOOLS)
    confirm = {t.name for t in TOOLS if registry.tools[t.name].needs_confirmation}
    assert confirm == {"book_offer", "cancel_booking", "export_itinerary"}
    providers = registry.contributed("register_travel_providers")
    assert any(p.name == "sandbox" and p.sandbox for p in providers)


# --------------------------------------------------------------------------- the sandbox

def test_acceptance_cli_search(home: Path) -> None:
    calvados = Path(sys.executable).with_name("calvados")
    proc = subprocess.run(
        [str(calvados), "run", "search_flights", "origin=BOS", "destination=Lisbon",
         "depart_date=March 3rd", "--now", "2026-11-27T10:00:00", "--json"],
        capture_output=True, text=True, timeout=120, env=dict(os.environ, CALVADOS_HOME=str(home)),
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["result"]
    assert result["depart_date"] == "2027-03-03" and result["sandbox"] is True
    assert "SANDBOX" in result["text"]
    assert result["offers"]
    for offer in result["offers"]:
        assert re.fullmatch(r"FL-\d{4}", offer["id"]) and offer["sandbox"] is True
        (leg,) = offer["segments"]
        assert (leg["origin"], leg["destination"]) == ("BOS", "LIS")
        assert leg["start"].startswith("2027-03-03T") and leg["start_tz"] == "America/New_York"
        assert leg["end_tz"] == "Europe/Lisbon"


def test_sandbox_is_deterministic_and_plausible(scripted: Any, registry: Registry) -> None:
    agent = make_agent(scripted, registry)
    first, again = search(agent), search(agent)
    assert first == again  # same timetable, fares and (still open) offer ids
    for offer in first:
        (leg,) = offer["segments"]
        start, end = datetime.fromisoformat(leg["start"]), datetime.fromisoformat(leg["end"])
        minutes = leg["details"]["duration_minutes"]
        assert end - start == timedelta(minutes=minutes)
        assert 6 * 60 <= minutes <= 8 * 60  # Boston-Lisbon is about 5,100 km
        assert 250 <= offer["price"] <= 1500 and offer["currency"] == "USD"
    two = search(agent, passengers=2)
    assert [o["details"]["price_per_person"] for o in two] == \
        [o["details"]["price_per_person"] for o in first]
    assert [o["price"] for o in two] == [2 * o["price"] for o in first]
    trip = search(agent, origin="New York", destination="London", depart_date="Dec 10",
                  return_date="Dec 17", cabin="business")
    assert all(len(o["segments"]) == 2 for o in trip)
    assert {o["segments"][0]["origin"] for o in trip} <= {"JFK", "EWR"}
    assert {o["segments"][1]["origin"] for o in trip} <= {"LHR", "LGW"}
    assert min(o["price"] for o in trip) > 2 * max(o["price"] for o in first)
    hotels = run(agent, "search_hotels", city="Prague", check_in="Feb 20", nights=2, guests=3)
    prices = [o["price"] for o in hotels["offers"]]
    assert prices == sorted(prices) and all(o["id"].startswith("HT-") for o in hotels["offers"])
    stay = hotels["offers"][0]["segments"][0]
    assert stay["start"] == "2027-02-20T15:00:00+01:00" and stay["start_tz"] == "Europe/Prague"
    assert "SANDBOX" in hotels["text"] and "(sandbox)" in hotels["offers"][0]["title"]


# --------------------------------------------------------------------------- booking

def test_booking_lifecycle_through_the_agent(scripted: Any, registry: Registry,
                                             provider: RecordingSandbox) -> None:
    answers: list[bool] = []
    asked: list[ConfirmationNeeded] = []

    def confirm(request: ConfirmationNeeded) -> bool:
        asked.append(request)
        return answers.pop(0)

    agent = make_agent(scripted, registry, confirm=confirm, plans=[
        'search_flights(origin="Boston", destination="Lisbon", depart_date="March 3rd")'])
    backend = agent.planner.backend
    final = agent.ask("flights from Boston to Lisbon on March 3rd")
    assert "SANDBOX" in final.text
    first, second = re.findall(r"FL-\d{4}", final.text)[:2]

    # the planner copied the wrong id from the history: "the second one" is resolved in code
    backend.replies.append(f'book_offer(offer_id="{first}")')  # type: ignore[attr-defined]
    answers.append(False)
    events = list(agent.chat("book the second one"))
    result = next(e for e in events if isinstance(e, ToolResultEvent))
    assert result.error == "not confirmed" and count(agent, "travel_bookings") == 0
    assert provider.booked == [] and asked[-1].tool == "book_offer"

    backend.replies.append(f'book_offer(offer_id="{first}")')  # type: ignore[attr-defined]
    answers.append(True)
    text = agent.ask("book the first one").text
    assert text.startswith(f"Booked {first} as BK-1") and "SANDBOX" in text
    backend.replies.append(f'book_offer(offer_id="{first.lower()}")')  # type: ignore[attr-defined]
    answers.append(True)
    assert "already booked as BK-1 (no second booking made)" in agent.ask("book it again").text
    assert count(agent, "travel_bookings") == 1 and len(provider.booked) == 1

    backend.replies.append('cancel_booking(booking_id="BK-1")')  # type: ignore[attr-defined]
    answers.append(False)
    assert "not confirmed" in agent.ask("cancel it").text
    assert provider.cancelled == []
    backend.replies.append("list_bookings()")  # type: ignore[attr-defined]
    assert "Upcoming:\n- BK-1  Flight BOS -> LIS" in agent.ask("my bookings?").text

    backend.replies.append('cancel_booking(booking_id="bk-1")')  # type: ignore[attr-defined]
    answers.append(True)
    assert agent.ask("cancel it, really").text.startswith("Cancelled BK-1")
    assert len(provider.cancelled) == 1
    backend.replies.append("list_bookings()")  # type: ignore[attr-defined]
    assert "Cancelled:\n- BK-1" in agent.ask("my bookings?").text
    statuses = [c["status"] for c in agent.session.tool_calls()]
    assert statuses == ["ok", "refused", "ok", "ok", "refused", "ok", "ok", "ok"]
    prompt = asked[0].prompt.splitlines()
    assert prompt[0] == f'Run book_offer(offer_id="{second}")?'
    assert re.fullmatch(rf"{second}: .+ BOS -> LIS Wed 2027-03-03 \d\d:\d\d, 1 passenger, "
                        r"\$[\d,]+ total \(sandbox: nothing real is booked\)", prompt[1])
    assert asked[3].details.startswith("BK-1  Flight BOS -> LIS")  # what a cancel cancels


def test_bookings_belong_to_the_user_and_age(scripted: Any, registry: Registry) -> None:
    clock = Clock(NOW)
    agent = make_agent(scripted, registry, now=clock, confirm=lambda request: True)
    offer = search(agent, depart_date="Dec 10")[0]["id"]
    run(agent, "book_offer", offer_id=offer)
    other = make_agent(scripted, registry, now=clock, confirm=lambda request: True)  # same user
    assert other.session.id != agent.session.id
    listed = run(other, "list_bookings")
    assert [b["id"] for b in listed["upcoming"]] == ["BK-1"] and listed["past"] == []
    clock.now = datetime(2026, 12, 20, 9, 0)
    listed = run(other, "list_bookings")
    assert listed["upcoming"] == [] and [b["id"] for b in listed["past"]] == ["BK-1"]
    assert "Past:\n- BK-1" in listed["text"]
    result = other.run_tool("cancel_booking", {"booking_id": "BK-1"})
    assert "has already started" in (result.error or "")


def test_bad_booking_requests_are_clear_errors(scripted: Any, registry: Registry,
                                               provider: RecordingSandbox) -> None:
    clock = Clock(NOW)
    agent = make_agent(scripted, registry, now=clock, confirm=lambda request: True)
    offer = search(agent)[0]["id"]
    clock.now = NOW + timedelta(minutes=31)
    error = agent.run_tool("book_offer", {"offer_id": offer}).error or ""
    assert f"offer {offer} expired at 2026-11-27 10:30" in error and "search again" in error
    assert agent.run_tool("book_offer", {"offer_id": "FL-0999"}).error == \
        "no offer FL-0999 (search again: offer ids come from a search)"
    assert agent.run_tool("cancel_booking", {"booking_id": "BK-42"}).error == \
        "no booking BK-42 (you have no bookings)"
    assert count(agent, "travel_bookings") == 0 and provider.booked == []
    offer = search(agent)[0]["id"]  # searching again renews the offer
    run(agent, "book_offer", offer_id=offer)
    run(agent, "cancel_booking", booking_id="BK-1")
    assert agent.run_tool("cancel_booking", {"booking_id": "BK-1"}).error == \
        f"BK-1 is already cancelled (on {clock.now:%Y-%m-%d %H:%M})"
    assert "BK-1 is cancelled" in (agent.run_tool("export_itinerary", {"booking_id": "BK-1"})
                                   .error or "")
    assert len(provider.cancelled) == 1


def test_two_threads_booking_one_offer_make_one_booking(scripted: Any) -> None:
    slow = RecordingSandbox(delay=0.3)  # a slow provider: called outside the write lock
    registry = make_registry(slow)
    agent = make_agent(scripted, registry)
    offer = search(agent)[0]["id"]
    barrier = threading.Barrier(2)
    results: list[dict[str, Any]] = []

    def book() -> None:
        ctx = agent.context()
        barrier.wait()
        results.append(book_offer.run({"offer_id": offer}, ctx))

    threads = [threading.Thread(target=book) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2
    assert sorted(r["created"] for r in results) == [False, True]
    assert {r["booking"]["id"] for r in results} == {"BK-1"}
    assert len(set(slow.booked)) == 1  # one idempotency key: one booking at the provider
    assert count(agent, "travel_bookings") == 1
    assert count(agent, "travel_segments") == 1


@pytest.mark.parametrize("step", ["_insert_segments", "_mark_offer"])
def test_a_crash_between_steps_leaves_no_partial_row(
    scripted: Any, registry: Registry, provider: RecordingSandbox,
    monkeypatch: pytest.MonkeyPatch, step: str,
) -> None:
    agent = make_agent(scripted, registry, confirm=lambda request: True)
    offer = search(agent, return_date="March 10")[0]["id"]

    def crash(*args: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(bookings, step, crash)
    result = agent.run_tool("book_offer", {"offer_id": offer})
    assert result.error == "RuntimeError: power cut"
    assert count(agent, "travel_bookings") == 0 and count(agent, "travel_segments") == 0
    booked_as = agent.db.execute("SELECT booked_as FROM travel_offers WHERE id = ?",
                                 (offer,)).fetchone()[0]
    assert booked_as is None
    assert len(provider.booked) == 1 and len(provider.cancelled) == 1  # undone at the provider
    monkeypatch.undo()
    assert run(agent, "book_offer", offer_id=offer)["created"] is True
    assert count(agent, "travel_bookings") == 1 and count(agent, "travel_segments") == 2


CRASHING_CHILD = """
import os, sys
from datetime import datetime
from calvados import Agent
from calvados.plugins.travel import bookings

insert_segments = bookings._insert_segments

def die_after_segments(conn, number, offer):
    insert_segments(conn, number, offer)
    os._exit(9)  # the process dies between two steps of the booking

bookings._insert_segments = die_after_segments
agent = Agent(now=datetime(2026, 11, 27, 10, 0), confirm=lambda request: True)
agent.run_tool("book_offer", {"offer_id": sys.argv[1]})
"""


def test_a_killed_process_leaves_no_partial_row(scripted: Any, registry: Registry,
                                                home: Path) -> None:
    agent = make_agent(scripted, registry, confirm=lambda request: True)
    offer = search(agent)[0]["id"]
    proc = subprocess.run([sys.executable, "-c", CRASHING_CHILD, offer], capture_output=True,
                          text=True, timeout=120,
                          env=dict(os.environ, CALVADOS_HOME=str(home)))
    assert proc.returncode == 9, proc.stderr
    assert count(agent, "travel_bookings") == 0 and count(agent, "travel_segments") == 0
    assert run(agent, "book_offer", offer_id=offer)["booking"]["id"] == "BK-1"
    assert count(agent, "travel_bookings") == 1


def test_a_locked_database_books_nothing(scripted: Any, registry: Registry,
                                         provider: RecordingSandbox,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bookings, "LOCK_TIMEOUT_S", 0.2)
    agent = make_agent(scripted, registry)
    offer = search(agent)[0]["id"]
    other = sqlite3.connect(agent.db.path, isolation_level=None)  # another program writing
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(BookingNotSaved) as err:
            book_offer.run({"offer_id": offer}, agent.context())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert str(err.value) == (f"could not save the booking of {offer}: the database is locked "
                              "by another program; nothing was booked. Try again.")
    assert provider.booked == [] and count(agent, "travel_bookings") == 0
    assert book_offer.run({"offer_id": offer}, agent.context())["created"] is True


class BulkyProvider(RecordingSandbox):
    """Offers carrying long fare rules, as real booking APIs send them."""

    def search_flights(self, query: Any) -> list[Offer]:
        offers = super().search_flights(query)
        for offer in offers:
            offer.details["fare_rules"] = "Changes allowed before departure for a fee. " * 500
        return offers


def test_a_full_disk_books_nothing(scripted: Any) -> None:
    bulky = BulkyProvider()
    agent = make_agent(scripted, make_registry(bulky), confirm=lambda request: True)
    offer = search(agent)[0]["id"]
    conn = agent.db.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: a full disk
    try:
        with pytest.raises(BookingNotSaved) as err:
            book_offer.run({"offer_id": offer}, agent.context())
    finally:
        conn.execute("PRAGMA max_page_count = 1073741823")
    assert str(err.value).startswith(f"could not save the booking of {offer}: the disk is full;")
    assert "was cancelled again, nothing is booked" in str(err.value)
    assert len(bulky.booked) == 1 and len(bulky.cancelled) == 1
    assert count(agent, "travel_bookings") == 0 and count(agent, "travel_segments") == 0
    assert run(agent, "book_offer", offer_id=offer)["created"] is True


# --------------------------------------------------------------------------- itinerary

def test_exported_ics_parses_back_with_the_right_times_and_zones(
    scripted: Any, registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # exports go under the user's home
    agent = make_agent(scripted, registry, confirm=lambda request: True)
    trip = search(agent, origin="San Francisco", destination="Tokyo", depart_date="Dec 10",
                  return_date="Dec 18")[0]
    hotel = run(agent, "search_hotels", city="Tokyo", check_in="Dec 11", nights=7)["offers"][0]
    run(agent, "book_offer", offer_id=trip["id"])
    run(agent, "book_offer", offer_id=hotel["id"])
    result = run(agent, "export_itinerary", path=str(tmp_path / "trip"))
    assert result["path"] == str(tmp_path / "trip.ics") and result["events"] == 3
    raw = (tmp_path / "trip.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\nVERSION:2.0\r\n" in raw
    cal = icalendar.Calendar.from_ical(raw)
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    segments = trip["segments"] + hotel["segments"]
    uids = ["BK-1-0@calvados.travel", "BK-1-1@calvados.travel", "BK-2-0@calvados.travel"]
    assert sorted(events) == uids
    for uid, seg in zip(uids, segments, strict=True):
        event = events[uid]
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert start == datetime.fromisoformat(seg["start"])
        assert end == datetime.fromisoformat(seg["end"])
        assert start.tzinfo.key == seg["start_tz"] and end.tzinfo.key == seg["end_tz"]
        if seg["kind"] == "flight":  # zones are the airports' own
            assert seg["start_tz"] == AIRPORTS[seg["origin"]]["tz"]
            assert seg["end_tz"] == AIRPORTS[seg["destination"]]["tz"]
        assert "[sandbox]" in str(event["summary"]) and "SANDBOX" in str(event["description"])
        assert event.decoded("dtstamp").tzinfo is not None
    outbound = events[uids[0]]
    assert outbound.decoded("dtstart").tzinfo.key == "America/Los_Angeles"
    assert outbound.decoded("dtend").tzinfo.key == "Asia/Tokyo"
    assert outbound.decoded("dtstart").utcoffset() == timedelta(hours=-8)
    stay = events[uids[2]].decoded("dtstart")
    assert (stay.date(), stay.hour, str(stay.tzinfo)) == (date(2026, 12, 11), 15, "Asia/Tokyo")
    zones = {str(tz["tzid"]): tz for tz in cal.walk("VTIMEZONE")}
    assert set(zones) == {"America/Los_Angeles", "Asia/Tokyo"}
    for event in events.values():  # the VTIMEZONE definitions agree with the tz database
        for key in ("dtstart", "dtend"):
            moment = event.decoded(key)
            vtz = zones[moment.tzinfo.key].to_tz()
            assert moment.replace(tzinfo=vtz).utcoffset() == moment.utcoffset()
    later = run(agent, "export_itinerary", booking_id="BK-2")
    assert later["path"].endswith("itineraries/BK-2.ics") and later["events"] == 1


# --------------------------------------------------------------------------- providers

class FakeBookingApi(BaseHTTPRequestHandler):
    """The JSON booking API of docs/travel.md, on 127.0.0.1."""

    server: Any

    def _send(self, status: int, body: Any = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self) -> bool:
        self.server.log.append((self.command, self.path, dict(self.headers)))
        if self.headers.get("Authorization") != "Bearer test-key":
            self._send(401, {"error": "bad key"})
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802
        if not self._authorized():
            return
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path != "/v1/flights" or q["date"] == "2027-01-01":
            self._send(500, {"error": "upstream timeout"})
            return
        legs = [{"flight": "Example Air 12", "from": q["from"], "to": q["to"],
                 "departs": f"{q['date']}T08:15:00", "arrives": f"{q['date']}T19:40:00"}]
        if "return" in q:
            back = q["return"]
            legs.append({"flight": "Example Air 13", "from": q["to"], "to": q["from"],
                         "departs": f"{back}T11:00:00", "arrives": f"{back}T13:30:00"})
        offer = {"ref": f"EA-{q['from']}-{q['to']}-{q['date']}", "currency": "EUR",
                 "price": 412.0 * int(q["adults"]), "expires_in": 1200, "legs": legs}
        self._send(200, {"offers": [offer]})

    def do_POST(self) -> None:  # noqa: N802
        if not self._authorized():
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers["Idempotency-Key"]
        bookings_by_key = self.server.bookings
        if key not in bookings_by_key:
            bookings_by_key[key] = f"EA-CONF-{len(bookings_by_key) + 1}:{body['ref']}"
        self._send(201, {"confirmation": bookings_by_key[key].split(":")[0]})

    def do_DELETE(self) -> None:  # noqa: N802
        if self._authorized():
            self._send(204)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def booking_api() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBookingApi)
    server.log = []  # type: ignore[attr-defined]
    server.bookings = {}  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def docs_provider_module() -> types.ModuleType:
    (code,) = [b for b in blocks("travel.md") if "class ExampleAirProvider" in b]
    module = types.ModuleType("example_air")
    exec(compile(code, "docs/travel.md", "exec"), module.__dict__)  # noqa: S102
    return module


def test_the_documented_http_provider_books_through_a_real_server(
    scripted: Any, booking_api: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = docs_provider_module()
    pm = pluggy.PluginManager("calvados")
    pm.add_hookspecs(hookspecs)
    pm.add_hookspecs(travel_hooks)  # the travel skill's own hook
    pm.register(module)  # pluggy checks the documented hook's signature
    monkeypatch.setenv("EXAMPLE_AIR_KEY", "secret")
    registered: list[Any] = []
    pm.hook.register_travel_providers(register=registered.append)
    assert [type(p).__name__ for p in registered] == ["ExampleAirProvider"]

    port = booking_api.server_address[1]
    api = module.ExampleAirProvider(f"http://127.0.0.1:{port}", "test-key")
    sandbox = RecordingSandbox()
    agent = make_agent(scripted, make_registry(sandbox, api), confirm=lambda request: True)
    found = run(agent, "search_flights", origin="Boston", destination="Lisbon",
                depart_date="March 3rd", return_date="March 10", passengers=2)
    (offer,) = found["offers"]  # a real provider replaces the sandbox
    assert offer["provider"] == "example-air" and offer["sandbox"] is False
    assert "SANDBOX" not in found["text"] and offer["price"] == 824.0
    out, back = offer["segments"]
    assert out["start"] == "2027-03-03T08:15:00-05:00" and out["end_tz"] == "Europe/Lisbon"
    assert back["origin"] == "LIS" and back["start"] == "2027-03-10T11:00:00+00:00"
    method, path, _ = booking_api.log[0]  # type: ignore[attr-defined]
    assert method == "GET" and "from=BOS" in path and "return=2027-03-10" in path

    booked = run(agent, "book_offer", offer_id=offer["id"])
    assert booked["booking"]["confirmation"] == "EA-CONF-1" and booked["sandbox"] is False
    posts = [h for m, _, h in booking_api.log if m == "POST"]  # type: ignore[attr-defined]
    assert len(posts) == 1 and posts[0]["Idempotency-Key"].startswith(f"calvados-{offer['id']}-")
    assert run(agent, "book_offer", offer_id=offer["id"])["created"] is False
    key = posts[0]["Idempotency-Key"]
    assert api.book(Offer.from_dict(offer), key) == "EA-CONF-1"  # the API dedupes retries too
    run(agent, "cancel_booking", booking_id="BK-1")
    assert booking_api.log[-1][:2] == ("DELETE", "/v1/bookings/EA-CONF-1")  # type: ignore[attr-defined]
    assert sandbox.booked == []

    failed = agent.run_tool("search_flights", {"origin": "BOS", "destination": "LIS",
                                               "depart_date": "2027-01-01"})
    assert failed.error and failed.error.startswith("example-air: Server error '500")
    monkeypatch.setenv("CALVADOS_TRAVEL_PROVIDERS", "example-air,sandbox")
    mixed = run(agent, "search_flights", origin="BOS", destination="LIS",
                depart_date="2027-01-01")
    assert mixed["offers"] and all(o["provider"] == "sandbox" for o in mixed["offers"])


def test_offers_round_trip_through_storage() -> None:
    provider = SandboxProvider()
    ctx = ToolContext(now=NOW)
    args = search_flights.validate({"origin": "NYC", "destination": "Tokyo",
                                    "depart_date": "Jan 8", "return_date": "Jan 20"}, ctx)
    from calvados.plugins.travel.places import city
    from calvados.plugins.travel.providers import FlightQuery

    query = FlightQuery(city(args.origin), city(args.destination),  # type: ignore[attr-defined]
                        args.depart_date, args.return_date, 1, "economy",  # type: ignore[attr-defined]
                        NOW.replace(tzinfo=UTC))
    for offer in provider.search_flights(query):
        assert Offer.from_dict(json.loads(json.dumps(offer.to_dict()))) == offer


def test_references_are_resolved_against_the_session(scripted: Any, registry: Registry) -> None:
    from calvados.plugins.travel.refs import pick_offer

    shown = [{"id": "FL-0003", "price": 300.0, "start": "2027-03-03T09:00"},
             {"id": "FL-0001", "price": 120.0, "start": "2027-03-03T11:00"},
             {"id": "FL-0002", "price": 450.0, "start": "2027-03-03T06:00"}]
    assert pick_offer("book the cheapest one", shown) == "FL-0001"
    assert pick_offer("the most expensive please", shown) == "FL-0002"
    assert pick_offer("the earliest", shown) == "FL-0002"
    assert pick_offer("I'll take the second one", shown) == "FL-0001"
    assert pick_offer("option 3", shown) == "FL-0002"
    assert pick_offer("the last one", shown) == "FL-0002"
    assert pick_offer("book fl 7 instead", shown) == "FL-0007"  # a typed id always wins
    assert pick_offer("sounds good", shown) is None

    plans = ['search_flights(origin="Boston", destination="Lisbon", depart_date="March 3rd")',
             "none",  # the step after the search: nothing more to do
             'book_offer(offer_id="FL-0002")',  # copied from the history, not the cheapest
             "none",
             'export_itinerary(booking_id="FL-0001")',  # an offer id where a booking goes
             'export_itinerary(booking_id="book_offer")']
    agent = make_agent(scripted, registry, plans=plans, confirm=lambda request: True)
    found = agent.ask("flights from Boston to Lisbon on March 3rd")
    cheapest = min(re.findall(r"(FL-\d{4})  .*?  \$([\d,]+)", found.text),
                   key=lambda m: int(m[1].replace(",", "")))[0]
    booked = agent.ask("book the cheapest one").text
    assert booked.startswith(f"Booked {cheapest} as BK-1")
    assert agent.ask("export it to my calendar").text.startswith("Wrote 1 calendar event(s) "
                                                                 "for BK-1")
    typed = agent.ask("export booking BK-9 to my calendar").text  # the typed id wins
    assert typed == "export_itinerary: no booking BK-9 (your bookings: BK-1)"


def test_an_id_planned_as_the_export_path_is_the_booking_meant(
    scripted: Any, registry: Registry
) -> None:
    export = registry.tools["export_itinerary"]
    direct = ToolContext(now=NOW)
    assert export.prepared({"path": "BK-3"}, direct) == {"booking_id": "BK-3"}
    assert export.prepared({"path": "~/trip.ics"}, direct) == {"path": "~/trip.ics"}
    plans = ['search_flights(origin="Boston", destination="Lisbon", depart_date="March 3rd")',
             "none", 'book_offer(offer_id="FL-0001")', "none",
             'export_itinerary(path="FL-0001")']  # the offer, put in the wrong field
    agent = make_agent(scripted, registry, plans=plans, confirm=lambda request: True)
    agent.ask("flights from Boston to Lisbon on March 3rd")
    assert agent.ask("book FL-0001").text.startswith("Booked FL-0001 as BK-1")
    exported = agent.ask("export it to my calendar").text
    assert exported.startswith("Wrote 1 calendar event(s) for BK-1 to "), exported
    assert "itineraries/BK-1.ics" in exported  # the default place, not a file "FL-0001"
