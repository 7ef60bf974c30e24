"""Planner latency on the dev sets; decode speed of the llama.cpp backend vs raw llama-cpp-python.

    python bench/planner.py [CASES.jsonl ...] [--limit N] [--tokens N] [--runs N] [--json]

Prints planner latency p50/p95 per case file (model + validation per case, as ``calvados eval
planner`` measures it; default: both dev sets) and decode tokens/s of ``LlamaCppBackend`` and
of a bare ``llama_cpp.Llama`` on the planner's own model file, same prompt, same run, with
their ratio (1.0 = no overhead).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from calvados.backends.llama_cpp import LlamaCppBackend
from calvados.config import load_settings
from calvados.evaluation import eval_planner, read_cases
from calvados.models import get_model, verify
from calvados.registry import get_registry
from calvados.student import build_planner

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CASES = [REPO / ".." / "shared" / "eval" / name
                 for name in ("dev_planner.jsonl", "dev_real_planner.jsonl")]
PROMPT = (
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
    "<|im_start|>user\nTell me a long story about a lighthouse keeper and a seal.<|im_end|>\n"
    "<|im_start|>assistant\n"
)


def bench_planner(files: list[Path], limit: int | None) -> tuple[list[dict[str, object]], str]:
    registry = get_registry()
    planner = build_planner(load_settings(), registry)
    planner.plan("hello")  # load and warm up, as a running agent would be
    reports = []
    for file in files:
        report = eval_planner(read_cases(file)[:limit], planner, registry)
        report.pop("failures")
        reports.append({"cases_file": file.name, **report})
    return reports, str(getattr(planner.backend, "model_path", ""))


def decode_rate(stream: Callable[[], Iterator[str]]) -> tuple[float, str]:
    """Tokens per second after the first token (prompt evaluation excluded)."""
    pieces: list[str] = []
    first = 0.0
    for piece in stream():
        if not pieces:
            first = time.perf_counter()
        pieces.append(piece)
    elapsed = time.perf_counter() - first
    return (len(pieces) - 1) / elapsed if elapsed > 0 else 0.0, "".join(pieces)


def bench_decode(path: str, tokens: int, runs: int) -> dict[str, object]:
    from llama_cpp import Llama

    threads = load_settings().n_threads or os.cpu_count() or 2
    backend = LlamaCppBackend(path, model_name=os.path.basename(path), n_ctx=2048,
                              n_threads=threads)
    raw = Llama(model_path=path, n_ctx=2048, n_threads=threads, seed=0, verbose=False)

    def ours() -> Iterator[str]:
        backend.llm.reset()
        return backend.complete(PROMPT, max_tokens=tokens)

    def bare() -> Iterator[str]:
        raw.reset()
        for chunk in raw.create_completion(PROMPT, max_tokens=tokens, temperature=0.0, top_k=1,
                                           stream=True):
            if chunk["choices"][0]["text"]:  # type: ignore[index]
                yield chunk["choices"][0]["text"]  # type: ignore[index]

    backend_rates, raw_rates = [], []
    for _ in range(runs):  # interleaved, so background load hits both alike
        rate, text_ours = decode_rate(ours)
        backend_rates.append(rate)
        rate, text_raw = decode_rate(bare)
        raw_rates.append(rate)
        if text_ours != text_raw:
            sys.exit("the backend and raw llama-cpp-python produced different text")
    ours_rate, raw_rate = statistics.median(backend_rates), statistics.median(raw_rates)
    return {"model_file": os.path.basename(path), "backend_tokens_per_s": round(ours_rate, 1),
            "raw_tokens_per_s": round(raw_rate, 1),
            "ratio": round(ours_rate / raw_rate, 3) if raw_rate else 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", nargs="*", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--limit", type=int, help="Only the first N cases.")
    parser.add_argument("--tokens", type=int, default=128, help="Tokens to decode per run.")
    parser.add_argument("--runs", type=int, default=3, help="Decode runs per side (median).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()
    start = time.perf_counter()
    planners, model_path = bench_planner(args.cases, args.limit)
    settings = load_settings()
    path = model_path or str(verify(get_model(settings.default_model)))
    decode = bench_decode(path, args.tokens, args.runs)
    result = {"planner": planners, "decode": decode,
              "wall_s": round(time.perf_counter() - start, 1)}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for planner in planners:
        print(f"planner {planner['model']} ({planner['planner']}) on {planner['cases_file']}, "
              f"{planner['cases']} cases: latency p50 {planner['latency_ms_p50']} ms, "
              f"p95 {planner['latency_ms_p95']} ms (tool {planner['tool_accuracy']}, exact "
              f"{planner['exact_accuracy']}, no-tool {planner['no_tool_accuracy']})")
    print(f"decode ({decode['model_file']}): backend {decode['backend_tokens_per_s']} tok/s, raw "
          f"llama-cpp-python {decode['raw_tokens_per_s']} tok/s, ratio {decode['ratio']}")
    print(f"wall time {result['wall_s']} s")


if __name__ == "__main__":
    main()
