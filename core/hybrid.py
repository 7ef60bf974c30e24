"""The cloud gate, for every request :func:`calvados.routing.decide` sends to the cloud:
safety (a crisis session or ``emotional`` data never leaves) -> policy (deny / ask / allow
per data class) -> availability (an API key; a recent connection failure) -> redaction ->
consent (``ask``) -> ledger row -> send -> restore placeholders in the reply. What fails on
the way answers on the device with a one-line :class:`~calvados.events.Notice`. The gate
runs no tool: the cloud's function calls come back as a plan the agent runs as its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import safety
from .backends.base import Message
from .errors import CloudError, CloudUnreachable, one_line
from .events import ConsentNeeded, Event, Notice, Routed, Token
from .ledger import Entry, Ledger
from .planner import ToolCall
from .policy import Policy, Verdict
from .routing import LOCAL_WINDOW, REPLY_TOKENS, Decision, Route, decide, looks_emotional

if TYPE_CHECKING:
    from .backends.gemini import FunctionCall
    from .config import Settings
    from .redact import Redactor
    from .registry import Registry
    from .storage import Session

OFFLINE_SECONDS = 60.0
STATE_LOCAL_ONLY = "cloud.local_only"
STATE_OFFLINE_UNTIL = "cloud.offline_until"
STATE_NOTED_NO_KEY = "cloud.noted_no_key"
NO_KEY_NOTE = ("answered on this device: your policy lets harder requests use Gemini, but no "
               "API key is set (GEMINI_API_KEY), so nothing left the device")

CLOUD_SYSTEM = (
    "You are the cloud fallback of Calvados, an assistant that runs on the user's device. "
    "Answer helpfully and concisely. Personal details were replaced by placeholders such as "
    "[EMAIL_n] or [NAME_n]: keep them exactly as written. When one of the declared functions "
    "fits the request, call it instead of answering; it runs on the user's device."
)


def render(messages: Sequence[Message], tools: Iterable[Any] = ()) -> str:
    """The exact text of a request as consent shows it and the ledger records it."""
    parts = [f"[{m['role']}]\n{m['content']}" for m in messages]
    names = [t.name for t in tools]
    if names:
        parts.append("[functions offered] " + ", ".join(names))
    return "\n\n".join(parts)


def how_to_allow(verdict: Verdict) -> str:
    asking = [c for c in verdict.data_classes if c != "chat"] or ["chat"]
    return (
        f"cloud: not sent ({verdict.rule}, no consent given); answered on this device. "
        f"To allow: calvados ask --cloud allow \"...\", or calvados policy set {asking[0]} allow"
    )


@dataclass
class _Request:
    """A request that passed the gate: redacted, consented, on the ledger, not yet sent."""

    messages: list[Message]
    redactor: Redactor
    trigger: str
    ledger_id: int


@dataclass
class CloudAnswer:
    """The cloud's answer to a turn: its text, and the calls it asked the device to run."""

    text: str
    calls: list[ToolCall]
    where: str
    ledger_id: int


@dataclass
class Turn:
    """The turn a request belongs to: the session and the user's message (id and text)."""

    session: Session
    message_id: int = 0
    message: str = ""


# ---------------------------------------------------------------------------- the gate


@dataclass
class CloudGate:
    """Every cloud request of an agent goes through here.

    ``override`` ("allow" / "ask" / "deny", e.g. from ``calvados ask --cloud``) replaces the
    policy table for these requests; it cannot open ``emotional`` data or a crisis session.
    The backend is built from the settings on first use (assign ``backend`` to use another
    one). ``local`` gives the loaded on-device model, if any (its window and tokenizer size
    the context); notes from outside a turn wait in ``notices``.
    """

    settings: Settings
    registry: Registry
    ledger: Ledger
    consent: Callable[[ConsentNeeded], bool] | None = None
    local: Callable[[], Any] = lambda: None
    notices: list[str] = field(default_factory=list)
    override: str | None = None
    _backend: Any = None
    _declined: set[int] = field(default_factory=set)
    _consented: set[tuple[int, tuple[str, ...]]] = field(default_factory=set)

    # ------------------------------------------------------------------ services

    @property
    def backend(self) -> Any:
        if self._backend is None:
            cls: Any = self.registry.backends.get("gemini")
            if cls is None:
                from .backends.gemini import GeminiBackend

                cls = GeminiBackend
            s = self.settings
            self._backend = cls(s.gemini_model, api_key=s.gemini_api_key,
                                timeout=s.gemini_timeout, retries=s.gemini_retries)
        return self._backend

    @backend.setter
    def backend(self, value: Any) -> None:
        self._backend = value

    def policy(self) -> Policy:
        """The policy as the config file says now (read per request: edits apply at once)."""
        return Policy.load()

    def keep_local(self, session: Session, reason: str) -> None:
        """From now on nothing from this session leaves the device (after a crisis)."""
        session.set_state(STATE_LOCAL_ONLY, reason)

    # ------------------------------------------------------------------ a whole turn

    def take(self, turn: Turn, plan: Any = None) -> Generator[Event, None, CloudAnswer | None]:
        """The cloud's answer to the turn's message if :func:`decide` sends it there and the
        gate opens; else None (having told the user why, when it matters) to answer on the
        device. With ``plan=None`` (before planning) only an explicit request counts."""
        if turn.message_id in self._declined:
            return None
        message = turn.message
        history = turn.session.history()[:-1]
        tokens = sum(self._tokens(m["content"]) for m in history) + self._tokens(message)
        route = Route("turn" if plan is None else "plan", context_tokens=tokens,
                      local_window=self._window())
        decision = decide(message, plan, route)
        yield Routed(where=decision.where, trigger=decision.trigger, reason=decision.reason)
        if not decision.cloud:
            return None
        policy = self.policy()
        context, classes = self._context(turn.session, policy)
        classes |= {"emotional"} if looks_emotional(message) else {"chat"}
        messages: list[Message] = [
            {"role": "system", "content": CLOUD_SYSTEM}, *context,
            {"role": "user", "content": message},
        ]
        tools = list(self.registry.tools.values())
        request = yield from self._admit(turn, policy, classes, messages, decision, tools)
        answer = None if request is None else (yield from self._answer(turn, request, tools))
        if answer is None:
            self._declined.add(turn.message_id)
        return answer

    def _answer(self, turn: Turn, request: _Request,
                tools: list[Any]) -> Generator[Event, None, CloudAnswer | None]:
        calls: list[FunctionCall] = []
        pieces: list[str] = []
        try:
            stream = self._stream(request, max_tokens=1024, tools=tools, calls=calls)
            for piece in request.redactor.restore_stream(stream):
                pieces.append(piece)
                yield Token(piece, source="cloud")
        except CloudError as exc:
            yield Notice(self._fail(turn.session, request, exc))
            return None
        planned = [ToolCall(c.name, request.redactor.restore_value(c.arguments)) for c in calls]
        where = f"cloud: {self.backend.model_name} (ledger #{request.ledger_id})"
        return CloudAnswer("".join(pieces).strip(), planned, where, request.ledger_id)

    # ------------------------------------------------------------------ skills

    def complete(
        self, turn: Turn, data_class: str, messages: Sequence[Message], *,
        max_tokens: int = REPLY_TOKENS, temperature: float = 0.0, prefer_cloud: bool = False,
    ) -> list[str] | None:
        """A skill's completion from the cloud if :func:`decide` sends it there and the gate
        opens; None to complete it on the device."""
        tokens = sum(self._tokens(m["content"]) for m in messages)
        route = Route("skill", context_tokens=tokens, local_window=self._window(),
                      reply_tokens=max_tokens, prefer_cloud=prefer_cloud)
        decision = decide(turn.message, None, route)
        if not decision.cloud or turn.message_id in self._declined:
            return None
        classes = {data_class}
        if turn.message and (looks_emotional(turn.message)
                             or safety.screen(turn.message).crisis):
            classes.add("emotional")
        policy = self.policy()
        request = self._collect(self._admit(turn, policy, classes, list(messages), decision, []))
        if request is None:
            if decision.trigger == "explicit":
                self._declined.add(turn.message_id)
            return None
        try:
            stream = self._stream(request, max_tokens=max_tokens, temperature=temperature)
            pieces = list(request.redactor.restore_stream(stream))
        except CloudError as exc:
            self.notices.append(self._fail(turn.session, request, exc))
            return None
        self.notices.append(f"cloud: {self.backend.model_name} helped with this answer "
                            f"(ledger #{request.ledger_id})")
        return pieces

    # ------------------------------------------------------------------ the gate itself

    def _admit(
        self, turn: Turn, policy: Policy, classes: set[str], messages: list[Message],
        decision: Decision, tools: list[Any],
    ) -> Generator[Event, None, _Request | None]:
        """Safety, policy, availability, redaction, consent, ledger. None = stay local."""
        explicit = decision.trigger == "explicit"
        session = turn.session
        verdict = policy.decide(
            classes, override=self.override, local_only=session.get_state(STATE_LOCAL_ONLY)
        )
        if verdict.action == "deny":
            if explicit:
                yield Notice(f"cloud: not sent ({verdict.rule}); answered on this device")
            return None
        backend = self.backend
        if not backend.configured:
            if explicit or not session.get_state(STATE_NOTED_NO_KEY):
                session.set_state(STATE_NOTED_NO_KEY, True)
                yield Notice(NO_KEY_NOTE)
            return None
        if time.time() < float(session.get_state(STATE_OFFLINE_UNTIL, 0.0)):
            if explicit:
                yield Notice("cloud: unreachable a moment ago; answered on this device")
            return None
        from .redact import Redactor  # compiled on first use: start-up stays fast

        redactor = Redactor(self.settings.user_names)
        sent = redactor.redact_messages(messages)
        text = render(sent, tools)
        rule = verdict.rule
        if verdict.action == "ask":
            key = (turn.message_id, verdict.data_classes)
            if key not in self._consented:
                request = ConsentNeeded(backend.model_name, list(verdict.data_classes), text)
                request.approved = self._ask(request)
                yield request
                if not request.approved:
                    yield Notice(how_to_allow(verdict))
                    return None
                self._consented.add(key)
            rule = f"consent ({verdict.rule})"
        entry = Entry(session.id, backend.model_name, rule, verdict.data_classes,
                      decision.trigger, text)
        return _Request(sent, redactor, decision.trigger, self.ledger.open(entry))

    def _ask(self, request: ConsentNeeded) -> bool:
        if self.consent is None:
            return False
        try:
            return bool(self.consent(request))
        except Exception:  # a broken prompt is a refusal, never a yes
            return False

    def _stream(
        self, request: _Request, *, max_tokens: int, temperature: float = 0.0,
        tools: Sequence[Any] = (), calls: list[FunctionCall] | None = None,
    ) -> Iterator[str]:
        from .backends.gemini import FunctionCall, Usage

        usage = Usage()
        for item in self.backend.stream(
            request.messages, max_tokens=max_tokens, temperature=temperature, tools=tools,
            usage=usage,
        ):
            if isinstance(item, FunctionCall):
                if calls is not None:
                    calls.append(item)
            else:
                yield item
        self.ledger.close(request.ledger_id, prompt_tokens=usage.prompt_tokens,
                          reply_tokens=usage.reply_tokens)

    def _fail(self, session: Session, request: _Request, exc: CloudError) -> str:
        """Record the failure; a lost connection keeps this session local for a minute."""
        self.ledger.close(request.ledger_id, error=one_line(exc))
        if isinstance(exc, CloudUnreachable):
            session.set_state(STATE_OFFLINE_UNTIL, time.time() + OFFLINE_SECONDS)
        return f"cloud: {one_line(exc)}; answered on this device"

    def _collect(self, gen: Generator[Event, None, _Request | None]) -> _Request | None:
        """Drive the gate outside a turn's stream: notices wait in ``notices``."""
        while True:
            try:
                event = next(gen)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            if isinstance(event, Notice):
                self.notices.append(event.text)

    # ------------------------------------------------------------------ context

    def _context(self, session: Session, policy: Policy,
                 turns: int = 6) -> tuple[list[Message], set[str]]:
        """Earlier turns that may go along, and their data classes.

        A turn carries the data classes of the tools that answered it (``chat`` if none).
        Tool results themselves stay on the device; a turn whose classes are denied (or
        emotional) is left out entirely.
        """
        msgs = [m for m in session.messages() if m["role"] in ("user", "assistant")]
        out: list[Message] = []
        classes: set[str] = set()
        for user, reply in _pairs(msgs[:-1][-turns:]):
            turn = self._turn_classes(user, reply)
            if policy.decide(turn, override=self.override).action == "deny":
                continue
            classes |= turn
            if user is not None:
                out.append({"role": "user", "content": user["content"]})
            if reply is not None:
                out.append({"role": "assistant", "content": _reply_text(reply)})
        return out, classes

    def _turn_classes(self, user: dict[str, Any] | None, reply: dict[str, Any] | None) -> set[str]:
        meta = reply["meta"] if reply else {}
        tools = self.registry.tools
        classes = {tools[t].data_class if t in tools else "external" for t in meta.get("tools", [])}
        if meta.get("crisis"):
            classes.add("emotional")
        if user is not None:
            text = user["content"]
            if looks_emotional(text) or safety.screen(text).crisis:
                classes.add("emotional")
        return classes or {"chat"}

    def _window(self) -> int:
        backend = self.local()
        return int(backend.context_window) if backend is not None else LOCAL_WINDOW

    def _tokens(self, text: str) -> int:
        backend = self.local()
        return int(backend.tokens(text)) if backend is not None else max(1, len(text) // 4)


def _pairs(
    msgs: list[dict[str, Any]],
) -> Iterator[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """(user message, the reply to it) in order; either side may be missing."""
    user: dict[str, Any] | None = None
    for m in msgs:
        if m["role"] == "user":
            if user is not None:
                yield user, None
            user = m
        else:
            yield user, m
            user = None
    if user is not None:
        yield user, None


def _reply_text(reply: dict[str, Any]) -> str:
    tools = reply["meta"].get("tools") or []
    if tools:
        return f"({', '.join(tools)} ran on the user's device; the result stays there)"
    return str(reply["content"])
