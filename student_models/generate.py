"""``calvados distill generate``: training data for the planner, with provenance.

Samples come from the offline generator (exact labels by construction); a teacher model can
then rewrite messages into more natural, varied phrasings while the plan stays exact (a
rewrite is kept only if every argument value it must carry still appears verbatim).
"""

from __future__ import annotations

import gzip
import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from calvados.evaluation import planned_values
from calvados.planner import (
    ToolCall,
    render_plan,
    render_tool,
    required_arguments,
    signature_required,
)
from calvados.registry import Registry, get_registry
from calvados.tools import ToolContext

from . import extra, offline, phrasing
from .offline import Sample


def positional_for(sample: Sample, registry: Registry | None = None) -> dict[str, list[str]]:
    """Each tool's bare (required) arguments, for the tools a sample's prompt knows."""
    registry = registry or get_registry()
    table = {t.name: required_arguments(t) for t in registry.tools.values()}
    for line in sample.extra_tools:
        name, required = signature_required(line)
        table[name] = required
    return table


def _plan_text(sample: Sample) -> str:
    calls = [ToolCall(c["tool"], dict(c["arguments"])) for c in sample.calls]
    return render_plan(calls, positional_for(sample))


def offline_samples(
    n: int,
    registry: Registry,
    seed: int = 0,
    extra_share: float = 0.2,
    exclude: Iterable[str] = (),
) -> list[Sample]:
    """``n`` samples: built-in families by weight, synthetic and third-party extra tools."""
    rng = random.Random(seed)
    banned = {m.strip().lower() for m in exclude}
    families = list((offline.BUILTIN_FAMILIES | phrasing.FAMILIES).values())
    weights = [w for _, w in families]
    third = [t for t in registry.tools.values() if t.name not in registry.builtin_tools]
    out: list[Sample] = []
    seen: set[tuple[str, str]] = set()
    attempts = 0
    while len(out) < n and attempts < n * 20:
        attempts += 1
        r = rng.random()
        sample: Sample | None
        third_share = 0.08 if third else 0.0
        if r < third_share:
            tool = third[rng.randrange(len(third))]
            sample = extra.third_party_sample(rng, tool, render_tool(tool))
        elif r < third_share + extra_share / 2.5:
            sample = extra.fake_tool_sample(rng)
        else:
            gen = rng.choices(families, weights)[0][0]
            sample = gen(rng)
            if rng.random() < extra_share:
                sample = extra.with_extra_tools(rng, sample)
        if sample is None or sample.message.strip().lower() in banned:
            continue
        if not _valid(sample, registry):
            continue
        key = (sample.message, json.dumps([sample.history, sample.state]),
               " ".join(sample.extra_tools))
        if key in seen:
            continue
        seen.add(key)
        out.append(sample)
    return out


def teacher_samples(
    folder: Path, registry: Registry, exclude: Iterable[str] = (), limit: int | None = None,
    seed: int = 0, refill: int = 0,
) -> list[Sample]:
    """Samples from what the teacher collected in ``folder`` (checked again here, so a
    stricter check needs no new collection), minus excluded messages, deduplicated; each
    rewrite also ``refill`` times with other values in its argument spans."""
    from .teacher import Store
    from .teacher_jobs import refilled, samples_from, value_pools

    rng = random.Random(seed)
    pools = value_pools(seed) if refill else {}
    banned = {m.strip().lower() for m in exclude}
    seen: set[str] = set()
    out: list[Sample] = []
    prefixes = {p.name.rsplit("-", 1)[0] for p in folder.glob("*-[0-9][0-9][0-9].jsonl")}
    for prefix in sorted(prefixes):
        for record in Store(folder, prefix).records():
            for found in samples_from(record):
                more = refilled(found, pools, rng, refill) if refill else []
                for sample in [found, *more]:
                    key = sample.message.strip().lower()
                    if key in banned or key in seen or not _valid(sample, registry):
                        continue
                    seen.add(key)
                    out.append(sample)
    random.Random(seed).shuffle(out)
    return out[:limit] if limit is not None else out


_CHECK_NOW = datetime(2026, 11, 27, 10, 0)


def _valid(sample: Sample, registry: Registry) -> bool:
    """Keep only plans whose calls validate against the registered tools' argument models."""
    ctx = ToolContext(now=_CHECK_NOW)
    for call in sample.calls:
        tool = registry.tools.get(call["tool"])
        if tool is None:
            continue  # a synthetic tool: nothing to check against
        if planned_values(tool, ToolCall(call["tool"], call["arguments"]), ctx) is None:
            return False
    return True


def to_record(sample: Sample, index: int, source: str) -> dict[str, Any]:
    record = asdict(sample)
    record.update(id=f"s{index:06d}", plan=_plan_text(sample), source=source)
    return record


# ------------------------------------------------------------------------ teachers

REWRITE_PROMPT = (
    "Rewrite the user's request below the way a different person might type it to a phone "
    "assistant: natural, casual, one sentence. Keep these exact strings unchanged: {keep}. "
    "Do not answer the request. Reply with the rewritten request only.\n\nRequest: {message}"
)


def _must_keep(sample: Sample) -> list[str]:
    return [
        str(v)
        for c in sample.calls
        for v in c["arguments"].values()
        if isinstance(v, str) and not v.isdigit()
    ]


def rewrite_ok(sample: Sample, text: str) -> bool:
    """A rewrite is kept only if it carries every string argument verbatim."""
    text = text.strip().strip('"')
    if not text or len(text) > 3 * len(sample.message) + 40 or "\n" in text:
        return False
    low = text.lower()
    return all(v.lower() in low for v in _must_keep(sample)) and text != sample.message


def make_teacher(spec: str) -> Callable[[str], str]:
    """A text-in, text-out teacher: ``llama_cpp:PATH``, ``openai:BASE_URL[#model]``, ``gemini``."""
    kind, _, arg = spec.partition(":")
    if kind == "llama_cpp":
        from llama_cpp import Llama

        llm = Llama(model_path=arg, n_ctx=1024, verbose=False)

        def local(prompt: str) -> str:
            out = llm.create_chat_completion(
                [{"role": "user", "content": prompt}], max_tokens=80, temperature=0.8
            )
            return str(out["choices"][0]["message"]["content"])  # type: ignore[index]

        return local
    if kind == "openai":
        import httpx

        base, _, model = arg.partition("#")

        def remote(prompt: str) -> str:
            reply = httpx.post(
                f"{base.rstrip('/')}/chat/completions",
                timeout=60,
                json={
                    "model": model or "default",
                    "temperature": 0.8,
                    "messages": [{"role": "user", "content": prompt}],
                },
            )
            reply.raise_for_status()
            return str(reply.json()["choices"][0]["message"]["content"])

        return remote
    if kind == "gemini":
        from calvados.config import load_settings
        from calvados.models import load_backend  # noqa: F401  (ensures plugins are loaded)
        from google import genai  # type: ignore[import-not-found]

        settings = load_settings()
        key = settings.gemini_api_key.get_secret_value() if settings.gemini_api_key else None
        client = genai.Client(api_key=key)

        def cloud(prompt: str) -> str:
            out = client.models.generate_content(
                model=arg or settings.gemini_model, contents=prompt
            )
            return str(out.text or "")

        return cloud
    raise ValueError(f"unknown teacher {spec!r} (offline, llama_cpp:PATH, openai:URL, gemini)")


def rewrite_with_teacher(
    records: list[dict[str, Any]],
    teacher: Callable[[str], str],
    share: float,
    log: Path,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Rewrite a share of messages with the teacher; every request goes to ``log`` (resumable)."""
    done: dict[str, str] = {}
    if log.exists():
        for line in log.read_text("utf-8").splitlines():
            entry = json.loads(line)
            done[entry["id"]] = entry["reply"]
    rng = random.Random(seed)
    chosen = [r for r in records if not r["history"] and rng.random() < share]
    changed = 0
    with log.open("a", encoding="utf-8") as fh:
        for i, record in enumerate(chosen):
            sample = Sample(record["message"], record["calls"])
            prompt = REWRITE_PROMPT.format(
                keep=", ".join(_must_keep(sample)) or "none", message=record["message"]
            )
            if record["id"] not in done:
                started = time.time()
                reply = teacher(prompt)
                done[record["id"]] = reply
                fh.write(
                    json.dumps(
                        {
                            "id": record["id"],
                            "prompt": prompt,
                            "reply": reply,
                            "seconds": round(time.time() - started, 2),
                        }
                    )
                    + "\n"
                )
                fh.flush()
            reply = done[record["id"]].strip().strip('"')
            if rewrite_ok(sample, reply):
                record["original"] = record["message"]
                record["message"] = reply
                record["source"] += "+teacher"
                changed += 1
            if progress:
                progress(i + 1, len(chosen))
    return changed


def write_dataset(path: Path, records: list[dict[str, Any]], provenance: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    provenance = {
        **provenance,
        "records": len(records),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    Path(str(path) + ".provenance.json").write_text(json.dumps(provenance, indent=2), "utf-8")


def read_dataset(path: Path) -> list[dict[str, Any]]:
    """Records of a JSONL dataset (gzip-compressed if the name ends in .gz)."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]


def session_samples(n: int, registry: Registry, seed: int = 0, exclude: Iterable[str] = (),
                    steps: bool = False) -> list[Sample]:
    """``n`` follow-ups with the session's references in view, or with ``steps`` the next
    step of a turn after its first results (see sessions.py)."""
    from .sessions import session_sample, step_sample

    rng = random.Random(seed)
    banned = {m.strip().lower() for m in exclude}
    out: list[Sample] = []
    for _ in range(n * 5):
        if len(out) >= n:
            break
        sample = step_sample(rng) if steps else session_sample(rng)
        if sample.message.strip().lower() not in banned and _valid(sample, registry):
            out.append(sample)
    return out


def replayed(path: Path, count: int, seed: int = 0, state_share: float = 0.0,
             exclude: Iterable[str] = ()) -> list[Sample]:
    """``count`` samples drawn from an earlier dataset (continued training keeps what the
    student knew), a share of them with unrelated session references added."""
    from .sessions import with_state

    rng = random.Random(seed)
    banned = {m.strip().lower() for m in exclude}
    records = [r for r in read_dataset(path) if r["message"].strip().lower() not in banned]
    chosen = rng.sample(records, min(count, len(records)))
    fields = {"message", "calls", "history", "extra_tools", "kind", "state"}
    out = [Sample(**{k: v for k, v in r.items() if k in fields}) for r in chosen]
    return [with_state(rng, s) if rng.random() < state_share else s for s in out]
