"""Replies in the chat UI: tool cards end in their real state (cancelled, failed), resumed
sessions show their tool cards, and every answer says how long it took (Pilot, agents on
scripted backends)."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import calvados
import pytest
from calvados import Database, Session
from calvados.tools import Tool
from calvados.tui.turn import with_tool_calls
from calvados.tui.widgets import ReplyView, SessionSidebar
from calvados.tui.widgets.messages import AnswerStats
from calvados.tui.widgets.tool_card import ToolCard
from test_tui import (
    SIZE,
    Rig,
    book_offer,
    finished,
    modal,
    ready,
    say,
    search_hotels,
    until,
)
from textual.widgets import ListView


def story_tool(gate: threading.Semaphore) -> Tool:
    """A story told piece by piece; every piece after the first waits for a release."""

    @calvados.tool(name="tell_story", data_class="story")
    def tell_story(topic: str = "") -> Iterator[str]:
        """Tell a story, streamed.

        Args:
            topic: What the story is about.
        """
        yield "Once upon a time "
        for piece in ("there was ", "a fox ", "who could not sleep."):
            assert gate.acquire(timeout=10)
            yield piece

    return tell_story


def result_of(card: ToolCard) -> str:
    return str(card.query_one(".tool-result").content)


# ---------------------------------------------------------------------------- final states


@pytest.mark.asyncio
async def test_esc_while_a_story_is_told_leaves_its_card_cancelled() -> None:
    gate = threading.Semaphore(0)
    rig = Rig(['tell_story(topic="a fox")', "none"], ["Hello."], [story_tool(gate)])
    async with rig.app().run_test(size=SIZE) as pilot:
        view = await say(pilot, "tell me a story about a fox")
        await until(pilot, lambda: view.text == "Once upon a time ")
        (card,) = view.cards
        assert card.title == "… tell_story · running"
        await pilot.press("escape")
        gate.release()  # the story's next piece: the worker stops there
        await until(pilot, lambda: view.state == "cancelled")
        await ready(pilot)
        assert card.title == "■ tell_story · cancelled"
        assert card.has_class("-cancelled") and not card.has_class("-problem")
        assert result_of(card) == "(cancelled before it finished)"
        assert view.text == "Once upon a time there was "
        assert view.where_text == "✗ cancelled · partial reply kept"
        assert view.stats is None  # no answer, no timing
        after = await finished(pilot, await say(pilot, "hello"))
        assert after.text == "Hello."


@pytest.mark.asyncio
async def test_a_card_still_running_when_the_turn_fails_ends_failed() -> None:
    rig = Rig(['search_hotels(city="Lisbon")'], [], [search_hotels])
    async with rig.app().run_test(size=SIZE) as pilot:
        app = await ready(pilot)
        assert app.agent is not None

        def disk_full(*args: Any, **kwargs: Any) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        app.agent.session.record_tool_call = disk_full  # type: ignore[method-assign]
        view = await say(pilot, "hotels in Lisbon")
        await until(pilot, lambda: view.state == "failed")
        await ready(pilot)
        (card,) = view.cards
        assert card.title == "✗ search_hotels · failed"
        assert card.has_class("-problem")
        assert result_of(card) == "(not finished: OperationalError: database or disk is full)"
        assert view.where_text == "✗ error: OperationalError: database or disk is full"


# ---------------------------------------------------------------------------- resuming


async def _three_tool_turns(rig: Rig) -> str:
    from calvados.tui.screens import ConfirmScreen

    async with rig.app().run_test(size=SIZE) as pilot:
        await finished(pilot, await say(pilot, "hotels in Lisbon for 3 nights"))
        booked = await say(pilot, "book HT-1")
        await modal(pilot, ConfirmScreen)
        await pilot.press("y")
        await finished(pilot, booked)
        refused = await say(pilot, "book HT-2")
        await modal(pilot, ConfirmScreen)
        await pilot.press("n")
        await finished(pilot, refused)
    return rig.agents[0].session.id


def _check_cards(views: list[ReplyView]) -> None:
    assert [[c.title for c in v.cards] for v in views] == [
        ["✓ search_hotels · done"], ["✓ book_offer · done"], ["⊘ book_offer · not confirmed"]]
    hotels, booked, refused = (v.cards[0] for v in views)
    assert str(hotels.query_one(".tool-args").content) == 'city = "Lisbon"\nnights = 3'
    assert result_of(hotels) == "2 hotels in Lisbon for 3 nights: Rossio Inn, Alfama House."
    assert result_of(booked) == "Booked HT-1."
    assert result_of(refused) == "error: not confirmed"
    assert refused.has_class("-problem") and all(c.collapsed for c in (hotels, booked))
    assert views[0].where_text == "⌂ on-device: scripted-planner · tools: search_hotels"


@pytest.mark.asyncio
async def test_a_resumed_session_shows_its_tool_cards() -> None:
    """At start (``session_id``) and from the sidebar, each past reply gets its cards back."""
    plans = ['search_hotels(city="Lisbon", nights=3)', 'book_offer(offer_id="HT-1")',
             'book_offer(offer_id="HT-2")']
    rig = Rig(plans, [], [search_hotels, book_offer])
    earlier = await _three_tool_turns(rig)
    async with rig.app(session_id=earlier).run_test(size=SIZE) as pilot:
        app = await ready(pilot)
        _check_cards(list(app.query(ReplyView)))
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.agent is not None and app.agent.session.id != earlier)
        await ready(pilot)
        assert not app.query(ReplyView)
        await pilot.press("f2")
        sidebar = app.chat.query_one(SessionSidebar)
        listing = sidebar.query_one(ListView)
        listing.focus()
        listing.index = sidebar.session_ids.index(earlier)
        await pilot.press("enter")
        await until(pilot, lambda: app.agent is not None and app.agent.session.id == earlier)
        await ready(pilot)
        _check_cards(list(app.query(ReplyView)))


def test_stored_tool_calls_are_matched_to_the_reply_of_their_turn() -> None:
    session = Session.create(Database())
    session.add_message("user", "hotels in Porto")
    session.record_tool_call("search_hotels", {"city": "Porto"}, "error", error="offline")
    session.add_message("assistant", "", error="the model crashed")  # lists no tools
    session.add_message("user", "hotels in Porto, please")
    session.record_tool_call("search_hotels", {"city": "Porto"}, "ok", {"text": "1 hotel."})
    session.add_message("assistant", "1 hotel.", tools=["search_hotels", "crisis_resources"])
    session.add_message("user", "/scan big.pdf")
    session.record_tool_call("scan_document", {"path": "big.pdf"}, "error", error="stopped")
    session.add_message("assistant", "", tools=["scan_document"], cancelled=True)
    paired = with_tool_calls(session.messages(), session.tool_calls())
    calls = [[(c["tool"], c["status"]) for c in m["calls"]] for m in paired]
    # the failed turn keeps its failed call; the tool a reply lists but never ran gets none
    assert calls == [[], [("search_hotels", "error")], [], [("search_hotels", "ok")], [],
                     [("scan_document", "error")]]
    scan = ToolCard.from_record(paired[-1]["calls"][0], cancelled=True)
    assert (scan.status, scan.arguments) == ("cancelled", {"path": "big.pdf"})
    hotels = ToolCard.from_record(paired[3]["calls"][0])
    assert (hotels.status, hotels.title) == ("done", "✓ search_hotels · done")


def test_a_database_from_before_turn_ids_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL, updated TEXT NOT NULL, state TEXT NOT NULL DEFAULT '{}');
        CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL,
            role TEXT NOT NULL, content TEXT NOT NULL, meta TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL);
        CREATE TABLE tool_calls (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL,
            tool TEXT NOT NULL, arguments TEXT NOT NULL, result TEXT, error TEXT,
            status TEXT NOT NULL, created TEXT NOT NULL);
        INSERT INTO sessions VALUES ('s1', 't', '2026-01-01T00:00:00', '2026-01-01T00:00:00',
            '{}');
        INSERT INTO messages VALUES (1, 's1', 'user', 'hotels in Porto', '{}',
            '2026-01-01T00:00:01');
        INSERT INTO tool_calls VALUES (1, 's1', 'search_hotels', '{}', NULL, NULL, 'ok',
            '2026-01-01T00:00:02');
        INSERT INTO messages VALUES (2, 's1', 'assistant', '1 hotel.', '{}', '2026-01-01T00:00:03');
        INSERT INTO messages VALUES (3, 's1', 'user', 'thanks', '{}', '2026-01-01T00:00:04');
        INSERT INTO messages VALUES (4, 's1', 'assistant', 'You are welcome.', '{}',
            '2026-01-01T00:00:05');
    """)
    old.close()
    session = Session.load(Database(path), "s1")
    assert [c["message_id"] for c in session.tool_calls()] == [1]
    paired = with_tool_calls(session.messages(), session.tool_calls())
    assert [[c["tool"] for c in m["calls"]] for m in paired] == [[], ["search_hotels"], [], []]
    Database(path)  # opening it again changes nothing
    assert [c["message_id"] for c in Session.load(Database(path), "s1").tool_calls()] == [1]


# ---------------------------------------------------------------------------- answer stats

STATS = re.compile(r"^(\d+(?:\.\d+)?) s · (\d+(?:\.\d+)?) tok/s$")


@pytest.mark.asyncio
async def test_each_answer_shows_its_time_and_tokens_per_second() -> None:
    reply = "Hello! I am Calvados, and I run on this device."
    rig = Rig(["none"], [reply], [])
    async with rig.app().run_test(size=SIZE) as pilot:
        view = await finished(pilot, await say(pilot, "hello"))
        assert view.stats is not None
        assert view.stats.tokens == -(-len(reply) // 4)  # the backend streams 4 characters
        assert view.stats.seconds > 0 and view.stats.rate > 0
        found = STATS.match(view.stats_text)
        assert found, view.stats_text
        assert float(found.group(1)) >= 0 and float(found.group(2)) > 0
        assert view.query_one(".stats").display


@pytest.mark.asyncio
async def test_answer_stats_run_from_send_to_final() -> None:
    ticks = count(100.0, 2.5)  # every reading of the clock is 2.5 s after the one before
    rig = Rig(["none", 'search_hotels(city="Lisbon")'], ["One two three four five six."],
              [search_hotels])
    async with rig.app(clock=lambda: next(ticks)).run_test(size=SIZE) as pilot:
        answer = await finished(pilot, await say(pilot, "count to six"))
        assert answer.stats == AnswerStats(2.5, 7)
        assert answer.stats_text == "2.5 s · 2.8 tok/s"
        hotels = await finished(pilot, await say(pilot, "hotels in Lisbon"))
        assert hotels.stats_text == "2.5 s"  # nothing streamed: the time alone


def test_answer_stats_read_like_lm_studio() -> None:
    assert AnswerStats(2.4, 91).render() == "2.4 s · 38 tok/s"
    assert AnswerStats(0.21, 1).render() == "0.21 s · 4.8 tok/s"
    assert AnswerStats(42.0, 0).render() == "42 s"
    assert AnswerStats(125.0, 2500).render() == "2 min 05 s · 20 tok/s"
