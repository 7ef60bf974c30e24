"""What the privacy gate costs: redaction speed, and a cloud turn through the gate (policy,
redaction, ledger, restore) against the raw Gemini client, both on a local fake server.

Nothing is asserted on speed: read the numbers.

    python bench/hybrid.py            # 30 requests each
    python bench/hybrid.py -n 100
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("CALVADOS_HOME", tempfile.mkdtemp(prefix="calvados-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from calvados import Agent  # noqa: E402
from calvados.backends.gemini import GeminiBackend  # noqa: E402
from calvados.config import Settings  # noqa: E402
from calvados.planner import Planner  # noqa: E402
from calvados.redact import Redactor  # noqa: E402
from calvados.registry import Registry  # noqa: E402
from conftest import ScriptedBackend  # noqa: E402
from gemini_server import FakeGemini, Reply  # noqa: E402

SAMPLE = (
    "Hi, this is Alice Martin. Mail me at alice.martin@example.com or call +1 415 555 0132. "
    "Rent goes to GB82 WEST 1234 5698 7654 32 from card 4111 1111 1111 1111; I live at "
    "221B Baker Street. The flight on 2026-11-27 at 10:00 costs 1 250.00 EUR. "
)
MESSAGE = "ask gemini: " + SAMPLE


def bench_redaction(kib: int = 256) -> None:
    text = SAMPLE * (kib * 1024 // len(SAMPLE))
    start = time.perf_counter()
    redactor = Redactor(["Alice Martin"])
    out = redactor.redact(text)
    seconds = time.perf_counter() - start
    restored = redactor.restore(out)
    print(f"redaction: {len(text) / 1024:.0f} KiB in {seconds * 1000:.0f} ms "
          f"({len(text) / 1024 / seconds:.0f} KiB/s), {len(redactor.mapping)} distinct values, "
          f"restores exactly: {restored == text}")


def ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def bench_gate(n: int) -> None:
    settings = Settings(gemini_api_key="bench", gemini_retries=0, user_names=["Alice Martin"])
    with FakeGemini(default=Reply("Noted, [NAME_1]: I will write to [EMAIL_1].")) as server:
        os.environ["CALVADOS_GEMINI_BASE_URL"] = server.url
        raw = GeminiBackend(api_key="bench", retries=0)
        raw_times, gate_times = [], []
        for _ in range(n):
            start = time.perf_counter()
            "".join(raw.chat([{"role": "user", "content": MESSAGE}]))
            raw_times.append(time.perf_counter() - start)
        agent = Agent(settings=settings, registry=Registry(),
                      planner=Planner(ScriptedBackend(), [], set()),
                      chat_backend=ScriptedBackend(model_name="local"))
        agent.cloud.override = "allow"
        for _ in range(n):
            start = time.perf_counter()
            final = agent.ask(MESSAGE)
            gate_times.append(time.perf_counter() - start)
        assert final.where.startswith("cloud:"), final.where
        rows = len(agent.cloud.ledger.entries(limit=n + 1))
    print(f"raw google-genai stream : {ms(raw_times)}")
    print(f"agent turn through gate : {ms(gate_times)}  (ledger rows: {rows})")
    ratio = statistics.median(gate_times) / statistics.median(raw_times)
    print(f"gate / raw (p50)        : {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="requests per measurement")
    args = parser.parse_args()
    bench_redaction()
    bench_gate(args.n)


if __name__ == "__main__":
    main()
