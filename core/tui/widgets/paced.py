"""A live view of a paced exercise (any tool that streams :class:`calvados.Paced` steps):
the current step, large, and a bar that fills and empties over the step's seconds."""

from __future__ import annotations

import time

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static

from ...events import Paced

BAR_WIDTH = 30


def fill(step: Paced, progress: float) -> float:
    """How full the bar is at ``progress`` (0..1) through ``step``."""
    progress = min(max(progress, 0.0), 1.0)
    return {"rise": progress, "full": 1.0, "fall": 1.0 - progress}.get(step.shape, 0.0)


def bar(level: float, width: int = BAR_WIDTH) -> str:
    full = round(level * width)
    return "█" * full + "░" * (width - full)


class PacedView(Vertical):
    """Fed with a tool's paced steps; shows each one as it arrives, under ``title``."""

    def __init__(self, title: str) -> None:
        super().__init__(classes="paced")
        self.title = title
        self.steps: list[Paced] = []
        self._started = time.monotonic()
        self._timer: Timer | None = None
        self.finished = False

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="paced-title", markup=False)
        yield Static("getting ready…", id="paced-step", markup=False)
        yield Static(bar(0.0), id="paced-bar", markup=False)
        yield Static("", id="paced-count", markup=False)

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.1, self._tick)

    def feed(self, step: Paced) -> None:
        self.steps.append(step)
        self._started = time.monotonic()
        self.query_one("#paced-step", Static).update(step.text.strip())
        self.query_one("#paced-count", Static).update(f"step {len(self.steps)}")
        self._tick()

    def _tick(self) -> None:
        if not self.steps or self.finished:
            return
        step = self.steps[-1]
        progress = (time.monotonic() - self._started) / max(step.seconds, 0.1)
        self.query_one("#paced-bar", Static).update(bar(fill(step, progress)))

    def finish(self, note: str = "") -> None:
        """Stop pacing; ``note`` says how it ended (finished, stopped, failed)."""
        self.finished = True
        if self._timer is not None:
            self._timer.stop()
        done = note or f"done · {len(self.steps)} steps"
        if not note:
            self.query_one("#paced-step", Static).update("Finished. Well done.")
        self.query_one("#paced-count", Static).update(done)
        self.query_one("#paced-bar", Static).update(bar(0.0))
