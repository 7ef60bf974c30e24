"""Distillation pipeline and the shipped students (adapters, model cards, eval results).

Importing this package is cheap: training dependencies load only inside the pipeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

STUDENTS_DIR = Path(__file__).parent / "students"
DEFAULT_STUDENT = "planner-smollm2"


@dataclass(frozen=True)
class Student:
    name: str
    base: str
    adapter_path: Path
    sha256: str
    card: Path
    merged_sha256: str | None = None  # the base with the adapter merged in (see merge.py)
    merged_qtype: str = "Q8_0"
    merged_embed_qtype: str | None = None  # the token embedding requantized (see merge.py)


def list_students(root: Path = STUDENTS_DIR) -> list[Student]:
    out = []
    for manifest in sorted(root.glob("*/manifest.json")):
        data = json.loads(manifest.read_text("utf-8"))
        out.append(
            Student(
                name=manifest.parent.name,
                base=data["base"],
                adapter_path=manifest.parent / data["adapter"],
                sha256=data["sha256"],
                card=manifest.parent / "MODEL_CARD.md",
                merged_sha256=data.get("merged_sha256"),
                merged_qtype=data.get("merged_qtype", "Q8_0"),
                merged_embed_qtype=data.get("merged_embed_qtype"),
            )
        )
    return out


def default_student(name: str = DEFAULT_STUDENT) -> Student | None:
    """The shipped student, verified against its pinned SHA-256; None if not shipped."""
    from calvados.models import ModelSpec, verify

    for student in list_students():
        if student.name == name:  # checked once per file version, like every model file
            spec = ModelSpec(f"student {name}", "llama_cpp", str(student.adapter_path),
                             student.sha256)
            verify(spec)
            return student
    return None
