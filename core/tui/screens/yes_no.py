"""One yes/no modal: a question the user answers with y (yes) or n / escape (no)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class YesNoScreen(ModalScreen[bool]):
    """Dismisses with True (yes) or False (no). The "no" button has the focus, so a stray
    enter refuses. Subclasses give the title, the button labels and ids, and :meth:`body`."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    TITLE_TEXT = ""
    DIALOG_ID = "yes-no-dialog"
    YES = ("Yes (y)", "yes")  # label, id
    NO = ("No (n)", "no")

    def __init__(self) -> None:
        super().__init__(classes="modal")

    def body(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self.DIALOG_ID):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            yield from self.body()
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.YES[0], id=self.YES[1], variant="warning")
                yield Button(self.NO[0], id=self.NO[1], variant="primary")

    def on_mount(self) -> None:
        self.query_one(f"#{self.NO[1]}", Button).focus()

    def action_answer(self, approved: bool) -> None:
        self.dismiss(approved)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == self.YES[1])
