"""A live view of the breathing exercise: the current step, large, and a paced bar."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static

BAR_WIDTH = 30
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(?:s\b|sec|second)", re.IGNORECASE)
_PHASES = (  # most specific words first: "exhale in 6 seconds" is an exhale
    ("in", re.compile(r"\b(inhale|breathe in|breath in)\b", re.IGNORECASE)),
    ("out", re.compile(r"\b(exhale|breathe out|breath out|release)\b", re.IGNORECASE)),
    ("hold", re.compile(r"\b(hold|pause)\b", re.IGNORECASE)),
    ("in", re.compile(r"\bin\b", re.IGNORECASE)),
    ("out", re.compile(r"\bout\b", re.IGNORECASE)),
)


@dataclass
class Step:
    """One streamed step: its text, its phase (in / hold / out / other) and its length."""

    text: str
    phase: str
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Step:
        phase = next((name for name, rx in _PHASES if rx.search(text)), "other")
        found = _DURATION.search(text)
        return cls(text.strip(), phase, float(found.group(1)) if found else 4.0)

    def fill(self, progress: float) -> float:
        """How full the lungs are at ``progress`` (0..1) through this step."""
        progress = min(max(progress, 0.0), 1.0)
        return {"in": progress, "hold": 1.0, "out": 1.0 - progress}.get(self.phase, 0.0)


def bar(fill: float, width: int = BAR_WIDTH) -> str:
    full = round(fill * width)
    return "█" * full + "░" * (width - full)


class BreathingView(Vertical):
    """Fed with the tool's streamed text; shows each step as it arrives."""

    def __init__(self) -> None:
        super().__init__(classes="breathing")
        self._text = ""
        self.steps: list[Step] = []
        self._started = time.monotonic()
        self._timer: Timer | None = None
        self.finished = False

    def compose(self) -> ComposeResult:
        yield Static("Breathing exercise", classes="breathing-title")
        yield Static("getting ready…", id="breathing-step", markup=False)
        yield Static(bar(0.0), id="breathing-bar", markup=False)
        yield Static("", id="breathing-count", markup=False)

    def on_mount(self) -> None:
        self._timer = self.set_interval(0.1, self._tick)

    def feed(self, chunk: str) -> None:
        """Add streamed text; every non-empty line is a step."""
        self._text += chunk
        lines = [line for line in self._text.splitlines() if line.strip()]
        if not lines:
            return
        current = Step.parse(lines[-1])
        if len(lines) != len(self.steps) or self.steps[-1].text != current.text:
            if len(lines) != len(self.steps):
                self._started = time.monotonic()
            self.steps = [Step.parse(line) for line in lines]
            self.query_one("#breathing-step", Static).update(current.text)
            self.query_one("#breathing-count", Static).update(f"step {len(self.steps)}")
        self._tick()

    def _tick(self) -> None:
        if not self.steps or self.finished:
            return
        step = self.steps[-1]
        progress = (time.monotonic() - self._started) / max(step.seconds, 0.1)
        self.query_one("#breathing-bar", Static).update(bar(step.fill(progress)))

    def finish(self, note: str = "") -> None:
        """Stop pacing; ``note`` says how it ended (finished, stopped, failed)."""
        self.finished = True
        if self._timer is not None:
            self._timer.stop()
        done = note or f"done · {len(self.steps)} steps"
        if not note:
            self.query_one("#breathing-step", Static).update("Finished. Well done.")
        self.query_one("#breathing-count", Static).update(done)
        self.query_one("#breathing-bar", Static).update(bar(0.0))
