"""Support skills: crisis resources by region, comfort from the local model, paced breathing."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from calvados import Agent, LocalModels, Paced, ToolArgumentError, ToolContext
from calvados.backends.base import Backend
from calvados.config import Settings
from calvados.errors import ModelError
from calvados.evaluation import call_matches
from calvados.planner import ToolCall
from calvados.plugins import support
from calvados.plugins.support import (
    BREATHING_HINT,
    RESOURCES_HINT,
    breathing_exercise,
    breathing_steps,
    check_sentence,
    comfort,
    crisis_resources,
    gentle,
    resources,
    tied,
    unguessed,
)
from calvados.registry import Registry, get_registry
from conftest import NOW, REPO, ScriptedBackend

CALVADOS = Path(sys.executable).with_name("calvados")
CASES = REPO / "tests" / "data" / "safety_cases.jsonl"


def run(tool: Any, args: dict[str, Any], ctx: ToolContext) -> tuple[list[str], dict[str, Any]]:
    chunks: list[str] = []
    final: dict[str, Any] = {}
    result = tool.run(args, ctx)
    for item in result if not isinstance(result, dict) else [result]:
        if isinstance(item, str):
            chunks.append(item)
        else:
            final = item
    return chunks, final


# ---------------------------------------------------------------------------- crisis resources

def _iso_codes() -> set[str]:
    return set(support._iso_names())


def test_the_data_file_covers_25_countries_with_sources_and_a_fallback() -> None:
    data = resources()
    countries = data["countries"]
    assert len(countries) >= 25
    assert set(countries) <= _iso_codes()
    for code, entry in [*countries.items(), ("international", data["international"])]:
        assert entry["name"] and entry["emergency"], code
        assert entry["lines"], code
        assert entry["sources"] and all(s.startswith("http") for s in entry["sources"]), code
        for line in entry["lines"]:
            assert line["name"] and (line.get("phone") or line.get("text") or line.get("url"))


@pytest.mark.parametrize(("given", "code"), [
    ("Canada", "CA"), ("CA", "CA"), ("canada", "CA"), ("CAN", "CA"), ("en_CA.UTF-8", "CA"),
    ("UK", "GB"), ("United Kingdom", "GB"), ("GB", "GB"), ("England", "GB"), ("the U.K.", "GB"),
    ("USA", "US"), ("United States", "US"), ("america", "US"), ("España", "ES"),
    ("Deutschland", "DE"), ("Holland", "NL"), ("South Korea", "KR"), ("Türkiye", "TR"),
    ("Myanmar", "MM"), ("Burma", "MM"), ("Saint Kitts & Nevis", "KN"),
])
def test_regions_are_normalized_to_iso_codes(given: str, code: str) -> None:
    args = crisis_resources.validate({"region": given}, ToolContext(now=NOW))
    assert args.region == code  # type: ignore[attr-defined]


def test_an_unknown_region_is_a_one_line_error() -> None:
    with pytest.raises(ToolArgumentError, match="unknown region 'Atlantis'") as err:
        crisis_resources.validate({"region": "Atlantis"}, ToolContext(now=NOW))
    assert "\n" not in str(err.value)


def test_the_planner_eval_compares_regions_after_validation() -> None:
    registry = Registry(tools={"crisis_resources": crisis_resources})
    ctx = ToolContext(now=NOW)
    want = {"tool": "crisis_resources", "arguments": {"region": "GB"}}
    assert call_matches(registry, want, ToolCall("crisis_resources", {"region": "UK"}), ctx)
    assert call_matches(registry, want, ToolCall("crisis_resources", {"region": "united kingdom"}),
                        ctx)
    assert not call_matches(registry, want, ToolCall("crisis_resources", {"region": "IE"}), ctx)


def test_resources_for_a_region_list_its_lines_and_emergency_number() -> None:
    _, result = run(crisis_resources, {"region": "France"}, ToolContext(now=NOW))
    assert result["region"] == "FR" and not result["fallback"]
    assert "3114" in result["text"] and "112" in result["text"]
    assert result["sources"]


def test_a_country_without_a_checked_list_gets_the_directories() -> None:
    _, result = run(crisis_resources, {"region": "Turkey"}, ToolContext(now=NOW))
    assert result["fallback"] and result["region"] == "TR"
    assert "Turkey" in result["text"] and "findahelpline.com" in result["text"]


def test_without_a_region_the_config_decides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "fr_BE.UTF-8")
    agent = Agent(settings=Settings(region="New Zealand"), registry=get_registry())
    assert "1737" in agent.run_tool("crisis_resources", {}).text


def test_then_the_locale_then_the_international_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "fr_BE.UTF-8")
    agent = Agent(settings=Settings(), registry=get_registry())
    assert agent.run_tool("crisis_resources", {}).result["region"] == "BE"
    monkeypatch.setenv("LANG", "C.UTF-8")
    result = agent.run_tool("crisis_resources", {}).result
    assert result["region"] is None and result["fallback"]
    assert "findahelpline.com" in result["text"]


def test_a_bad_configured_region_falls_back_instead_of_failing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "en_IE.UTF-8")
    agent = Agent(settings=Settings(region="Narnia"), registry=get_registry())
    assert agent.run_tool("crisis_resources", {}).result["region"] == "IE"


# ---------------------------------------------------------------------------- comfort

def comfort_ctx(reply: str | None) -> tuple[ToolContext, ScriptedBackend]:
    backend = ScriptedBackend([reply] if reply is not None else [])
    return ToolContext(now=NOW, models=LocalModels(backend)), backend


GOOD = ("It sounds like the exam is weighing on you. It makes sense to feel nervous before "
        "something that matters to you. What part of tomorrow worries you most?")


def test_comfort_streams_the_models_reflective_reply() -> None:
    ctx, backend = comfort_ctx(GOOD)
    chunks, result = run(comfort, {"feeling": "nervous", "situation": "my exam is tomorrow"}, ctx)
    assert result["source"] == "model"
    assert len(chunks) >= 3  # sentence by sentence
    assert result["text"].startswith(GOOD)
    assert result["text"].count("?") == 1
    assert "I feel nervous. my exam is tomorrow." in backend.prompts[0]
    assert "breathing_exercise" in result["suggestions"] and BREATHING_HINT in result["text"]


@pytest.mark.parametrize("reply", [
    "It sounds like you have depression. What do you think?",
    "You could take 50 mg of sertraline to feel better. How does that sound?",
    "You might have an anxiety disorder. Would you like to talk?",
    "Just calm down, it's not a big deal. What happened?",
    "Please call 555-0199 right now. Are you there?",
    "",
    "<|im_start|>assistant",
])
def test_comfort_never_shows_a_diagnosis_prescription_or_junk(reply: str) -> None:
    ctx, _ = comfort_ctx(reply)
    chunks, result = run(comfort, {"feeling": "sad"}, ctx)
    assert result["source"] == "template"
    text = "".join(chunks)
    for bad in ("depression", "mg", "sertraline", "disorder", "calm down", "555", "<|"):
        assert bad not in text
    assert text.startswith("It sounds like you're feeling sad")
    assert text.strip().endswith("?")


def test_comfort_keeps_good_sentences_and_completes_the_structure() -> None:
    ctx, _ = comfort_ctx("That sounds really lonely. You should try melatonin tonight.")
    _, result = run(comfort, {"feeling": "lonely", "situation": "I moved to a new city"}, ctx)
    assert result["source"] == "model+template"
    assert result["text"].startswith("That sounds really lonely.")
    assert "melatonin" not in result["text"] and "?" in result["text"]
    assert RESOURCES_HINT in result["text"]


@pytest.mark.parametrize("question", ["What did he do?", "What was the mistake?",
                                      "Why didn't you tell anyone?"])
def test_comfort_asks_its_own_open_question_instead_of_a_probe(question: str) -> None:
    ctx, _ = comfort_ctx(f"That sounds really painful. {question}")
    _, result = run(comfort, {"situation": "my boyfriend broke up with me"}, ctx)
    assert result["source"] == "model+template"
    assert result["text"].startswith("That sounds really painful. That makes sense")
    assert question not in result["text"] and result["text"].count("?") == 1


def test_an_open_question_about_the_person_is_gentle() -> None:
    assert gentle("What do you miss most about them?")
    assert gentle("What part of tomorrow worries you most?")
    assert not gentle("What did the exam look like?")
    assert not gentle("Why do you think that happened?")


def test_only_an_open_question_about_what_the_person_named_is_kept() -> None:
    said = "I didn't get the job I really wanted."
    assert tied("What part of the job hunt weighs on you most?", said)
    assert not tied("What was your biggest regret?", said)  # nothing they said
    assert not tied("Did you want the job?", said)  # yes or no


def test_comfort_asks_its_own_question_when_the_models_is_not_about_what_was_said() -> None:
    ctx, _ = comfort_ctx("Not getting it must be so disappointing. What was your biggest regret?")
    _, result = run(comfort, {"situation": "I didn't get the job I really wanted"}, ctx)
    assert result["source"] == "model+template"
    assert "regret" not in result["text"] and result["text"].count("?") == 1


def test_a_guess_at_circumstances_the_person_never_told_is_cut() -> None:
    assert unguessed("It's understandable to worry about money, especially if you're not "
                     "careful.") == "It's understandable to worry about money."
    ctx, _ = comfort_ctx("It's natural to feel nervous, especially when you're not prepared. "
                         "What part of the exam worries you most?")
    _, result = run(comfort, {"situation": "my exam is tomorrow"}, ctx)
    assert result["text"].startswith("It's natural to feel nervous. What part of the exam")
    assert "prepared" not in result["text"]


def test_comfort_without_a_local_model_still_answers() -> None:
    class Missing(Backend):
        def complete(self, prompt: str, **kwargs: Any) -> Iterator[str]:
            raise ModelError("model smollm2-135m: file missing")

    ctx = ToolContext(now=NOW, models=LocalModels(Missing()))
    _, result = run(comfort, {"feeling": "worried", "situation": "my job"}, ctx)
    assert result["source"] == "template"
    assert result["text"].startswith("It sounds like you're feeling worried. Your job: that")


def test_comfort_turns_to_the_crisis_protocol_without_the_model() -> None:
    ctx, backend = comfort_ctx(GOOD)
    _, result = run(comfort, {"feeling": "hopeless", "situation": "I want to end my life"}, ctx)
    assert result["crisis"] is True and backend.prompts == []
    assert "findahelpline.com" in result["text"] or "Support you can reach" in result["text"]


def test_the_sentence_check_allows_the_users_own_words() -> None:
    said = "I feel sad. my dog died last week."
    assert check_sentence("I'm so sorry your dog died.", said) is None
    assert check_sentence("Death comes for us all.", "I feel sad.") == "dark"
    assert check_sentence("You probably have depression.", said) == "diagnosis"


@pytest.mark.parametrize("sentence", [
    "It's important to take care of yourself.", "You should talk to her about it.",
    "Have you tried writing it down?", "Try to get some rest tonight.",
    "Remember that you are not alone.", "Some relaxation techniques could help.",
])
def test_the_sentence_check_finds_advice(sentence: str) -> None:
    assert check_sentence(sentence, "I feel lonely.") == "advice"


def test_advice_ends_the_models_part_and_the_template_asks_instead() -> None:
    ctx, _ = comfort_ctx("Losing a friend like that sounds so lonely. It's important to focus on "
                         "yourself and make new friends. What have you tried?")
    _, result = run(comfort, {"feeling": "lonely", "situation": "my friend moved away"}, ctx)
    assert result["source"] == "model+template"
    body = result["text"].split("\n\n")[0]
    assert body.startswith("Losing a friend like that sounds so lonely. That makes sense")
    assert "important" not in body and "tried" not in body and body.endswith("?")


def test_comfort_reply_from_the_real_local_model(smollm2: Backend) -> None:
    ctx = ToolContext(now=NOW, models=LocalModels(smollm2))
    args = {"feeling": "anxious", "situation": "I have a job interview tomorrow"}
    chunks, result = run(comfort, args, ctx)
    text = result["text"]
    assert "".join(chunks) == text
    body = text.split("\n\n")[0]
    assert body.count("?") == 1 and body.strip().endswith("?")
    said = "I feel anxious. I have a job interview tomorrow."
    sentences = re.split(r"(?<=[.!?])\s+", body)
    assert all(check_sentence(s, said) is None for s in sentences), sentences
    assert "breathing_exercise" in result["suggestions"]
    print(f"comfort source: {result['source']}: {text!r}")


# ---------------------------------------------------------------------------- breathing

class FakeClock:
    """Time that moves only when slept (or when the test moves it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.slept.append(seconds)
        self.now += seconds


def breathe(minutes: int, clock: FakeClock, lag: float = 0.0, cancel: threading.Event | None = None
            ) -> tuple[list[tuple[float, str]], dict[str, Any]]:
    ctx = ToolContext(now=NOW, cancel=cancel, extras={"clock": clock, "sleep": clock.sleep})
    shown: list[tuple[float, str]] = []
    final: dict[str, Any] = {}
    for item in breathing_exercise.run({"minutes": minutes}, ctx):
        if isinstance(item, str | Paced):
            shown.append((round(clock() - 1000.0, 3), item if isinstance(item, str) else
                          item.text))
            clock.now += lag  # a slow screen
        else:
            final = item
    return shown, final


def test_breathing_steps_come_in_real_time_for_the_whole_duration() -> None:
    clock = FakeClock()
    shown, result = breathe(2, clock)
    steps = shown[1:-1]
    assert len(steps) == 30 and result["breaths"] == 10 and result["completed"]
    expected = [12 * n + offset for n in range(10) for offset in (0, 4, 6)]
    assert [t for t, _ in steps] == expected
    assert [re.search(r"\((\d+) s\)", s).group(1) for _, s in steps[:3]] == ["4", "2", "6"]  # type: ignore[union-attr]
    assert "breathe in" in steps[0][1] and "Hold" in steps[1][1] and "out" in steps[2][1]
    assert shown[-1][0] == 120.0 and result["seconds"] == 120.0
    assert max(clock.slept) <= 0.25  # short slices: a stop is noticed quickly


def test_a_slow_consumer_does_not_stretch_the_exercise() -> None:
    clock = FakeClock()
    shown, result = breathe(1, clock, lag=0.1)
    times = [t for t, _ in shown[1:-1]]
    assert [round(t) for t in times] == [12 * n + o for n in range(5) for o in (0, 4, 6)]
    assert all(abs(t - round(t)) <= 0.1 + 1e-9 for t in times)
    assert result["seconds"] == pytest.approx(60.0, abs=0.11)


def test_breathing_can_be_stopped_mid_step() -> None:
    clock = FakeClock()
    stop_at = 1000.0 + 12 * 3 + 5  # during the fourth breath's hold

    class StopAt(threading.Event):  # set once the fake clock passes stop_at
        def is_set(self) -> bool:
            return clock.now >= stop_at

    shown, result = breathe(5, clock, cancel=StopAt())
    assert not result["completed"] and result["breaths"] == 3
    assert result["seconds"] == pytest.approx(41.0, abs=0.25)
    assert shown[-1][1].startswith("Stopped after 3 breaths")


def test_breathing_stops_on_an_event_or_ctrl_c() -> None:
    clock = FakeClock()
    event = threading.Event()
    event.set()
    shown, result = breathe(3, clock, cancel=event)
    assert result["steps"] == 0 and len(shown) == 2

    def interrupt(seconds: float) -> None:
        if clock.now >= 1010:
            raise KeyboardInterrupt
        clock.now += seconds

    ctx = ToolContext(now=NOW, extras={"clock": clock, "sleep": interrupt})
    clock.now = 1000.0
    items = list(breathing_exercise.run({"minutes": 2}, ctx))
    assert items[-1]["breaths"] == 0 and items[-1]["steps"] == 2 and not items[-1]["completed"]


@pytest.mark.parametrize("minutes", [0, 31, -2])
def test_breathing_minutes_are_bounded(minutes: int) -> None:
    with pytest.raises(ToolArgumentError, match="minutes"):
        breathing_exercise.validate({"minutes": minutes}, ToolContext(now=NOW))


def test_each_breath_is_three_paced_steps() -> None:
    """The steps are typed (a face paces them without reading their words)."""
    steps = breathing_steps(1)
    assert [(s.shape, s.seconds) for s in steps[:3]] == [("rise", 4), ("full", 2), ("fall", 6)]
    assert len(steps) == 15 and all(isinstance(s, Paced) for s in steps)


def test_support_tools_are_emotional_and_registered_with_examples() -> None:
    registry = get_registry()
    for name in ("comfort", "breathing_exercise", "crisis_resources"):
        tool = registry.tool(name)
        assert tool.data_class == "emotional" and name in registry.builtin_tools
        assert len(tool.examples) >= 5
        ctx = ToolContext(now=datetime(2026, 1, 5))
        for example in tool.examples:
            tool.validate(example.arguments, ctx)


# ---------------------------------------------------------------------------- the docs

DOC = REPO / "docs" / "support.md"


def test_the_docs_console_sample_is_what_the_command_prints() -> None:
    text = DOC.read_text("utf-8")
    sample = text.split("$ calvados run crisis_resources region=Canada\n", 1)[1].split("$ ")[0]
    proc = subprocess.run([str(CALVADOS), "run", "crisis_resources", "region=Canada"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout == sample


def test_the_docs_numbers_match_the_data() -> None:
    text = DOC.read_text("utf-8")
    assert f"lists lines for {len(resources()['countries'])} countries" in text
    cases = [json.loads(line) for line in CASES.read_text("utf-8").splitlines()]
    crisis = sum(c["crisis"] for c in cases)
    assert f"| {len(cases)} ({crisis} crisis, {len(cases) - crisis} not) |" in text


def test_the_template_mirrors_the_users_words() -> None:
    assert support.reflect("I was fired and my boss was rude to me.") == (
        "you were fired and your boss was rude to you")
    assert support.template_reply("I'm so tired", None)[0] == (
        "It sounds like you're feeling tired right now.")
