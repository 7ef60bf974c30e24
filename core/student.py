"""Choosing the planner: the shipped distilled student when present, else the few-shot prompt."""

from __future__ import annotations

from .config import Settings
from .models import load_backend
from .planner import Planner
from .registry import Registry


def build_planner(settings: Settings, registry: Registry) -> Planner:
    """The planner the settings ask for, with its model loaded (shared process-wide)."""
    from calvados.student_models import default_student

    tools = list(registry.tools.values())
    student = default_student() if settings.planner == "student" else None
    if student is not None:
        backend = load_backend(
            settings.planner_model or student.base,
            lora_path=str(student.adapter_path),
            n_ctx=1024,
            n_threads=settings.n_threads,
        )
        backend.model_name = f"{student.base}+{student.name}"
        return Planner(backend, tools, registry.builtin_tools, style="student")
    backend = load_backend(
        settings.planner_model or settings.default_model, n_ctx=2048, n_threads=settings.n_threads
    )
    return Planner(backend, tools, registry.builtin_tools, style="fewshot")
