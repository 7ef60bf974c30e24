from __future__ import annotations

import pytest
from calvados.planner import ToolCall, build_grammar, parse_plan, render_plan, render_tool
from calvados.tools import make_tool


def fly(origin: str, destination: str, passengers: int = 1) -> None:
    """Find flights.

    Args:
        origin: From.
        destination: To.
        passengers: How many.
    """


def test_render_and_parse_round_trip() -> None:
    calls = [ToolCall("fly", {"origin": 'New "York"', "passengers": 2}), ToolCall("list_all")]
    text = render_plan(calls)
    assert parse_plan(text) == calls
    assert parse_plan("none") == []
    assert render_plan([]) == "none"


@pytest.mark.parametrize("bad", ["fly(origin=)", "fly(origin='x')", "hello there", "fly(origin"])
def test_malformed_plans_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_plan(bad)


def test_grammar_names_every_tool_and_argument() -> None:
    grammar = build_grammar([make_tool(fly)])
    assert '"fly("' in grammar and '"origin="' in grammar and '"passengers=" (int)' in grammar
    assert render_tool(make_tool(fly)) == (
        "fly(origin: string, destination: string, passengers: integer = 1): Find flights."
    )


@pytest.mark.slow
def test_real_grammar_constrains_llama_cpp_output(smollm2) -> None:  # type: ignore[no-untyped-def]
    grammar = build_grammar([make_tool(fly)])
    prompt = "<|im_start|>user\nflights from Oslo to Rome<|im_end|>\n<|im_start|>assistant\n"
    text = "".join(smollm2.complete(prompt, grammar=grammar, max_tokens=40))
    calls = parse_plan(text)  # always parses, whatever the model "wanted"
    assert all(c.tool == "fly" for c in calls)
    assert all(set(c.arguments) <= {"origin", "destination", "passengers"} for c in calls)
