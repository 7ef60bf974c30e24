"""Planning: a message (plus context) -> tool calls, in a compact grammar-constrained format.

The format is one call per line, ``tool(key="value", n=2)``, or the single word ``none``
when the message needs no tool. The grammar is generated from the registered tools, so
the output always parses and only names real tools and arguments.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .backends.base import Backend
from .tools import Tool

NO_TOOL = "none"
HISTORY_TURNS = 4
HISTORY_CHARS = 400


Positional = Mapping[str, Sequence[str]]  # tool -> its required arguments, in order


@dataclass
class ToolCall:
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)

    def render(self, positional: Sequence[str] = ()) -> str:
        """``tool(key="value", n=2)``; with ``positional`` (the tool's required arguments) the
        compact form the student writes: leading required values bare, ``tool("a","b",n=2)``."""
        if positional:
            head = []
            for name in positional:
                if name not in self.arguments:
                    break
                head.append(name)
            rest = [k for k in self.arguments if k not in head]
            parts = [_json(self.arguments[k]) for k in head]
            parts += [f"{k}={_json(self.arguments[k])}" for k in rest]
            return f"{self.tool}({','.join(parts)})"
        args = ", ".join(f"{k}={_json(v)}" for k, v in self.arguments.items())
        return f"{self.tool}({args})"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Plan:
    """What the planner decided: tool calls (empty = answer directly)."""

    calls: list[ToolCall]
    raw: str = ""
    latency_ms: float = 0.0
    model: str = ""
    confidence: float | None = None  # 0.0 when the free decode was not a well-formed plan

    @property
    def direct(self) -> bool:
        return not self.calls


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def span_in(value: str, text: str) -> bool:
    """Is ``value`` a contiguous span of ``text`` (case- and whitespace-insensitive), starting
    and ending on word boundaries?"""
    needle, hay = _fold(value), _fold(text)
    if not needle:
        return False
    head = r"(?<!\w)" if needle[0].isalnum() else ""
    tail = r"(?!\w)" if needle[-1].isalnum() else ""
    return re.search(head + re.escape(needle) + tail, hay) is not None


def render_plan(calls: Sequence[ToolCall], positional: Positional | None = None) -> str:
    if not calls:
        return NO_TOOL
    return "\n".join(c.render((positional or {}).get(c.tool, ())) for c in calls)


def required_arguments(tool: Tool) -> list[str]:
    """The tool's required arguments in declaration order: the student writes them bare."""
    schema = tool.schema()
    required = set(schema.get("required", []))
    return [name for name in schema.get("properties", {}) if name in required]


def signature_required(line: str) -> tuple[str, list[str]]:
    """``name(a: t, b: t = 1): ...`` (a prompt's tool line) -> ("name", ["a"])."""
    name, _, rest = line.partition("(")
    args = rest.split(")", 1)[0]
    required = [a.split(":")[0].strip() for a in args.split(",") if a.strip() and "=" not in a]
    return name.strip(), required


_CALL = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\(")
_KEY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*")


def parse_plan(text: str, positional: Positional | None = None) -> list[ToolCall]:
    """Parse planner output; raises ValueError on malformed text. Bare values are the tool's
    required arguments in order (``positional``)."""
    text = text.strip()
    if not text or text == NO_TOOL:
        return []
    decoder = json.JSONDecoder()
    calls: list[ToolCall] = []
    pos = 0
    while pos < len(text):
        m = _CALL.match(text, pos)
        if not m:
            raise ValueError(f"cannot parse plan at: {text[pos:pos + 40]!r}")
        call = ToolCall(m.group(1))
        pos = m.end()
        bare = list((positional or {}).get(call.tool, ()))
        while True:
            while pos < len(text) and text[pos] in " ,":
                pos += 1
            if text.startswith(")", pos):
                pos += 1
                break
            k = _KEY.match(text, pos)
            if k:
                key, start = k.group(1), k.end()
                bare = []  # bare values come first
            elif bare and text[pos:pos + 1] in '"-0123456789tfn[{':
                key, start = bare.pop(0), pos
            else:
                raise ValueError(f"cannot parse arguments at: {text[pos:pos + 40]!r}")
            value, pos = decoder.raw_decode(text, start)
            if key in call.arguments:
                raise ValueError(f"{call.tool}: {key} given twice")
            call.arguments[key] = value
        calls.append(call)
        while pos < len(text) and text[pos] in " \n;":
            pos += 1
    return calls


# ---------------------------------------------------------------------------- grammar

def _value_rule(prop: dict[str, Any], text: str = "str") -> str:
    """The grammar of one argument's value; free-text strings use ``text``."""
    options = prop.get("anyOf", [prop])
    parts: list[str] = []
    for opt in options:
        if "enum" in opt:
            parts += [json.dumps(json.dumps(v)) for v in opt["enum"]]
        elif "const" in opt:
            parts.append(json.dumps(json.dumps(opt["const"])))
        elif opt.get("type") == "integer":
            parts.append("int")
        elif opt.get("type") == "number":
            parts.append("num")
        elif opt.get("type") == "boolean":
            parts.append('"true" | "false"')
        elif opt.get("type") == "null":
            continue
        else:
            parts.append("str" if prop.get("x-free") else text)
    return " | ".join(dict.fromkeys(parts)) or "str"


def _resolve(schema: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    ref = prop.get("$ref") or (prop.get("allOf") or [{}])[0].get("$ref")
    if ref:
        return dict(schema.get("$defs", {}).get(ref.rsplit("/", 1)[-1], prop))
    return prop


def is_span_argument(schema: dict[str, Any], prop: dict[str, Any]) -> bool:
    """Must this argument's value be a span of what the user said? (free-text strings, unless
    the tool marks the argument ``x-free``)"""
    prop = _resolve(schema, prop)
    if prop.get("x-free"):
        return False
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    return any(o.get("type", "string") == "string" and "enum" not in o and "const" not in o
               for o in options)


def build_grammar(
    tools: Iterable[Tool], compact: bool = False, spans: Sequence[str] | None = None
) -> str:
    """A GBNF grammar accepting ``none`` or lines of calls to ``tools``.

    ``compact``: required arguments may come first without their names (the student's form).
    ``spans``: free-text string values must be contiguous spans of these texts (one rule per
    word position, so the grammar grows linearly with the texts).
    """
    text_rule = "span" if spans is not None else "str"
    rules = []
    alts = []
    for i, tool in enumerate(tools):
        schema = tool.schema()
        props = schema.get("properties", {})
        alts.append(f"t{i}")
        if not props:
            rules.append(f't{i} ::= "{tool.name}()"')
            continue

        value = {n: _value_rule(_resolve(schema, p), text_rule) for n, p in props.items()}
        rules.append(f"a{i} ::= " + " | ".join(f'"{n}=" ({value[n]})' for n in props))
        required = required_arguments(tool) if compact else []
        if required:
            bare = f"({value[required[-1]]})"
            for name in reversed(required[:-1]):
                bare = f'({value[name]}) ("," {bare})?'
            rules.append(f"p{i} ::= {bare}")
            rules.append(f't{i} ::= "{tool.name}(" (p{i} ("," a{i})* | a{i} ("," a{i})*)? ")"')
        else:
            rules.append(f't{i} ::= "{tool.name}(" (a{i} ((", " | ",") a{i})*)? ")"')
    head = [
        f'root ::= "{NO_TOOL}" | call ("\\n" call){{0,3}}',
        "call ::= " + (" | ".join(alts) or '"none"'),
        'str ::= "\\"" char* "\\""',
        'char ::= [^"\\\\\\n] | "\\\\" ["\\\\/nt]',
        'int ::= "-"? [0-9] [0-9]?',
        'num ::= "-"? [0-9]+ ("." [0-9]+)?',
    ]
    if spans is not None:
        head += span_rules(spans)
    return "\n".join(head + rules) + "\n"


MAX_SPAN_WORDS = 300
_WORD = re.compile(r'[^\s"\\]+')


def span_words(text: str) -> list[str]:
    """The words a span may be made of (edge punctuation that no value needs removed)."""
    words = [w.strip(",;:!?()[]{}'\u201c\u201d") for w in _WORD.findall(text)]
    return [w for w in words if w]


def span_rules(texts: Sequence[str]) -> list[str]:
    """``span``: a JSON string holding consecutive words of one of ``texts``."""
    rules: list[str] = []
    starts: list[str] = []
    budget = MAX_SPAN_WORDS
    for t, text in enumerate(texts):
        words = span_words(text)[:budget]
        budget -= len(words)
        for j in reversed(range(len(words))):
            more = f' (" " w{t}x{j + 1})?' if j + 1 < len(words) else ""
            rules.append(f"w{t}x{j} ::= {json.dumps(words[j])}{more}")
            starts.append(f"w{t}x{j}")
    rules.append('span ::= "\\"" (' + (" | ".join(starts) or '"?"') + ') "\\""')
    return rules


# ---------------------------------------------------------------------------- prompts

def _type_name(schema: dict[str, Any], prop: dict[str, Any]) -> str:
    prop = _resolve(schema, prop)
    names = []
    for opt in prop.get("anyOf", [prop]):
        if "enum" in opt:
            names.append("|".join(str(v) for v in opt["enum"]))
        elif opt.get("type") != "null":
            names.append(opt.get("format") or opt.get("type", "str"))
    return "|".join(names) or "str"


def render_tool(tool: Tool) -> str:
    """One line: ``name(arg: type = default, ...): description``."""
    schema = tool.schema()
    required = set(schema.get("required", []))
    args = []
    for name, prop in schema.get("properties", {}).items():
        text = f"{name}: {_type_name(schema, prop)}"
        if name not in required:
            text += f" = {json.dumps(prop.get('default'))}"
        args.append(text)
    first = tool.description.split(". ")[0].rstrip(".")
    return f"{tool.name}({', '.join(args)}): {first}."


_CALL_LIKE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def quoted(text: str) -> str:
    """Earlier replies (tool results, provider data, documents) as data: nothing in them
    reads as a call the planner could copy (``export_itinerary(`` becomes
    ``export_itinerary (``)."""
    return _CALL_LIKE.sub(lambda m: f"{m.group(1)} (", text)


def render_history(history: Sequence[dict[str, str]], state: Sequence[str] = ()) -> str:
    """The earlier turns the planner reads, after the session's references (``state:``
    lines such as "offers FL-0001, FL-0002; bookings BK-1 for FL-0002"), all quoted as data."""
    lines = [f"state: {quoted(line)}" for line in state]
    for turn in list(history)[-HISTORY_TURNS:]:
        content = turn["content"]
        if turn["role"] == "user":
            content = " ".join(content.split("\n"))
        else:
            content = quoted(content)
        role = "result" if turn["role"] == "tool" else turn["role"]  # a step of this turn
        lines.append(f"{role}: {content[:HISTORY_CHARS]}")
    return "\n".join(lines)


SYSTEM = "You plan tool calls for an on-device assistant. Answer with calls, or none."


PLANNER_MESSAGE_CHARS = 1200


def message_view(message: str) -> str:
    """What the planner reads of a message: long pasted text is cut, with a note of how
    much follows (the whole text stays in the conversation for the tools that read it)."""
    if len(message) <= PLANNER_MESSAGE_CHARS:
        return message
    rest = len(message) - PLANNER_MESSAGE_CHARS
    return f"{message[:PLANNER_MESSAGE_CHARS]} [... {rest} more characters attached]"


def user_turn(message: str, history: Sequence[dict[str, str]], state: Sequence[str]) -> str:
    if not history and not state:
        return message
    return f"{render_history(history, state)}\nuser: {message}"


def student_prompt(
    message: str, history: Sequence[dict[str, str]], extra_tools: Sequence[str],
    state: Sequence[str] = (),
) -> tuple[str, str]:
    """(fixed prefix, variable part) of the student planner's prompt.

    The student knows the built-in tools by heart; other tools (``render_tool`` lines) are
    described in the prefix, so third-party skills work without retraining.
    """
    system = SYSTEM
    if extra_tools:
        system += "\nMore tools:\n" + "\n".join(extra_tools)
    prefix = f"<|im_start|>system\n{system}<|im_end|>\n"
    return prefix, f"<|im_start|>user\n{user_turn(message, history, state)}<|im_end|>\n" \
        "<|im_start|>assistant\n"


def fewshot_prompt(
    message: str, history: Sequence[dict[str, str]], tools: Sequence[Tool],
    state: Sequence[str] = (),
) -> tuple[str, str]:
    """(fixed prefix, variable part) of the prompt-based planner: schemas, then examples as
    earlier turns (so the model learns to stop after its calls)."""
    lines = [SYSTEM, "Tools:"] + [render_tool(t) for t in tools]
    shots = [(ex.message, ToolCall(t.name, dict(ex.arguments)).render())
             for t in tools for ex in t.examples[:1]] + [("hello", NO_TOOL)]
    prefix = f"<|im_start|>system\n{chr(10).join(lines)}<|im_end|>\n" + "".join(
        f"<|im_start|>user\n{q}<|im_end|>\n<|im_start|>assistant\n{a}<|im_end|>\n"
        for q, a in shots
    )
    return prefix, f"<|im_start|>user\n{user_turn(message, history, state)}<|im_end|>\n" \
        "<|im_start|>assistant\n"


class Planner:
    """Runs a planner model with the tools' grammar. ``style`` is 'student' or 'fewshot'.

    The student writes the compact form (required arguments bare) and every free-text value
    must be a span of the message or the recent history: a plan that breaks the rule is
    decoded again under a grammar built for this message, which can only copy.
    """

    def __init__(
        self, backend: Backend, tools: Sequence[Tool], builtin: set[str], style: str = "student"
    ) -> None:
        self.backend = backend
        self.tools = list(tools)
        self.style = style
        self.extra = [render_tool(t) for t in self.tools if t.name not in builtin]
        self.compact = style == "student"
        self.positional = {t.name: required_arguments(t) for t in self.tools} if self.compact \
            else {}
        self.grammar = build_grammar(self.tools, compact=self.compact)
        # A trained student almost always writes valid plans: decode freely first (grammar
        # checks cost ~40% of decode time) and fall back to the grammar only when needed.
        self.optimistic = style == "student"
        self._schemas = {t.name: t.schema() for t in self.tools}

    def prompt_parts(
        self, message: str, history: Sequence[dict[str, str]] = (), state: Sequence[str] = ()
    ) -> tuple[str, str]:
        """(fixed prefix, variable part): the prefix is the same for every message."""
        message = message_view(message)
        if self.style == "student":
            return student_prompt(message, history, self.extra, state)
        return fewshot_prompt(message, history, self.tools, state)

    def prompt(
        self, message: str, history: Sequence[dict[str, str]] = (), state: Sequence[str] = ()
    ) -> str:
        return "".join(self.prompt_parts(message, history, state))

    def plan(
        self, message: str, history: Sequence[dict[str, str]] = (), state: Sequence[str] = ()
    ) -> Plan:
        """Plan ``message`` after ``history``; ``state`` holds the session's references."""
        start = time.perf_counter()
        prefix, rest = self.prompt_parts(message, history, state)
        sources = span_sources(message, history, state)
        self.backend.prepare(prefix)
        grammar = self.grammar if self.backend.supports_grammar else None
        raw = self._decode(prefix + rest, None if self.optimistic else grammar)
        confidence = None
        if self.optimistic and grammar and not self.well_formed(raw, sources):
            confidence = 0.0  # the student was unsure: let a copying grammar decide, and say so
            spans = build_grammar(self.tools, compact=self.compact, spans=sources)
            raw = self._decode(prefix + rest, spans)
        calls = salvage_plan(raw, self.positional)
        if self.compact:  # the student's contract: it copies what the user said
            calls = [self.grounded(c, sources) for c in calls]
        latency = (time.perf_counter() - start) * 1000
        return Plan(calls, raw, latency, self.backend.model_name, confidence)

    def _decode(self, prompt: str, grammar: str | None) -> str:
        pieces = self.backend.complete(prompt, max_tokens=64, grammar=grammar, stop=["<|im_end|>"])
        return "".join(pieces)

    def well_formed(self, raw: str, sources: Sequence[str] | None = None) -> bool:
        """Would the grammar have accepted ``raw``? (known tools and arguments; with
        ``sources``, every free-text value a span of them and every number said in them)"""
        try:
            calls = parse_plan(raw, self.positional)
        except ValueError:
            return False
        for call in calls:
            schema = self._schemas.get(call.tool)
            if schema is None or not set(call.arguments) <= set(schema.get("properties", {})):
                return False
            if sources is not None and self.grounded(call, sources) != call:
                return False
        return True

    def grounded(self, call: ToolCall, sources: Sequence[str]) -> ToolCall:
        """``call`` without the values the user did not express (invented spans, numbers)."""
        schema = self._schemas.get(call.tool)
        if schema is None:
            return call
        props = schema.get("properties", {})
        kept = {}
        for name, value in call.arguments.items():
            prop = props.get(name, {})
            if isinstance(value, str) and is_span_argument(schema, prop):
                if not any(span_in(value, text) for text in sources):
                    continue
            elif isinstance(value, int) and not isinstance(value, bool):
                if not any(number_said(value, text) for text in sources):
                    continue
            kept[name] = value
        return ToolCall(call.tool, kept)


NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                "seventeen", "eighteen", "nineteen", "twenty")


def number_said(n: int, text: str) -> bool:
    """Is ``n`` in ``text`` as digits or as a word ("3", "three")?"""
    words = [str(n)] + ([NUMBER_WORDS[n]] if 0 <= n < len(NUMBER_WORDS) else [])
    if n == 1:
        words += ["a", "an", "single", "alone", "myself", "me"]
    if n == 2:
        words += ["couple", "pair", "both", "us two", "me and"]
    low = text.lower()
    return any(re.search(rf"(?<![\w.]){re.escape(w)}(?![\w])", low) for w in words)


def span_sources(
    message: str, history: Sequence[dict[str, str]] = (), state: Sequence[str] = ()
) -> list[str]:
    """The texts a plan may copy from: the message, the history the prompt shows, then the
    session's references."""
    turns = [turn["content"][:HISTORY_SOURCE_CHARS] for turn in list(history)[-HISTORY_TURNS:]]
    return [message[:MESSAGE_SOURCE_CHARS], *reversed(turns), *state]


MESSAGE_SOURCE_CHARS = 2000
HISTORY_SOURCE_CHARS = 1200


def salvage_plan(text: str, positional: Positional | None = None) -> list[ToolCall]:
    """Parse planner output leniently: keep every complete call (output cut short by the token
    limit loses only its last line), once each (small models repeat themselves)."""
    try:
        calls = parse_plan(text, positional)
    except ValueError:
        calls = []
        for line in text.splitlines():
            try:
                calls += parse_plan(line, positional)
            except ValueError:
                continue
    unique: list[ToolCall] = []
    for call in calls:
        if call not in unique:
            unique.append(call)
    return unique
