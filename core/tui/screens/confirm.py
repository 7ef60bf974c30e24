"""The confirmation modal for ``needs_confirmation`` tools (booking, cancelling...)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from ...events import ConfirmationNeeded
from ..widgets.tool_card import render_arguments


class ConfirmScreen(ModalScreen[bool]):
    """Asks before a tool acts. Dismisses with True (go ahead) or False (refused)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, request: ConfirmationNeeded) -> None:
        super().__init__(classes="modal")
        self.request = request

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Label("Confirm", classes="dialog-title")
            yield Static(
                f"{self.request.tool} wants to act on your behalf. Go ahead?",
                markup=False, classes="dialog-text",
            )
            if self.request.details:
                yield Static(self.request.details, markup=False, classes="dialog-text",
                             id="confirm-details")
            yield Static(render_arguments(self.request.arguments), markup=False,
                         classes="dialog-args")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Yes (y)", id="yes", variant="warning")
                yield Button("No (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, approved: bool) -> None:
        self.dismiss(approved)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
