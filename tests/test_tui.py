"""The chat UI, driven with Textual's Pilot against agents on scripted backends.

The agent loop, the session store (SQLite) and the UI are real; only the models are
scripted so every run is deterministic and fast.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import calvados
import pytest
from calvados import Agent, Database, Session, ToolContext
from calvados.backends.base import Backend
from calvados.planner import Planner
from calvados.registry import Registry, get_registry
from calvados.tools import Tool
from calvados.tui import CalvadosApp
from calvados.tui.screens import (
    ConfirmScreen,
    ConsentScreen,
    LedgerScreen,
)
from calvados.tui.widgets import ReplyView, SessionSidebar, UserMessage
from calvados.tui.widgets.messages import WhereLine
from conftest import NOW, ScriptedBackend
from gemini_server import FakeGemini, Reply
from textual.pilot import Pilot
from textual.widgets import Input, ListView

SIZE = (80, 24)
DOCS = Path(__file__).resolve().parents[1] / "docs" / "tui.md"

# ---------------------------------------------------------------------------- test skills


@calvados.tool(data_class="travel", needs_confirmation=True)
def book_offer(offer_id: str, ctx: ToolContext) -> dict[str, Any]:
    """Book a travel offer.

    Args:
        offer_id: The offer to book.
    """
    booked = [*ctx.session.get_state("booked", []), offer_id]
    ctx.session.set_state("booked", booked)
    return {"text": f"Booked {offer_id}.", "booking_id": f"BK-{len(booked)}"}


@calvados.tool(data_class="travel")
def search_hotels(city: str, nights: int = 1) -> dict[str, Any]:
    """Find hotels in a city.

    Args:
        city: Where to stay.
        nights: How many nights.
    """
    return {"text": f"2 hotels in {city} for {nights} nights: Rossio Inn, Alfama House.",
            "offers": ["HT-1", "HT-2"]}


def breathing_tool(gate: threading.Semaphore | None = None) -> Tool:
    """A paced exercise; with a ``gate`` each step after the first waits for a release."""

    @calvados.tool(name="breathing_exercise", data_class="emotional")
    def breathing(minutes: int = 1) -> Iterator[str | calvados.Paced]:
        """A paced breathing exercise.

        Args:
            minutes: How long.
        """
        yield "Slow breathing, together.\n"
        steps = [calvados.Paced("Breathe in for 4 seconds", 4, "rise"),
                 calvados.Paced("Hold for 4 seconds", 4, "full"),
                 calvados.Paced("Breathe out for 6 seconds", 6, "fall")]
        for i, step in enumerate(steps * minutes):
            if gate is not None and i:
                assert gate.acquire(timeout=10)
            yield step
        yield "Well done.\n"

    return breathing


class GatedBackend(Backend):
    """Streams ``free`` pieces at once, then one more piece per :meth:`step`."""

    name = "gated"

    def __init__(self, pieces: list[str], free: int = 2) -> None:
        self.pieces = pieces
        self.free = free
        self.model_name = "gated-chat"
        self.gate = threading.Semaphore(0)
        self.closed = threading.Event()

    def step(self, n: int = 1) -> None:
        for _ in range(n):
            self.gate.release()

    def complete(self, prompt: str, **kwargs: Any) -> Iterator[str]:
        self.closed.clear()
        try:
            for i, piece in enumerate(self.pieces):
                if i >= self.free:
                    assert self.gate.acquire(timeout=10), "the test never let the model go on"
                yield piece
        finally:
            self.closed.set()


# ---------------------------------------------------------------------------- harness


class Rig:
    """Builds agents on scripted backends that share one planner and one chat model."""

    def __init__(
        self, plans: list[str], replies: list[str], tools: list[Tool],
        chat: Backend | None = None, model: str = "", registry: Registry | None = None,
    ) -> None:
        self.planner = ScriptedBackend(plans, model_name=model or "scripted-planner")
        self.chat = chat or ScriptedBackend(replies, model_name=model or "scripted-chat")
        self.tools = tools
        self.registry = registry or Registry(tools={t.name: t for t in tools})
        self.agents: list[Agent] = []

    def factory(self, session_id: str | None) -> Agent:
        agent = Agent(
            session_id, registry=self.registry, now=NOW,
            planner=Planner(self.planner, self.tools, set(), style="fewshot"),
            chat_backend=self.chat,
        )
        self.agents.append(agent)
        return agent

    def app(self, **kwargs: Any) -> CalvadosApp:
        return CalvadosApp(self.factory, **kwargs)


async def until(pilot: Pilot[Any], check: Callable[[], Any], timeout: float = 10) -> None:
    """Let the app run until ``check()`` holds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {check}")
        await pilot.pause(0.02)


async def ready(pilot: Pilot[Any]) -> CalvadosApp:
    app = pilot.app
    assert isinstance(app, CalvadosApp)
    await until(pilot, lambda: app.chat.state == "idle")
    return app


async def say(pilot: Pilot[Any], text: str, typed: bool = False) -> ReplyView:
    """Send ``text`` from the prompt (``typed``: key by key); returns the new reply view."""
    app = await ready(pilot)
    before = len(app.chat.views)
    prompt = app.chat.query_one("#prompt", Input)
    prompt.focus()
    if typed:
        await pilot.press(*text)
    else:
        prompt.value = text
    await pilot.press("enter")
    await until(pilot, lambda: len(app.chat.views) > before)
    return app.chat.views[app.chat.turn]


async def finished(pilot: Pilot[Any], view: ReplyView) -> ReplyView:
    app = pilot.app
    assert isinstance(app, CalvadosApp)
    await until(pilot, lambda: view.state != "live" and app.chat.state == "idle")
    await pilot.pause()
    return view


async def modal(pilot: Pilot[Any], kind: type) -> Any:
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))
    await pilot.pause()
    return pilot.app.screen


def stored(agent: Agent) -> list[tuple[str, str]]:
    """The session's messages as (role, content), read back from SQLite."""
    session = Session.load(Database(), agent.session.id)
    return [(m["role"], m["content"]) for m in session.messages()]


# ---------------------------------------------------------------------------- tests


@pytest.mark.asyncio
async def test_message_streams_reply_with_provenance() -> None:
    chat = GatedBackend(["Hello! ", "I am **Calvados**", ", running", " on this device."], free=1)
    rig = Rig(["none"], [], [], chat=chat)
    async with rig.app().run_test(size=SIZE) as pilot:
        view = await say(pilot, "hello", typed=True)
        await until(pilot, lambda: view.markdown.source == "Hello! ")
        assert pilot.app.chat.busy.label == "writing…"
        chat.step()
        await until(pilot, lambda: view.markdown.source == "Hello! I am **Calvados**")
        assert view.state == "live"
        chat.step(2)
        await finished(pilot, view)
        assert view.text == "Hello! I am **Calvados**, running on this device."
        assert view.markdown.source == view.text  # a model's text is Markdown
        assert view.markdown.display and not view.plain.display
        assert view.where_text == "⌂ on-device: gated-chat"
        assert [str(u.content) for u in pilot.app.query(UserMessage)] == ["hello"]
        assert pilot.app.screen.sub_title == "hello"
        assert not pilot.app.chat.busy.display
    assert stored(rig.agents[0]) == [("user", "hello"), ("assistant", view.text)]


@pytest.mark.asyncio
async def test_tool_reply_shows_cards_with_arguments_and_results() -> None:
    rig = Rig(['search_hotels(city="Lisbon", nights=3)'], [], [search_hotels])
    async with rig.app().run_test(size=SIZE) as pilot:
        view = await finished(pilot, await say(pilot, "hotels in Lisbon for 3 nights"))
        (card,) = view.cards
        assert card.title == "✓ search_hotels · done"
        assert card.collapsed
        texts = [str(s.content) for s in card.query(".tool-args, .tool-result")]
        assert texts == ['city = "Lisbon"\nnights = 3',
                         "2 hotels in Lisbon for 3 nights: Rossio Inn, Alfama House."]
        assert view.text.startswith("2 hotels in Lisbon")
        assert str(view.plain.content) == view.text  # a tool's text keeps its lines
        assert view.plain.display and not view.markdown.display
        assert view.where_text == "⌂ on-device: scripted-planner · tools: search_hotels"
        await pilot.click(card.query_one("CollapsibleTitle"))
        assert not card.collapsed


@pytest.mark.asyncio
async def test_booking_confirmed_then_refused() -> None:
    """The real travel skill (sandbox provider): search, book one offer, refuse another."""
    registry = get_registry()
    assert "book_offer" in registry.tools, "the travel skill is built in"
    plans = ['search_flights(origin="BOS", destination="Lisbon", depart_date="March 3rd")',
             "none", 'book_offer(offer_id="FL-0001")', "none",  # each step observed: done
             'book_offer(offer_id="FL-0002")']
    rig = Rig(plans, [], list(registry.tools.values()), registry=registry)
    async with rig.app().run_test(size=SIZE) as pilot:
        search = await finished(pilot, await say(pilot, "flights from Boston to Lisbon March 3rd"))
        assert "FL-0001" in search.text and "SANDBOX" in search.text

        first = await say(pilot, "book FL-0001")
        dialog = await modal(pilot, ConfirmScreen)
        assert dialog.request.tool == "book_offer"
        assert dialog.request.arguments == {"offer_id": "FL-0001"}
        assert pilot.app.chat.busy.label == "waiting for your answer…"
        await pilot.press("y")
        await finished(pilot, first)
        assert first.cards[0].title == "✓ book_offer · done"
        assert first.where_text.endswith("tools: book_offer")

        second = await say(pilot, "book FL-0002")
        await modal(pilot, ConfirmScreen)
        await pilot.click("#no")
        await finished(pilot, second)
        assert second.cards[0].title == "⊘ book_offer · not confirmed"
        assert second.text == "Cancelled: book_offer was not confirmed."
    agent = rig.agents[0]
    statuses = [(c["tool"], c["status"]) for c in agent.session.tool_calls()]
    assert statuses == [("search_flights", "ok"), ("book_offer", "ok"), ("book_offer", "refused")]
    booked = agent.run_tool("list_bookings", {}).result
    assert [b["offer_id"] for b in booked["upcoming"]] == ["FL-0001"]


@pytest.mark.asyncio
async def test_a_needs_confirmation_tool_is_asked_before_it_runs() -> None:
    plans = ['book_offer(offer_id="OF-1")', 'book_offer(offer_id="OF-2")']
    rig = Rig(plans, [], [book_offer])
    async with rig.app().run_test(size=SIZE) as pilot:
        first = await say(pilot, "book OF-1")
        await modal(pilot, ConfirmScreen)
        await pilot.press("y")
        assert (await finished(pilot, first)).text == "Booked OF-1."
        second = await say(pilot, "book OF-2")
        await modal(pilot, ConfirmScreen)
        await pilot.press("escape")
        await finished(pilot, second)
    assert rig.agents[0].session.get_state("booked") == ["OF-1"]


@pytest.mark.asyncio
async def test_cloud_consent_refused_sends_nothing_and_granted_sends_exactly_that(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real hybrid gate and Gemini client, against a local Gemini-speaking server."""
    with FakeGemini([Reply("Canberra is the capital of Australia.")]) as server:
        monkeypatch.setenv("CALVADOS_GEMINI_BASE_URL", server.url)
        monkeypatch.setenv("GEMINI_API_KEY", "test-key")
        rig = Rig([], ["I think it is Sydney."], [])
        async with rig.app().run_test(size=SIZE) as pilot:
            refused = await say(pilot, "ask gemini: what is the capital of Australia?")
            dialog = await modal(pilot, ConsentScreen)
            assert dialog.request.data_classes == ["chat"]
            payload = str(dialog.query_one("#consent-payload").content)
            assert payload == dialog.request.text
            assert payload.endswith("[user]\nask gemini: what is the capital of Australia?")
            await pilot.press("escape")
            await finished(pilot, refused)
            assert server.requests == []  # refused: nothing left the device
            assert refused.text == "I think it is Sydney."
            assert refused.where_text == "⌂ on-device: scripted-chat"
            notes = [str(n.content) for n in refused.query(".notice")]
            assert notes and notes[0].startswith("‣ cloud: not sent")

            granted = await say(pilot, "ask gemini: really, what is the capital of Australia?")
            dialog = await modal(pilot, ConsentScreen)
            sent = dialog.request.text
            await pilot.click("#send")
            await finished(pilot, granted)
            assert len(server.requests) == 1
            assert "really, what is the capital of Australia?" in server.requests[0].texts[-1]
            assert granted.text == "Canberra is the capital of Australia."
            assert granted.where_text == "☁ cloud: gemini-2.5-flash (ledger #1) · /ledger 1"
            await pilot.click(granted.query_one(WhereLine))
            ledger = await modal(pilot, LedgerScreen)
            assert ledger.entry["sent"] == sent  # the ledger has exactly what consent showed
            assert str(ledger.query_one("#ledger-sent").content) == sent


@pytest.mark.asyncio
async def test_resume_an_earlier_session_from_the_sidebar() -> None:
    earlier = Session.create(Database())
    earlier.add_message("user", "plan a trip to Porto")
    earlier.add_message("assistant", "Porto in spring is lovely.", where="on-device: m")
    rig = Rig(["none", "none"], ["Hi!", "Shall we book it?"], [])
    async with rig.app().run_test(size=SIZE) as pilot:
        await finished(pilot, await say(pilot, "hi"))
        app = pilot.app
        assert isinstance(app, CalvadosApp)
        sidebar = app.chat.query_one(SessionSidebar)
        assert not sidebar.display  # 80 columns: hidden until asked for
        await pilot.press("f2")
        assert sidebar.display
        ids = sidebar.session_ids
        assert ids[0] is None and set(ids[1:]) == {rig.agents[0].session.id, earlier.id}
        listing = sidebar.query_one(ListView)
        listing.focus()
        listing.index = ids.index(earlier.id)
        await pilot.press("enter")
        await until(pilot, lambda: app.agent is not None and app.agent.session.id == earlier.id)
        await ready(pilot)
        assert [str(u.content) for u in app.query(UserMessage)] == ["plan a trip to Porto"]
        (old,) = app.query(ReplyView)
        assert old.text == "Porto in spring is lovely."
        assert old.where_text == "⌂ on-device: m"
        assert app.screen.sub_title == "plan a trip to Porto"
        await finished(pilot, await say(pilot, "and then?"))
    assert stored(rig.agents[-1])[-2:] == [("user", "and then?"),
                                           ("assistant", "Shall we book it?")]
    assert len(stored(rig.agents[-1])) == 4


@pytest.mark.asyncio
async def test_resume_by_id_and_start_new_session() -> None:
    earlier = Session.create(Database())
    earlier.add_message("user", "tell me a story")
    rig = Rig([], [], [])
    async with rig.app(session_id=earlier.id[:6]).run_test(size=SIZE) as pilot:
        app = await ready(pilot)
        assert app.agent is not None and app.agent.session.id == earlier.id
        await pilot.press("ctrl+n")
        await until(pilot, lambda: app.agent is not None and app.agent.session.id != earlier.id)
        await ready(pilot)
        assert not app.query(UserMessage)


@pytest.mark.asyncio
async def test_unknown_session_id_opens_a_new_session_with_a_note() -> None:
    rig = Rig([], [], [])
    async with rig.app(session_id="nope").run_test(size=SIZE) as pilot:
        app = await ready(pilot)
        notes = [str(n.content) for n in app.query(".notice")]
        assert notes == ["‣ no session 'nope' (see: calvados sessions list); "
                         "started a new session"]


@pytest.mark.asyncio
async def test_escape_cancels_a_running_generation() -> None:
    chat = GatedBackend(["Once upon ", "a time", " there was", " a fox."])
    rig = Rig(["none", "none"], [], [], chat=chat)
    async with rig.app().run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, CalvadosApp)
        view = await say(pilot, "tell me a story")
        await until(pilot, lambda: view.text == "Once upon a time")
        assert app.chat.busy.display and app.chat.state == "running"
        await pilot.press("escape")
        assert app.chat.state == "stopping"
        assert view.where_text == "stopping…"
        chat.step()  # the model produces its next piece: the worker stops there
        await until(pilot, lambda: view.state == "cancelled")
        await ready(pilot)
        assert chat.closed.is_set()  # the generation was closed, not left running
        assert view.text == "Once upon a time there was"  # what was made is shown and kept
        assert view.where_text == "✗ cancelled · partial reply kept"
        assert not app.chat.busy.display
        # nothing else lost: the session has both turns, and chatting goes on
        chat.pieces, chat.free = ["Hello", " again", "."], 3
        after = await finished(pilot, await say(pilot, "hello"))
        assert after.text == "Hello again."
    messages = Session.load(Database(), rig.agents[0].session.id).messages()
    assert [(m["role"], m["content"], m["meta"].get("cancelled")) for m in messages] == [
        ("user", "tell me a story", None),
        ("assistant", "Once upon a time there was", True),
        ("user", "hello", None),
        ("assistant", "Hello again.", None),
    ]


@pytest.mark.asyncio
async def test_a_failing_model_is_one_line_and_loses_nothing() -> None:
    class Broken(Backend):
        model_name = "broken"

        def complete(self, prompt: str, **kwargs: Any) -> Iterator[str]:
            yield "Half a "
            raise calvados.ModelError("model crashed: out of memory")

    rig = Rig(["none", "none"], [], [], chat=Broken())
    async with rig.app().run_test(size=SIZE) as pilot:
        view = await say(pilot, "hello")
        await until(pilot, lambda: view.state == "failed")
        assert view.where_text == "✗ error: model crashed: out of memory"
        await ready(pilot)
    assert stored(rig.agents[0]) == [("user", "hello"), ("assistant", "Half a ")]
