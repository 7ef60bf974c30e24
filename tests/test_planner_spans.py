"""The planner copies what the user said: the span rule, the per-message grammar, the
compact form, and a question instead of an error when a required argument is missing."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

import pytest
from calvados import Agent, Database, Final, Token
from calvados.evaluation import call_matches
from calvados.planner import (
    Planner,
    ToolCall,
    build_grammar,
    parse_plan,
    render_plan,
    span_in,
    span_rules,
    span_words,
)
from calvados.registry import get_registry
from calvados.tools import ToolContext, make_tool
from pydantic import Field

NOW = datetime(2026, 12, 1, 10, 0)


def test_span_in_is_case_and_space_insensitive_on_word_boundaries() -> None:
    text = "List flights from Houston to  Milwaukee friday pm"
    assert span_in("houston", text) and span_in("houston to milwaukee", text)
    assert span_in("HOUSTON", text) and span_in("Milwaukee Friday", text)
    assert not span_in("charlea", text)
    assert not span_in("ous", text)  # not on a word boundary
    assert not span_in("houston milwaukee", text)  # not contiguous
    assert span_in("~/docs/a.pdf", "scan ~/docs/a.pdf please")


def test_compact_form_round_trips_and_names_only_optional_arguments() -> None:
    positional = {"search_flights": ["origin", "destination", "depart_date"],
                  "search_hotels": ["city", "check_in"]}
    calls = [
        ToolCall("search_flights", {"origin": "phoenix", "destination": "milwaukee",
                                    "depart_date": "next wednesday", "depart_time": "pm"}),
        ToolCall("search_hotels", {"city": "tampa", "nights": 2}),
        ToolCall("search_hotels", {"check_in": "may 2", "city": "x"}),
    ]
    text = render_plan(calls, positional)
    assert text.splitlines()[0] == (
        'search_flights("phoenix","milwaukee","next wednesday",depart_time="pm")')
    assert text.splitlines()[1] == 'search_hotels("tampa",nights=2)'
    assert parse_plan(text, positional) == calls
    with pytest.raises(ValueError):
        parse_plan('search_hotels("tampa","may 2","extra")', positional)  # too many bare values
    with pytest.raises(ValueError):
        parse_plan('search_hotels(city="a","may 2")', positional)  # bare after a name


def _language(rules: list[str]) -> set[str]:
    """Every string the span rules accept (they form a finite chain per text)."""
    table = {}
    for rule in rules:
        name, _, body = rule.partition(" ::= ")
        table[name] = body
    memo: dict[str, set[str]] = {}

    def expand(name: str) -> set[str]:
        if name not in memo:
            m = re.fullmatch(r'("(?:[^"\\]|\\.)*")(?: \(" " (\w+)\)\?)?', table[name])
            assert m, table[name]
            word = __import__("json").loads(m.group(1))
            out = {word}
            if m.group(2):
                out |= {f"{word} {rest}" for rest in expand(m.group(2))}
            memo[name] = out
        return memo[name]

    starts = re.findall(r"w\d+x\d+", table["span"])
    return {f'"{s}"' for start in starts for s in expand(start)}


def test_the_per_message_grammar_accepts_exactly_the_spans() -> None:
    texts = ["flights from dallas fort worth to atlanta monday", "user: hi there"]
    accepted = _language(span_rules(texts))
    expected = set()
    for text in texts:
        words = span_words(text)
        expected |= {'"' + " ".join(words[i:j]) + '"'
                     for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
    assert accepted == expected
    assert '"dallas fort worth"' in accepted and '"fort worth to"' in accepted
    assert '"charlotte"' not in accepted and '"dallas atlanta"' not in accepted


def test_a_plan_that_invents_a_span_is_not_well_formed(scripted) -> None:  # type: ignore[no-untyped-def]
    registry = get_registry()
    planner = Planner(scripted(), list(registry.tools.values()), registry.builtin_tools)
    message = "show me flights from denver to boston on tuesday"
    sources = [message]
    assert planner.well_formed('search_flights("denver","boston","tuesday")', sources)
    assert not planner.well_formed('search_flights("denver","charlea","tuesday")', sources)
    assert not planner.well_formed(
        'search_flights("denver","boston","tuesday",passengers=5)', sources)  # 5 never said
    assert planner.well_formed('search_flights("denver","boston","tuesday")')  # no sources


def test_an_invented_span_sends_the_plan_through_the_copying_grammar(scripted) -> None:  # type: ignore[no-untyped-def]
    registry = get_registry()
    backend = scripted(['search_flights("denver","charlea","tuesday")',
                        'search_flights("denver","boston","tuesday")'])
    grammars: list[str | None] = []
    complete = backend.complete

    def spy(prompt: str, **kwargs):  # type: ignore[no-untyped-def]
        grammars.append(kwargs.get("grammar"))
        return complete(prompt, **kwargs)

    backend.complete = spy
    planner = Planner(backend, list(registry.tools.values()), registry.builtin_tools)
    plan = planner.plan("show me flights from denver to boston on tuesday")
    assert plan.confidence == 0.0
    assert grammars[0] is None and grammars[1] is not None and "span ::=" in grammars[1]
    assert plan.calls == [ToolCall("search_flights", {"origin": "denver",
                                   "destination": "boston", "depart_date": "tuesday"})]


def test_values_the_user_never_said_are_dropped_even_after_the_grammar(scripted) -> None:  # type: ignore[no-untyped-def]
    registry = get_registry()
    backend = scripted(['search_flights("denver","boston","tuesday",passengers=5)'] * 2)
    planner = Planner(backend, list(registry.tools.values()), registry.builtin_tools)
    plan = planner.plan("show me flights from denver to boston on tuesday")
    assert plan.calls[0].arguments == {"origin": "denver", "destination": "boston",
                                       "depart_date": "tuesday"}


@pytest.mark.slow
def test_the_real_model_under_the_span_grammar_only_copies(smollm2) -> None:  # type: ignore[no-untyped-def]
    registry = get_registry()
    message = "i need a flight on sunday from long beach to columbus"
    grammar = build_grammar(registry.tools.values(), compact=True, spans=[message])
    planner = Planner(smollm2, list(registry.tools.values()), registry.builtin_tools)
    constrained = "".join(smollm2.complete(
        f"<|im_start|>user\n{message}<|im_end|>\n<|im_start|>assistant\n", grammar=grammar,
        max_tokens=48))
    calls = parse_plan(constrained, planner.positional)  # the grammar's output always parses
    for call in calls:
        for value in call.arguments.values():
            if isinstance(value, str):
                assert span_in(value, message), (value, constrained)


def test_a_call_missing_a_required_argument_gets_a_question(scripted) -> None:  # type: ignore[no-untyped-def]
    registry = get_registry()
    planner = Planner(scripted(['search_flights(destination="paris")']),
                      list(registry.tools.values()), registry.builtin_tools)
    db = Database()
    agent = Agent(planner=planner, chat_backend=scripted(), db=db, now=NOW)
    events = list(agent.chat("book me a flight to paris"))
    final = events[-1]
    assert isinstance(final, Final) and final.tools == []
    assert "where the trip starts" in final.text and final.text.endswith("?")
    assert any(isinstance(e, Token) and e.text == final.text for e in events)
    assert not any(getattr(e, "error", None) for e in events)  # no validation error
    history = agent.session.history()
    assert history[-1] == {"role": "assistant", "content": final.text}


def test_the_evaluation_judges_a_call_by_what_it_gives() -> None:
    registry = get_registry()
    ctx = ToolContext(now=NOW)
    got = ToolCall("search_hotels", {"city": "boise"})
    assert call_matches(registry, {"tool": "search_hotels", "arguments": {}}, got, ctx)
    assert call_matches(registry, {"tool": "search_hotels", "arguments": {"city": "BOI"}},
                        got, ctx)
    bad = ToolCall("search_hotels", {"city": "boise", "check_in": "in"})
    assert not call_matches(registry, {"tool": "search_hotels", "arguments": {}}, bad, ctx)


def test_an_argument_marked_free_is_not_held_to_the_span_rule(scripted) -> None:  # type: ignore[no-untyped-def]
    def translate(text: str, target: Annotated[str, Field(json_schema_extra={"x-free": True})]
                  ) -> str:
        """Translate text.

        Args:
            text: What to translate.
            target: The language code to translate into.
        """
        return text

    tool = make_tool(translate)
    planner = Planner(scripted(), [tool], set())
    sources = ["say good night in italian"]
    assert planner.well_formed('translate("good night","it")', sources)
    assert not planner.well_formed('translate("buona notte","it")', sources)


def test_the_answer_to_the_question_completes_the_request(scripted) -> None:  # type: ignore[no-untyped-def]
    registry = get_registry()
    backend = scripted(['search_flights(destination="paris")',
                        'search_flights("boston","paris","friday")'])
    planner = Planner(backend, list(registry.tools.values()), registry.builtin_tools)
    agent = Agent(planner=planner, chat_backend=scripted(), db=Database(), now=NOW)
    asked = list(agent.chat("book me a flight to paris"))[-1]
    assert isinstance(asked, Final) and "where the trip starts" in asked.text
    final = list(agent.chat("from boston on friday"))[-1]
    assert isinstance(final, Final) and final.tools == ["search_flights"]
    assert "Boston (BOS) -> Paris" in final.text and "2026-12-04" in final.text
    assert "book me a flight to paris from boston on friday" in backend.prompts[1]


@pytest.mark.slow
def test_the_real_student_carries_on_after_asking() -> None:
    from calvados.config import load_settings
    from calvados.student import build_planner

    registry = get_registry()
    planner = build_planner(load_settings(), registry)
    agent = Agent(planner=planner, db=Database(), now=NOW, registry=registry)
    asked = agent.ask("book me a flight to paris")
    assert asked.tools == [] and "I need to know" in asked.text and asked.text.endswith("?")
    final = agent.ask("from boston on friday")
    assert final.tools == ["search_flights"], final.text
    assert "Boston" in final.text and "Paris" in final.text
