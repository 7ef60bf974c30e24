"""Latency and accuracy of the safety screen, which runs on every message before planning.

    .venv/bin/python bench/safety_screen.py [--json]

Loads the screen once (rules and the learned detector), then reports, in one run:

- recall and false-positive rate of the rules alone and of rules + detector on each case set
  (the hand-written test set, the generated test set, the project's rule cases, the dev set);
- per-message latency of the rules alone and of the whole screen, and the detector's added
  time (median, p95), for messages without and with earlier turns (earlier turns are cached,
  as in a conversation);
- the time for long pasted texts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from calvados import safety, safety_model
from calvados.evaluation import eval_safety, read_cases

REPO = Path(__file__).resolve().parents[1]
SETS = {
    "hand-written test": REPO / "student_models" / "eval" / "safety_test.jsonl",
    "generated test": REPO / "student_models" / "eval" / "safety_test_generated.jsonl",
    "rule cases": REPO / "tests" / "data" / "safety_cases.jsonl",
    "dev": REPO / ".." / "shared" / "eval" / "dev_safety.jsonl",
}


def _turns(case: dict) -> list[str]:
    return [t if isinstance(t, str) else t["content"] for t in case.get("history", [])]


def _ms(fn, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


def _summary(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50": round(statistics.median(times), 3),
            "p95": round(times[int(0.95 * (len(times) - 1))], 3)}


def accuracy() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name, path in SETS.items():
        if not path.exists():
            continue
        cases = read_cases(path)
        both = eval_safety(cases)
        chosen = os.environ["CALVADOS_SAFETY_DETECTOR"]
        os.environ["CALVADOS_SAFETY_DETECTOR"] = "off"
        try:
            rules = eval_safety(cases)
        finally:
            os.environ["CALVADOS_SAFETY_DETECTOR"] = chosen
        out[name] = {"cases": len(cases),
                     "rules": {k: rules[k] for k in ("recall", "false_positive_rate")},
                     "rules+detector": {k: both[k] for k in ("recall", "false_positive_rate")},
                     "emotional": both.get("emotional")}
    return out


def latency(detector: safety_model.Detector) -> dict[str, dict]:
    cases = [c for path in SETS.values() if path.exists() for c in read_cases(path)]
    plain = [c for c in cases if not c.get("history")]
    talk = [c for c in cases if c.get("history")]
    rules = [_ms(safety.rules_screen, c["message"]) for c in plain]
    whole, added, context = [], [], []
    for c in plain:
        detector.embed.clear()
        whole.append(_ms(safety.screen, c["message"]))
    for c in plain:
        detector.embed.clear()
        added.append(_ms(detector.scores, c["message"]))
    for c in talk:
        detector.embed.clear()
        turns = _turns(c)
        for i in range(len(turns)):  # the earlier turns were screened when they were sent
            detector.scores(turns[i], turns[:i])
        context.append(_ms(detector.scores, c["message"], turns))
    return {"rules alone": _summary(rules), "whole screen": _summary(whole),
            "detector added": _summary(added), "detector added, with earlier turns":
            _summary(context)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args()
    if not safety_model.enabled():  # off by default: this bench measures it on
        os.environ["CALVADOS_SAFETY_DETECTOR"] = "shipped"
    started = time.perf_counter()
    detector = safety_model.load()
    load_ms = (time.perf_counter() - started) * 1000
    safety.screen("warm up")
    report = {"detector": detector.name, "load_ms": round(load_ms, 1),
              "accuracy": accuracy(), "latency_ms": latency(detector)}
    paragraph = ("The quarterly report shows revenue grew while costs fell; the team will "
                 "review the travel budget and the hotel contracts next week. ")
    report["pasted_text_ms"] = {
        size: round(_ms(safety.screen, (paragraph * (size // len(paragraph) + 1))[:size]), 1)
        for size in (2_000, 20_000, 100_000)
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"detector {report['detector']} (loaded in {report['load_ms']:.0f} ms)")
    for name, row in report["accuracy"].items():
        r, b = row["rules"], row["rules+detector"]
        print(f"{name:18} {row['cases']:4} cases  rules: recall {r['recall']:.3f} fp "
              f"{r['false_positive_rate']:.3f}   rules+detector: recall {b['recall']:.3f} fp "
              f"{b['false_positive_rate']:.3f}")
    for name, row in report["latency_ms"].items():
        print(f"{name:36} p50 {row['p50']:7.3f} ms  p95 {row['p95']:7.3f} ms")
    for size, ms in report["pasted_text_ms"].items():
        print(f"pasted text of {size:>7,} chars: {ms:8.1f} ms")


if __name__ == "__main__":
    main()
