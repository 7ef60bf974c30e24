"""Follow-ups end to end with the shipped student planner: what "the invoice", "the
cheapest one", "it" and a typed booking id refer to is resolved against the session."""

from __future__ import annotations

import itertools
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from calvados import Agent, Database, ToolResultEvent
from calvados.backends.base import Backend
from calvados.config import load_settings
from calvados.registry import get_registry
from conftest import NOW
from fixtures.documents import builders as b

pytestmark = pytest.mark.slow


def student_agent(chat: Backend, **kwargs: Any) -> Agent:
    from calvados.student import build_planner

    registry = get_registry()
    planner = build_planner(load_settings(), registry)
    assert planner.style == "student"
    return Agent(planner=planner, registry=registry, db=Database(), now=NOW, chat_backend=chat,
                 **kwargs)


def results(agent: Agent, message: str) -> list[ToolResultEvent]:
    return [e for e in agent.chat(message) if isinstance(e, ToolResultEvent)]


@pytest.mark.skipif(not b.FONT.exists(), reason="fonts-dejavu-core is needed to render pages")
def test_the_student_asks_the_invoice_named_after_two_scans(
    smollm2: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = student_agent(smollm2)
    _ = agent.planner  # loaded before HOME moves (the merged student is cached under it)
    monkeypatch.setenv("HOME", str(tmp_path))
    b.save_png(b.render(b.INVOICE), tmp_path / "invoice.png")
    b.save_png(b.render(b.NOTICE), tmp_path / "notice.png")
    for name in ("invoice.png", "notice.png"):
        (scanned,) = results(agent, f"scan ~/{name}")
        assert scanned.tool == "scan_document" and scanned.error is None, scanned
    (asked,) = results(agent, "what is the total due on the invoice?")
    assert asked.tool == "ask_document" and asked.error is None, asked
    assert asked.result["document"]["name"] == "invoice.png"  # not the last one scanned
    assert asked.text.startswith("From invoice.png") and "375.00" in asked.text
    (other,) = results(agent, "which streets does the notice say will lose water?")
    assert other.tool == "ask_document" and other.error is None, other
    assert other.result["document"]["name"] == "notice.png"  # the named one, not the last asked
    assert other.text.startswith("From notice.png") and "Quay Street" in other.text


def test_the_student_books_the_cheapest_and_exports_it(
    smollm2: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the sandbox's confirmation codes come from random offer tokens and are quoted in the
    # history the planner reads; fixed tokens make the prompts, and so the plans, repeatable
    from calvados.plugins.travel import store

    tokens = (uuid.UUID(int=n) for n in itertools.count(1))
    monkeypatch.setattr(store.uuid, "uuid4", lambda: next(tokens))
    agent = student_agent(smollm2, confirm=lambda request: True)
    (found,) = results(agent, "find flights from Boston to Lisbon on March 3rd")
    assert found.tool == "search_flights" and found.error is None, found
    offers = found.result["offers"]
    cheapest = min(offers, key=lambda o: o["price"])["id"]
    (booked,) = results(agent, "book the cheapest one")
    assert booked.tool == "book_offer" and booked.text.startswith(f"Booked {cheapest} as BK-1")
    (exported,) = results(agent, "export it to my calendar")
    assert exported.tool == "export_itinerary", exported
    assert re.match(r"Wrote 1 calendar event\(s\) for BK-1 ", exported.text), exported.text
    # right after the export, "the second one" is an offer again, not another export
    nth, other = next((n, o["id"]) for n, o in zip(("first", "second", "third"), offers,
                                                      strict=False) if o["id"] != cheapest)
    (second,) = results(agent, f"book the {nth} one")
    assert second.tool == "book_offer" and second.text.startswith(f"Booked {other} as BK-2")
    (typed,) = results(agent, "export booking BK-1 to my calendar")
    assert typed.tool == "export_itinerary" and typed.arguments["booking_id"] == "BK-1"
    assert typed.text.startswith("Wrote 1 calendar event(s) for BK-1 "), typed.text
    (it,) = results(agent, "now cancel it")  # "it" is the latest booking of the session
    assert it.tool == "cancel_booking" and it.text.startswith("Cancelled BK-2 "), it.text



def test_the_student_searches_then_books_the_cheapest_in_one_turn(
    smollm2: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One request, two steps: the search's offers are observed, the cheapest is booked."""
    from calvados import ConfirmationNeeded
    from calvados.plugins.travel import store

    tokens = (uuid.UUID(int=n) for n in itertools.count(1))
    monkeypatch.setattr(store.uuid, "uuid4", lambda: next(tokens))
    asked: list[ConfirmationNeeded] = []
    agent = student_agent(smollm2, confirm=lambda request: asked.append(request) or True)
    steps = results(agent, "find the cheapest flight from Boston to Lisbon on March 3 and book it")
    assert [s.tool for s in steps] == ["search_flights", "book_offer"], steps
    offers = steps[0].result["offers"]
    cheapest = min(offers, key=lambda o: o["price"])
    assert steps[1].text.startswith(f"Booked {cheapest['id']} as BK-1"), steps[1].text
    (confirmation,) = asked  # asked once, for the booking, with what it refers to
    assert confirmation.arguments == {"offer_id": cheapest["id"]}
    assert "Lisbon" in confirmation.details or "LIS" in confirmation.details
    assert [c["tool"] for c in agent.session.tool_calls()] == ["search_flights", "book_offer"]


@pytest.mark.skipif(not b.FONT.exists(), reason="fonts-dejavu-core is needed to render pages")
def test_the_student_scans_then_summarizes_in_one_turn(
    smollm2: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = student_agent(smollm2)
    _ = agent.planner
    monkeypatch.setenv("HOME", str(tmp_path))
    b.save_png(b.render(b.NOTICE), tmp_path / "notice.png")
    steps = results(agent, "scan ~/notice.png and summarize it")
    assert [s.tool for s in steps] == ["scan_document", "summarize"], steps
    assert all(s.error is None for s in steps), steps
    assert steps[1].result["document"]["name"] == "notice.png"
    assert "water" in steps[1].text.lower()
