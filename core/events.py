"""Typed records the agent yields while it works (the embedding API streams these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Event:
    """Base class of everything :meth:`Agent.chat` yields."""


@dataclass(frozen=True)
class Paced:
    """A timed step a tool streams (a guided exercise): its text, how long it lasts, and how
    a progress bar moves over it: ``rise``, ``full``, ``fall`` or ``none``. Faces show it
    live (the TUI's paced view); as text it is one line."""

    text: str
    seconds: float
    shape: str = "none"


@dataclass
class Token(Event):
    """A piece of streamed text, from the reply model or from a streaming tool (``paced``
    when the tool streamed a :class:`Paced` step)."""

    text: str
    source: str = "reply"
    paced: Paced | None = None


@dataclass
class Notice(Event):
    """A one-line note for the user (a skipped plugin, a local fallback, the crisis protocol)."""

    text: str


@dataclass
class ToolCallEvent(Event):
    tool: str
    arguments: dict[str, Any]


@dataclass
class ConfirmationNeeded(Event):
    """A ``needs_confirmation`` tool is about to run; ``approved`` is the user's answer."""

    tool: str
    arguments: dict[str, Any]
    prompt: str
    approved: bool = False
    details: str = ""  # what the call refers to, in words (the offer: route, date, price)


@dataclass
class ToolResultEvent(Event):
    tool: str
    arguments: dict[str, Any]
    result: Any = None
    text: str = ""
    error: str | None = None


@dataclass
class Final(Event):
    """The answer shown to the user, where it was produced, and which tools ran."""

    text: str
    session_id: str
    where: str
    tools: list[str] = field(default_factory=list)
    crisis: bool = False


@dataclass
class ConsentNeeded(Event):
    """Policy ``ask``: may ``text`` go to cloud ``model``? ``approved`` is the answer."""

    model: str
    data_classes: list[str]
    text: str
    approved: bool = False


# ---------------------------------------------------------------------------- step records
# What the turn did, step by step (docs/architecture.md): faces may show them or ignore
# them. A step's execution is recorded by its ToolResultEvent (also named Executed), the
# reply by Final (also named Replied).


@dataclass(kw_only=True)
class Step(Event):
    """One step of a turn; ``error`` says why it failed, if it did."""

    error: str | None = None


@dataclass(kw_only=True)
class Screened(Step):
    """The safety screen's verdict on the message (with the earlier user turns)."""

    crisis: bool
    reason: str = ""


@dataclass(kw_only=True)
class Planned(Step):
    """A plan: the calls (arguments resolved against the session), the planner's raw text,
    its model and time; ``observed`` when planned again after a step's results."""

    calls: list[dict[str, Any]]
    raw: str
    model: str
    latency_ms: float
    observed: bool = False


@dataclass(kw_only=True)
class Routed(Step):
    """Where a reply is answered (``local`` or ``cloud``), the trigger and why."""

    where: str
    trigger: str = ""
    reason: str = ""


@dataclass(kw_only=True)
class Validated(Step):
    """A call's arguments as the tool gets them (validated once, normalized, secrets
    masked), or why they were refused."""

    tool: str
    arguments: dict[str, Any]


Executed = ToolResultEvent
Replied = Final
