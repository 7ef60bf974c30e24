"""The agent: the embedding API over one persisted session. Its turns are run by
:class:`calvados.turn.TurnLoop`; the agent holds the services a turn uses."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .backends.base import Backend, Message
from .config import Settings, load_settings
from .errors import CalvadosError, MessageError, ToolArgumentError, one_line
from .events import ConfirmationNeeded, ConsentNeeded, Event, Final, Token, ToolResultEvent
from .generation import local_stream
from .hybrid import CloudGate
from .ledger import Ledger
from .planner import Plan, Planner, ToolCall
from .registry import Registry, get_registry
from .storage import Database, Session
from .tools import ToolContext
from .turn import Executor, TurnLoop, current_turn

Confirm = Callable[[ConfirmationNeeded], bool]
Consent = Callable[[ConsentNeeded], bool]


class Agent:
    """The embedding API: ``plan(message)`` and ``chat(message)`` over a persisted session."""

    def __init__(
        self,
        session: Session | str | None = None,
        *,
        settings: Settings | None = None,
        registry: Registry | None = None,
        db: Database | None = None,
        now: datetime | Callable[[], datetime] | None = None,
        confirm: Confirm | None = None,
        consent: Consent | None = None,
        max_steps: int | None = None,
        planner: Planner | None = None,
        chat_backend: Backend | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.registry = registry or get_registry()
        self.db = db or Database()
        if isinstance(session, Session):
            self.session = session
        elif session:
            self.session = Session.load(self.db, session)
        else:
            self.session = Session.create(self.db)
        self._now = now
        self.confirm = confirm
        self.consent = consent
        self.max_steps = max_steps or self.settings.max_steps
        self._planner = planner
        self._chat_backend = chat_backend
        self.notices: list[str] = list(self.registry.problems)
        self.writers: list[str] = []  # the local models that wrote text for this turn's tools
        self._direct = False  # a tool run by run_tool, outside a turn
        self.tool_extras: dict[str, Any] = {}  # given to every tool's context (a clock)
        self.cancel: threading.Event | None = None  # a face's cancel flag, for tools
        self.progress: Callable[[int, int, str], None] | None = None
        self.models = _AgentModels(self)
        self.cloud = CloudGate(self.settings, self.registry, Ledger(self.db),
                               consent=self._consent, local=lambda: self._chat_backend,
                               notices=self.notices)

    # ------------------------------------------------------------------ services

    def now(self) -> datetime:
        if self._now is None:
            return datetime.now().replace(microsecond=0)
        return self._now() if callable(self._now) else self._now

    @property
    def planner(self) -> Planner:
        if self._planner is None:
            from .student import shared_planner

            self._planner = shared_planner(self.settings, self.registry)
        return self._planner

    @property
    def chat_backend(self) -> Backend:
        if self._chat_backend is None:
            from .models import load_backend

            self._chat_backend = load_backend(
                self.settings.default_model, n_threads=self.settings.n_threads
            )
        return self._chat_backend

    def context(self) -> ToolContext:
        """A tool's context; its ``message`` is the turn's (none for a tool run directly)."""
        return ToolContext(now=self.now(), session=self.session, models=self.models,
                           settings=self.settings, registry=self.registry, cancel=self.cancel,
                           progress=self.progress,
                           message="" if self._direct else self.session.said,
                           extras=dict(self.tool_extras))

    # ------------------------------------------------------------------ planning

    def plan(self, message: str, history: list[dict[str, str]] | None = None) -> Plan:
        """Plan ``message`` without running anything."""
        hist = self.session.history() if history is None else history
        return self.planner.plan(message, hist, self.session.references())

    # ------------------------------------------------------------------ the turn

    def executor(self) -> Executor:
        """Runs calls for this session under this agent's confirmation and ``max_steps``."""
        return Executor(self.registry, self.session, self.context,
                        lambda request: bool(self.confirm and self.confirm(request)),
                        self.max_steps)

    def turn_loop(self) -> TurnLoop:
        """The loop that owns one turn (see :mod:`calvados.turn`)."""
        return TurnLoop(self.session, self.executor(), lambda: self.planner,
                        lambda: self.chat_backend, self.cloud, self.notices, self.writers)

    def chat(self, message: str) -> Iterator[Event]:
        """Handle one user message, yielding events; the last one is :class:`Final`."""
        if not message.strip():
            raise MessageError("the message is empty: say what you would like")
        history = self.session.history()
        self.session.add_message("user", message)
        self.writers.clear()
        partial: list[str] = []
        finished = False
        try:
            for event in self.turn_loop().run(message, history):
                if isinstance(event, Token):
                    partial.append(event.text)
                finished = isinstance(event, Final)
                yield event
        except BaseException as exc:  # the stored message always gets a reply or an error
            if not finished:
                stopped = isinstance(exc, GeneratorExit | KeyboardInterrupt)
                error = None if stopped else one_line(exc) if isinstance(
                    exc, CalvadosError) else f"{type(exc).__name__}: {one_line(exc)}"
                self.session.add_message("assistant", "".join(partial), cancelled=stopped,
                                         error=error)
            raise

    def complete_for(
        self, data_class: str, messages: list[Message], *, max_tokens: int = 300,
        temperature: float = 0.0, prefer_cloud: bool = False, **options: Any,
    ) -> Iterator[str]:
        """Stream a completion for a skill under the privacy policy (what ``ctx.models``
        gives a skill inside an agent). On the device unless a trigger escalates it (the user asked
        for the cloud, the context or the requested length exceeds the local model, or
        ``prefer_cloud``) and the policy for ``data_class`` allows it; then redacted,
        consented and recorded in the ledger. Send retrieved excerpts, never whole files.
        """
        pieces = self.cloud.complete(
            current_turn(self.session), data_class, messages, max_tokens=max_tokens,
            temperature=temperature, prefer_cloud=prefer_cloud,
        )
        if pieces is not None:
            yield from pieces
            return
        backend = self.chat_backend
        if backend.model_name not in self.writers:
            self.writers.append(backend.model_name)
        yield from local_stream(backend, messages, max_tokens=max_tokens,
                                temperature=temperature, **options)

    def _consent(self, request: ConsentNeeded) -> bool:
        return bool(self.consent and self.consent(request))

    def ask(self, message: str) -> Final:
        """Run :meth:`chat` to the end and return the final event."""
        final = None
        for event in self.chat(message):
            if isinstance(event, Final):
                final = event
        assert final is not None
        return final

    def tool_events(self, name: str, arguments: dict[str, Any]) -> Iterator[Event]:
        """Run one tool directly (confirmation still applies), yielding its events; the
        last one is its :class:`ToolResultEvent`.

        The arguments are the caller's: no message of an earlier turn is given to the
        tool to resolve them against."""
        self._direct = True
        try:
            yield from self.executor().run_call(ToolCall(name, arguments))
        finally:
            self._direct = False

    def run_tool(self, name: str, arguments: dict[str, Any]) -> ToolResultEvent:
        """Run one tool directly (see :meth:`tool_events`); returns its result event."""
        *_, result = self.tool_events(name, arguments)
        assert isinstance(result, ToolResultEvent)
        return result


@dataclass
class _AgentModels:
    """``ctx.models`` inside an agent: completions under the privacy policy."""

    agent: Agent

    def local(self) -> Backend:
        return self.agent.chat_backend

    def complete(self, data_class: str, messages: list[Message], *, max_tokens: int = 300,
                 temperature: float = 0.0, prefer_cloud: bool = False,
                 **options: Any) -> Iterator[str]:
        return self.agent.complete_for(data_class, messages, max_tokens=max_tokens,
                                       temperature=temperature, prefer_cloud=prefer_cloud,
                                       **options)


__all__ = ["Agent", "ToolArgumentError"]
