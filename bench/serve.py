"""Load test of ``calvados serve``: N concurrent OpenAI clients on 127.0.0.1 for a bounded time.

Each client keeps one session and sends message after message (streamed with --stream).
Prints requests/s, p50/p95 latency, errors, 429s, and whether every session holds every
turn it was answered. Nothing is asserted on speed: read the numbers.

    python bench/serve.py                       # scripted agent: server + queue + SQLite cost
    python bench/serve.py --work-ms 50          # ... with 50 ms of simulated model work
    python bench/serve.py --mode model          # the real on-device models (slow: ~seconds)
    python bench/serve.py --clients 12 --queue 4   # overload: expect 429s, no collapse
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import openai
import uvicorn

os.environ.setdefault("CALVADOS_HOME", tempfile.mkdtemp(prefix="calvados-bench-"))

from calvados import Database, Session, tool  # noqa: E402
from calvados.backends.base import Backend  # noqa: E402
from calvados.planner import Planner  # noqa: E402
from calvados.registry import Registry  # noqa: E402
from calvados.server import AgentService, WorkQueue, create_app  # noqa: E402


class SimulatedModel(Backend):
    """Stands in for a model: a fixed plan or reply, streamed, after ``work_ms`` of waiting."""

    name = "simulated"
    supports_grammar = True

    def __init__(self, text: str | None, work_ms: float, model_name: str) -> None:
        self.text = text
        self.work_ms = work_ms
        self.model_name = model_name
        self.turn = 0

    def complete(self, prompt: str, **kwargs: Any) -> Iterator[str]:
        time.sleep(self.work_ms / 1000)
        self.turn += 1
        text = self.text or ("none" if self.turn % 2 else 'weather(city="Paris")')
        for i in range(0, len(text), 8):
            yield text[i:i + 8]


@tool(data_class="travel")
def weather(city: str) -> dict[str, Any]:
    """Today's weather in a city.

    Args:
        city: The city.
    """
    return {"text": f"Sunny in {city}.", "city": city}


def scripted_service(work_ms: float) -> AgentService:
    """Every other message uses a tool; the others get a direct reply."""
    registry = Registry()
    registry.add(weather)
    planner = Planner(SimulatedModel(None, work_ms / 2, "sim-planner"), [weather], set(),
                      style="fewshot")
    reply = "A short answer from the simulated model, streamed piece by piece."
    chat = SimulatedModel(reply, work_ms / 2, "sim-chat")
    return AgentService(registry=registry, db=Database(), planner=planner, chat_backend=chat)


@dataclass
class ClientLog:
    session: str | None = None
    answered: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: int = 0


def run_client(url: str, log: ClientLog, stop: float, stream: bool, index: int) -> None:
    oa = openai.OpenAI(base_url=url + "/v1", api_key="bench", max_retries=0, timeout=600)
    n = 0
    while time.monotonic() < stop:
        n += 1
        text = f"client {index} message {n}: weather in Paris?"
        extra = {"session": log.session} if log.session else {}
        start = time.perf_counter()
        try:
            session = _ask(oa, text, stream, extra)
        except openai.RateLimitError as exc:
            log.refused += 1
            time.sleep(float(exc.response.headers.get("retry-after", "1")))
            continue
        except Exception as exc:  # counted and shown, never hidden
            log.errors.append(f"{type(exc).__name__}: {exc}")
            continue
        log.latencies.append(time.perf_counter() - start)
        log.session = log.session or session
        log.answered += 1


def _ask(oa: openai.OpenAI, text: str, stream: bool, extra: dict[str, Any]) -> str:
    messages: Any = [{"role": "user", "content": text}]
    if not stream:
        reply = oa.chat.completions.create(model="calvados", messages=messages, extra_body=extra)
        assert reply.choices[0].message.content
        return str(reply.model_extra["calvados"]["session"])  # type: ignore[index]
    chunks = list(oa.chat.completions.create(
        model="calvados", messages=messages, stream=True, extra_body=extra))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    return str(chunks[-1].model_extra["calvados"]["session"])  # type: ignore[index]


def lost_sessions(logs: list[ClientLog]) -> int:
    """Sessions missing any answered turn (each turn = one user + one assistant message)."""
    db = Database()
    lost = 0
    for log in logs:
        if log.session is None:
            lost += log.answered > 0
            continue
        messages = Session.load(db, log.session).messages()
        lost += len(messages) != 2 * log.answered
    return lost


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--queue", type=int, default=None,
                        help="requests allowed to wait (default: clients, i.e. never full)")
    parser.add_argument("--mode", choices=["scripted", "model"], default="scripted")
    parser.add_argument("--work-ms", type=float, default=0.0,
                        help="simulated model time per request (scripted mode)")
    parser.add_argument("--stream", action="store_true", help="stream every reply (SSE)")
    args = parser.parse_args()

    service = AgentService() if args.mode == "model" else scripted_service(args.work_ms)
    if args.mode == "model":
        print("loading models...", file=sys.stderr)
        service.warm()
    pending = args.clients if args.queue is None else args.queue
    work = WorkQueue(pending)
    server = uvicorn.Server(uvicorn.Config(create_app(service, queue=work), host="127.0.0.1",
                                           port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"

    logs = [ClientLog() for _ in range(args.clients)]
    stop = time.monotonic() + args.seconds
    begin = time.perf_counter()
    clients = [threading.Thread(target=run_client, args=(url, log, stop, args.stream, i))
               for i, log in enumerate(logs)]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    elapsed = time.perf_counter() - begin
    server.should_exit = True
    thread.join(30)
    report(args, logs, elapsed, pending)
    sys.stdout.flush()
    os._exit(0)  # skip llama.cpp's noisy finalizers at interpreter exit


def report(args: argparse.Namespace, logs: list[ClientLog], elapsed: float, pending: int) -> None:
    latencies = sorted(x for log in logs for x in log.latencies)
    answered = sum(log.answered for log in logs)
    errors = [e for log in logs for e in log.errors]
    print(f"mode={args.mode} clients={args.clients} queue={pending} stream={args.stream} "
          f"work_ms={args.work_ms:g} seconds={elapsed:.1f}")
    print(f"answered:      {answered}")
    print(f"requests/s:    {answered / elapsed:.1f}")
    print(f"latency p50:   {percentile(latencies, 50) * 1000:.0f} ms")
    print(f"latency p95:   {percentile(latencies, 95) * 1000:.0f} ms")
    print(f"429 (full):    {sum(log.refused for log in logs)}")
    print(f"errors:        {len(errors)}")
    for line in sorted(set(errors))[:5]:
        print(f"  {line}")
    print(f"lost sessions: {lost_sessions(logs)} of {len(logs)}")


if __name__ == "__main__":
    main()
