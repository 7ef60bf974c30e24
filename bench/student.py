"""Compare planners in one run: undistilled bases (zero-shot, few-shot prompt + grammar) and
the shipped student, on the development set and the hold-out set.

    python bench/student.py [--dev ../shared/eval/dev_planner.jsonl] [--skip-bases]

Prints a markdown table (accuracy and planner latency p50/p95) and writes JSON next to the
shipped student's model card (eval.json).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from calvados.backends.llama_cpp import LlamaCppBackend
from calvados.evaluation import eval_planner, read_cases
from calvados.models import get_model, verify
from calvados.planner import Planner
from calvados.registry import get_registry
from calvados.student_models import default_student

REPO = Path(__file__).resolve().parents[1]


def planner_for(name: str, adapter: str | None) -> Planner:
    registry = get_registry()
    path = verify(get_model(name))
    backend = LlamaCppBackend(str(path), model_name=name, lora_path=adapter,
                              n_ctx=1024 if adapter else 2048)
    style = "student" if adapter else "fewshot"
    return Planner(backend, list(registry.tools.values()), registry.builtin_tools, style)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", default=str(REPO.parent / "shared/eval/dev_planner.jsonl"))
    holdout = REPO / "student_models/eval/holdout_planner.jsonl"
    parser.add_argument("--holdout", default=str(holdout))
    parser.add_argument("--skip-bases", action="store_true")
    args = parser.parse_args()
    student = default_student()
    runs: list[tuple[str, str, str | None]] = []
    if not args.skip_bases:
        runs += [("smollm2-135m (zero-shot)", "smollm2-135m", None),
                 ("gemma3-270m (zero-shot)", "gemma3-270m", None)]
    if student:
        runs.append((f"student {student.name}", student.base, str(student.adapter_path)))
    sets = {"dev": read_cases(args.dev), "holdout": read_cases(args.holdout)}
    registry = get_registry()
    results = []
    for label, base, adapter in runs:
        planner = planner_for(base, adapter)
        planner.plan("hello")  # warm the prefix cache
        for set_name, cases in sets.items():
            report = eval_planner(cases, planner, registry)
            report.pop("failures")
            results.append({**report, "planner": label, "set": set_name})
            print(json.dumps(results[-1]), flush=True)
    print("\n| planner | set | tool acc. | exact acc. | no-tool acc. | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['planner']} | {r['set']} ({r['cases']}) | {r['tool_accuracy']:.3f} | "
              f"{r['exact_accuracy']:.3f} | {r['no_tool_accuracy']:.3f} | "
              f"{r['latency_ms_p50']:.0f} | {r['latency_ms_p95']:.0f} |")
    if student:
        (student.card.parent / "eval.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
