"""The help screen: every key binding and slash command."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from ..commands import COMMANDS


def help_markdown(keys: list[tuple[str, str]]) -> str:
    lines = ["| key | does |", "|---|---|"]
    lines += [f"| `{key}` | {what} |" for key, what in keys]
    lines += ["", "| command | does |", "|---|---|"]
    lines += [f"| `{usage}` | {what} |" for usage, what in COMMANDS.values()]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__(classes="modal")
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label("Help · esc closes", classes="dialog-title")
            with VerticalScroll():
                yield Markdown(help_markdown(self.keys))

    def action_close(self) -> None:
        self.dismiss(None)
