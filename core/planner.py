"""Planning: a message (plus context) -> tool calls, in a compact grammar-constrained format.

The format is one call per line, ``tool(key="value", n=2)``, or the single word ``none``
when the message needs no tool. The grammar is generated from the registered tools, so
the output always parses and only names real tools and arguments.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .backends.base import Backend
from .tools import Tool

NO_TOOL = "none"
HISTORY_TURNS = 4
HISTORY_CHARS = 400


@dataclass
class ToolCall:
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        args = ", ".join(
            f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in self.arguments.items()
        )
        return f"{self.tool}({args})"


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


def render_plan(calls: Sequence[ToolCall]) -> str:
    return "\n".join(c.render() for c in calls) if calls else NO_TOOL


_CALL = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\(")
_KEY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*")


def parse_plan(text: str) -> list[ToolCall]:
    """Parse planner output; raises ValueError on malformed text."""
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
        while True:
            while pos < len(text) and text[pos] in " ,":
                pos += 1
            if text.startswith(")", pos):
                pos += 1
                break
            k = _KEY.match(text, pos)
            if not k:
                raise ValueError(f"cannot parse arguments at: {text[pos:pos + 40]!r}")
            value, pos = decoder.raw_decode(text, k.end())
            call.arguments[k.group(1)] = value
        calls.append(call)
        while pos < len(text) and text[pos] in " \n;":
            pos += 1
    return calls


# ---------------------------------------------------------------------------- grammar

def _value_rule(prop: dict[str, Any]) -> str:
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
            parts.append("str")
    return " | ".join(dict.fromkeys(parts)) or "str"


def _resolve(schema: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    ref = prop.get("$ref") or (prop.get("allOf") or [{}])[0].get("$ref")
    if ref:
        return dict(schema.get("$defs", {}).get(ref.rsplit("/", 1)[-1], prop))
    return prop


def build_grammar(tools: Iterable[Tool]) -> str:
    """A GBNF grammar accepting ``none`` or lines of calls to ``tools``."""
    rules = []
    alts = []
    for i, tool in enumerate(tools):
        schema = tool.schema()
        props = schema.get("properties", {})
        alts.append(f"t{i}")
        if not props:
            rules.append(f't{i} ::= "{tool.name}()"')
            continue
        arg_alts = " | ".join(
            f'"{name}=" ({_value_rule(_resolve(schema, prop))})' for name, prop in props.items()
        )
        rules.append(f"a{i} ::= {arg_alts}")
        rules.append(f't{i} ::= "{tool.name}(" (a{i} (", " a{i})*)? ")"')
    head = [
        f'root ::= "{NO_TOOL}" | call ("\\n" call){{0,3}}',
        "call ::= " + (" | ".join(alts) or '"none"'),
        'str ::= "\\"" char* "\\""',
        'char ::= [^"\\\\\\n] | "\\\\" ["\\\\/nt]',
        'int ::= "-"? [0-9] [0-9]?',
        'num ::= "-"? [0-9]+ ("." [0-9]+)?',
    ]
    return "\n".join(head + rules) + "\n"


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


def render_history(history: Sequence[dict[str, str]]) -> str:
    lines = []
    for turn in list(history)[-HISTORY_TURNS:]:
        content = turn["content"]
        if turn["role"] == "user":
            content = " ".join(content.split("\n"))
        lines.append(f"{turn['role']}: {content[:HISTORY_CHARS]}")
    return "\n".join(lines)


SYSTEM = "You plan tool calls for an on-device assistant. Answer with calls, or none."


def student_prompt(
    message: str, history: Sequence[dict[str, str]], extra_tools: Sequence[str]
) -> tuple[str, str]:
    """(fixed prefix, variable part) of the student planner's prompt.

    The student knows the built-in tools by heart; other tools (``render_tool`` lines) are
    described in the prefix, so third-party skills work without retraining.
    """
    system = SYSTEM
    if extra_tools:
        system += "\nMore tools:\n" + "\n".join(extra_tools)
    prefix = f"<|im_start|>system\n{system}<|im_end|>\n"
    user = message if not history else f"{render_history(history)}\nuser: {message}"
    return prefix, f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


def fewshot_prompt(
    message: str, history: Sequence[dict[str, str]], tools: Sequence[Tool]
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
    user = message if not history else f"{render_history(history)}\nuser: {message}"
    return prefix, f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n"


class Planner:
    """Runs a planner model with the tools' grammar. ``style`` is 'student' or 'fewshot'."""

    def __init__(
        self, backend: Backend, tools: Sequence[Tool], builtin: set[str], style: str = "student"
    ) -> None:
        self.backend = backend
        self.tools = list(tools)
        self.style = style
        self.extra = [render_tool(t) for t in self.tools if t.name not in builtin]
        self.grammar = build_grammar(self.tools)
        # A trained student almost always writes valid plans: decode freely first (grammar
        # checks cost ~40% of decode time) and fall back to the grammar only when needed.
        self.optimistic = style == "student"
        self._args = {t.name: set(t.schema().get("properties", {})) for t in self.tools}

    def prompt_parts(self, message: str, history: Sequence[dict[str, str]] = ()) -> tuple[str, str]:
        """(fixed prefix, variable part): the prefix is the same for every message."""
        if self.style == "student":
            return student_prompt(message, history, self.extra)
        return fewshot_prompt(message, history, self.tools)

    def prompt(self, message: str, history: Sequence[dict[str, str]] = ()) -> str:
        return "".join(self.prompt_parts(message, history))

    def plan(self, message: str, history: Sequence[dict[str, str]] = ()) -> Plan:
        start = time.perf_counter()
        prefix, rest = self.prompt_parts(message, history)
        self.backend.prepare(prefix)
        grammar = self.grammar if self.backend.supports_grammar else None
        raw = self._decode(prefix + rest, None if self.optimistic else grammar)
        confidence = None
        if self.optimistic and grammar and not self.well_formed(raw):
            confidence = 0.0  # the student was unsure: let the grammar decide, and say so
            raw = self._decode(prefix + rest, grammar)
        calls = salvage_plan(raw)
        latency = (time.perf_counter() - start) * 1000
        return Plan(calls, raw, latency, self.backend.model_name, confidence)

    def _decode(self, prompt: str, grammar: str | None) -> str:
        pieces = self.backend.complete(prompt, max_tokens=96, grammar=grammar, stop=["<|im_end|>"])
        return "".join(pieces)

    def well_formed(self, raw: str) -> bool:
        """Would the grammar have accepted ``raw``? (known tools, known argument names)"""
        try:
            calls = parse_plan(raw)
        except ValueError:
            return False
        return all(
            c.tool in self._args and set(c.arguments) <= self._args[c.tool] for c in calls
        )


def salvage_plan(text: str) -> list[ToolCall]:
    """Parse planner output leniently: keep every complete call (output cut short by the token
    limit loses only its last line), once each (small models repeat themselves)."""
    try:
        calls = parse_plan(text)
    except ValueError:
        calls = []
        for line in text.splitlines():
            try:
                calls += parse_plan(line)
            except ValueError:
                continue
    unique: list[ToolCall] = []
    for call in calls:
        if call not in unique:
            unique.append(call)
    return unique
