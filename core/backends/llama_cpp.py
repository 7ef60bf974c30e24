"""The llama.cpp backend (llama-cpp-python): streaming, GBNF grammars, prefix reuse, LoRA."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..hookspecs import hookimpl
from .base import Backend, BackendOptions, Message


class LlamaCppOptions(BackendOptions):
    n_ctx: int = 2048
    n_threads: int | None = None
    lora_path: str | None = None
    seed: int = 0


class LlamaCppBackend(Backend):
    """A GGUF model in-process. Consecutive prompts that share a prefix reuse its KV cache."""

    name = "llama_cpp"
    local = True
    supports_grammar = True
    Options = LlamaCppOptions

    def __init__(self, model_path: str, model_name: str = "", **options: Any) -> None:
        from llama_cpp import Llama

        self.options = LlamaCppOptions(**options)
        self.model_path = model_path
        self.model_name = model_name or os.path.basename(model_path)
        self.lock = threading.Lock()
        self.llm = Llama(
            model_path=model_path,
            n_ctx=self.options.n_ctx,
            n_threads=self.options.n_threads or os.cpu_count() or 2,
            lora_path=self.options.lora_path,
            seed=self.options.seed,
            verbose=False,
        )

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int = 256,
        grammar: str | None = None,
        stop: list[str] | None = None,
        temperature: float = 0.0,
    ) -> Iterator[str]:
        with self.lock:
            stream = self.llm.create_completion(
                prompt,
                max_tokens=max_tokens,
                grammar=_grammar(grammar) if grammar else None,
                stop=stop or [],
                temperature=temperature,
                top_k=1 if temperature == 0 else 40,
                stream=True,
            )
            for chunk in stream:
                text = chunk["choices"][0]["text"]  # type: ignore[index]
                if text:
                    yield text

    def chat(self, messages: list[Message], **kwargs: Any) -> Iterator[str]:
        temperature = kwargs.get("temperature", 0.0)
        with self.lock:
            stream = self.llm.create_chat_completion(
                messages=list(messages),  # type: ignore[arg-type]
                max_tokens=kwargs.get("max_tokens", 256),
                temperature=temperature,
                top_k=1 if temperature == 0 else 40,
                repeat_penalty=kwargs.get("repeat_penalty", 1.1),
                stop=kwargs.get("stop"),
                stream=True,
            )
            for chunk in stream:
                delta = chunk["choices"][0].get("delta", {})  # type: ignore[union-attr,index]
                text = delta.get("content") if isinstance(delta, dict) else None
                if text:
                    yield text

    def tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    @property
    def context_window(self) -> int:
        return self.options.n_ctx


def json_schema_grammar(schema: dict[str, Any]) -> str:
    """A GBNF grammar that accepts only JSON documents valid against ``schema``."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    return str(json_schema_to_gbnf(json.dumps(schema)))


@lru_cache(maxsize=16)
def _grammar(text: str) -> Any:
    from llama_cpp import LlamaGrammar

    return LlamaGrammar.from_string(text, verbose=False)


@hookimpl
def register_backends(register: Any) -> None:
    register("llama_cpp", LlamaCppBackend)
