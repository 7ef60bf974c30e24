"""The Gemini backend (the official ``google-genai`` client): streaming, tool calling,
timeouts and retries.

The API key comes from the argument, else ``GEMINI_API_KEY``; it is kept as a
``SecretStr`` and never logged. ``CALVADOS_GEMINI_BASE_URL`` points the client at another
endpoint (a proxy, or a local test server). ``google-genai`` is imported on first use only,
so start-up stays fast. Every failure becomes a one-line :class:`~calvados.errors.CloudError`
(:class:`~calvados.errors.CloudUnreachable` when there is no connection at all).

This backend sends whatever it is given: callers go through the privacy policy
(:mod:`calvados.hybrid`), which redacts, asks for consent and writes the ledger first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from ..config import GEMINI_BASE_URL_ENV
from ..errors import CloudError, CloudUnreachable, one_line
from ..hookspecs import hookimpl
from .base import Backend, BackendOptions, Message

DEFAULT_MODEL = "gemini-2.5-flash"
BASE_URL_ENV = GEMINI_BASE_URL_ENV
API_VERSION = "v1beta"


class GeminiOptions(BackendOptions):
    timeout: float = 30.0
    """Seconds to wait for the service before giving up on an attempt."""
    retries: int = 2
    """Extra attempts after a timeout, a dropped connection, HTTP 408/429 or 5xx."""
    retry_delay: float = 0.5
    """Seconds before the first retry (doubling after each)."""
    base_url: str | None = None
    """Service endpoint; default: ``CALVADOS_GEMINI_BASE_URL``, else Google's."""


@dataclass
class FunctionCall:
    """A tool call the cloud model asked for (run locally, under the usual confirmation)."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass
class Usage:
    """Token counts reported by the service for one request."""

    prompt_tokens: int = 0
    reply_tokens: int = 0


@dataclass
class CloudReply:
    """A whole (non-streamed) reply."""

    text: str
    calls: list[FunctionCall]
    usage: Usage


class GeminiBackend(Backend):
    """Gemini through ``google-genai``. ``stream`` yields text pieces and :class:`FunctionCall`."""

    name = "gemini"
    local = False
    supports_grammar = False
    Options = GeminiOptions

    def __init__(
        self, model_name: str = DEFAULT_MODEL, *, api_key: SecretStr | str | None = None,
        **options: Any,
    ) -> None:
        self.options = GeminiOptions(**options)
        self.model_name = model_name or DEFAULT_MODEL
        if isinstance(api_key, str):
            api_key = SecretStr(api_key)
        if api_key is None and os.environ.get("GEMINI_API_KEY"):
            api_key = SecretStr(os.environ["GEMINI_API_KEY"])
        self._api_key = api_key
        self.base_url = self.options.base_url or os.environ.get(BASE_URL_ENV) or None
        self._client: Any = None

    def __repr__(self) -> str:
        return f"GeminiBackend(model={self.model_name!r}, base_url={self.base_url!r})"

    @property
    def configured(self) -> bool:
        """Whether an API key is available (without it nothing is ever sent)."""
        return bool(self._api_key and self._api_key.get_secret_value())

    @property
    def context_window(self) -> int:
        return 1_000_000

    # ------------------------------------------------------------------ Backend API

    def complete(
        self,
        prompt: str,
        *,
        max_tokens: int = 256,
        grammar: str | None = None,
        stop: list[str] | None = None,
        temperature: float = 0.0,
    ) -> Iterator[str]:
        """Stream a reply to ``prompt`` (grammars are not supported and are ignored)."""
        return self.chat(
            [{"role": "user", "content": prompt}], max_tokens=max_tokens, stop=stop,
            temperature=temperature,
        )

    def chat(self, messages: list[Message], **kwargs: Any) -> Iterator[str]:
        """Stream the text of a chat reply."""
        for item in self.stream(
            messages, max_tokens=kwargs.get("max_tokens", self.options.max_tokens),
            temperature=kwargs.get("temperature", self.options.temperature),
            stop=kwargs.get("stop"), usage=kwargs.get("usage"),
        ):
            if isinstance(item, str):
                yield item

    # ------------------------------------------------------------------ Gemini API

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int = 512,
        temperature: float = 0.0,
        stop: list[str] | None = None,
        tools: Sequence[Any] = (),
        usage: Usage | None = None,
    ) -> Iterator[str | FunctionCall]:
        """``streamGenerateContent``: text pieces as they arrive, then any function calls.

        ``tools`` are :class:`calvados.Tool` objects offered as function declarations.
        ``usage`` (if given) is filled in with the token counts the service reports.
        """
        system, contents = _contents(messages)
        config = self._config(system, max_tokens, temperature, stop, tools)
        produced = False
        try:
            chunks = self._models().generate_content_stream(
                model=self.model_name, contents=contents, config=config
            )
            for chunk in chunks:
                _count(chunk, usage)
                for item in _parts(chunk):
                    produced = True
                    yield item
        except CloudError:
            raise
        except Exception as exc:
            raise _cloud_error(exc, self.options.timeout) from exc
        if not produced:
            raise CloudError("the cloud model's reply was empty or malformed")

    def generate(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int = 512,
        temperature: float = 0.0,
        tools: Sequence[Any] = (),
    ) -> CloudReply:
        """``generateContent``: the whole reply at once."""
        system, contents = _contents(messages)
        config = self._config(system, max_tokens, temperature, None, tools)
        usage = Usage()
        try:
            response = self._models().generate_content(
                model=self.model_name, contents=contents, config=config
            )
            _count(response, usage)
            items = list(_parts(response))
        except CloudError:
            raise
        except Exception as exc:
            raise _cloud_error(exc, self.options.timeout) from exc
        if not items:
            raise CloudError("the cloud model's reply was empty or malformed")
        text = "".join(i for i in items if isinstance(i, str))
        return CloudReply(text, [i for i in items if isinstance(i, FunctionCall)], usage)

    # ------------------------------------------------------------------ internals

    def _models(self) -> Any:
        if not self.configured:
            raise CloudUnreachable("no Gemini API key (set GEMINI_API_KEY or gemini_api_key)")
        if self._client is None:
            from google import genai
            from google.genai import types

            retry = types.HttpRetryOptions(
                attempts=self.options.retries + 1, initial_delay=self.options.retry_delay,
                max_delay=max(self.options.retry_delay * 8, 1.0), jitter=0.1,
            )
            http = types.HttpOptions(
                base_url=self.base_url, api_version=API_VERSION,
                timeout=int(self.options.timeout * 1000), retry_options=retry,
            )
            assert self._api_key is not None
            self._client = genai.Client(
                api_key=self._api_key.get_secret_value(), vertexai=False, http_options=http
            )
        return self._client.models

    def _config(
        self, system: str, max_tokens: int, temperature: float, stop: list[str] | None,
        tools: Sequence[Any],
    ) -> Any:
        from google.genai import types

        declarations = [
            types.FunctionDeclaration(
                name=t.name, description=t.description, parameters_json_schema=t.schema()
            )
            for t in tools
        ]
        return types.GenerateContentConfig(
            system_instruction=system or None,
            max_output_tokens=max_tokens,
            temperature=temperature,
            stop_sequences=stop or None,
            tools=[types.Tool(function_declarations=declarations)] if declarations else None,
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )


def _contents(messages: Sequence[Message]) -> tuple[str, list[Any]]:
    """Split chat messages into Gemini's system instruction and contents."""
    from google.genai import types

    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    contents = [
        types.Content(
            role="model" if m["role"] == "assistant" else "user",
            parts=[types.Part(text=m["content"])],
        )
        for m in messages
        if m["role"] != "system"
    ]
    return system, contents


def _parts(response: Any) -> Iterator[str | FunctionCall]:
    candidates = getattr(response, "candidates", None) or []
    if not candidates:
        feedback = getattr(response, "prompt_feedback", None)
        reason = getattr(feedback, "block_reason", None)
        if reason:
            raise CloudError(f"the cloud model refused the request ({reason})")
        return
    content = getattr(candidates[0], "content", None)
    for part in getattr(content, "parts", None) or []:
        if getattr(part, "text", None) and not getattr(part, "thought", False):
            yield part.text
        call = getattr(part, "function_call", None)
        if call is not None and call.name:
            yield FunctionCall(call.name, dict(call.args or {}))


def _count(response: Any, usage: Usage | None) -> None:
    meta = getattr(response, "usage_metadata", None)
    if usage is None or meta is None:
        return
    usage.prompt_tokens = meta.prompt_token_count or usage.prompt_tokens
    usage.reply_tokens = meta.candidates_token_count or usage.reply_tokens


def _cloud_error(exc: Exception, timeout: float) -> CloudError:
    """One line for the user; no connection at all is :class:`CloudUnreachable`."""
    from google.genai import errors

    if isinstance(exc, errors.APIError):
        return CloudError(f"the cloud model answered HTTP {exc.code}: {exc.status or 'error'}")
    names = {cls.__name__ for cls in type(exc).__mro__}
    if "TimeoutException" in names:
        return CloudUnreachable(f"the cloud model did not answer within {timeout:g} s")
    if names & {"ConnectError", "TransportError", "NetworkError"}:
        return CloudUnreachable(f"cannot reach the cloud model ({one_line(exc)})")
    if isinstance(exc, ValueError):  # JSON and pydantic errors: a malformed reply
        return CloudError("the cloud model's reply was malformed")
    return CloudError(f"the cloud request failed: {type(exc).__name__}: {one_line(exc)}")


@hookimpl
def register_backends(register: Any) -> None:
    register("gemini", GeminiBackend)
