"""Text generation for skills: the on-device chat model a skill should use, a stream that
tolerates backends without some options, and a stream grouped into whole sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .backends.base import Backend, Message
from .config import load_settings
from .tools import ToolContext


def chat_backend(ctx: ToolContext | None) -> Backend:
    """The on-device chat model: an injected one, the agent's, or the configured default."""
    if ctx is not None and ctx.extras.get("backend") is not None:
        return ctx.extras["backend"]  # type: ignore[no-any-return]
    if ctx is not None and ctx.agent is not None:
        return ctx.agent.chat_backend  # type: ignore[no-any-return]
    from .models import load_backend

    settings = load_settings()
    backend: Backend = load_backend(settings.default_model, n_threads=settings.n_threads)
    return backend


def local_stream(backend: Backend, messages: list[Message], **options: Any) -> Iterator[str]:
    """Stream a local chat reply; options a backend does not know are dropped."""
    try:
        return backend.chat(messages, **options)
    except TypeError:
        options.pop("repeat_penalty", None)
        return backend.chat(messages, **options)


_SENTENCE_END = re.compile(
    r"(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bMs)(?<!\bSt)[.!?…]+[\"'”’)]*\s+|\n\s*"
)


def sentences(stream: Iterator[str]) -> Iterator[str]:
    """Group a token stream into sentences (a paragraph break is returned as ``"\\n"``).

    Text left over at the end counts only if it ends like a sentence: a reply cut off by
    its token budget does not end mid-thought.
    """
    buffer = ""
    for piece in stream:
        buffer += piece
        while (m := _SENTENCE_END.search(buffer)) is not None:
            sentence, buffer = buffer[: m.end()].strip(), buffer[m.end():]
            if sentence:
                yield sentence
            if "\n\n" in m.group(0) or m.group(0).strip() == "" and "\n" in m.group(0):
                yield "\n"
    if re.search(r"[.!?…][\"'”’)]*$", buffer.strip()):
        yield buffer.strip()
