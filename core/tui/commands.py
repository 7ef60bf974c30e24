"""The slash commands typed in the message box, and the key bindings shown in help."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

COMMANDS: dict[str, tuple[str, str]] = {
    "/help": ("/help", "show key bindings and commands"),
    "/scan": ("/scan PATH [LANGUAGE]", "attach a document (PDF, image, text) to the session"),
    "/attach": ("/attach", "pick a document to attach"),
    "/new": ("/new", "start a new session"),
    "/sessions": ("/sessions", "show or hide the session sidebar"),
    "/settings": ("/settings", "privacy policy per data class, default model"),
    "/ledger": ("/ledger [N]", "what a cloud reply sent: ledger entry N (default: the latest)"),
    "/theme": ("/theme", "switch between the dark and the light theme"),
    "/quit": ("/quit", "leave"),
}


def split_command(text: str) -> tuple[str, str]:
    """``"/scan a.pdf"`` -> ``("/scan", "a.pdf")``."""
    name, _, rest = text.strip().partition(" ")
    return name.lower(), rest.strip()


def binding_rows(*groups: Iterable[BindingType]) -> list[tuple[str, str]]:
    """(keys, description) for every described binding, in order, without repeats."""
    rows: dict[str, str] = {}
    for group in groups:
        for binding in group:
            if isinstance(binding, Binding) and binding.description:
                keys = " / ".join(k.strip() for k in binding.key.split(","))
                rows.setdefault(keys, binding.tooltip or binding.description)
    return list(rows.items())
