"""The agent: safety screen -> plan -> validate -> confirm -> run tools -> final answer."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import crisis, safety
from .backends.base import Backend, Message
from .config import Settings, load_settings
from .errors import CalvadosError, MessageError, ToolArgumentError, one_line
from .events import (
    ConfirmationNeeded,
    ConsentNeeded,
    Event,
    Final,
    Notice,
    Paced,
    Planned,
    Screened,
    Token,
    ToolCallEvent,
    ToolResultEvent,
)
from .generation import local_stream
from .hybrid import CloudGate, Turn
from .ledger import Ledger
from .planner import NO_TOOL, Plan, Planner, ToolCall
from .registry import Registry, get_registry
from .routing import asks_for_cloud
from .storage import Database, Session
from .tools import ToolContext, iter_result

log = logging.getLogger("calvados")
Confirm = Callable[[ConfirmationNeeded], bool]
Consent = Callable[[ConsentNeeded], bool]
ASKED = "calvados.asked"  # session state: the request whose missing argument was asked for
CHAT_SYSTEM = (
    "You are Calvados, a helpful assistant running on the user's device. "
    "Answer briefly and kindly."
)


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
        self.message = ""  # the user's message of the current turn, for tools' contexts
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
        return ToolContext(now=self.now(), session=self.session, models=self.models,
                           settings=self.settings, registry=self.registry, cancel=self.cancel,
                           progress=self.progress, message=self.message,
                           extras=dict(self.tool_extras))

    # ------------------------------------------------------------------ planning

    def plan(self, message: str, history: list[dict[str, str]] | None = None) -> Plan:
        """Plan ``message`` without running anything."""
        hist = self.session.history() if history is None else history
        return self.planner.plan(message, hist, self.session.references())

    # ------------------------------------------------------------------ the loop

    def chat(self, message: str) -> Iterator[Event]:
        """Handle one user message, yielding events; the last one is :class:`Final`."""
        if not message.strip():
            raise MessageError("the message is empty: say what you would like")
        history = self.session.history()
        self.message = message
        self.session.add_message("user", message)
        partial: list[str] = []
        finished = False
        try:
            for event in self._turn(message, history):
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

    def _turn(self, message: str, history: list[dict[str, str]]) -> Iterator[Event]:
        yield from self._notices()
        said = [m["content"] for m in history if m["role"] == "user"]
        verdict = safety.screen(message, said)
        yield Screened(crisis=verdict.crisis, reason=verdict.reason)
        if verdict.crisis:
            self.cloud.keep_local(self.session, "crisis")
            yield from self._crisis(message)
            return
        if asks_for_cloud(message) and (yield from self._cloud_turn(None)):
            return
        plan = self._answering(message, history) or self.plan(message, history)
        plan.calls = [self.resolved(call) for call in plan.calls]
        yield _planned(plan)
        if plan.direct:
            yield from self._reply(message, history, plan)
            return
        if question := self._missing_question(plan):
            self.session.set_state(ASKED, message)
            self.session.add_message("assistant", question, where="on-device: planner")
            yield Token(question, source="planner")
            yield Final(question, self.session.id, "on-device: planner")
            return
        where = f"on-device: {plan.model}"
        run = _Run(observed=[{"role": "user", "content": message}])
        while plan.calls:
            before = _held(self.session.references())
            if not (yield from self._execute(plan.calls, run)):
                break
            plan = self._observe(message, history, run, before)
            if plan.raw:
                yield _planned(plan, observed=True)
        yield from self._notices()
        text = "\n\n".join(run.texts)
        self.session.add_message("assistant", text, tools=run.used, where=where)
        yield Final(text, self.session.id, where, run.used)

    def _execute(self, calls: list[ToolCall], run: _Run) -> Generator[Event, None, bool]:
        """Run the plan's calls in order, the device's and the cloud's alike; False when a
        step failed or was refused (its one line says why) or ``max_steps`` was reached:
        the later calls of that plan do not run."""
        for call in calls:
            if len(run.done) >= self.max_steps:
                yield Notice(f"stopped after {self.max_steps} steps (max_steps)")
                return False
            call = self.resolved(call)  # again: an earlier step may have shown offers
            result = yield from self._run_call(call)
            run.done.append(call)
            if result.text:
                run.texts.append(result.text)
                run.observed.append({"role": "tool", "content": result.text})
            if result.error:
                return False
        return True

    def _observe(self, message: str, history: list[dict[str, str]], run: _Run,
                 before: set[str]) -> Plan:
        """The next step, planned again with this turn's results in view ("find the cheapest
        flight ... and book it" books after the search). Only a step that changed what the
        session holds (offers shown, a booking, a document; not merely their order) is
        observed; a call already made this turn is not made again, so a finished request
        plans nothing."""
        refs = self.session.references()
        if _held(refs) == before or len(run.done) >= self.max_steps:
            return Plan([], "", 0.0, "")
        plan = self.planner.plan(message, [*history, *run.observed], refs)
        ran = {_key(c) for c in run.done}
        plan.calls = [c for c in map(self.resolved, plan.calls) if _key(c) not in ran]
        return plan

    def resolved(self, call: ToolCall) -> ToolCall:
        """The call with what the tool resolves in code ("the cheapest one", "it", an id the
        user typed) against the session, before anything is asked or run."""
        tool = self.registry.tools.get(call.tool)
        return ToolCall(call.tool, tool.prepared(call.arguments, self.context())) if tool \
            else call

    def _answering(self, message: str, history: list[dict[str, str]]) -> Plan | None:
        """After the agent asked for a missing argument, the reply and the request it answers
        are planned together ("book me a flight to paris" + "from boston on friday"); used
        when that gives a complete call, else the reply is planned on its own."""
        asked = self.session.get_state(ASKED)
        if not asked:
            return None
        self.session.set_state(ASKED, None)
        earlier = history[:-2] if len(history) >= 2 else history
        plan = self.plan(f"{asked} {message}", earlier)
        if plan.calls and self._missing_question(plan) is None:
            return plan
        return None

    def _missing_question(self, plan: Plan) -> str | None:
        """A question for the first planned call that lacks a required argument."""
        for call in plan.calls:
            tool = self.registry.tools.get(call.tool)
            if tool is not None and (missing := tool.missing(call.arguments)):
                return tool.ask_for(missing)
        return None

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
            self._turn_now(), data_class, messages, max_tokens=max_tokens,
            temperature=temperature, prefer_cloud=prefer_cloud,
        )
        if pieces is not None:
            yield from pieces
            return
        yield from local_stream(self.chat_backend, messages, max_tokens=max_tokens,
                                temperature=temperature, **options)

    def _turn_now(self) -> Turn:
        """The turn a cloud request belongs to: the session's latest user message."""
        return Turn(self.session, self.session.turn or 0, self.session.said)

    def _consent(self, request: ConsentNeeded) -> bool:
        return bool(self.consent and self.consent(request))

    def _cloud_turn(self, plan: Plan | None) -> Generator[Event, None, bool]:
        """The turn answered in the cloud, if routing and the gate say so; the calls the
        cloud asks for run here, as one more plan, under the usual confirmation."""
        answer = yield from self.cloud.take(self._turn_now(), plan)
        if answer is None:
            return False
        run = _Run(texts=[answer.text] if answer.text else [])
        yield from self._execute(answer.calls, run)
        text = "\n\n".join(run.texts)
        self.session.add_message("assistant", text, where=answer.where, tools=run.used,
                                 ledger=answer.ledger_id)
        yield Final(text, self.session.id, answer.where, run.used)
        return True

    def _notices(self) -> Iterator[Notice]:
        """Pending one-line notes (skipped plugins, cloud fallbacks inside skills)."""
        while self.notices:
            yield Notice(self.notices.pop(0))

    def ask(self, message: str) -> Final:
        """Run :meth:`chat` to the end and return the final event."""
        final = None
        for event in self.chat(message):
            if isinstance(event, Final):
                final = event
        assert final is not None
        return final

    def run_tool(self, name: str, arguments: dict[str, Any]) -> ToolResultEvent:
        """Run one tool directly (confirmation still applies); returns its result event.

        The arguments are the caller's: no message of an earlier turn is given to the
        tool to resolve them against."""
        result: ToolResultEvent | None = None
        said, self.message = self.message, ""
        try:
            for event in self._run_call(ToolCall(name, arguments)):
                if isinstance(event, ToolResultEvent):
                    result = event
        finally:
            self.message = said
        assert result is not None
        return result

    def _run_call(self, call: ToolCall) -> Generator[Event, None, ToolResultEvent]:
        """Validate, confirm and run one call; returns (and yields) its ToolResultEvent."""
        known = self.registry.tools.get(call.tool)
        shown = known.masked(call.arguments) if known else call.arguments  # no secret leaves
        yield ToolCallEvent(call.tool, shown)
        result = ToolResultEvent(call.tool, shown)
        try:
            tool = self.registry.tool(call.tool)
            ctx = self.context()
            model = tool.validate(call.arguments, ctx)
            if tool.needs_confirmation and not (yield from self._confirm(
                    ToolCall(call.tool, normalized(model, call.arguments)),
                    tool.details(model, ctx))):
                result.text = f"Cancelled: {call.tool} was not confirmed."
                result.error = "not confirmed"
                self.session.record_tool_call(call.tool, shown, "refused")
                yield result
                return result
            chunks: list[str] = []
            value: Any = None
            for item in iter_result(tool.call(model, ctx)):  # validated once, above
                if isinstance(item, Paced):
                    chunks.append(item.text + "\n")
                    yield Token(item.text + "\n", source=call.tool, paced=item)
                elif isinstance(item, str):
                    chunks.append(item)
                    yield Token(item, source=call.tool)
                else:
                    value = item
            result.result = value if value is not None else "".join(chunks)
            result.text = _result_text(value, chunks)
            self.session.record_tool_call(call.tool, shown, "ok", result.result)
        except (CalvadosError, OSError, ValueError) as exc:
            result.error = one_line(exc)
            named = result.error.startswith(f"{call.tool}:")  # argument errors name their tool
            result.text = result.error if named else f"{call.tool}: {result.error}"
            self.session.record_tool_call(call.tool, shown, "error", error=result.error)
        except Exception as exc:  # a skill that raises must not end the session
            log.debug("tool %s raised", call.tool, exc_info=True)  # the traceback with --debug
            result.error = f"{type(exc).__name__}: {one_line(exc)}"
            result.text = f"{call.tool} failed: {result.error}"
            self.session.record_tool_call(call.tool, shown, "error", error=result.error)
        yield result
        return result

    def _confirm(self, call: ToolCall, details: str = "") -> Generator[Event, None, bool]:
        """Ask the user, showing the arguments as the tool will get them (secrets masked)
        and what they refer to, as the tool describes it (an offer's flight and price)."""
        known = self.registry.tools.get(call.tool)
        shown = ToolCall(call.tool, known.masked(call.arguments) if known else call.arguments)
        prompt = f"Run {shown.render()}?" + (f"\n{details}" if details else "")
        request = ConfirmationNeeded(call.tool, shown.arguments, prompt, details=details)
        request.approved = bool(self.confirm and self.confirm(request))
        yield request
        return request.approved

    def _reply(
        self, message: str, history: list[dict[str, str]], plan: Plan | None = None
    ) -> Iterator[Event]:
        """A direct answer, streamed: from the cloud if the hybrid policy escalates it
        (see :mod:`calvados.hybrid`), else from the on-device chat model."""
        if (yield from self._cloud_turn(plan)):
            return
        messages = [{"role": "system", "content": CHAT_SYSTEM}, *history[-6:]]
        messages.append({"role": "user", "content": message})
        chunks = []
        for piece in self.chat_backend.chat(messages, max_tokens=300):  # type: ignore[arg-type]
            chunks.append(piece)
            yield Token(piece)
        text = "".join(chunks).strip()
        where = f"on-device: {self.chat_backend.model_name}"
        self.session.add_message("assistant", text, where=where)
        yield Final(text, self.session.id, where)

    def _crisis(self, message: str) -> Iterator[Event]:
        """The crisis protocol: calm words, resources, an invitation, in the language of
        ``message`` (see :mod:`calvados.crisis`). Never leaves the device."""
        yield Notice("safety: responding with the crisis protocol (kept on this device)")
        found: Any = None
        if "crisis_resources" in self.registry.tools:
            result = yield from self._run_call(ToolCall("crisis_resources", {}))
            found = result.result if isinstance(result.result, dict) else result.text
        parts = crisis.reply_parts(message, found)
        text = "\n\n".join(parts)
        for piece in parts:
            yield Token(piece + "\n\n", source="safety")
        self.session.add_message("assistant", text, where="on-device: safety", crisis=True)
        yield Final(text, self.session.id, "on-device: safety", ["crisis_resources"], crisis=True)


def normalized(model: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The validated arguments as the tool gets them: the ones given, and derived ones."""
    out = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if name in given or (value is not None and value != info.default):
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


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


@dataclass
class _Run:
    """The steps of one turn so far: the calls made, their texts, what the planner sees."""

    done: list[ToolCall] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    observed: list[dict[str, str]] = field(default_factory=list)

    @property
    def used(self) -> list[str]:
        return [call.tool for call in self.done]


def _planned(plan: Plan, observed: bool = False) -> Planned:
    unreadable = not plan.calls and plan.raw.strip() not in ("", NO_TOOL)
    return Planned(calls=[{"tool": c.tool, "arguments": c.arguments} for c in plan.calls],
                   raw=plan.raw, model=plan.model, latency_ms=plan.latency_ms,
                   observed=observed, error="the plan could not be read" if unreadable else None)


def _held(references: list[str]) -> set[str]:
    """What the references name, order aside: asking about an earlier document makes it
    the latest one, but holds nothing new."""
    return set(re.findall(r"[^\s,;]+", " ".join(references)))


def _key(call: ToolCall) -> tuple[str, str]:
    return call.tool, json.dumps(call.arguments, sort_keys=True, default=str)


def _result_text(value: Any, chunks: list[str]) -> str:
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return str(value["text"])
    if chunks:
        return "".join(chunks)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, default=str, ensure_ascii=False)


__all__ = ["Agent", "ToolArgumentError"]
