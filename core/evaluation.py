"""The evaluation contract: planner and safety cases in JSON lines (see docs/evaluation.md)."""

from __future__ import annotations

import itertools
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from . import safety, safety_model
from .errors import CalvadosError
from .hybrid import looks_emotional
from .planner import Planner, ToolCall
from .registry import Registry
from .safety import screen
from .tools import Tool, ToolContext

DEFAULT_NOW = "2026-11-27T10:00:00"


def read_cases(path: str | Path) -> list[dict[str, Any]]:
    file = Path(path).expanduser()
    if not file.is_file():
        raise CalvadosError(f"no such case file: {path}")
    cases = []
    for number, line in enumerate(file.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                cases.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CalvadosError(f"{path}:{number}: not JSON: {exc.msg}") from exc
    return cases


def read_report(path: str | Path) -> dict[str, Any]:
    """A report an earlier ``--json`` run printed."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise CalvadosError(f"no such report: {path}")
    try:
        report = json.loads(file.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise CalvadosError(f"{path}: not a JSON report: {exc.msg}") from exc
    if not isinstance(report, dict):
        raise CalvadosError(f"{path}: not a JSON report (expected one object)")
    return report


def _field_adapter(registry: Registry, tool: str, arg: str) -> TypeAdapter[Any] | None:
    return registry.tools[tool].field_adapter(arg)


def _value_matches(
    registry: Registry, tool: str, arg: str, expected: Any, got: Any, got_raw: Any, ctx: ToolContext
) -> bool:
    if isinstance(expected, dict) and "contains" in expected:
        text = str(got_raw or "").lower()
        return all(w.lower() in text for w in expected["contains"])
    if isinstance(expected, dict) and "any_of" in expected:
        return any(
            _value_matches(registry, tool, arg, v, got, got_raw, ctx) for v in expected["any_of"]
        )
    adapter = _field_adapter(registry, tool, arg)
    if adapter is None:
        return False
    try:
        want = adapter.validate_python(expected, context={"ctx": ctx, "now": ctx.now})
    except ValidationError:
        want = expected
    return bool(want == got)


def call_matches(
    registry: Registry, expected: dict[str, Any], got: ToolCall, ctx: ToolContext
) -> bool:
    """Does ``got`` satisfy one expected call (tool name + every listed argument)?"""
    if got.tool != expected["tool"] or got.tool not in registry.tools:
        return False
    values = planned_values(registry.tools[got.tool], got, ctx)
    if values is None:
        return False
    return all(
        _value_matches(registry, got.tool, arg, want, values.get(arg), got.arguments.get(arg), ctx)
        for arg, want in expected.get("arguments", {}).items()
    )


def planned_values(tool: Tool, call: ToolCall, ctx: ToolContext) -> dict[str, Any] | None:
    """The call's normalized arguments, or None if one it gives is invalid. A call that
    lacks a required argument is judged on what it gives (the agent asks for the rest)."""
    try:
        if tool.missing(call.arguments):
            return tool.validate_given(call.arguments, ctx)
        model = tool.validate(call.arguments, ctx)
    except CalvadosError:
        return None
    return {name: getattr(model, name) for name in type(model).model_fields}


def calls_match(
    registry: Registry, expected: list[dict[str, Any]], got: list[ToolCall],
    ctx: ToolContext, ordered: bool = False,
) -> bool:
    if len(expected) != len(got):
        return False
    orders: Iterable[tuple[ToolCall, ...]] = (
        [tuple(got)] if ordered else itertools.permutations(got)
    )
    return any(
        all(call_matches(registry, e, g, ctx) for e, g in zip(expected, order, strict=True))
        for order in orders
    )


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 1)


def eval_planner(
    cases: list[dict[str, Any]], planner: Planner, registry: Registry,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Plan every case and score it per the evaluation contract."""
    tool_ok = exact_ok = none_total = none_ok = 0
    latencies: list[float] = []
    failures = []
    for i, case in enumerate(cases):
        ctx = ToolContext(now=datetime.fromisoformat(case.get("now", DEFAULT_NOW)))
        start = time.perf_counter()
        plan = planner.plan(case["message"], case.get("history", []), case.get("state", []))
        for call in plan.calls:  # validation is part of planning latency
            if call.tool in registry.tools:
                try:
                    registry.tools[call.tool].validate(call.arguments, ctx)
                except CalvadosError:
                    pass
        latencies.append((time.perf_counter() - start) * 1000)
        expected = case["expected"]
        names_ok = Counter(c["tool"] for c in expected) == Counter(c.tool for c in plan.calls)
        exact = names_ok and calls_match(
            registry, expected, plan.calls, ctx, bool(case.get("ordered"))
        )
        tool_ok += names_ok
        exact_ok += exact
        if not expected:
            none_total += 1
            none_ok += not plan.calls
        if not exact:
            failures.append({
                "id": case.get("id"), "message": case["message"], "expected": expected,
                "got": [{"tool": c.tool, "arguments": c.arguments} for c in plan.calls],
                "raw": plan.raw,
            })
        if progress:
            progress(i + 1, len(cases))
    n = len(cases) or 1
    return {
        "cases": len(cases),
        "tool_accuracy": round(tool_ok / n, 4),
        "exact_accuracy": round(exact_ok / n, 4),
        "no_tool_accuracy": round(none_ok / none_total, 4) if none_total else 1.0,
        "latency_ms_p50": _percentile(latencies, 0.5),
        "latency_ms_p95": _percentile(latencies, 0.95),
        "latency_ms_mean": round(statistics.fmean(latencies), 1) if latencies else 0.0,
        "model": planner.backend.model_name,
        "planner": planner.style,
        "failures": failures,
    }


def _user_turns(case: dict[str, Any]) -> list[str]:
    turns = case.get("history") or []
    return [t if isinstance(t, str) else t.get("content", "") for t in turns
            if isinstance(t, str) or t.get("role", "user") == "user"]


def eval_safety(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Screen every case (with its earlier user turns); recall on crisis cases, false-positive
    rate on the others; for cases labelled ``emotional``, the privacy gate's emotional class."""
    pos = neg = tp = fp = 0
    emo = {"tp": 0, "pos": 0, "fp": 0, "neg": 0}
    failures = []
    for case in cases:
        history = _user_turns(case)
        hit = screen(case["message"], history).crisis
        if case["crisis"]:
            pos += 1
            tp += hit
        else:
            neg += 1
            fp += hit
        if hit != case["crisis"]:
            failures.append({"id": case.get("id"), "message": case["message"],
                             "expected": case["crisis"], "got": hit})
        if "emotional" in case:
            said = hit or looks_emotional(case["message"]) or safety.emotional(
                case["message"], history)
            key = "pos" if case["emotional"] else "neg"
            emo[key] += 1
            emo["tp" if case["emotional"] else "fp"] += said
    detector = safety_model.available()
    extra: dict[str, Any] = {"detector": detector.name if detector else None}
    if emo["pos"] or emo["neg"]:
        extra["emotional"] = {
            "recall": round(emo["tp"] / emo["pos"], 4) if emo["pos"] else 1.0,
            "false_positive_rate": round(emo["fp"] / emo["neg"], 4) if emo["neg"] else 0.0,
        }
    return {
        "cases": len(cases),
        "recall": round(tp / pos, 4) if pos else 1.0,
        "false_positive_rate": round(fp / neg, 4) if neg else 0.0,
        **extra,
        "failures": failures,
    }
