"""The turn's executor: validate once, confirm, run and record each call of a plan (the
device's and the cloud's alike)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import CalvadosError, one_line
from ..events import (
    ConfirmationNeeded,
    Event,
    Notice,
    Paced,
    Token,
    ToolCallEvent,
    ToolResultEvent,
    Validated,
)
from ..planner import ToolCall
from ..tools import ToolContext, iter_result

if TYPE_CHECKING:
    from ..registry import Registry
    from ..storage import Session

log = logging.getLogger("calvados")


@dataclass
class Run:
    """The steps of one turn so far: the calls made, their texts, what the planner sees."""

    done: list[ToolCall] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    observed: list[dict[str, str]] = field(default_factory=list)

    @property
    def used(self) -> list[str]:
        return [call.tool for call in self.done]


@dataclass
class Executor:
    """Runs calls for one session: ``context`` makes each tool's context, ``confirm`` asks
    the user before a ``needs_confirmation`` tool, ``max_steps`` caps the calls of a turn."""

    registry: Registry
    session: Session
    context: Callable[[], ToolContext]
    confirm: Callable[[ConfirmationNeeded], bool]
    max_steps: int

    def resolved(self, call: ToolCall) -> ToolCall:
        """The call with what the tool resolves in code ("the cheapest one", "it", an id the
        user typed) against the session, before anything is asked or run."""
        tool = self.registry.tools.get(call.tool)
        return ToolCall(call.tool, tool.prepared(call.arguments, self.context())) if tool \
            else call

    def execute(self, calls: list[ToolCall], run: Run) -> Generator[Event, None, bool]:
        """Run the calls in order; False when a step failed or was refused (its one line
        says why) or ``max_steps`` was reached: the later calls of that plan do not run.
        Each call is resolved again first: an earlier step may have shown offers."""
        for call in calls:
            if len(run.done) >= self.max_steps:
                yield Notice(f"stopped after {self.max_steps} steps (max_steps)")
                return False
            call = self.resolved(call)
            result = yield from self.run_call(call)
            run.done.append(call)
            if result.text:
                run.texts.append(result.text)
                run.observed.append({"role": "tool", "content": result.text})
            if result.error:
                return False
        return True

    def run_call(self, call: ToolCall) -> Generator[Event, None, ToolResultEvent]:
        """Validate, confirm and run one call; returns (and yields) its ToolResultEvent."""
        known = self.registry.tools.get(call.tool)
        shown = known.masked(call.arguments) if known else call.arguments  # no secret leaves
        yield ToolCallEvent(call.tool, shown)
        result = ToolResultEvent(call.tool, shown)
        try:
            tool = self.registry.tool(call.tool)
            ctx = self.context()
            try:
                model = tool.validate(call.arguments, ctx)
            except CalvadosError as exc:
                yield Validated(tool=call.tool, arguments=shown, error=one_line(exc))
                raise
            arguments = normalized(model, call.arguments)
            yield Validated(tool=call.tool, arguments=tool.masked(arguments))
            if tool.needs_confirmation and not (yield from self._confirm(
                    ToolCall(call.tool, arguments), tool.details(model, ctx))):
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
        request.approved = bool(self.confirm(request))
        yield request
        return request.approved


def normalized(model: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The validated arguments as the tool gets them: the ones given, and derived ones."""
    out = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if name in given or (value is not None and value != info.default):
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


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
