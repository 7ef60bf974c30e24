"""The MLX backend (mlx-lm): runs an exported student on Apple silicon, or on CPU on Linux."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..hookspecs import hookimpl
from .base import Backend


class MlxBackend(Backend):
    """An MLX model folder. No grammar support: callers parse and validate the output."""

    name = "mlx"
    local = True
    supports_grammar = False

    def __init__(self, model_path: str, model_name: str = "", **options: Any) -> None:
        from mlx_lm import load

        self.model_path = model_path
        self.model_name = model_name or Path(model_path).name
        loaded = load(model_path)
        self.model, self.tokenizer = loaded[0], loaded[1]

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int = 256,
        grammar: str | None = None,
        stop: list[str] | None = None,
        temperature: float = 0.0,
    ) -> Iterator[str]:
        from mlx_lm import stream_generate

        text = ""
        for chunk in stream_generate(self.model, self.tokenizer, prompt, max_tokens=max_tokens):
            text += chunk.text
            cut = min((text.find(s) for s in stop or [] if s in text), default=-1)
            if cut >= 0:
                yield chunk.text[: len(chunk.text) - (len(text) - cut)]
                return
            yield chunk.text


@hookimpl
def register_backends(register: Any) -> None:
    register("mlx", MlxBackend)
