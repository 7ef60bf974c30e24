"""The file picker: choose a document to attach (scan) to the session."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, Static

DOCUMENT_TYPES = frozenset({
    ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp",
    ".txt", ".md", ".markdown", ".html", ".htm",
})


class DocumentTree(DirectoryTree):
    """Folders and documents only; hidden entries left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p for p in paths
            if not p.name.startswith(".")
            and (p.is_dir() or p.suffix.lower() in DOCUMENT_TYPES)
        ]


class FilePickerScreen(ModalScreen[Path | None]):
    """Dismisses with the chosen file, or None."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, start: Path | None = None) -> None:
        super().__init__(classes="modal")
        self.start = (start or Path.cwd()).expanduser()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker-dialog"):
            yield Label("Attach a document", classes="dialog-title")
            yield DocumentTree(self.start, id="picker-tree")
            yield Input(placeholder="…or type a path and press enter", id="picker-path")
            yield Static("", markup=False, id="picker-problem", classes="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Attach", id="attach", variant="primary")
                yield Button("Cancel", id="cancel")

    def choose(self, raw: str) -> None:
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self.start / path
        if not path.is_file():
            self.query_one("#picker-problem", Static).update(f"not a file: {raw}")
            return
        self.dismiss(path)

    @on(DirectoryTree.FileSelected)
    def _file(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(event.path)

    @on(Input.Submitted, "#picker-path")
    def _typed(self, event: Input.Submitted) -> None:
        self.choose(event.value)

    @on(Button.Pressed, "#attach")
    def _attach_pressed(self) -> None:
        value = self.query_one("#picker-path", Input).value
        if value.strip():
            self.choose(value.strip())
            return
        node = self.query_one(DocumentTree).cursor_node
        if node is not None and node.data is not None and node.data.path.is_file():
            self.dismiss(node.data.path)
        else:
            self.query_one("#picker-problem", Static).update("choose a file first")

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(None)
