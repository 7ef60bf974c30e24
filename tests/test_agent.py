"""The agent loop on a scripted planner and chat backend, with real SQLite sessions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import pytest
from calvados import (
    Agent,
    ConfirmationNeeded,
    Database,
    Event,
    Final,
    Notice,
    Planned,
    Routed,
    Screened,
    Session,
    SessionNotFound,
    Step,
    Token,
    ToolCallEvent,
    ToolContext,
    ToolResultEvent,
    Validated,
    tool,
)
from calvados.planner import Planner
from calvados.registry import Registry
from pydantic import BeforeValidator, ValidationInfo

NOW = datetime(2026, 11, 27, 10, 0)


def _day(value: Any, info: ValidationInfo) -> Any:
    if value == "tomorrow":
        return info.context["now"].date() + timedelta(days=1)
    return value


@tool
def add_note(text: str, ctx: ToolContext) -> dict[str, Any]:
    """Add a note to this conversation's notebook.

    Args:
        text: What to note.
    """
    notes = ctx.session.get_state("notes", []) + [text]
    ctx.session.set_state("notes", notes)
    return {"text": f"Noted: {text}", "count": len(notes)}


@tool
def list_notes(ctx: ToolContext) -> dict[str, Any]:
    """List the notes."""
    return {"text": "Notes: " + ", ".join(ctx.session.get_state("notes", []))}


@tool(needs_confirmation=True)
def clear_notes(ctx: ToolContext) -> dict[str, Any]:
    """Delete every note."""
    ctx.session.set_state("notes", [])
    return {"text": "Notes cleared."}


@tool
def explode(reason: str) -> dict[str, Any]:
    """A skill with a bug.

    Args:
        reason: Why.
    """
    raise RuntimeError(f"kaboom ({reason})")


@tool
def count_to(n: int) -> Iterator[Any]:
    """Count aloud, streaming.

    Args:
        n: Where to stop.
    """
    for i in range(1, n + 1):
        yield f"{i} "
    yield {"counted": n}


@tool
def remind(day: Annotated[date, BeforeValidator(_day)]) -> dict[str, Any]:
    """Set a reminder.

    Args:
        day: When.
    """
    return {"text": f"Reminder on {day.isoformat()}"}


TOOLS = [add_note, list_notes, clear_notes, explode, count_to, remind]


@pytest.fixture
def registry() -> Registry:
    reg = Registry()
    for t in TOOLS:
        reg.add(t)
    return reg


def make_agent(scripted, registry: Registry, plans: list[str], replies: list[str] | None = None,
               **kwargs: Any) -> Agent:  # type: ignore[no-untyped-def]
    planner = Planner(scripted(plans), TOOLS, set(), style="fewshot")
    chat = scripted(replies or [], model_name="scripted-chat")
    return Agent(registry=registry, planner=planner, chat_backend=chat, now=NOW, **kwargs)


def kinds(events: list[Event]) -> list[str]:
    """The events a face acts on (step records aside: see test_step_records_tell_the_turn)."""
    return [type(e).__name__ for e in events if not isinstance(e, Step)]


def test_multi_step_plan_runs_every_call_in_order(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(scripted, registry,
                       ['add_note(text="milk")\nadd_note(text="eggs")\nlist_notes()'])
    events = list(agent.chat("note milk and eggs, then show my notes"))
    assert kinds(events) == ["ToolCallEvent", "ToolResultEvent"] * 3 + ["Final"]
    assert [e for e in events if not isinstance(e, Step)][0] == ToolCallEvent(
        "add_note", {"text": "milk"})
    final = events[-1]
    assert isinstance(final, Final)
    assert final.tools == ["add_note", "add_note", "list_notes"]
    assert final.text == "Noted: milk\n\nNoted: eggs\n\nNotes: milk, eggs"
    assert final.where == "on-device: scripted"
    assert [c["status"] for c in agent.session.tool_calls()] == ["ok", "ok", "ok"]
    assert agent.session.get_state("notes") == ["milk", "eggs"]
    assert [m["role"] for m in agent.session.messages()] == ["user", "assistant"]


def test_step_records_tell_the_turn(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    """Screened -> Planned -> Validated -> (the call's events) ... and a reply's route, with
    errors said."""
    agent = make_agent(scripted, registry, ['add_note(text="milk")', "search_flights(origin=",
                                            "none", 'remind(day="someday")'], ["Hello!"])
    events = list(agent.chat("note milk"))
    screened, planned, validated = [e for e in events if isinstance(e, Step)]
    assert screened == Screened(crisis=False)
    assert validated == Validated(tool="add_note", arguments={"text": "milk"})
    assert isinstance(planned, Planned) and planned.error is None and not planned.observed
    assert planned.calls == [{"tool": "add_note", "arguments": {"text": "milk"}}]
    assert planned.raw == 'add_note(text="milk")' and planned.model == "scripted"
    unreadable = [e for e in agent.chat("hm") if isinstance(e, Planned)]
    assert unreadable[0].error == "the plan could not be read" and unreadable[0].calls == []
    steps = [e for e in agent.chat("hello there") if isinstance(e, Step)]
    assert [type(e).__name__ for e in steps] == ["Screened", "Planned", "Routed"]
    assert steps[-1] == Routed(where="local")  # a greeting stays on the device
    refused = [e for e in agent.chat("remind me someday") if isinstance(e, Validated)]
    assert refused[0].tool == "remind" and refused[0].error and "day" in refused[0].error
    crisis = [e for e in agent.chat("I want to kill myself") if isinstance(e, Screened)]
    assert crisis[0].crisis and crisis[0].reason


def test_max_steps_stops_the_loop(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    plan = "\n".join(f'add_note(text="n{i}")' for i in range(4))
    agent = make_agent(scripted, registry, [plan], max_steps=2)
    events = list(agent.chat("note four things"))
    assert sum(isinstance(e, ToolResultEvent) for e in events) == 2
    notices = [e.text for e in events if isinstance(e, Notice)]
    assert notices == ["stopped after 2 steps (max_steps)"]
    assert agent.session.get_state("notes") == ["n0", "n1"]
    assert len(agent.session.tool_calls()) == 2


def test_a_raising_tool_is_recorded_and_the_session_goes_on(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(scripted, registry,
                       ['explode(reason="test")\nadd_note(text="after")',
                        'add_note(text="after")'])
    events = list(agent.chat("do the risky thing then note"))
    (result,) = [e for e in events if isinstance(e, ToolResultEvent)]  # the rest waits
    assert result.error == "RuntimeError: kaboom (test)"
    final = events[-1]
    assert isinstance(final, Final) and final.text == "explode failed: RuntimeError: kaboom (test)"
    calls = agent.session.tool_calls()
    assert [(c["tool"], c["status"]) for c in calls] == [("explode", "error")]
    assert calls[0]["error"] == "RuntimeError: kaboom (test)"
    assert agent.ask("note after").text == "Noted: after"  # the session goes on


def test_planner_mistakes_are_recorded_not_raised(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(scripted, registry, ['teleport(to="Mars")\ncount_to(n="many")'])
    results = [e for e in agent.chat("go") if isinstance(e, ToolResultEvent)]
    assert len(results) == 1 and "unknown tool 'teleport'" in (results[0].error or "")
    assert [c["status"] for c in agent.session.tool_calls()] == ["error"]
    agent = make_agent(scripted, registry, ['count_to(n="many")'])
    results = [e for e in agent.chat("go") if isinstance(e, ToolResultEvent)]
    assert (results[0].error or "").startswith("count_to: n:")


def test_confirmation_given(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    asked: list[ConfirmationNeeded] = []

    def yes(request: ConfirmationNeeded) -> bool:
        asked.append(request)
        return True

    agent = make_agent(scripted, registry, ['add_note(text="x")', "clear_notes()"], confirm=yes)
    agent.ask("note x")
    events = list(agent.chat("clear my notes"))
    assert kinds(events) == ["ToolCallEvent", "ConfirmationNeeded", "ToolResultEvent", "Final"]
    assert len(asked) == 1 and asked[0].tool == "clear_notes" and asked[0].approved
    assert asked[0].prompt == "Run clear_notes()?"
    assert agent.session.get_state("notes") == []
    assert agent.session.tool_calls()[-1]["status"] == "ok"


@pytest.mark.parametrize("confirm", [None, lambda request: False])
def test_confirmation_refused_runs_nothing(scripted, registry, confirm) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(scripted, registry, ['add_note(text="keep")', "clear_notes()"],
                       confirm=confirm)
    agent.ask("note keep")
    events = list(agent.chat("clear my notes"))
    request = next(e for e in events if isinstance(e, ConfirmationNeeded))
    assert request.approved is False
    result = next(e for e in events if isinstance(e, ToolResultEvent))
    assert result.error == "not confirmed"
    assert agent.session.get_state("notes") == ["keep"]
    assert agent.session.tool_calls()[-1]["status"] == "refused"
    assert isinstance(events[-1], Final) and "not confirmed" in events[-1].text


def test_direct_reply_streams_from_the_chat_backend(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(scripted, registry, ["none"], ["Hello there, how can I help?"])
    events = list(agent.chat("hi"))
    tokens = [e for e in events if isinstance(e, Token)]
    assert len(tokens) > 3 and all(t.source == "reply" for t in tokens)
    final = events[-1]
    assert isinstance(final, Final) and final.tools == []
    assert final.text == "".join(t.text for t in tokens) == "Hello there, how can I help?"
    assert final.where == "on-device: scripted-chat"
    assert agent.session.messages()[-1]["meta"] == {"where": "on-device: scripted-chat"}
    assert agent.session.tool_calls() == []


def test_a_streaming_tool_yields_tokens(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(scripted, registry, ["count_to(n=3)"])
    events = list(agent.chat("count to three"))
    tokens = [e.text for e in events if isinstance(e, Token)]
    assert tokens == ["1 ", "2 ", "3 "]
    assert all(e.source == "count_to" for e in events if isinstance(e, Token))
    result = next(e for e in events if isinstance(e, ToolResultEvent))
    assert result.result == {"counted": 3} and result.text == "1 2 3 "


def test_validation_sees_the_injected_clock(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(scripted, registry, ['remind(day="tomorrow")'])
    assert agent.ask("remind me tomorrow").text == "Reminder on 2026-11-28"
    assert agent.run_tool("remind", {"day": "2027-01-02"}).text == "Reminder on 2027-01-02"


def test_plan_runs_nothing(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(scripted, registry, ['add_note(text="a")\nlist_notes()'])
    plan = agent.plan("note a and list")
    assert [c.tool for c in plan.calls] == ["add_note", "list_notes"]
    assert plan.calls[0].arguments == {"text": "a"}
    assert not plan.direct and plan.model == "scripted"
    assert agent.session.tool_calls() == [] and agent.session.messages() == []


def test_session_survives_a_restart(scripted, registry, home) -> None:  # type: ignore[no-untyped-def]
    first = make_agent(scripted, registry, ['add_note(text="passport")', "none"], ["Bye!"])
    first.ask("remember my passport")
    first.ask("thanks")
    sid = first.session.id
    del first

    planner_backend = scripted(["list_notes()"])
    planner = Planner(planner_backend, TOOLS, set(), style="fewshot")
    db = Database(home / "calvados.db")  # a new connection, as after a restart
    second = Agent(Session.find(db, sid[:6]), registry=registry, db=db, planner=planner,
                   now=NOW)  # a typed prefix is looked up explicitly; the API takes whole ids
    assert second.session.id == sid
    assert second.session.history() == [
        {"role": "user", "content": "remember my passport"},
        {"role": "assistant", "content": "Noted: passport"},
        {"role": "user", "content": "thanks"},
        {"role": "assistant", "content": "Bye!"},
    ]
    assert second.ask("what did I note?").text == "Notes: passport"
    assert "user: remember my passport" in planner_backend.prompts[0]  # history reaches the plan
    assert len(second.session.messages()) == 6
    assert [c["tool"] for c in second.session.tool_calls()] == ["add_note", "list_notes"]


def test_unknown_session_is_a_one_line_error(registry) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SessionNotFound, match="no session 'nope'"):
        Agent("nope", registry=registry)


def test_a_crisis_message_never_reaches_the_planner(scripted, registry) -> None:  # type: ignore[no-untyped-def]
    agent = make_agent(scripted, registry, ['add_note(text="x")'])
    final = agent.ask("I want to end my life")
    assert final.crisis and final.where == "on-device: safety"
    assert agent.planner.backend.prompts == []  # type: ignore[attr-defined]
    assert agent.session.messages()[-1]["meta"]["crisis"] is True
