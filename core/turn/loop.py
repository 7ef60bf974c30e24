"""One chat turn, owned by one generator: screen -> plan -> validate -> route -> (confirm)
-> execute -> observe -> plan again with the results, up to ``max_steps`` steps -> reply.

It yields the turn's step records (:class:`~calvados.events.Screened`, ``Planned``,
``Validated``, ``Routed``, ``ToolResultEvent``, ``Final``) with the faces' events (tokens,
notices, confirmations); see docs/architecture.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import crisis, safety
from ..events import Event, Final, Notice, Planned, Screened, Token
from ..generation import chat_reply
from ..hybrid import CloudGate, Turn
from ..planner import NO_TOOL, Plan, Planner, ToolCall
from ..routing import asks_for_cloud
from .executor import Executor, Run

if TYPE_CHECKING:
    from ..backends.base import Backend
    from ..storage import Session

ASKED = "calvados.asked"  # session state: the request whose missing argument was asked for
CHAT_SYSTEM = (
    "You are Calvados, a helpful assistant running on the user's device. "
    "Answer briefly and kindly."
)


@dataclass
class TurnLoop:
    """What a turn works with: the session, the executor (registry, confirmation, steps),
    the planner and the reply model (loaded on first use), the cloud gate, the pending
    notes for the user, and the local models the turn's tools wrote with (named in the
    ``Final`` record's ``where``)."""

    session: Session
    executor: Executor
    planner: Callable[[], Planner]
    reply_model: Callable[[], Backend]
    gate: CloudGate
    notices: list[str]
    writers: list[str] = field(default_factory=list)  # local models the turn's tools wrote with

    def plan(self, message: str, history: list[dict[str, str]]) -> Plan:
        return self.planner().plan(message, history, self.session.references())

    def run(self, message: str, history: list[dict[str, str]]) -> Iterator[Event]:
        """The turn for ``message`` (already stored); ``history`` is the session before it."""
        yield from self.pending_notices()
        verdict = safety.screen(message, [m["content"] for m in history if m["role"] == "user"])
        yield Screened(crisis=verdict.crisis, reason=verdict.reason)
        if verdict.crisis:
            self.gate.keep_local(self.session, "crisis")
            yield from self._crisis(message)
            return
        if asks_for_cloud(message) and (yield from self._cloud_turn(None)):
            return
        plan = self._answering(message, history) or self.plan(message, history)
        plan.calls = [self.executor.resolved(call) for call in plan.calls]
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
        run = Run(observed=[{"role": "user", "content": message}])
        while plan.calls:
            before = _held(self.session.references())
            if not (yield from self.executor.execute(plan.calls, run)):
                break
            plan = self._observe(message, history, run, before)
            if plan.raw:
                yield _planned(plan, observed=True)
        yield from self.pending_notices()
        if self.writers:
            where += f" · written by {', '.join(self.writers)}"
        text = "\n\n".join(run.texts)
        self.session.add_message("assistant", text, tools=run.used, where=where)
        yield Final(text, self.session.id, where, run.used)

    def _observe(self, message: str, history: list[dict[str, str]], run: Run,
                 before: set[str]) -> Plan:
        """The next step, planned again with this turn's results in view ("find the cheapest
        flight ... and book it" books after the search). Only a step that changed what the
        session holds (offers shown, a booking, a document; not merely their order) is
        observed; a call already made this turn is not made again, so a finished request
        plans nothing."""
        refs = self.session.references()
        if _held(refs) == before or len(run.done) >= self.executor.max_steps:
            return Plan([], "", 0.0, "")
        plan = self.planner().plan(message, [*history, *run.observed], refs)
        ran = {_key(c) for c in run.done}
        plan.calls = [c for c in map(self.executor.resolved, plan.calls) if _key(c) not in ran]
        return plan

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
            tool = self.executor.registry.tools.get(call.tool)
            if tool is not None and (missing := tool.missing(call.arguments)):
                return tool.ask_for(missing)
        return None

    def _cloud_turn(self, plan: Plan | None) -> Generator[Event, None, bool]:
        """The turn answered in the cloud, if routing and the gate say so; the calls the
        cloud asks for run here, as one more plan, under the usual confirmation."""
        answer = yield from self.gate.take(current_turn(self.session), plan)
        if answer is None:
            return False
        run = Run(texts=[answer.text] if answer.text else [])
        yield from self.executor.execute(answer.calls, run)
        text = "\n\n".join(run.texts)
        self.session.add_message("assistant", text, where=answer.where, tools=run.used,
                                 ledger=answer.ledger_id)
        yield Final(text, self.session.id, answer.where, run.used)
        return True

    def _reply(self, message: str, history: list[dict[str, str]],
               plan: Plan | None = None) -> Iterator[Event]:
        """A direct answer, streamed: from the cloud if the hybrid policy escalates it
        (see :mod:`calvados.hybrid`), else from the on-device chat model."""
        if (yield from self._cloud_turn(plan)):
            return
        model = self.reply_model()
        messages = [{"role": "system", "content": CHAT_SYSTEM}, *history[-6:]]
        messages.append({"role": "user", "content": message})
        chunks = []
        for piece in chat_reply(model, messages):  # type: ignore[arg-type]
            chunks.append(piece)
            yield Token(piece)
        text = "".join(chunks).strip()
        where = f"on-device: {model.model_name}"
        self.session.add_message("assistant", text, where=where)
        yield Final(text, self.session.id, where)

    def _crisis(self, message: str) -> Iterator[Event]:
        """The crisis protocol: calm words, resources, an invitation, in the language of
        ``message`` (see :mod:`calvados.crisis`). Never leaves the device. The region's
        resources come from the installed tool marked ``on_crisis=True``, if any."""
        yield Notice("safety: responding with the crisis protocol (kept on this device)")
        found: Any = None
        used = []
        if (resources := self.executor.registry.crisis_tool()) is not None:
            result = yield from self.executor.run_call(ToolCall(resources.name, {}))
            found = result.result if isinstance(result.result, dict) else result.text
            used.append(resources.name)
        parts = crisis.reply_parts(message, found)
        text = "\n\n".join(parts)
        for piece in parts:
            yield Token(piece + "\n\n", source="safety")
        self.session.add_message("assistant", text, where="on-device: safety", crisis=True)
        yield Final(text, self.session.id, "on-device: safety", used, crisis=True)

    def pending_notices(self) -> Iterator[Notice]:
        """Pending one-line notes (skipped plugins, cloud fallbacks inside skills)."""
        while self.notices:
            yield Notice(self.notices.pop(0))


def current_turn(session: Session) -> Turn:
    """The turn a cloud request belongs to: the session's latest user message."""
    return Turn(session, session.turn or 0, session.said)


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
