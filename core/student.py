"""Choosing the planner: the shipped distilled student when present, else the few-shot prompt.

The student runs as one merged, quantized file (its adapter folded into the base, built on
first use and verified against the manifest's SHA-256); if that cannot be had, the base runs
with the adapter applied at run time, which gives the same plans at about half the speed.
"""

from __future__ import annotations

import logging

from .config import Settings
from .errors import ModelError
from .models import ModelSpec, load_backend, shared
from .planner import Planner
from .registry import Registry

log = logging.getLogger("calvados")


def shared_planner(settings: Settings, registry: Registry) -> Planner:
    """The planner for these settings and tools, built once per process (the agent, the
    server and the TUI all plan with it)."""
    key = ("planner", id(registry), tuple(sorted(registry.tools)), settings.planner,
           settings.planner_model, settings.default_model, settings.n_threads)
    return shared(key, lambda: build_planner(settings, registry))


def build_planner(settings: Settings, registry: Registry) -> Planner:
    """The planner the settings ask for, with its model loaded (shared process-wide)."""
    from calvados.student_models import default_student

    tools = list(registry.tools.values())
    student = default_student() if settings.planner == "student" else None
    if student is not None:
        merged = None if settings.planner_model else _merged(student)
        if merged is not None:
            backend = load_backend(merged, n_ctx=1024, n_threads=settings.n_threads)
        else:
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


def _merged(student: object) -> ModelSpec | None:
    from calvados.student_models.merge import merged_student

    try:
        path = merged_student(student)
    except ModelError as exc:
        log.warning("%s; using the adapter at run time", exc)
        return None
    return ModelSpec(f"{getattr(student, 'name', 'student')} (merged)", "llama_cpp", str(path),
                     str(getattr(student, "merged_sha256", "")))
