"""Snapshots of the chat UI at 80x24 (pytest-textual-snapshot).

Content is deterministic: scripted models, a steady clock for the answers' times, no ids
on screen. After an intended change of the UI, review and accept new images with
``pytest --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

from calvados import Database, Session
from calvados.tui.screens import ConfirmScreen
from pytest_textual_snapshot import normalize_svg
from test_tui import SIZE, Rig, book_offer, finished, modal, say, search_hotels
from textual.pilot import Pilot


def steady() -> Callable[[], float]:
    """A clock that every reading moves on by 1.2 s: each answer takes 1.2 s."""
    ticks = count(0.0, 1.2)
    return lambda: next(ticks)


REPLY = (
    "Here is what I can do on this device:\n\n"
    "- **plan** trips and book them (with your OK)\n"
    "- **read** scanned letters and PDFs\n"
    "- tell a story, or breathe with you"
)


def test_main_screen(snap_compare: Any) -> None:
    async def chat(pilot: Pilot[Any]) -> None:
        await finished(pilot, await say(pilot, "what can you do?"))

    app = Rig(["none"], [REPLY], []).app(clock=steady())
    assert snap_compare(app, terminal_size=SIZE, run_before=chat)


def test_main_screen_light_theme(snap_compare: Any) -> None:
    async def chat(pilot: Pilot[Any]) -> None:
        await finished(pilot, await say(pilot, "what can you do?"))

    app = Rig(["none"], [REPLY], []).app(theme="light", clock=steady())
    assert snap_compare(app, terminal_size=SIZE, run_before=chat)


def test_tool_card(snap_compare: Any) -> None:
    async def open_card(pilot: Pilot[Any]) -> None:
        view = await finished(pilot, await say(pilot, "hotels in Lisbon for 3 nights"))
        await pilot.click(view.cards[0].query_one("CollapsibleTitle"))
        await pilot.pause()

    rig = Rig(['search_hotels(city="Lisbon", nights=3)'], [], [search_hotels])
    app = rig.app(clock=steady())
    assert snap_compare(app, terminal_size=SIZE, run_before=open_card)


def test_confirmation_modal(snap_compare: Any) -> None:
    async def ask(pilot: Pilot[Any]) -> None:
        await say(pilot, "book offer OF-1")
        await modal(pilot, ConfirmScreen)

    app = Rig(['book_offer(offer_id="OF-1")'], [], [book_offer]).app(clock=steady())
    assert snap_compare(app, terminal_size=SIZE, run_before=ask)


DOCS_SHOT = Path(__file__).resolve().parents[1] / "docs" / "tui-main.svg"
SNAPSHOT = Path(__file__).parent / "__snapshots__" / "test_tui_snapshots"
SNAPSHOT /= "test_docs_screenshot.svg"


def _earlier_sessions() -> None:
    db = Database()
    for title, updated in (("plan a trip to Porto", "2026-11-20T09:00:00+00:00"),
                           ("summarize my lease", "2026-11-21T09:00:00+00:00")):
        session = Session.create(db)
        session.add_message("user", title)
        db.execute("UPDATE sessions SET updated = ? WHERE id = ?", (updated, session.id))


def test_docs_screenshot(snap_compare: Any) -> None:
    """The picture in docs/tui.md: sidebar, a tool card, a streamed reply (100x30)."""

    async def scene(pilot: Pilot[Any]) -> None:
        view = await finished(pilot, await say(pilot, "hotels in Lisbon for 3 nights"))
        await pilot.click(view.cards[0].query_one("CollapsibleTitle"))
        await finished(pilot, await say(pilot, "which one is closer to the river?"))

    _earlier_sessions()
    rig = Rig(['search_hotels(city="Lisbon", nights=3)', "none"], [
        "**Alfama House** is two streets from the Tagus; Rossio Inn is on the main square."
    ], [search_hotels], model="smollm2-135m")  # illustrative replies, the default model's name
    assert snap_compare(rig.app(clock=steady()), terminal_size=(100, 30), run_before=scene)


def test_docs_screenshot_is_current() -> None:
    """docs/tui-main.svg is the accepted snapshot above (copy it after an update)."""
    assert normalize_svg(DOCS_SHOT.read_text("utf-8")) == normalize_svg(
        SNAPSHOT.read_text("utf-8")
    ), "docs/tui-main.svg is stale: cp " + str(SNAPSHOT) + " docs/tui-main.svg"
