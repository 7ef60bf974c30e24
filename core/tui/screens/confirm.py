"""The confirmation modal for ``needs_confirmation`` tools (booking, cancelling...)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from ...events import ConfirmationNeeded
from ..widgets.tool_card import render_arguments
from .yes_no import YesNoScreen


class ConfirmScreen(YesNoScreen):
    """Asks before a tool acts. Dismisses with True (go ahead) or False (refused)."""

    TITLE_TEXT = "Confirm"
    DIALOG_ID = "confirm-dialog"

    def __init__(self, request: ConfirmationNeeded) -> None:
        super().__init__()
        self.request = request

    def body(self) -> ComposeResult:
        yield Static(f"{self.request.tool} wants to act on your behalf. Go ahead?",
                     markup=False, classes="dialog-text")
        if self.request.details:
            yield Static(self.request.details, markup=False, classes="dialog-text",
                         id="confirm-details")
        yield Static(render_arguments(self.request.arguments), markup=False,
                     classes="dialog-args")
