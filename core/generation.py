"""Text generation for skills: the models a skill uses outside an agent, a local stream that
tolerates backends without some options."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .backends.base import Backend, Message
from .config import load_settings
from .text import STREAM_END
from .tools import Models, ToolContext

REPLY_TOKENS = 300
REPLY_OPTIONS: dict[str, Any] = {"repeat_penalty": 1.15}  # small models loop without it
LOCAL_ONLY_OPTIONS = ("repeat_penalty", "no_repeat_ngram")  # llama.cpp's; others drop them


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
        for name in LOCAL_ONLY_OPTIONS:
            options.pop(name, None)
        return backend.chat(messages, **options)


def chat_reply(backend: Backend, messages: list[Message],
               max_tokens: int = REPLY_TOKENS) -> Iterator[str]:
    """A direct answer from the local chat model, streamed, with the reply's decoding settings;
    an answer cut by its token budget ends at its last whole sentence."""
    stream = local_stream(backend, messages, max_tokens=max_tokens, **REPLY_OPTIONS)
    return whole_sentences(stream, max_tokens)


def whole_sentences(stream: Iterable[str], budget: int, hold: int = 48) -> Iterator[str]:
    """Pass a reply's pieces through as they come; in the last ``hold`` pieces of its budget
    of ``budget``, hold back text after the last sentence end, and if the reply used the
    whole budget, that unfinished tail is not shown (unless nothing else was). A reply that
    ended by itself is shown whole."""
    held, count, shown = "", 0, False
    for piece in stream:
        count += 1
        if count <= budget - hold:
            shown = shown or bool(piece.strip())
            yield piece
            continue
        held += piece
        ends = [m.end() for m in STREAM_END.finditer(held)]
        if ends:
            yield held[:ends[-1]]
            held, shown = held[ends[-1]:], True
    if held and (count < budget or not shown):
        yield held
