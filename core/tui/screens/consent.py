"""The cloud consent modal: exactly what would leave the device, and where it would go."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...events import ConsentNeeded
from .yes_no import YesNoScreen


class ConsentScreen(YesNoScreen):
    """Dismisses with True (send it) or False (keep it on this device)."""

    TITLE_TEXT = "Send to the cloud?"
    DIALOG_ID = "consent-dialog"
    YES = ("Send (y)", "send")
    NO = ("Keep on device (n)", "keep")

    def __init__(self, request: ConsentNeeded) -> None:
        super().__init__()
        self.request = request

    def body(self) -> ComposeResult:
        classes = ", ".join(self.request.data_classes) or "none"
        yield Static(f"To: {self.request.model}\nData: {classes}\nExactly this text would be sent:",
                     markup=False, classes="dialog-text")
        with VerticalScroll(classes="consent-text"):
            yield Static(self.request.text, markup=False, id="consent-payload")
