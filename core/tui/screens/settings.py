"""The settings screen: the privacy policy per data class, and the default model."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from ...errors import CalvadosError, one_line
from ...tools import DATA_CLASSES
from .. import prefs


class SettingsScreen(ModalScreen[bool]):
    """Dismisses with True when something was saved."""

    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self) -> None:
        super().__init__(classes="modal")
        self.problem = ""
        try:
            self.policy = prefs.read_policy()
            self.model = prefs.read_default_model()
            self.models = prefs.model_names()
        except CalvadosError as exc:
            self.problem = one_line(exc)
            self.policy = {name: "deny" for name in DATA_CLASSES}
            self.model, self.models = "", []

    def compose(self) -> ComposeResult:
        choices = [(choice, choice) for choice in prefs.CHOICES]
        with Vertical(classes="dialog", id="settings-dialog"):
            yield Label("Settings", classes="dialog-title")
            with VerticalScroll():
                yield Static("May this kind of data go to the cloud?", classes="dialog-text")
                for name in DATA_CLASSES:
                    fixed = name in prefs.FIXED
                    with Horizontal(classes="setting-row"):
                        yield Label(name + (" (fixed)" if fixed else ""), classes="setting-name")
                        yield Select(choices, value=self.policy[name], allow_blank=False,
                                     compact=True, id=f"policy-{name}", disabled=fixed)
                with Horizontal(classes="setting-row"):
                    yield Label("default model", classes="setting-name")
                    models = [(m, m) for m in self.models] or [("(none)", "")]
                    yield Select(models, value=self.model if self.models else "",
                                 allow_blank=False, compact=True, id="default-model")
            yield Static(self.problem, markup=False, id="settings-problem", classes="problem")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", disabled=bool(self.problem))
                yield Button("Cancel", id="cancel")

    def chosen_policy(self) -> dict[str, str]:
        return {
            name: str(self.query_one(f"#policy-{name}", Select).value) for name in DATA_CLASSES
        }

    def save(self) -> None:
        policy = self.chosen_policy()
        model = str(self.query_one("#default-model", Select).value)
        try:
            if policy != self.policy:
                prefs.write_policy(policy)
            if model and model != self.model:
                prefs.write_default_model(model)
        except CalvadosError as exc:
            self.query_one("#settings-problem", Static).update(one_line(exc))
            return
        self.dismiss(policy != self.policy or model != self.model)

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.save()

    @on(Button.Pressed, "#cancel")
    def action_close(self) -> None:
        self.dismiss(False)
