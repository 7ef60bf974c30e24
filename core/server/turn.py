"""One chat turn on the model worker: build the agent, run it, and shape what it yields.

The HTTP side never touches the agent. It sends a :class:`TurnRequest` to the worker
thread (see :mod:`calvados.server.queue`); the worker runs :func:`run_turn`, which reports
:class:`Started`, every agent event, then :class:`Ended` through an ``emit`` callback.
:class:`TurnView` turns that stream into OpenAI content deltas plus the ``calvados``
extension (tools, where, session, notices, confirmations, consent).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..agent import Agent
from ..backends.base import Backend
from ..config import Settings, load_settings
from ..errors import CalvadosError, one_line
from ..events import (
    ConfirmationNeeded,
    ConsentNeeded,
    Event,
    Final,
    Notice,
    Token,
    ToolCallEvent,
    ToolResultEvent,
)
from ..planner import Planner
from ..registry import Registry, get_registry
from ..storage import Database, Session

CONFIRM_HINT = 'send the request again with "calvados": {"confirm": true} to approve it'
CONSENT_HINT = 'send the request again with "calvados": {"consent": true} to allow it'


@dataclass
class TurnRequest:
    """What the HTTP layer extracted from a chat completion request."""

    message: str
    session: str | None = None
    history: list[dict[str, str]] = field(default_factory=list)
    confirm: bool = False
    consent: bool = False


@dataclass
class Started:
    """The agent exists; its session id is known."""

    session_id: str


@dataclass
class Ended:
    """The turn is over; ``error`` is a one-line message when it failed."""

    error: str | None = None
    status: int = 500


Emit = Callable[[object], None]


class AgentService:
    """Everything requests share: settings, registry, database and the loaded models.

    Only the worker thread calls :meth:`agent`; models are built there once, on first use.
    """

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        registry: Registry | None = None,
        db: Database | None = None,
        planner: Planner | None = None,
        chat_backend: Backend | None = None,
        now: datetime | Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.registry = registry or get_registry()
        self.db = db or Database()
        self._planner = planner
        self._chat_backend = chat_backend
        self._now = now

    def agent(self, session: str | None, *, confirm: Any = None, consent: Any = None) -> Agent:
        agent = Agent(
            session,
            settings=self.settings,
            registry=self.registry,
            db=self.db,
            now=self._now,
            confirm=confirm,
            consent=consent,
            planner=self._planner,
            chat_backend=self._chat_backend,
        )
        return agent  # what it loads is shared process-wide (calvados.models.shared)

    def warm(self) -> None:
        """Load the planner and the chat model now instead of on the first request."""
        unsaved = Session("warm-up", self.db)  # never written: no empty session is left behind
        agent = Agent(unsaved, settings=self.settings, registry=self.registry, db=self.db,
                      planner=self._planner, chat_backend=self._chat_backend)
        _ = agent.planner, agent.chat_backend

    @property
    def chat_model(self) -> str:
        """The chat model's name (an injected backend's, else the configured one)."""
        if self._chat_backend is not None and self._chat_backend.model_name:
            return self._chat_backend.model_name
        return self.settings.default_model


def run_turn(service: AgentService, request: TurnRequest, emit: Emit) -> None:
    """Run one message through the agent on this (worker) thread, reporting everything."""
    def consent(ask: ConsentNeeded) -> bool:
        ask.approved = request.consent
        emit(ask)  # reported at once, even if the agent never yields it
        return request.consent

    try:
        agent = service.agent(
            request.session, confirm=lambda _req: request.confirm, consent=consent
        )
        if request.session is None and request.history:
            _seed(agent.session, request.history)
        emit(Started(agent.session.id))
        for event in agent.chat(request.message):
            emit(event)
    except CalvadosError as exc:
        emit(Ended(one_line(exc), status=_status(exc)))
        return
    except Exception as exc:  # a framework bug must not kill the worker
        emit(Ended(f"{type(exc).__name__}: {one_line(exc)}"))
        return
    emit(Ended())


def _status(exc: CalvadosError) -> int:
    from ..errors import SessionNotFound, ToolArgumentError, ToolNotFound

    if isinstance(exc, SessionNotFound):
        return 404
    if isinstance(exc, ToolArgumentError | ToolNotFound):
        return 400
    return 500


def _seed(session: Session, history: list[dict[str, str]]) -> None:
    """A new session starts with the conversation the client sent (stateless clients)."""
    for turn in history:
        session.add_message(turn["role"], turn["content"], source="client")


class TurnView:
    """Folds the worker's reports into content deltas and the ``calvados`` extension."""

    def __init__(self) -> None:
        self.session_id: str | None = None
        self.final: Final | None = None
        self.error: str | None = None
        self.status = 200
        self.tools: list[dict[str, Any]] = []
        self.notices: list[str] = []
        self.confirmations: list[dict[str, Any]] = []
        self.consent_refused: list[dict[str, Any]] = []
        self.emitted = ""
        self._pending: list[str] = []
        self._new_block = True
        self._asked: list[ConsentNeeded] = []
        self._streamed_in_call = False

    # ------------------------------------------------------------------ feeding

    def feed(self, item: object) -> list[str]:
        """Account for one report; returns the content pieces to send now."""
        if isinstance(item, Started):
            self.session_id = item.session_id
        elif isinstance(item, Ended):
            if item.error:
                self.error, self.status = item.error, item.status
        elif isinstance(item, Event):
            return self._event(item)
        return []

    def _event(self, event: Event) -> list[str]:
        if isinstance(event, Token):
            if event.source == "safety":  # the crisis protocol streams the whole answer
                self._pending = []
            out = self._flush()
            out += self._put(event.text, block=self._new_block)
            self._new_block, self._streamed_in_call = False, True
            return out
        if isinstance(event, ToolCallEvent):
            self._new_block, self._streamed_in_call = True, False
            return self._flush()
        if isinstance(event, ToolResultEvent):
            self.tools.append(_tool_report(event))
            if event.text and not self._streamed_in_call:
                self._pending.append(event.text)
            return []
        if isinstance(event, Final):
            self.final = event
            out = self._flush()
            if not self.emitted and event.text:
                out += self._put(event.text)
            for hint in self._hints():
                out += self._put(hint)
            return out
        self._note(event)
        return []

    def _note(self, event: Event) -> None:
        if isinstance(event, Notice):
            self.notices.append(event.text)
        elif isinstance(event, ConfirmationNeeded) and not event.approved:
            self.confirmations.append(
                {"tool": event.tool, "arguments": event.arguments, "prompt": event.prompt}
            )
        elif isinstance(event, ConsentNeeded) and not event.approved:
            if any(ask is event for ask in self._asked):  # from the callback, then yielded
                return
            self._asked.append(event)
            self.consent_refused.append(
                {"model": event.model, "data_classes": event.data_classes, "text": event.text}
            )

    def _flush(self) -> list[str]:
        out: list[str] = []
        for text in self._pending:
            out += self._put(text)
        self._pending = []
        return out

    def _put(self, text: str, block: bool = True) -> list[str]:
        """Emit ``text``; blocks (tool results) are separated by a blank line, as in Final."""
        if not text:
            return []
        if block and self.emitted.strip() and not self.emitted.endswith("\n\n"):
            text = "\n\n" + text.lstrip("\n")
        self.emitted += text
        return [text]

    def _hints(self) -> list[str]:
        return [
            f"Confirmation needed: {c['prompt']} ({CONFIRM_HINT})." for c in self.confirmations
        ]

    # ------------------------------------------------------------------ results

    @property
    def content(self) -> str:
        """The whole answer as a non-streaming response carries it."""
        if self.final is None:
            return self.emitted.strip()
        return "\n\n".join([self.final.text.strip(), *self._hints()]).strip()

    def consent_error(self) -> str | None:
        """The one-line refusal when the policy asked and the request did not consent."""
        if not self.consent_refused:
            return None
        ask = self.consent_refused[0]
        classes = ", ".join(ask["data_classes"]) or "this conversation"
        return (
            f"consent required: answering needs to send {classes} data to {ask['model']}; "
            f"{CONSENT_HINT}"
        )

    def extension(self) -> dict[str, Any]:
        """The ``calvados`` field of a response (and of the last stream chunk)."""
        final = self.final
        ext: dict[str, Any] = {
            "session": self.session_id,
            "where": final.where if final else None,
            "tools": self.tools,
            "notices": self.notices,
            "crisis": bool(final and final.crisis),
        }
        if self.confirmations:
            ext["confirmation_needed"] = self.confirmations
        if self.consent_refused:
            ext["consent_needed"] = self.consent_refused
        return ext


def _tool_report(event: ToolResultEvent) -> dict[str, Any]:
    status = "error" if event.error else "ok"
    if event.error == "not confirmed":
        status = "not_confirmed"
    return {
        "tool": event.tool,
        "arguments": _jsonable(event.arguments),
        "status": status,
        "text": event.text,
        "result": _jsonable(event.result),
        "error": event.error,
    }


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))
