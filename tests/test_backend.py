"""The real llama.cpp backend (SmolLM2-135M): grammars, JSON schemas, streaming, prefix reuse."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import jsonschema
import pytest
from calvados import Backend, tool
from calvados.backends.llama_cpp import LlamaCppOptions, json_schema_grammar
from calvados.planner import Planner, build_grammar, parse_plan, salvage_plan
from pydantic import ValidationError

pytestmark = pytest.mark.slow


@tool(examples=[("a table for 2 at Luigi's on 2026-12-01", {"restaurant": "Luigi's",
                                                             "day": "2026-12-01", "people": 2})])
def book_table(restaurant: str, day: date, people: int = 2,
               meal: Literal["lunch", "dinner"] = "dinner") -> dict[str, Any]:
    """Book a restaurant table.

    Args:
        restaurant: The restaurant's name.
        day: The day.
        people: How many people.
        meal: Which meal.
    """
    return {}


@tool(examples=[("what's the weather in Lyon", {"city": "Lyon"})])
def weather(city: str, days: int | None = None, metric: bool = True) -> dict[str, Any]:
    """Get the weather forecast.

    Args:
        city: The city.
        days: How many days ahead.
        metric: Celsius rather than Fahrenheit.
    """
    return {}


@tool
def list_bookings_here() -> dict[str, Any]:
    """List my restaurant bookings."""
    return {}


TOOLS = [book_table, weather, list_bookings_here]
MESSAGES = [
    "book a table for 4 at Chez Paul on 2026-12-05 for lunch",
    "is it going to rain in Oslo in the next 3 days?",
    "show my restaurant bookings",
    "hello, how are you?",
]


def chatml(system: str, user: str) -> str:
    return (f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{user}<|im_end|>\n"
            "<|im_start|>assistant\n")


def assert_schema_valid(name: str, arguments: dict[str, Any]) -> None:
    """Every argument is declared and its value has the declared JSON type."""
    schema = next(t for t in TOOLS if t.name == name).schema()
    jsonschema.validate(arguments, {**schema, "required": []})


def test_planner_output_under_the_tools_grammar_is_schema_valid(smollm2: Backend) -> None:
    planner = Planner(smollm2, TOOLS, set(), style="fewshot")
    plans = [planner.plan(message) for message in MESSAGES]
    for plan in plans:
        lines = plan.raw.splitlines()
        for line in lines if len(plan.raw) < 200 else lines[:-1]:  # the last may be cut short
            assert parse_plan(line) or line == "none"  # the grammar let nothing else through
        for call in plan.calls:
            assert call.tool in {t.name for t in TOOLS}
            assert_schema_valid(call.tool, call.arguments)
    assert sum(len(p.calls) for p in plans) >= 2  # so the checks above are not vacuous


def test_grammar_rejects_what_the_model_would_rather_say(smollm2: Backend) -> None:
    prompt = chatml("You are a poet.", "Write a poem about the sea.")
    free = "".join(smollm2.complete(prompt, max_tokens=20))
    constrained = "".join(smollm2.complete(prompt, max_tokens=60, grammar=build_grammar(TOOLS)))
    starts = ("none", "book_table(", "weather(", "list_bookings_here(")
    assert not free.startswith(starts) and constrained.startswith(starts)
    for call in salvage_plan(constrained):
        assert_schema_valid(call.tool, call.arguments)


@pytest.mark.parametrize("message", MESSAGES[:2])
def test_json_schema_grammar_gives_schema_valid_json(smollm2: Backend, message: str) -> None:
    schema = book_table.schema()
    prompt = chatml("Answer with the JSON arguments of book_table.", message)
    text = "".join(smollm2.complete(prompt, max_tokens=150,
                                    grammar=json_schema_grammar(schema)))
    data = json.loads(text)
    jsonschema.validate(data, schema)  # required keys included
    date.fromisoformat(data["day"])  # "format": "date" is enforced too


def test_completion_and_chat_stream_in_several_chunks(smollm2: Backend) -> None:
    prompt = chatml("Be brief.", "Write three sentences about apples.")
    chunks = list(smollm2.complete(prompt, max_tokens=24))
    assert len(chunks) >= 5 and all(isinstance(c, str) and c for c in chunks)
    messages = [{"role": "user", "content": "Say hello to Ann."}]
    pieces = list(smollm2.chat(messages, max_tokens=24))  # type: ignore[arg-type]
    assert len(pieces) >= 3 and "".join(pieces).strip()


class EvalSpy:
    """Records how many tokens llama.cpp actually evaluates per call."""

    def __init__(self, llm: Any) -> None:
        self.real = llm.eval
        self.calls: list[int] = []

    def __call__(self, tokens: Sequence[int]) -> None:
        self.calls.append(len(tokens))
        self.real(tokens)


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def tokenize(backend: Any, text: str) -> list[int]:
    return list(backend.llm.tokenize(text.encode("utf-8"), add_bos=True, special=True))


def test_second_prompt_reuses_the_shared_prefix(smollm2: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    system = "You are a careful assistant. " * 30
    first, second = chatml(system, "What is a cat?"), chatml(system, "What is a dog?")
    spy = EvalSpy(smollm2.llm)
    monkeypatch.setattr(smollm2.llm, "eval", spy)
    "".join(smollm2.complete(first, max_tokens=4))
    spy.calls.clear()
    "".join(smollm2.complete(second, max_tokens=4))
    tokens_first, tokens_second = tokenize(smollm2, first), tokenize(smollm2, second)
    shared = common_prefix(tokens_first, tokens_second)
    assert shared > 150
    assert spy.calls[0] == len(tokens_second) - shared  # only the new suffix was evaluated
    assert list(smollm2.llm._input_ids[:shared]) == tokens_second[:shared]


def test_the_planner_prompt_prefix_is_evaluated_once(smollm2: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    planner = Planner(smollm2, TOOLS, set(), style="fewshot")
    planner.plan(MESSAGES[0])
    spy = EvalSpy(smollm2.llm)
    monkeypatch.setattr(smollm2.llm, "eval", spy)
    planner.plan(MESSAGES[1])
    prompt_tokens = len(tokenize(smollm2, planner.prompt(MESSAGES[1])))
    variable = smollm2.tokens(planner.prompt(MESSAGES[1]).split("<|im_start|>user")[1])
    assert prompt_tokens > 3 * variable
    assert spy.calls[0] <= variable + 2  # the tool schemas and examples were not re-evaluated


def test_backend_options_are_strict() -> None:
    with pytest.raises(ValidationError):
        LlamaCppOptions(n_ctx=512, context_size=512)  # type: ignore[call-arg]
    assert LlamaCppOptions(n_ctx=512).temperature == 0.0


def test_a_new_process_starts_from_the_saved_prefix_state(smollm2: Any, home: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from calvados.backends import llama_cpp

    monkeypatch.setattr(llama_cpp, "MIN_CACHED_PREFIX", 32)
    smollm2.llm.reset()  # forget what earlier tests left in memory
    planner = Planner(smollm2, TOOLS, set(), style="fewshot")
    expected = planner.plan(MESSAGES[1]).raw
    states = list((home / "cache" / "prefixes").glob("*.state"))
    assert len(states) == 1
    fresh = llama_cpp.LlamaCppBackend(smollm2.model_path, n_ctx=smollm2.options.n_ctx)
    spy = EvalSpy(fresh.llm)
    monkeypatch.setattr(fresh.llm, "eval", spy)
    again = Planner(fresh, TOOLS, set(), style="fewshot")
    assert again.plan(MESSAGES[1]).raw == expected
    prefix, rest = again.prompt_parts(MESSAGES[1])
    assert spy.calls[0] <= fresh.tokens(rest) + 1  # the prefix came from the state file
    states[0].write_bytes(b"garbage")  # a damaged cache is re-made, never trusted
    damaged = llama_cpp.LlamaCppBackend(smollm2.model_path, n_ctx=smollm2.options.n_ctx)
    assert Planner(damaged, TOOLS, set(), style="fewshot").plan(MESSAGES[1]).raw == expected
    assert states[0].stat().st_size > 1000


def test_the_checksum_cache_is_never_read_half_written(home: Path) -> None:
    import threading

    from calvados import models

    spec = models.get_model("smollm2-135m")
    models.verify(spec, force=True)
    models._verified_db().write_text('{"half', "utf-8")  # a cache cut short: checked again
    assert models.verify(spec) == Path(spec.path)
    errors: list[BaseException] = []

    def verify_often() -> None:
        try:
            for _ in range(30):
                models._remember(Path(spec.path), spec.sha256)
                models.verify(spec)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=verify_often) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert json.loads(models._verified_db().read_text("utf-8"))


def test_no_repeat_ngram_bans_the_token_that_would_repeat_a_run() -> None:
    import numpy as np
    from calvados.backends.llama_cpp import NoRepeatNgram

    ban = NoRepeatNgram(3, keep=0)
    scores = np.zeros(10)
    out = ban(np.array([5, 6, 7, 5, 6]), scores.copy())  # 5 6 was followed by 7
    assert out[7] == -np.inf and np.isfinite(np.delete(out, 7)).all()
    out = ban(np.array([5, 6, 7, 5, 6, 8, 0, 5, 6]), scores.copy())  # grown: 7 and 8 now
    assert out[7] == out[8] == -np.inf
    out = NoRepeatNgram(3, keep=0)(np.array([1, 2, 0, 1, 2]), scores.copy())  # the end is kept
    assert np.isfinite(out).all()
    glued = NoRepeatNgram(3, keep=0, glued=frozenset({7}))  # 7 finishes a word: not banned
    assert np.isfinite(glued(np.array([5, 6, 7, 5, 6]), scores.copy())).all()


def test_the_tokens_that_finish_a_word_are_known(smollm2: Any) -> None:
    glued = smollm2._glued()
    ids = smollm2.llm.tokenize(b" Finnley smiled.", add_bos=False)
    pieces = [smollm2.llm.detokenize([t]).decode() for t in ids]
    assert [t in glued for t in ids] == [p[0] not in " ." for p in pieces], pieces
    assert any(t in glued for t in ids)  # "Finnley" is more than one token


def test_no_repeat_ngram_stops_the_real_model_looping(smollm2: Any) -> None:
    from calvados.student_models.answers import repeated_4grams

    messages = [{"role": "user", "content": "Write a song chorus that repeats 'we will go home "
                                            "tonight' many times."}]
    looped = "".join(smollm2.chat(messages, max_tokens=80, repeat_penalty=1.0))
    free = "".join(smollm2.chat(messages, max_tokens=80, repeat_penalty=1.0,
                                no_repeat_ngram=4))
    assert repeated_4grams(looped) > 0.3, looped
    assert repeated_4grams(free) < repeated_4grams(looped) / 3, free
