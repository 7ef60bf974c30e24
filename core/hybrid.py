"""Hybrid fallback: when a request escalates to the cloud, and the gate it must pass.

Triggers (:func:`should_escalate`), checked in this order:

- ``explicit``: the *user's own message* asks for the cloud ("ask gemini ...", "use the
  cloud"). Text from documents or tools never counts.
- ``context``: the conversation no longer fits the local model's window.
- ``length``: the user asks for a long piece ("a detailed 1500-word essay").
- ``unsure``: the local planner is not confident (malformed output, low confidence).
- ``knowledge``: a factual or technical question the small local model cannot answer well.
- ``skill``: a skill asked for a larger model (:meth:`Agent.complete_for`).

The gate (:class:`CloudGate`), for every request: safety (a crisis session or ``emotional``
data never leaves) -> policy (deny / ask / allow per data class) -> availability (an API
key; a recent connection failure) -> redaction -> consent (``ask``) -> ledger row -> send ->
restore placeholders in the reply. Anything that fails on the way answers on the device
with a one-line :class:`~calvados.events.Notice`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import safety
from .backends.base import Message
from .errors import CloudError, CloudUnreachable, one_line
from .events import ConsentNeeded, Event, Final, Notice, Token
from .ledger import Entry, Ledger
from .planner import NO_TOOL, ToolCall
from .policy import Policy, Verdict

if TYPE_CHECKING:
    from .agent import Agent
    from .backends.gemini import FunctionCall
    from .redact import Redactor

LOCAL_WINDOW = 2048
REPLY_TOKENS = 300
CONFIDENCE_FLOOR = 0.5
OFFLINE_SECONDS = 60.0
STATE_LOCAL_ONLY = "cloud.local_only"
STATE_OFFLINE_UNTIL = "cloud.offline_until"
STATE_NOTED_NO_KEY = "cloud.noted_no_key"
NO_KEY_NOTE = "cloud: no Gemini API key (set GEMINI_API_KEY); answered on this device"

CLOUD_SYSTEM = (
    "You are the cloud fallback of Calvados, an assistant that runs on the user's device. "
    "Answer helpfully and concisely. Personal details were replaced by placeholders such as "
    "[EMAIL_n] or [NAME_n]: keep them exactly as written. When one of the declared functions "
    "fits the request, call it instead of answering; it runs on the user's device."
)

# ---------------------------------------------------------------------------- triggers

_EXPLICIT = re.compile(
    r"^\s*(?:hey\s+|ok\s+)?gemini\b[,:]?"
    r"|\b(?:ask|use|try|query|consult)\s+(?:the\s+)?(?:gemini|cloud)\b"
    r"|\b(?:with|via|using|through)\s+(?:the\s+)?(?:gemini|cloud\s+model)\b"
    r"|\bdemande[rz]?\s+à\s+gemini\b|\bpreg[uú]nta(?:le)?\s+a\s+gemini\b",
    re.I,
)
_FEEL = (
    r"sad|down|depressed|lonely|alone|anxious|hopeless|worthless|empty|overwhelmed|scared"
    r"|afraid|hurt|miserable|awful|terrible|stressed|ashamed|guilty|heartbroken|grieving"
)
_EMOTIONAL = re.compile(
    rf"\bi(?:'m| am)?\s+(?:feel(?:ing)?|felt)\s+(?:so\s+|very\s+|really\s+|really\s+)?(?:{_FEEL})\b"
    rf"|\bi(?:'m| am)\s+(?:so\s+|very\s+|really\s+)?(?:{_FEEL})\b"
    r"|\bmy\s+(?:anxiety|depression|panic attacks?|therapist|therapy|grief|breakup|divorce"
    r"|eating disorder|loneliness)\b"
    r"|\b(?:panic attack|can(?:'|no)t stop crying|broke up with me|passed away)\b",
    re.I,
)
_KNOWLEDGE = re.compile(
    r"^\s*(?:please\s+)?(?:explain|describe|compare|analy[sz]e|translate|define|prove|derive"
    r"|calculate|solve|outline)\b"
    r"|\b(?:how (?:does|do|did|can|could|would)|why (?:does|do|did|is|are|was|were)"
    r"|what (?:is|are|was|were|causes|caused|happened)|who (?:is|was|were|invented|discovered"
    r"|wrote|founded)|when (?:did|was|were)|where (?:is|was|are|did)|difference between"
    r"|history of|meaning of)\b"
    r"|\bwrite (?:me )?(?:an?|the|some) (?:essay|article|report|program|script|function|query"
    r"|regex|cover letter|speech)\b",
    re.I,
)
_SMALL_TALK = re.compile(
    r"\b(?:how are you|who are you|what(?:'s| is) your name|what can you do|thank(?:s| you)"
    r"|what time is it|what day is it)\b",
    re.I,
)
_LONG = re.compile(
    r"\b(?:long|detailed|in[- ]depth|comprehensive|thorough|exhaustive|extensive)\b.{0,40}?"
    r"\b(?:essay|article|report|explanation|answer|guide|overview|analysis|description|review"
    r"|text|letter)\b"
    r"|\bstep[- ]by[- ]step guide\b",
    re.I,
)
_WORD_COUNT = re.compile(r"\b(\d{3,5})[- ]?words?\b|\b(\d{1,3}) (?:pages|paragraphs)\b", re.I)


@dataclass(frozen=True)
class Escalation:
    """Why a request should go to the cloud."""

    trigger: str
    reason: str


def asks_for_cloud(message: str) -> bool:
    """The user explicitly asks for the cloud model ("ask gemini ...", "use the cloud")."""
    return bool(_EXPLICIT.search(message))


def looks_emotional(text: str) -> bool:
    """An emotional disclosure: data class ``emotional`` (stays local). The rules' phrases, or
    the safety detector's ``emotional`` class (see :mod:`calvados.safety_model`)."""
    return bool(_EMOTIONAL.search(text)) or safety.emotional(text)


def needs_knowledge(message: str) -> bool:
    """A factual or technical question or task, beyond small talk."""
    if _SMALL_TALK.search(message) or len(message.split()) < 4:
        return False
    return bool(_KNOWLEDGE.search(message))


def wants_length(message: str) -> bool:
    """The user asks for more text than the local model writes well."""
    if _LONG.search(message):
        return True
    for m in _WORD_COUNT.finditer(message):
        words, pages = m.group(1), m.group(2)
        if (words and int(words) >= 300) or (pages and int(pages) >= 3):
            return True
    return False


def planner_unsure(plan: Any) -> bool:
    """Malformed planner output, or a confidence (if the planner gives one) below the floor."""
    if plan is None:
        return False
    raw = (getattr(plan, "raw", "") or "").strip()
    if not plan.calls and raw not in ("", NO_TOOL):
        return True
    confidence = getattr(plan, "confidence", None)
    return confidence is not None and confidence < CONFIDENCE_FLOOR


def should_escalate(
    message: str,
    plan: Any = None,
    *,
    context_tokens: int = 0,
    local_window: int = LOCAL_WINDOW,
    reply_tokens: int = REPLY_TOKENS,
) -> Escalation | None:
    """Whether answering ``message`` (planned as ``plan``) should escalate, and why."""
    if asks_for_cloud(message):
        return Escalation("explicit", "you asked for the cloud model")
    if context_tokens + reply_tokens > local_window:
        return Escalation("context", f"{context_tokens} tokens exceed the local window")
    if wants_length(message):
        return Escalation("length", "a longer answer than the local model writes well")
    if planner_unsure(plan):
        return Escalation("unsure", "the local planner is not confident")
    if needs_knowledge(message):
        return Escalation("knowledge", "a question beyond the local model's knowledge")
    return None


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


# ---------------------------------------------------------------------------- the gate


class CloudGate:
    """Every cloud request of an :class:`~calvados.Agent` goes through here.

    ``override`` ("allow" / "ask" / "deny", e.g. from ``calvados ask --cloud``) replaces the
    policy table for this agent's requests; it cannot open ``emotional`` data or a crisis
    session. The backend is built from the settings on first use (assign ``backend`` to
    use another one).
    """

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.override: str | None = None
        self._backend: Any = None
        self._ledger: Ledger | None = None
        self._declined: set[int] = set()
        self._consented: set[tuple[int, tuple[str, ...]]] = set()

    # ------------------------------------------------------------------ services

    @property
    def backend(self) -> Any:
        if self._backend is None:
            settings = self.agent.settings
            cls: Any = self.agent.registry.backends.get("gemini")
            if cls is None:
                from .backends.gemini import GeminiBackend

                cls = GeminiBackend
            self._backend = cls(
                settings.gemini_model, api_key=settings.gemini_api_key,
                timeout=settings.gemini_timeout, retries=settings.gemini_retries,
            )
        return self._backend

    @backend.setter
    def backend(self, value: Any) -> None:
        self._backend = value

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger(self.agent.db)
        return self._ledger

    def policy(self) -> Policy:
        """The policy as the config file says now (read per request: edits apply at once)."""
        return Policy.load()

    def keep_local(self, reason: str) -> None:
        """From now on nothing from this session leaves the device (after a crisis)."""
        self.agent.session.set_state(STATE_LOCAL_ONLY, reason)

    def requested(self, message: str) -> bool:
        return asks_for_cloud(message)

    # ------------------------------------------------------------------ a whole turn

    def take(self, message: str, plan: Any = None) -> Generator[Event, None, bool]:
        """Answer the user's ``message`` in the cloud if a trigger fires and the gate opens.

        With ``plan=None`` only an explicit request counts (before local planning). The cloud
        may call the registered tools: they run here, under the usual confirmation. Returns
        False (having told the user why, when it matters) to answer on the device.
        """
        if plan is None and not asks_for_cloud(message):
            return False
        key, _ = self._current()
        if key in self._declined:
            return False
        history = self.agent.session.history()[:-1]
        tokens = sum(self._tokens(m["content"]) for m in history) + self._tokens(message)
        escalation = should_escalate(
            message, plan, context_tokens=tokens, local_window=self._window()
        )
        if escalation is None:
            return False
        policy = self.policy()
        context, classes = self._context(policy)
        classes |= {"emotional"} if looks_emotional(message) else {"chat"}
        messages: list[Message] = [
            {"role": "system", "content": CLOUD_SYSTEM}, *context,
            {"role": "user", "content": message},
        ]
        tools = list(self.agent.registry.tools.values())
        request = yield from self._admit(policy, classes, messages, escalation, key, tools)
        answered = request is not None and (yield from self._answer(request, tools))
        if not answered:
            self._declined.add(key)
        return answered

    def _answer(self, request: _Request, tools: list[Any]) -> Generator[Event, None, bool]:
        calls: list[FunctionCall] = []
        pieces: list[str] = []
        try:
            stream = self._stream(request, max_tokens=1024, tools=tools, calls=calls)
            for piece in request.redactor.restore_stream(stream):
                pieces.append(piece)
                yield Token(piece, source="cloud")
        except CloudError as exc:
            yield Notice(self._fail(request, exc))
            return False
        used: list[str] = []
        texts = ["".join(pieces).strip()]
        for call in calls[: self.agent.max_steps]:
            arguments = request.redactor.restore_value(call.arguments)
            result = yield from self.agent._run_call(ToolCall(call.name, arguments))
            used.append(call.name)
            texts.append(result.text)
            if result.error:  # a failed or refused step ends the plan, as on the device
                break
        text = "\n\n".join(t for t in texts if t)
        where = f"cloud: {self.backend.model_name} (ledger #{request.ledger_id})"
        session = self.agent.session
        session.add_message("assistant", text, where=where, tools=used, ledger=request.ledger_id)
        yield Final(text, session.id, where, used)
        return True

    # ------------------------------------------------------------------ skills

    def complete(
        self,
        data_class: str,
        messages: Sequence[Message],
        *,
        max_tokens: int = REPLY_TOKENS,
        temperature: float = 0.0,
        prefer_cloud: bool = False,
    ) -> Iterator[str]:
        """A skill's completion: the cloud if a trigger fires and the gate opens, else local."""
        reply = self._skill_cloud(data_class, messages, max_tokens, temperature, prefer_cloud)
        if reply is not None:
            yield from reply
            return
        yield from self.agent.chat_backend.chat(
            list(messages), max_tokens=max_tokens, temperature=temperature
        )

    def _skill_cloud(
        self, data_class: str, messages: Sequence[Message], max_tokens: int,
        temperature: float, prefer_cloud: bool,
    ) -> list[str] | None:
        key, current = self._current()
        escalation = self._skill_escalation(current, messages, max_tokens, prefer_cloud)
        if escalation is None or key in self._declined:
            return None
        classes = {data_class}
        if current and (looks_emotional(current) or safety.screen(current).crisis):
            classes.add("emotional")
        policy = self.policy()
        request = self._collect(self._admit(policy, classes, list(messages), escalation, key, []))
        if request is None:
            if escalation.trigger == "explicit":
                self._declined.add(key)
            return None
        try:
            stream = self._stream(request, max_tokens=max_tokens, temperature=temperature)
            pieces = list(request.redactor.restore_stream(stream))
        except CloudError as exc:
            self.agent.notices.append(self._fail(request, exc))
            return None
        model = self.backend.model_name
        self.agent.notices.append(f"cloud: {model} helped with this answer "
                                  f"(ledger #{request.ledger_id})")
        return pieces

    def _skill_escalation(
        self, current: str, messages: Sequence[Message], max_tokens: int, prefer_cloud: bool
    ) -> Escalation | None:
        """A skill knows its task: only the user's request, the size, or the skill escalate."""
        window = self._window()
        tokens = sum(self._tokens(m["content"]) for m in messages)
        found = should_escalate(
            current, None, context_tokens=tokens, local_window=window, reply_tokens=max_tokens
        )
        if found is not None and found.trigger in ("explicit", "context", "length"):
            return found
        if max_tokens > window // 2:
            return Escalation("length", f"{max_tokens} tokens is long for the local model")
        if prefer_cloud:
            return Escalation("skill", "the skill asked for a larger model")
        return None

    # ------------------------------------------------------------------ the gate itself

    def _admit(
        self, policy: Policy, classes: set[str], messages: list[Message],
        escalation: Escalation, key: int, tools: list[Any],
    ) -> Generator[Event, None, _Request | None]:
        """Safety, policy, availability, redaction, consent, ledger. None = stay local."""
        explicit = escalation.trigger == "explicit"
        session = self.agent.session
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

        redactor = Redactor(self.agent.settings.user_names)
        sent = redactor.redact_messages(messages)
        text = render(sent, tools)
        rule = verdict.rule
        if verdict.action == "ask":
            if (key, verdict.data_classes) not in self._consented:
                request = ConsentNeeded(backend.model_name, list(verdict.data_classes), text)
                request.approved = self._ask(request)
                yield request
                if not request.approved:
                    yield Notice(how_to_allow(verdict))
                    return None
                self._consented.add((key, verdict.data_classes))
            rule = f"consent ({verdict.rule})"
        entry = Entry(session.id, backend.model_name, rule, verdict.data_classes,
                      escalation.trigger, text)
        return _Request(sent, redactor, escalation.trigger, self.ledger.open(entry))

    def _ask(self, request: ConsentNeeded) -> bool:
        if self.agent.consent is None:
            return False
        try:
            return bool(self.agent.consent(request))
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

    def _fail(self, request: _Request, exc: CloudError) -> str:
        """Record the failure; a lost connection keeps this session local for a minute."""
        self.ledger.close(request.ledger_id, error=one_line(exc))
        if isinstance(exc, CloudUnreachable):
            self.agent.session.set_state(STATE_OFFLINE_UNTIL, time.time() + OFFLINE_SECONDS)
        return f"cloud: {one_line(exc)}; answered on this device"

    def _collect(self, gen: Generator[Event, None, _Request | None]) -> _Request | None:
        """Drive the gate outside a turn: notices wait in ``agent.notices``."""
        while True:
            try:
                event = next(gen)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            if isinstance(event, Notice):
                self.agent.notices.append(event.text)

    # ------------------------------------------------------------------ context

    def _current(self) -> tuple[int, str]:
        """The id and text of the user message being answered (0, "" outside a turn)."""
        row = self.agent.db.execute(
            "SELECT id, content FROM messages WHERE session_id = ? AND role = 'user'"
            " ORDER BY id DESC LIMIT 1", (self.agent.session.id,),
        ).fetchone()
        return (int(row["id"]), str(row["content"])) if row else (0, "")

    def _context(self, policy: Policy, turns: int = 6) -> tuple[list[Message], set[str]]:
        """Earlier turns that may go along, and their data classes.

        A turn carries the data classes of the tools that answered it (``chat`` if none).
        Tool results themselves stay on the device; a turn whose classes are denied (or
        emotional) is left out entirely.
        """
        msgs = [m for m in self.agent.session.messages() if m["role"] in ("user", "assistant")]
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
        tools = self.agent.registry.tools
        classes = {tools[t].data_class if t in tools else "external" for t in meta.get("tools", [])}
        if meta.get("crisis"):
            classes.add("emotional")
        if user is not None:
            text = user["content"]
            if looks_emotional(text) or safety.screen(text).crisis:
                classes.add("emotional")
        return classes or {"chat"}

    def _local(self) -> Any:
        return getattr(self.agent, "_chat_backend", None)

    def _window(self) -> int:
        backend = self._local()
        return int(backend.context_window) if backend is not None else LOCAL_WINDOW

    def _tokens(self, text: str) -> int:
        backend = self._local()
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
