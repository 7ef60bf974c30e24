"""The observe loop on a scripted planner: a step that changes what the session holds is
planned again with its result in view, until nothing is left to do, a step fails, or
``max_steps`` is reached."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from calvados import Agent, Final, Notice, ToolCallEvent, ToolResultEvent
from calvados.planner import Planner
from calvados.registry import get_registry

NOW = datetime(2027, 1, 10, 9, 0)
SEARCH = 'search_flights(origin="Boston", destination="Lisbon", depart_date="March 3")'
REQUEST = "find the cheapest flight from Boston to Lisbon on March 3 and book it"


def agent_with(scripted: Any, plans: list[str], **kwargs: Any) -> tuple[Agent, Any]:
    registry = get_registry()
    backend = scripted(plans)
    planner = Planner(backend, list(registry.tools.values()), set(), style="fewshot")
    agent = Agent(registry=registry, planner=planner, now=lambda: NOW,
                  chat_backend=scripted(["A reply."]), **kwargs)
    return agent, backend


def tools_run(events: list[Any]) -> list[str]:
    return [e.tool for e in events if isinstance(e, ToolResultEvent)]


def test_search_then_book_the_cheapest_in_one_turn(scripted: Any) -> None:
    asked: list[Any] = []
    agent, backend = agent_with(scripted, [SEARCH, 'book_offer(offer_id="FL-0001")', "none"],
                                confirm=lambda request: asked.append(request) or True)
    events = list(agent.chat(REQUEST))
    assert tools_run(events) == ["search_flights", "book_offer"]
    offers = next(e for e in events if isinstance(e, ToolResultEvent)).result["offers"]
    cheapest = min(offers, key=lambda o: o["price"])["id"]
    booked = [e for e in events if isinstance(e, ToolResultEvent)][1]
    assert booked.text.startswith(f"Booked {cheapest} as BK-1")  # "the cheapest", in code
    assert len(asked) == 1 and cheapest in str(asked[0])  # confirmed before it was booked
    second = backend.prompts[1]  # planned again with the search's result as quoted data
    assert f"user: {REQUEST}\nresult: Flights Boston (BOS) -> Lisbon (LIS)" in second
    assert "state: offers FL-0001" in second
    assert "bookings BK-1 for" in backend.prompts[2] and len(backend.prompts) == 3
    final = events[-1]
    assert isinstance(final, Final) and final.tools == ["search_flights", "book_offer"]
    assert [m["role"] for m in agent.session.messages()] == ["user", "assistant"]


def test_a_call_already_made_this_turn_is_not_made_again(scripted: Any) -> None:
    agent, backend = agent_with(scripted, [SEARCH, SEARCH])
    events = list(agent.chat("flights from Boston to Lisbon on March 3"))
    assert tools_run(events) == ["search_flights"] and len(backend.prompts) == 2


def test_a_step_that_changes_nothing_is_not_observed(scripted: Any) -> None:
    agent, backend = agent_with(scripted, ['list_bookings()', SEARCH])
    events = list(agent.chat("show my bookings"))
    assert tools_run(events) == ["list_bookings"] and len(backend.prompts) == 1


def test_a_failed_step_ends_the_turn_with_its_reason(scripted: Any) -> None:
    bad = 'search_flights(origin="Boston", destination="Qwxz", depart_date="March 3")'
    agent, backend = agent_with(scripted, [bad, 'book_offer(offer_id="FL-0001")'])
    events = list(agent.chat("flights from Boston to Qwxz on March 3, book the first"))
    (failed,) = [e for e in events if isinstance(e, ToolResultEvent)]
    assert failed.error and "Qwxz" in failed.text and len(backend.prompts) == 1
    assert isinstance(events[-1], Final) and events[-1].text == failed.text
    assert agent.session.tool_calls()[-1]["status"] == "error"


def test_a_refused_confirmation_stops_the_loop(scripted: Any) -> None:
    agent, backend = agent_with(scripted, [SEARCH, 'book_offer(offer_id="FL-0001")', SEARCH],
                                confirm=lambda request: False)
    events = list(agent.chat(REQUEST))
    assert tools_run(events) == ["search_flights", "book_offer"]
    assert events[-1].text.endswith("Cancelled: book_offer was not confirmed.")
    assert len(backend.prompts) == 2


def test_max_steps_counts_every_step(scripted: Any) -> None:
    agent, backend = agent_with(scripted, [SEARCH, 'book_offer(offer_id="FL-0001")'],
                                confirm=lambda request: True, max_steps=1)
    events = list(agent.chat(REQUEST))
    assert tools_run(events) == ["search_flights"] and len(backend.prompts) == 1
    agent, _ = agent_with(scripted, [SEARCH + "\n" + 'book_offer(offer_id="FL-0001")'],
                          confirm=lambda request: True, max_steps=1)
    events = list(agent.chat(REQUEST))
    assert tools_run(events) == ["search_flights"]
    assert any(isinstance(e, Notice) and "max_steps" in e.text for e in events)
    assert [e.tool for e in events if isinstance(e, ToolCallEvent)] == ["search_flights"]


def test_a_later_call_of_one_plan_is_resolved_after_the_earlier_ran(scripted: Any) -> None:
    agent, _ = agent_with(scripted, [SEARCH + '\nbook_offer(offer_id="FL-0009")', "none"],
                          confirm=lambda request: True)
    events = list(agent.chat(REQUEST))
    found, booked = [e for e in events if isinstance(e, ToolResultEvent)]
    cheapest = min(found.result["offers"], key=lambda o: o["price"])["id"]
    assert booked.text.startswith(f"Booked {cheapest} as BK-1"), booked.text


def test_a_step_that_resolves_to_one_already_made_is_skipped(scripted: Any) -> None:
    plans = [SEARCH, 'book_offer(offer_id="FL-0002")', 'book_offer(offer_id="FL-0003")']
    agent, backend = agent_with(scripted, plans, confirm=lambda request: True)
    events = list(agent.chat(REQUEST))  # both bookings mean "the cheapest": booked once
    assert tools_run(events) == ["search_flights", "book_offer"] and len(backend.prompts) == 3
