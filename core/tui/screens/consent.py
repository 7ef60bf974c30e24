"""The cloud consent modal: exactly what would leave the device, and where it would go."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ...events import ConsentNeeded


class ConsentScreen(ModalScreen[bool]):
    """Dismisses with True (send it) or False (keep it on this device)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Send"),
        Binding("n,escape", "answer(False)", "Keep on device"),
    ]

    def __init__(self, request: ConsentNeeded) -> None:
        super().__init__(classes="modal")
        self.request = request

    def compose(self) -> ComposeResult:
        classes = ", ".join(self.request.data_classes) or "none"
        with Vertical(classes="dialog", id="consent-dialog"):
            yield Label("Send to the cloud?", classes="dialog-title")
            yield Static(
                f"To: {self.request.model}\nData: {classes}\nExactly this text would be sent:",
                markup=False, classes="dialog-text",
            )
            with VerticalScroll(classes="consent-text"):
                yield Static(self.request.text, markup=False, id="consent-payload")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Send (y)", id="send", variant="warning")
                yield Button("Keep on device (n)", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def action_answer(self, approved: bool) -> None:
        self.dismiss(approved)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "send")
