"""Slash commands typed in a chat, parsed one way for every face (the TUI's message box and
``calvados chat --plain``). Text that starts with ``/`` is a command, never a message."""

from __future__ import annotations

from .errors import CalvadosError

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
ALIASES = {"/exit": "/quit", "/?": "/help"}
PLAIN = ("/help", "/new", "/ledger", "/quit")  # what the line REPL can do


def is_command(text: str) -> bool:
    return text.lstrip().startswith("/")


def split_command(text: str) -> tuple[str, str]:
    """``"/scan a.pdf"`` -> ``("/scan", "a.pdf")``."""
    name, _, rest = text.strip().partition(" ")
    return name.lower(), rest.strip()


def parse_command(text: str, available: tuple[str, ...] | None = None) -> tuple[str, str]:
    """(command, argument); an unknown command, or one this face lacks, is an error."""
    name, argument = split_command(text)
    name = ALIASES.get(name, name)
    if name not in COMMANDS:
        known = ", ".join(available or COMMANDS)
        raise CalvadosError(f"unknown command {name} ({known})")
    if available is not None and name not in available:
        raise CalvadosError(f"{name} works in the full-screen UI (`calvados chat`)")
    return name, argument


def help_lines(available: tuple[str, ...] | None = None) -> list[str]:
    names = available or tuple(COMMANDS)
    width = max(len(COMMANDS[n][0]) for n in names)
    return [f"{COMMANDS[n][0]:<{width}}  {COMMANDS[n][1]}" for n in names]
