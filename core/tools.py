"""Tools: plain typed functions turned into validated, documented, schema-bearing objects."""

from __future__ import annotations

import inspect
import threading
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import docstring_parser
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
    model_validator,
)

from .errors import PluginError, ToolArgumentError

if TYPE_CHECKING:
    from .backends.base import Backend, Message
    from .config import Settings
    from .registry import Registry
    from .storage import Session

MAX_ARGUMENT_CHARS = 4000  # longer text is an attachment, not an argument
DATA_CLASSES = ("chat", "document", "travel", "story", "emotional", "external")


class Models(Protocol):
    """``ctx.models``: the one way a skill gets a model."""

    def complete(self, data_class: str, messages: list[Message], *, max_tokens: int = 300,
                 temperature: float = 0.0, prefer_cloud: bool = False,
                 **options: Any) -> Iterator[str]:
        """Stream a completion under the privacy policy: on the device unless routing sends
        it to the cloud and the gate lets it out (``options`` such as ``repeat_penalty`` go
        to the local model only)."""
        ...

    def local(self) -> Backend:
        """The on-device chat model, for its window and tokenizer (``ModelError`` if none)."""
        ...


@dataclass
class ToolContext:
    """What a tool (and its argument validation) may see: the clock, the session, models,
    the settings, and the face's cancel flag and progress callback."""

    now: datetime
    session: Session | None = None
    models: Models | None = None
    settings: Settings | None = None
    registry: Registry | None = None  # the agent's (its travel providers)
    cancel: threading.Event | None = None  # set when the user cancels: stop between steps
    progress: Callable[[int, int, str], None] | None = None  # (done, total, label)
    message: str = ""  # what the user said this turn: "the cheapest one", "export BK-2"
    extras: dict[str, Any] = field(default_factory=dict)  # a host's own services (a clock)


@dataclass(frozen=True)
class Example:
    """An utterance that should call this tool, with the arguments it should produce."""

    message: str
    arguments: dict[str, Any]


@dataclass
class Tool:
    """A registered tool: the function plus everything derived from it."""

    name: str
    func: Callable[..., Any]
    description: str
    args_model: type[BaseModel]
    data_class: str = "chat"
    needs_confirmation: bool = False
    examples: tuple[Example, ...] = ()
    skill: str = ""
    wants_context: bool = False
    describe: Callable[[BaseModel, ToolContext], str] | None = None
    prepare: Callable[[dict[str, Any], ToolContext | None], dict[str, Any]] | None = None
    attaches: bool = False  # reads a file the user attaches (``path=``, optional ``language=``)
    on_crisis: bool = False  # gives the crisis protocol its region's resources (no arguments)

    def prepared(self, arguments: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        """``arguments`` after the tool's ``prepare`` (references resolved, one value split
        into its fields), as validation will see them; unchanged if it cannot tell."""
        if self.prepare is None:
            return arguments
        try:
            return self.prepare(dict(arguments), ctx)
        except (ValueError, TypeError, LookupError):
            return arguments

    def details(self, model: BaseModel, ctx: ToolContext) -> str:
        """What a call refers to, in words, for its confirmation ("" if the tool says
        nothing or cannot tell)."""
        if self.describe is None:
            return ""
        try:
            return self.describe(model, ctx)
        except Exception:  # a description must never stop the confirmation itself
            return ""

    def schema(self) -> dict[str, Any]:
        """JSON schema of the arguments."""
        return self.args_model.model_json_schema()

    def validate(self, arguments: dict[str, Any], ctx: ToolContext) -> BaseModel:
        """Validate (and normalize) arguments against the context; one-line error on failure."""
        for name, value in arguments.items():
            if isinstance(value, str) and len(value) > MAX_ARGUMENT_CHARS:
                raise ToolArgumentError(f"{self.name}: {name}: at most {MAX_ARGUMENT_CHARS} "
                                        f"characters (got {len(value)})")
        try:
            return self.args_model.model_validate(arguments, context={"ctx": ctx, "now": ctx.now})
        except ValidationError as exc:
            raise ToolArgumentError(f"{self.name}: {describe_validation_error(exc)}") from exc

    def masked(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """``arguments`` with secret ones (``"x-secret": true`` in the schema) hidden, for
        records, logs and screens."""
        props = self.schema().get("properties", {})
        return {k: ("***" if props.get(k, {}).get("x-secret") and v else v)
                for k, v in arguments.items()}

    def missing(self, arguments: dict[str, Any]) -> list[str]:
        """Required arguments that ``arguments`` does not give."""
        return [name for name, info in self.args_model.model_fields.items()
                if info.is_required() and arguments.get(name) is None]

    def ask_for(self, missing: list[str]) -> str:
        """One sentence asking the user for the ``missing`` required arguments."""
        fields = self.args_model.model_fields
        wanted = []
        for name in missing:
            text = (fields[name].description or name.replace("_", " ")) if name in fields else name
            text = text.split(":")[0].split(",")[0].split("(")[0].strip().rstrip(".")
            text = text[:1].lower() + text[1:]
            if not text.startswith(("the ", "a ", "an ", "where", "when", "what", "which", "how")):
                text = "the " + text
            wanted.append(text)
        need = wanted[0] if len(wanted) == 1 else ", ".join(wanted[:-1]) + " and " + wanted[-1]
        return f"To {self.name.replace('_', ' ')}, I need to know {need}. Could you tell me?"

    def validate_given(self, arguments: dict[str, Any], ctx: ToolContext) -> dict[str, Any]:
        """Each given argument validated and normalized on its own (for a call that still
        lacks a required one); one-line error on an unknown or invalid argument."""
        out = {}
        for name, value in arguments.items():
            adapter = self.field_adapter(name)
            if adapter is None:
                raise ToolArgumentError(f"{self.name}: unknown argument {name!r}")
            try:
                out[name] = adapter.validate_python(value, context={"ctx": ctx, "now": ctx.now})
            except ValidationError as exc:
                detail = describe_validation_error(exc)
                raise ToolArgumentError(f"{self.name}: {name}: {detail}") from exc
        return out

    def field_adapter(self, name: str) -> TypeAdapter[Any] | None:
        """A validator for one argument (its type with its normalizers)."""
        info = self.args_model.model_fields.get(name)
        if info is None:
            return None
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        return TypeAdapter(annotation)

    def run(self, arguments: dict[str, Any], ctx: ToolContext) -> Any:
        """Validate, then call the function. May return a value or an iterator of chunks."""
        return self.call(self.validate(arguments, ctx), ctx)

    def call(self, args: BaseModel, ctx: ToolContext) -> Any:
        """Call the function with arguments :meth:`validate` already gave."""
        kwargs = {name: getattr(args, name) for name in type(args).model_fields}
        if self.wants_context:
            kwargs["ctx"] = ctx
        return self.func(**kwargs)

    def card(self) -> dict[str, Any]:
        """Metadata as plain data (for `skills show`, MCP and the planner)."""
        return {
            "name": self.name,
            "skill": self.skill,
            "description": self.description,
            "data_class": self.data_class,
            "needs_confirmation": self.needs_confirmation,
            "parameters": self.schema(),
            "examples": [{"message": e.message, "arguments": e.arguments} for e in self.examples],
        }


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    return "; ".join(parts)


def tool(
    func: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    data_class: str = "chat",
    needs_confirmation: bool = False,
    examples: list[tuple[str, dict[str, Any]]] | None = None,
    check: Callable[[Any, ToolContext], Any] | None = None,
    prepare: Callable[[dict[str, Any], ToolContext | None], dict[str, Any]] | None = None,
    describe: Callable[[BaseModel, ToolContext], str] | None = None,
    attaches: bool = False,
    on_crisis: bool = False,
) -> Any:
    """Decorator: turn a typed, documented function into a :class:`Tool`.

    ``check(args, ctx)`` runs after field validation for cross-field rules and derived
    values (it may modify ``args`` and must raise ``ValueError`` on bad input).
    ``prepare(raw, ctx)`` runs before it on the raw arguments and returns them, for a value
    that fills several fields ("Dec 5-8" is a check-in and a check-out) or a reference to
    resolve against the session ("the cheapest one"). ``describe(args, ctx)`` says in words
    what a call refers to, for its confirmation. ``attaches=True`` makes it the tool a
    face runs on a file the user attaches (the TUI's ``/scan`` and ``/attach``);
    ``on_crisis=True`` the tool the crisis protocol runs, without arguments, for the help
    available in the user's region (its result is shown under the protocol's words).
    """

    def wrap(f: Callable[..., Any]) -> Tool:
        return make_tool(
            f,
            name=name,
            data_class=data_class,
            needs_confirmation=needs_confirmation,
            examples=examples or [],
            check=check,
            prepare=prepare,
            describe=describe,
            attaches=attaches,
            on_crisis=on_crisis,
        )

    return wrap(func) if func is not None else wrap


def make_tool(
    func: Callable[..., Any],
    *,
    name: str | None = None,
    data_class: str = "chat",
    needs_confirmation: bool = False,
    examples: list[tuple[str, dict[str, Any]]] | None = None,
    check: Callable[[Any, ToolContext], Any] | None = None,
    prepare: Callable[[dict[str, Any], ToolContext | None], dict[str, Any]] | None = None,
    describe: Callable[[BaseModel, ToolContext], str] | None = None,
    attaches: bool = False,
    on_crisis: bool = False,
) -> Tool:
    """Build a Tool from a function; fails loudly if a hint or a description is missing."""
    tool_name = name or func.__name__
    if data_class not in DATA_CLASSES:
        raise PluginError(f"tool {tool_name}: unknown data class {data_class!r}")
    doc = docstring_parser.parse(inspect.getdoc(func) or "")
    description = " ".join(
        p for p in (doc.short_description, doc.long_description) if p
    ).strip()
    if not description:
        raise PluginError(f"tool {tool_name}: the function needs a docstring")
    param_docs = {p.arg_name: (p.description or "").strip() for p in doc.params}
    hints = typing.get_type_hints(func, include_extras=True)
    fields: dict[str, Any] = {}
    wants_context = False
    for pname, param in inspect.signature(func).parameters.items():
        if pname == "ctx":
            wants_context = True
            continue
        if pname not in hints:
            raise PluginError(f"tool {tool_name}: argument {pname!r} has no type hint")
        if not param_docs.get(pname):
            raise PluginError(f"tool {tool_name}: argument {pname!r} is not described in Args:")
        default = ... if param.default is inspect.Parameter.empty else param.default
        fields[pname] = (hints[pname], Field(default, description=param_docs[pname]))
    validators: dict[str, Any] = {}
    if check is not None:
        validators["check"] = _after_validator(check)
    if prepare is not None:
        validators["prepare"] = _before_validator(prepare)
    args_model = create_model(  # type: ignore[call-overload]
        f"{_camel(tool_name)}Args",
        __config__=ConfigDict(extra="forbid"),
        __validators__=validators,
        **fields,
    )
    return Tool(
        name=tool_name,
        func=func,
        description=description,
        args_model=args_model,
        data_class=data_class,
        needs_confirmation=needs_confirmation,
        examples=tuple(Example(m, a) for m, a in (examples or [])),
        skill=func.__module__.rsplit(".", 1)[-1],
        wants_context=wants_context,
        describe=describe,
        prepare=prepare,
        attaches=attaches,
        on_crisis=on_crisis,
    )


def _after_validator(check: Callable[[Any, ToolContext], Any]) -> Any:
    def run_check(self: Any, info: Any) -> Any:
        ctx = (info.context or {}).get("ctx") if info is not None else None
        result = check(self, ctx)  # type: ignore[arg-type]
        return self if result is None else result

    return model_validator(mode="after")(run_check)


def _before_validator(
    prepare: Callable[[dict[str, Any], ToolContext | None], dict[str, Any]]
) -> Any:
    def run_prepare(cls: Any, data: Any, info: Any) -> Any:
        if not isinstance(data, dict):
            return data
        ctx = (info.context or {}).get("ctx") if info is not None else None
        return prepare(dict(data), ctx)

    return model_validator(mode="before")(classmethod(run_prepare))  # type: ignore[arg-type]


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def iter_result(result: Any) -> Iterator[Any]:
    """Normalize a tool's return value: a generator streams its items, anything else is one item."""
    if inspect.isgenerator(result):
        yield from result
    else:
        yield result
