"""A one-line busy indicator: a spinner and what the agent is doing, with the way out."""

from __future__ import annotations

from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


class BusyIndicator(Static):
    """Hidden while idle; ``start(label)`` shows it, ``stop()`` hides it."""

    label: reactive[str] = reactive("", layout=False)
    frame: reactive[int] = reactive(0, layout=False)
    hint: reactive[str] = reactive("esc cancels", layout=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._timer: Timer | None = None
        self.spinning = False

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.1, self._advance, pause=True)
        self.display = False

    @property
    def busy(self) -> bool:
        return bool(self.display)

    def start(self, label: str, *, spin: bool = True, hint: str = "esc cancels") -> None:
        """Show ``label``; ``spin=False`` holds the spinner (e.g. while waiting for the user)."""
        self.label = label
        self.hint = hint
        self.display = True
        self.spinning = spin
        if self._timer is not None:
            if spin:
                self._timer.resume()
            else:
                self._timer.pause()
                self.frame = 0

    def stop(self) -> None:
        self.display = False
        if self._timer is not None:
            self._timer.pause()

    def _advance(self) -> None:
        self.frame = (self.frame + 1) % len(FRAMES)

    def render(self) -> str:
        hint = f"  ({self.hint})" if self.hint else ""
        mark = FRAMES[self.frame] if self.spinning else "?"
        return f"{mark} {self.label}{hint}"
