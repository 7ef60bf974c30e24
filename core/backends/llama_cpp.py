"""The llama.cpp backend (llama-cpp-python): streaming, GBNF grammars, prefix reuse, LoRA."""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import threading
import weakref
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..hookspecs import hookimpl
from ..paths import cache_dir
from .base import Backend, BackendOptions, Message

MIN_CACHED_PREFIX = 256  # tokens; shorter prefixes are cheaper to evaluate than to load
KEEP_PREFIX_STATES = 8


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
        self._glued_tokens: frozenset[int] | None = None
        # free the model before interpreter shutdown tears down llama_cpp's globals
        weakref.finalize(self, self.llm.close)

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
        """Stream a chat reply. ``no_repeat_ngram=n`` never writes a token that would repeat
        an n-token sequence already in the conversation (its stories loop otherwise)."""
        temperature = kwargs.get("temperature", 0.0)
        size = kwargs.get("no_repeat_ngram")
        processors = None
        if size:
            from llama_cpp import LogitsProcessorList

            processors = LogitsProcessorList(
                [NoRepeatNgram(size, self.llm.token_eos(), self._glued())])
        with self.lock:
            stream = self.llm.create_chat_completion(
                messages=list(messages),  # type: ignore[arg-type]
                max_tokens=kwargs.get("max_tokens", 256),
                temperature=temperature,
                top_k=1 if temperature == 0 else 40,
                repeat_penalty=kwargs.get("repeat_penalty", 1.1),
                stop=kwargs.get("stop"),
                logits_processor=processors,
                stream=True,
            )
            for chunk in stream:
                delta = chunk["choices"][0].get("delta", {})  # type: ignore[union-attr,index]
                text = delta.get("content") if isinstance(delta, dict) else None
                if text:
                    yield text

    def _glued(self) -> frozenset[int]:
        """Tokens that go on the word before them (no space or punctuation first): a ban
        never splits a word, so "Finnley" is not forced into "Finnly"."""
        if self._glued_tokens is None:
            pieces = (self.llm.detokenize([t]).decode("utf-8", "ignore")
                      for t in range(self.llm.n_vocab()))
            self._glued_tokens = frozenset(
                t for t, piece in enumerate(pieces) if not piece or piece[0].isalnum())
        return self._glued_tokens

    def choice_logprobs(self, messages: list[Message], choices: list[str]) -> list[float]:
        """The log-probability of each one-token choice as the reply's first token (a judge's
        verdict weighed, not just read)."""
        import numpy as np
        from llama_cpp import LogitsProcessorList

        seen: list[Any] = []

        def keep(input_ids: Any, scores: Any) -> Any:
            seen.append(np.array(scores, dtype=np.float64))
            return scores

        with self.lock:
            self.llm.create_chat_completion(
                messages=list(messages), max_tokens=1, temperature=0.0,  # type: ignore[arg-type]
                logits_processor=LogitsProcessorList([keep]))
        logits = seen[0]
        top = logits.max()
        logprobs = logits - top - np.log(np.exp(logits - top).sum())
        ids = [self.llm.tokenize(c.encode("utf-8"), add_bos=False, special=False)[0]
               for c in choices]
        return [float(logprobs[i]) for i in ids]

    def tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def prepare(self, prefix: str) -> None:
        """Evaluate ``prefix`` once; its KV state is kept on disk, so a new process starts warm."""
        tokens = self.llm.tokenize(prefix.encode("utf-8"), special=True)
        n = len(tokens)
        if n < MIN_CACHED_PREFIX or n >= self.options.n_ctx - 64:
            return
        with self.lock:
            if self.llm.n_tokens >= n and list(self.llm.input_ids[:n]) == tokens:
                return
            path = self._state_file(prefix)
            if path.exists() and self._load_state(path, tokens):
                return
            self.llm.reset()
            self.llm.eval(tokens)
            self._save_state(path, tokens)

    def _state_file(self, prefix: str) -> Path:
        files = [self.model_path] + ([self.options.lora_path] if self.options.lora_path else [])
        stamps = [(f, os.stat(f).st_size, os.stat(f).st_mtime_ns) for f in files]
        key = "|".join(str(x) for x in (*stamps, self.options.n_ctx, _llama_version(), prefix))
        return cache_dir() / "prefixes" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.state"

    def _load_state(self, path: Path, tokens: list[int]) -> bool:
        import llama_cpp

        out = (llama_cpp.llama_token * len(tokens))()
        count = ctypes.c_size_t(0)
        ok = llama_cpp.llama_state_load_file(
            self.llm.ctx, str(path).encode(), out, len(tokens), ctypes.byref(count)
        )
        if not ok or list(out[: count.value]) != tokens:
            self.llm.reset()
            return False
        self.llm.input_ids[: len(tokens)] = tokens
        self.llm.n_tokens = len(tokens)
        self.llm._requires_eval = True  # logits come from the next (suffix) decode
        os.utime(path)  # most recently used
        return True

    def _save_state(self, path: Path, tokens: list[int]) -> None:
        import llama_cpp

        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        array = (llama_cpp.llama_token * len(tokens))(*tokens)
        try:  # only a cache: a full disk or a concurrent prune must not fail the request
            path.parent.mkdir(parents=True, exist_ok=True)
            if llama_cpp.llama_state_save_file(self.llm.ctx, str(tmp).encode(), array, len(tokens)):
                os.replace(tmp, path)
            files = sorted(path.parent.glob("*.state"), key=lambda f: f.stat().st_mtime)
            for old in files[:-KEEP_PREFIX_STATES]:
                old.unlink(missing_ok=True)
        except OSError:
            tmp.unlink(missing_ok=True)

    @property
    def context_window(self) -> int:
        return self.options.n_ctx


class NoRepeatNgram:
    """A logits processor that bans every token completing an n-gram of tokens already seen
    (prompt included), except the end of the reply and the ``glued`` tokens that finish a
    word (the next word's first token is banned instead). One per reply: its table grows with
the sequence."""

    def __init__(self, n: int, keep: int, glued: frozenset[int] = frozenset()) -> None:
        self.n, self.keep, self.glued = n, keep, glued
        self.seen: dict[tuple[int, ...], set[int]] = {}
        self.upto = 0  # input positions already in the table

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        ids = [int(t) for t in input_ids]
        n = self.n
        for i in range(max(self.upto, n - 1), len(ids)):
            self.seen.setdefault(tuple(ids[i - n + 1:i]), set()).add(ids[i])
        self.upto = len(ids)
        banned = self.seen.get(tuple(ids[len(ids) - n + 1:]), set()) - {self.keep} - self.glued
        if banned:
            scores[list(banned)] = -float("inf")
        return scores


def _llama_version() -> str:
    import llama_cpp

    return str(llama_cpp.__version__)


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
