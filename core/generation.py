"""Text generation for skills: the models a skill uses outside an agent, a local stream that
tolerates backends without some options."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .backends.base import Backend, Message
from .config import load_settings
from .tools import Models, ToolContext


@dataclass
class LocalModels:
    """``ctx.models`` outside an agent (a skill run on its own, a test): completions on the
    given local model (by default the configured one, loaded on first use); nothing leaves."""

    backend: Backend | None = None

    def local(self) -> Backend:
        if self.backend is None:
            from .models import load_backend

            settings = load_settings()
            self.backend = load_backend(settings.default_model, n_threads=settings.n_threads)
        return self.backend

    def complete(self, data_class: str, messages: list[Message], *, max_tokens: int = 300,
                 temperature: float = 0.0, prefer_cloud: bool = False,
                 **options: Any) -> Iterator[str]:
        return local_stream(self.local(), messages, max_tokens=max_tokens,
                            temperature=temperature, **options)


def models_of(ctx: ToolContext | None) -> Models:
    """The context's models, or the configured local model when it has none."""
    return ctx.models if ctx is not None and ctx.models is not None else LocalModels()


def local_stream(backend: Backend, messages: list[Message], **options: Any) -> Iterator[str]:
    """Stream a local chat reply; options a backend does not know are dropped."""
    try:
        return backend.chat(messages, **options)
    except TypeError:
        options.pop("repeat_penalty", None)
        return backend.chat(messages, **options)
