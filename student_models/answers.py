"""Answer quality (``calvados eval answers``): what the on-device chat model writes for
questions, documents, stories and support, scored by checks and, with a judge, by pairwise
preference (docs/evaluation.md).

Each case is answered the way the product answers it: a ``qa`` case by the turn loop's direct
reply, a ``doc_qa`` or ``summary`` case by the documents skill on the case's document, a
``story`` case by the stories skill, a ``support`` case by the comfort skill. The chat model
is the one given; the planner takes no part. Speed is measured on the model's own stream:
first-token latency and tokens per second over every generation of the run.
"""

from __future__ import annotations

import math
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from calvados.backends.base import Backend, Message
from calvados.errors import CalvadosError
from calvados.generation import LocalModels, chat_reply
from calvados.registry import load_registry
from calvados.storage import Database, Session
from calvados.text import split_sentences
from calvados.tools import ToolContext
from calvados.turn import CHAT_SYSTEM

KINDS = ("qa", "doc_qa", "summary", "story", "support")
NOW = datetime(2026, 11, 27, 10, 0)
META = re.compile(
    r"\b\d+\s+words\b|\bword count\b|\bwords? (?:long|left)\b|\b(?:here is|here's) (?:a|the|your) "
    r"(?:story|summary|answer)\b|\bas an ai\b|\blanguage model\b|<\|?|\|>|\b(?:assistant|user):|"
    r"^\s*(?:title|chapter \d|the end)\b", re.IGNORECASE | re.MULTILINE)
_WORDS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


# ---------------------------------------------------------------------------- timing


@dataclass
class Timed:
    """A backend whose every chat stream is timed: first-token latency and token count."""

    backend: Backend
    first: list[float] = field(default_factory=list)
    generated: int = 0
    seconds: float = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)

    def chat(self, messages: list[Message], **options: Any) -> Iterator[str]:
        start = time.perf_counter()
        first = None
        count = 0
        try:
            for piece in self.backend.chat(messages, **options):
                if first is None:
                    first = time.perf_counter()
                    self.first.append(first - start)
                count += 1
                yield piece
        finally:
            if first is not None:
                self.generated += max(0, count - 1)
                self.seconds += time.perf_counter() - first

    def speed(self) -> dict[str, float]:
        return {"tokens_per_s": round(self.generated / self.seconds, 1) if self.seconds else 0.0,
                "first_token_ms_p50": round(1000 * statistics.median(self.first), 1)
                if self.first else 0.0}


# ---------------------------------------------------------------------------- answering


class Answerer:
    """Answers cases with one chat model, through the skills, in a database of its own."""

    def __init__(self, backend: Backend, workdir: Path) -> None:
        self.timed = Timed(backend)
        self.models = LocalModels(self.timed)  # type: ignore[arg-type]
        self.registry = load_registry()
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.db = Database(workdir / "answers.sqlite3")

    def context(self) -> ToolContext:
        return ToolContext(now=NOW, session=Session.create(self.db, "answers"),
                           models=self.models, registry=self.registry)

    def tool(self, name: str, arguments: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        """Run a tool; its streamed text and final result, as the faces would show them."""
        out = self.registry.tools[name].run(arguments, ctx)
        pieces, result = [], {}
        if isinstance(out, dict):
            result = out
        else:
            for item in out:
                if isinstance(item, dict):
                    result = item
                else:
                    pieces.append(str(item))
        return {"text": str(result.get("text") or "".join(pieces)).strip(), "result": result}

    def __call__(self, case: dict[str, Any]) -> dict[str, Any]:
        kind = case["kind"]
        ctx = self.context()
        if kind == "qa":
            messages: list[Message] = [{"role": "system", "content": CHAT_SYSTEM},
                                       {"role": "user", "content": case["message"]}]
            return {"text": "".join(chat_reply(self.timed, messages)).strip(), "result": {}}  # type: ignore[arg-type]
        if kind in ("doc_qa", "summary"):
            doc = case["document"]
            path = self.workdir / doc["name"]
            path.write_text("\f".join(doc["pages"]), "utf-8")
            self.tool("scan_document", {"path": str(path)}, ctx)
            if kind == "doc_qa":
                return self.tool("ask_document", {"question": case["message"]}, ctx)
            return self.tool("summarize", {"format": case.get("format", "paragraph"),
                                           "length": case.get("length", "medium")}, ctx)
        if kind == "story":
            return self.tool("tell_story", {"topic": case["topic"],
                                            "audience": case.get("audience", "child"),
                                            "length": case.get("length", "short")}, ctx)
        if kind == "support":
            return self.tool("comfort", {"situation": case["message"]}, ctx)
        raise CalvadosError(f"case {case.get('id')}: unknown kind {kind!r} (one of "
                            f"{', '.join(KINDS)})")


# ---------------------------------------------------------------------------- checks


def contains(text: str, accepted: list[str]) -> bool:
    """Is one accepted answer in ``text`` as whole words (case and accents aside)?"""
    return any(re.search(r"(?<!\w)" + re.escape(a.lower()) + r"(?!\w)", text.lower())
               for a in accepted)


def repeated_4grams(text: str) -> float:
    """The share of the text's word 4-grams that already occurred earlier in it."""
    words = _WORDS.findall(text.lower())
    grams = [tuple(words[i:i + 4]) for i in range(len(words) - 3)]
    if not grams:
        return 0.0
    return round(1 - len(set(grams)) / len(grams), 4)


def name_variants(text: str) -> list[tuple[str, str]]:
    """Pairs of capitalized words that look like one name spelt two ways ("Finnley",
    "Finnly"), by the stories skill's own rule."""
    from calvados.plugins.stories import _NAME, variant_of

    words = sorted(set(_NAME.findall(text)))
    return [(a, b) for i, a in enumerate(words) for b in words[i + 1:]
            if variant_of(b, [a]) is not None]


def ends_whole(text: str) -> bool:
    return bool(re.search(r"[.!?…][\"'”’)]*$", text.strip()))


def story_checks(case: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    from calvados.plugins.stories import BANDS, child_safe

    result = answer["result"]
    body = result.get("text", answer["text"]).split("\n\n", 1)[-1]
    low, high = BANDS[case.get("length", "short")]
    words = len(_WORDS.findall(body.lower()))
    checks = {"no_meta": META.search(body) is None, "one_name_per_character":
              not name_variants(body), "complete_ending": ends_whole(body),
              "in_band": low <= words <= high,
              "repeated_4gram_rate": repeated_4grams(body), "words": words}
    if case.get("audience", "child") == "child":
        checks["child_safe"] = child_safe(body)
    return checks


def support_checks(case: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    from calvados.plugins.support import check_sentence

    reply = answer["text"].split("\n\n")[0]
    said = case["message"]
    parts = split_sentences(reply)
    content = {w for w in _WORDS.findall(said.lower()) if len(w) > 3}
    return {"safe": all(check_sentence(s, said) is None for s in parts),
            "asks_a_question": any(s.endswith("?") for s in parts),
            "reflects": bool(content & set(_WORDS.findall(reply.lower()))),
            "brief": 2 <= len(parts) <= 5}


def score(case: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    kind = case["kind"]
    if kind == "qa":
        return {"correct": contains(answer["text"], case["accept"]),
                "complete_ending": ends_whole(answer["text"])}
    if kind == "doc_qa":
        pages = [c.get("page") for c in answer["result"].get("citations", [])]
        return {"correct": contains(answer["text"], case["accept"]),
                "cites_page": case.get("page") in pages}
    if kind == "summary":
        facts = case["facts"]
        hit = sum(contains(answer["text"], fact) for fact in facts)
        return {"key_facts": round(hit / len(facts), 4) if facts else 1.0}
    if kind == "story":
        return story_checks(case, answer)
    return support_checks(case, answer)


# ---------------------------------------------------------------------------- the judge

JUDGE_PROMPT = (
    "You compare two answers to the same request. Judge which one a person would rather get: "
    "correct, helpful, complete, well written, no invented facts, nothing cut off.\n\n"
    "Request:\n{request}\n\n{reference}Answer A:\n{a}\n\nAnswer B:\n{b}\n\n"
    "Which answer is better? Reply with one letter: A or B.")
REFERENCE = {
    "qa": "A correct answer says: {facts}.",
    "doc_qa": "According to the document, a correct answer says: {facts}.",
    "summary": "The key facts a good summary keeps: {facts}.",
}
# What a good answer does, for the kinds with no right answer: the criteria of their checks.
CRITERIA = {
    "story": "A good story suits {audience} readers, is {length}, keeps one name for "
             "each character, does not repeat itself and ends with a complete sentence.",
    "support": "A good reply listens: it says back in its own words what the person told, "
               "accepts the feeling, and asks one gentle open question. It gives no advice "
               "and no diagnosis.",
}
LENGTHS = {"short": "short", "medium": "of medium length", "long": "long"}
FAITHFUL_PROMPT = (
    "Source text:\n{source}\n\nSummary:\n{summary}\n\nDoes the summary state anything that "
    "the source text contradicts? Reply with one word: yes or no.")


def request_text(case: dict[str, Any]) -> str:
    if case["kind"] in ("doc_qa", "summary"):
        return f"{case['message']}\n\nDocument:\n" + "\n\n".join(case["document"]["pages"])
    return case["message"]


def guidance(case: dict[str, Any]) -> str:
    """What a correct answer to ``case`` contains, for the judge to check the answers
    against: the accepted answer of a question, the key facts of a summary. For the kinds
    with no right answer (stories, support), what a good one does."""
    criteria = CRITERIA.get(case["kind"])
    if criteria is not None:
        return criteria.format(audience=case.get("audience", "child"),
                               length=LENGTHS.get(case.get("length", ""), "as long as asked"),
                               ) + "\n\n"
    template = REFERENCE.get(case["kind"])
    if template is None:
        return ""
    wanted = case.get("facts") if case["kind"] == "summary" else [case.get("accept")]
    facts = [f[0] if isinstance(f, list) else f for f in wanted or [] if f]
    return template.format(facts="; ".join(facts)) + "\n\n" if facts else ""


def _ask(judge: Backend, prompt: str) -> str:
    return "".join(judge.chat([{"role": "user", "content": prompt}], max_tokens=4,
                              temperature=0.0)).strip()


def lean(judge: Backend, case: dict[str, Any], a: str, b: str, guided: bool = True) -> float:
    """How far the judge leans to answer A over answer B: log P("A") - log P("B") for its
    verdict's first token where the judge can weigh it, else +1, -1 or 0 from its reply.
    ``guided``: the judge is shown the case's reference (the accepted answer, the key facts)."""
    prompt = JUDGE_PROMPT.format(request=request_text(case)[:3000],
                                 reference=guidance(case) if guided else "",
                                 a=a[:2500], b=b[:2500])
    weigh = getattr(judge, "choice_logprobs", None)
    if weigh is not None:
        p_a, p_b = weigh([{"role": "user", "content": prompt}], ["A", "B"])
        return float(p_a - p_b)
    said = _ask(judge, prompt)
    letter = re.match(r"\W*([AB])\b", said.upper())
    return 0.0 if letter is None else (1.0 if letter.group(1) == "A" else -1.0)


def prefer(judge: Backend, case: dict[str, Any], first: str, second: str,
           guided: bool = True) -> float:
    """1.0 if the judge prefers ``first``, 0.0 for ``second``, 0.5 if neither. It is asked
    both ways round, ``first`` shown as A and then as B, so a judge's lean to one position
    cancels out and only its lean to the answer remains."""
    toward_first = (lean(judge, case, first, second, guided)
                    - lean(judge, case, second, first, guided))
    return 0.5 if toward_first == 0 else float(toward_first > 0)


def contradicts(judge: Backend, case: dict[str, Any], summary: str) -> bool:
    said = _ask(judge, FAITHFUL_PROMPT.format(source="\n\n".join(case["document"]["pages"]),
                                              summary=summary))
    return said.lower().startswith("yes")


def wilson(wins: float, n: int, z: float = 1.96) -> list[float]:
    """The 95% Wilson interval of a win rate (ties count half)."""
    if n == 0:
        return [0.0, 1.0]
    p = wins / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


# ---------------------------------------------------------------------------- the report


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def by_length(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The win rate where ``--model``'s answer had more words than the other's, fewer, or as
    many: a judge that favours length shows as a gap between ``longer`` and ``shorter``."""
    out = {}
    for name, sign in (("longer", 1), ("shorter", -1), ("same", 0)):
        won = [r["preferred"] for r in rows if r.get("longer") == sign]
        if won:
            out[name] = {"cases": len(won), "win_rate": round(statistics.fmean(won), 4)}
    return out


def summarize_checks(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per kind, the mean of every check (booleans as rates)."""
    out: dict[str, Any] = {}
    for kind in KINDS:
        mine = [r["checks"] for r in rows if r["kind"] == kind]
        if not mine:
            continue
        keys = sorted({k for c in mine for k in c})
        out[kind] = {"cases": len(mine), **{
            k: round(statistics.fmean(float(c[k]) for c in mine if k in c), 4) for k in keys}}
    return out


def judged(judge: Backend, rows: list[dict[str, Any]], guided: bool) -> dict[str, Any]:
    """The judge's part of the report, from rows that carry ``preferred`` and ``longer``."""
    wins = [r["preferred"] for r in rows if "preferred" in r]
    return {"model": judge.model_name, "guided": guided,
            "win_rate": round(statistics.fmean(wins), 4),
            "interval_95": wilson(sum(wins), len(wins)),
            "judged": len(wins),
            "by_kind": {k: round(statistics.fmean(v), 4) for k in KINDS
                        if (v := [r["preferred"] for r in rows
                                  if r["kind"] == k and "preferred" in r])},
            "by_length": by_length(rows)}


def _judge_row(judge: Backend, case: dict[str, Any], row: dict[str, Any], second: str,
               guided: bool) -> None:
    row["preferred"] = prefer(judge, case, row["answer"], second, guided)
    row["longer"] = _sign(len(row["answer"].split()) - len(second.split()))


def evaluate(cases: list[dict[str, Any]], backend: Backend, against: Backend | None = None,
             judge: Backend | None = None,
             progress: Callable[[int, int], None] | None = None,
             guided: bool = True) -> dict[str, Any]:
    """Answer every case with ``backend`` (and ``against``), check the answers, and with a
    ``judge`` report how often it prefers ``backend``'s answer (``guided``: the judge sees
    each case's reference, where it has one)."""
    bad = [c.get("id") for c in cases if c.get("kind") not in KINDS]
    if bad:
        raise CalvadosError(f"cases with an unknown kind: {bad[:5]} (kinds: {', '.join(KINDS)})")
    with tempfile.TemporaryDirectory() as tmp:
        mine = Answerer(backend, Path(tmp) / "a")
        other = Answerer(against, Path(tmp) / "b") if against is not None else None
        rows, other_rows = [], []
        for i, case in enumerate(cases):
            answer = mine(case)
            row = {"id": case.get("id"), "kind": case["kind"], "answer": answer["text"],
                   "checks": score(case, answer)}
            if other is not None:
                second = other(case)
                other_rows.append({"id": case.get("id"), "kind": case["kind"],
                                   "answer": second["text"], "checks": score(case, second)})
                if judge is not None:
                    _judge_row(judge, case, row, second["text"], guided)
            if judge is not None and case["kind"] == "summary":
                row["checks"]["faithful"] = not contradicts(judge, case, answer["text"])
            rows.append(row)
            if progress:
                progress(i + 1, len(cases))
        report: dict[str, Any] = {
            "cases": len(cases), "model": backend.model_name, **mine.timed.speed(),
            "checks": summarize_checks(rows)}
        if other is not None and against is not None:
            report["against"] = {"model": against.model_name, **other.timed.speed(),
                                 "checks": summarize_checks(other_rows), "answers": other_rows}
        if judge is not None and other is not None:
            report["judge"] = judged(judge, rows, guided)
        report["answers"] = rows
        return report


def rejudge(report: dict[str, Any], cases: list[dict[str, Any]], judge: Backend,
            progress: Callable[[int, int], None] | None = None,
            guided: bool = True) -> dict[str, Any]:
    """The judge's verdicts again, on the answers an earlier ``--against`` report kept: the
    same answers, speeds and checks, a new ``judge`` part (another judge, or the judge with
    or without references). Answers whose case is not in ``cases`` are left out."""
    if "against" not in report or "answers" not in report:
        raise CalvadosError("the report has no answers of a second model: it must come from "
                            "`calvados eval answers --against M --json`")
    by_id = {c.get("id"): c for c in cases}
    theirs = {r["id"]: r["answer"] for r in report["against"]["answers"]}
    rows = [dict(r) for r in report["answers"] if r["id"] in by_id and r["id"] in theirs]
    if not rows:
        raise CalvadosError("no answer in the report matches a case of the cases file")
    for i, row in enumerate(rows):
        _judge_row(judge, by_id[row["id"]], row, theirs[row["id"]], guided)
        if progress:
            progress(i + 1, len(rows))
    return {**report, "judge": judged(judge, rows, guided), "answers": rows}
