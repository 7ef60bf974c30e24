"""Shared fixtures: a private user dir per test, scripted and real backends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from calvados import registry as plugins
from calvados.backends.base import Backend

NOW = datetime(2026, 11, 27, 10, 0, 0)
REPO = Path(__file__).resolve().parents[1]
DEV_PLANNER = REPO / "tests" / "data" / "dev_planner.jsonl"  # a copy of ../shared/eval
DEV_REAL = REPO / "tests" / "data" / "dev_real_planner.jsonl"  # a copy of ../shared/eval


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own user directory."""
    path = tmp_path / "home"
    monkeypatch.setenv("CALVADOS_HOME", str(path))
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    plugins.reset_registry()
    return path


class ScriptedBackend(Backend):
    """Replays scripted completions: plans for the planner, text for replies."""

    name = "scripted"
    supports_grammar = True

    def __init__(self, replies: list[str] | None = None, model_name: str = "scripted") -> None:
        self.replies = list(replies or [])
        self.prompts: list[str] = []
        self.model_name = model_name

    def complete(self, prompt: str, **kwargs: Any) -> Iterator[str]:
        self.prompts.append(prompt)
        text = self.replies.pop(0) if self.replies else "none"
        for i in range(0, len(text), 4):
            yield text[i : i + 4]


@pytest.fixture
def scripted() -> type[ScriptedBackend]:
    return ScriptedBackend


@pytest.fixture(scope="session")
def smollm2() -> Backend:
    """The real default model in llama.cpp, loaded once for the whole run."""
    from calvados.backends.llama_cpp import LlamaCppBackend
    from calvados.models import model_file

    return LlamaCppBackend(
        str(model_file("smollm2-135m")), model_name="smollm2-135m", n_ctx=2048)
