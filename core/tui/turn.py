"""Worker-side code: drives the Agent in a thread and posts what happens to the screen.

Nothing here touches widgets. Events travel as messages (``post`` is thread-safe); the
agent generator is checked for cancellation between events and closed when cancelled.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.worker import Worker

from ..agent import Agent
from ..errors import CalvadosError, one_line
from ..events import Event, Final, Token, ToolCallEvent, ToolResultEvent
from ..storage import Database, Session, list_sessions

Post = Callable[[Message], Any]
AgentFactory = Callable[[str | None], Agent]
NO_SCAN = (
    "Documents are not available: no installed skill reads attached files "
    "(see: calvados skills list)."
)


class TurnEvent(Message):
    """An agent event for the reply view of ``turn``."""

    def __init__(self, turn: int, event: Event) -> None:
        super().__init__()
        self.turn = turn
        self.event = event


class TurnDone(Message):
    """The worker of ``turn`` has finished: ``outcome`` is done, cancelled or failed."""

    def __init__(
        self, turn: int, outcome: str, error: str = "", sessions: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__()
        self.turn = turn
        self.outcome = outcome
        self.error = error
        self.sessions = sessions or []


class TurnProgress(Message):
    """A long tool reports progress (``done`` of ``total``: pages, parts)."""

    def __init__(self, turn: int, done: int, total: int, label: str) -> None:
        super().__init__()
        self.turn = turn
        self.done = done
        self.total = total
        self.label = label


class AgentReady(Message):
    """A session is open: its agent, its stored messages, and the session list."""

    def __init__(
        self, agent: Agent, messages: list[dict[str, Any]], sessions: list[dict[str, Any]],
        notice: str = "",
    ) -> None:
        super().__init__()
        self.agent = agent
        self.messages = messages
        self.sessions = sessions
        self.notice = notice


class AgentFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


def with_tool_calls(
    messages: list[dict[str, Any]], calls: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The messages, each assistant message with ``calls``: the stored tool calls (rows of
    ``Session.tool_calls()``) of its turn, the user message before it."""
    by_turn: dict[int | None, list[dict[str, Any]]] = {}
    for call in calls:
        by_turn.setdefault(call["message_id"], []).append(call)
    out: list[dict[str, Any]] = []
    turn: int | None = None
    for message in messages:
        if message["role"] == "user":
            turn = message["id"]
        found = by_turn.pop(turn, []) if message["role"] == "assistant" and turn else []
        out.append({**message, "calls": found})
    return out


def open_agent(factory: AgentFactory, session_id: str | None, history: int = 60) -> AgentReady:
    """Build the agent for ``session_id`` (a new session when None or not found); its last
    ``history`` messages come with their tool calls."""
    notice = ""
    try:
        if session_id is not None:  # what a person typed: a whole id or a unique prefix
            session_id = Session.find(Database(), session_id).id
        agent = factory(session_id)
    except CalvadosError as exc:
        if session_id is None:
            raise
        notice = f"{one_line(exc)}; started a new session"
        agent = factory(None)
    session = agent.session
    messages = with_tool_calls(session.messages(), session.tool_calls())[-history:]
    return AgentReady(agent, messages, list_sessions(agent.db), notice)


def sessions_of(agent: Agent) -> list[dict[str, Any]]:
    try:
        return list_sessions(agent.db)
    except Exception:  # the list is a convenience; a read error must not end the turn
        return []


@contextmanager
def tool_services(agent: Agent, turn: int, post: Post,
                  stop: threading.Event) -> Iterator[None]:
    """While a turn runs, tools see ``stop`` as ``ctx.cancel`` (long scans and the breathing
    exercise stop at once) and report progress to the screen through ``ctx.progress``."""

    def progress(done: int, total: int, label: str) -> None:
        post(TurnProgress(turn, done, total, label))

    agent.cancel, agent.progress = stop, progress
    try:
        yield
    finally:
        agent.cancel = agent.progress = None


def drive_turn(
    agent: Agent, message: str, turn: int, post: Post, worker: Worker[Any],
    stop: threading.Event,
) -> None:
    """Run one message through ``agent.chat``, posting every event, until done or stopped."""
    with tool_services(agent, turn, post, stop):
        _drive(agent, message, turn, post, lambda: worker.is_cancelled or stop.is_set())


def _drive(agent: Agent, message: str, turn: int, post: Post, stopped: Callable[[], bool]) -> None:
    events = agent.chat(message)
    outcome, error = "done", ""
    try:
        for event in events:
            if stopped() and not isinstance(event, Final):
                if isinstance(event, Token | ToolResultEvent):  # kept in the session: shown
                    post(TurnEvent(turn, event))
                outcome = "cancelled"
                break
            post(TurnEvent(turn, event))
    except CalvadosError as exc:
        outcome, error = "failed", one_line(exc)
    except Exception as exc:  # a failing model or skill must not take the UI down
        outcome, error = "failed", f"{type(exc).__name__}: {one_line(exc)}"
    finally:
        if isinstance(events, Generator):
            events.close()
    post(TurnDone(turn, outcome, error, sessions_of(agent)))


@dataclass
class ScanRequest:
    path: str
    language: str | None = None

    @classmethod
    def parse(cls, argument: str) -> ScanRequest:
        """``PATH [LANGUAGE]``; quote a path with spaces."""
        try:
            parts = shlex.split(argument)
        except ValueError as exc:
            raise CalvadosError(f"/scan: {exc}") from None
        if not parts or len(parts) > 2:
            raise CalvadosError("usage: /scan PATH [LANGUAGE]")
        path = str(Path(parts[0]).expanduser())
        return cls(path, parts[1] if len(parts) == 2 else None)

    @property
    def arguments(self) -> dict[str, Any]:
        args: dict[str, Any] = {"path": self.path}
        if self.language:
            args["language"] = self.language
        return args


def drive_scan(
    agent: Agent, request: ScanRequest, turn: int, post: Post, stop: threading.Event
) -> None:
    """Attach a document: run the skill that reads attached files (``attaches=True``, the
    documents skill's ``scan_document``) through the agent and keep it in the session."""
    reader = agent.registry.attachment_tool()
    if reader is None:
        post(TurnDone(turn, "failed", NO_SCAN))
        return
    with tool_services(agent, turn, post, stop):
        _scan(agent, reader.name, request, turn, post, stop)


def _scan(
    agent: Agent, tool: str, request: ScanRequest, turn: int, post: Post, stop: threading.Event
) -> None:
    where = f"on-device: {tool}"
    agent.session.add_message("user", f"/scan {shlex.join([request.path])}")
    post(TurnEvent(turn, ToolCallEvent(tool, request.arguments)))
    try:
        result = agent.run_tool(tool, request.arguments)
    except Exception as exc:  # run_tool records tool errors; anything else is reported here
        agent.session.add_message("assistant", "", error=one_line(exc))
        post(TurnDone(turn, "failed", one_line(exc)))
        return
    post(TurnEvent(turn, result))
    if stop.is_set():
        agent.session.add_message("assistant", result.text, tools=[tool], cancelled=True)
        post(TurnDone(turn, "cancelled", "", sessions_of(agent)))
        return
    agent.session.add_message("assistant", result.text, tools=[tool], where=where)
    post(TurnEvent(turn, Final(result.text, agent.session.id, where, [tool])))
    post(TurnDone(turn, "done", "", sessions_of(agent)))
