"""One entry of the cloud ledger: what left the device, when, why and for which model."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


def describe(entry: dict[str, Any]) -> str:
    tokens = f"{entry.get('prompt_tokens') or 0} sent, {entry.get('reply_tokens') or 0} received"
    lines = [
        f"Model: {entry['model']}",
        f"Allowed by: {entry['rule']} (data: {', '.join(entry['data_classes'])})",
        f"Why the cloud: {entry['trigger']}",
        f"Status: {entry['status']}" + (f" ({entry['error']})" if entry.get("error") else ""),
        f"Tokens: {tokens}",
        "Exactly this text was sent:",
    ]
    return "\n".join(lines)


class LedgerScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, entry: dict[str, Any]) -> None:
        super().__init__(classes="modal")
        self.entry = entry

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ledger-dialog"):
            yield Label(f"Ledger #{self.entry['id']} · esc closes", classes="dialog-title")
            yield Static(describe(self.entry), markup=False, classes="dialog-text")
            with VerticalScroll(classes="consent-text"):
                yield Static(self.entry["sent"], markup=False, id="ledger-sent")

    def action_close(self) -> None:
        self.dismiss(None)
