from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import pytest
from calvados import PluginError, ToolArgumentError, ToolContext, tool
from calvados.tools import make_tool
from pydantic import BeforeValidator, ValidationInfo

NOW = datetime(2026, 11, 27, 10, 0)


def _tomorrowish(value: object, info: ValidationInfo) -> object:
    if value == "tomorrow":
        return info.context["now"].date().replace(day=info.context["now"].day + 1)
    return value


Day = Annotated[date, BeforeValidator(_tomorrowish)]


@tool(data_class="travel", examples=[("book a table tomorrow", {"day": "tomorrow"})])
def reserve(day: Day, people: int = 2, kind: Literal["lunch", "dinner"] = "dinner") -> dict:
    """Reserve a table.

    Args:
        day: The day of the reservation.
        people: How many people.
        kind: Which meal.
    """
    return {"text": f"{kind} for {people} on {day}"}


def test_schema_comes_from_hints_and_docstring() -> None:
    schema = reserve.schema()
    assert schema["required"] == ["day"]
    assert schema["properties"]["people"]["description"] == "How many people."
    assert schema["properties"]["kind"]["enum"] == ["lunch", "dinner"]
    assert reserve.description == "Reserve a table."
    assert reserve.data_class == "travel"
    assert reserve.examples[0].arguments == {"day": "tomorrow"}


def test_validation_uses_the_injected_clock() -> None:
    args = reserve.validate({"day": "tomorrow", "people": "3"}, ToolContext(now=NOW))
    assert args.day == date(2026, 11, 28)  # type: ignore[attr-defined]
    assert args.people == 3  # type: ignore[attr-defined]


def test_bad_arguments_give_one_line_errors() -> None:
    with pytest.raises(ToolArgumentError) as err:
        reserve.validate({"day": "someday", "kind": "brunch"}, ToolContext(now=NOW))
    message = str(err.value)
    assert "\n" not in message and "day" in message and "kind" in message
    with pytest.raises(ToolArgumentError, match="Extra inputs"):
        reserve.validate({"day": "2026-12-01", "color": "red"}, ToolContext(now=NOW))


def test_cross_field_check_can_derive_values() -> None:
    def derive(args: object, ctx: ToolContext) -> None:
        if args.end is None:  # type: ignore[attr-defined]
            args.end = args.start + args.days  # type: ignore[attr-defined]
        if args.end < args.start:  # type: ignore[attr-defined]
            raise ValueError("end must not be before start")

    def span(start: int, days: int = 1, end: int | None = None) -> int:
        """A span.

        Args:
            start: First day.
            days: Length.
            end: Last day.
        """
        return 0

    t = make_tool(span, check=derive)
    assert t.validate({"start": 3, "days": 2}, ToolContext(now=NOW)).end == 5  # type: ignore[attr-defined]
    with pytest.raises(ToolArgumentError, match="end must not be before start"):
        t.validate({"start": 3, "end": 1}, ToolContext(now=NOW))


def test_registration_fails_loudly_without_hints_or_docs() -> None:
    def no_doc(x: int) -> None:
        pass

    def no_hint(x) -> None:  # type: ignore[no-untyped-def]
        """Do it.

        Args:
            x: a thing.
        """

    def undocumented_arg(x: int) -> None:
        """Do it."""

    for func, match in [(no_doc, "docstring"), (no_hint, "type hint"),
                        (undocumented_arg, "not described")]:
        with pytest.raises(PluginError, match=match):
            make_tool(func)
    with pytest.raises(PluginError, match="data class"):
        make_tool(reserve.func, data_class="secret")


def test_context_argument_is_injected_not_exposed() -> None:
    def whoami(ctx: ToolContext) -> str:
        """Say the date."""
        return ctx.now.date().isoformat()

    t = make_tool(whoami)
    assert t.schema().get("properties", {}) == {}
    assert t.run({}, ToolContext(now=NOW)) == "2026-11-27"
