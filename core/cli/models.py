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
    for spec in specs:
        kind = "built-in" if spec.builtin else spec.path
        click.echo(f"{spec.name:16} {spec.backend:10} {kind}  {spec.description}")


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
