"""The key bindings shown in help; the slash commands come from :mod:`calvados.commands`."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

from ..commands import COMMANDS, split_command

__all__ = ["COMMANDS", "binding_rows", "split_command"]


def binding_rows(*groups: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) for every described binding, in order, without repeats."""
    rows: dict[str, str] = {}
    for group in groups:
        for binding in group:
            if isinstance(binding, Binding) and binding.description:
                keys = " / ".join(k.strip() for k in binding.key.split(","))
                rows.setdefault(keys, binding.tooltip or binding.description)
    return list(rows.items())
