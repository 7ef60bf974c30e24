"""The backend ABC: one abstract method, capabilities as class attributes."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, TypedDict

from pydantic import BaseModel, ConfigDict


class Message(TypedDict):
    role: str
    content: str


class BackendOptions(BaseModel):
    """Options common to backends; subclasses add their own. Unknown keys are an error."""

    model_config = ConfigDict(extra="forbid")

    temperature: float = 0.0
    max_tokens: int = 512


class Backend(ABC):
    """A text generator. ``complete`` streams text pieces for a raw prompt."""

    name: str = "backend"
    local: bool = True
    supports_grammar: bool = False
    supports_streaming: bool = True
    Options: type[BackendOptions] = BackendOptions

    model_name: str = ""

    @abstractmethod
    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int = 256,
        grammar: str | None = None,
        stop: list[str] | None = None,
        temperature: float = 0.0,
    ) -> Iterator[str]:
        """Stream the continuation of ``prompt``, optionally constrained by a GBNF grammar."""

    def chat(self, messages: list[Message], **kwargs: Any) -> Iterator[str]:
        """Stream a chat reply. The default renders a ChatML prompt; backends may override."""
        prompt = "".join(
            f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages
        )
        kwargs.setdefault("stop", ["<|im_end|>"])
        return self.complete(prompt + "<|im_start|>assistant\n", **kwargs)

    def prepare(self, prefix: str) -> None:
        """A hint that the next prompts start with ``prefix`` (backends may precompute it)."""
        return None

    def tokens(self, text: str) -> int:
        """Roughly how many tokens ``text`` is (backends with a tokenizer are exact)."""
        return max(1, len(text) // 4)

    @property
    def context_window(self) -> int:
        return 2048
