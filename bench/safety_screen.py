"""Latency of the safety screen, which runs on every message before planning.

Prints per-message latency over the project's own case set and over long pasted texts,
plus the recall / false-positive numbers for each part of the case set.

    .venv/bin/python bench/safety_screen.py
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from calvados.evaluation import eval_safety, read_cases
from calvados.safety import screen

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "safety_cases.jsonl"


def timed(message: str, repeat: int = 5) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        screen(message)
    return (time.perf_counter() - start) / repeat * 1000


def main() -> None:
    cases = read_cases(CASES)
    for part in ("first", "heldout1", "heldout2", None):
        chosen = [c for c in cases if part is None or c["set"] == part]
        report = eval_safety(chosen)
        print(f"{part or 'all':9} {report['cases']:4} cases  recall {report['recall']:.4f}  "
              f"false positives {report['false_positive_rate']:.4f}")
    times = sorted(timed(c["message"]) for c in cases)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"per message: mean {statistics.fmean(times):.3f} ms, p50 {times[len(times) // 2]:.3f} "
          f"ms, p95 {p95:.3f} ms, max {times[-1]:.3f} ms")
    paragraph = ("The quarterly report shows revenue grew while costs fell; the team will "
                 "review the travel budget and the hotel contracts next week. ")
    for size in (2_000, 20_000, 100_000):
        text = (paragraph * (size // len(paragraph) + 1))[:size]
        print(f"pasted text of {size:>7,} chars: {timed(text, 2):8.1f} ms")


if __name__ == "__main__":
    main()
