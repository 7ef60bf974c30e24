"""A tool call shown as a collapsible card: its arguments, then its result or error."""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import Collapsible, Static

MAX_RESULT_CHARS = 2000


def render_arguments(arguments: dict[str, Any]) -> str:
    if not arguments:
        return "(no arguments)"
    return "\n".join(
        f"{key} = {json.dumps(value, ensure_ascii=False, default=str)}"
        for key, value in arguments.items()
    )


def render_result(text: str, result: Any) -> str:
    """What the card shows as the result: the tool's text, else its value as JSON."""
    body = text
    if not body and result is not None:
        body = result if isinstance(result, str) else json.dumps(
            result, indent=2, ensure_ascii=False, default=str
        )
    body = body or "(no output)"
    if len(body) > MAX_RESULT_CHARS:
        body = body[:MAX_RESULT_CHARS] + "\n… (truncated)"
    return body


class ToolCard(Collapsible):
    """One tool call. The title carries the status: running, done, refused or failed."""

    def __init__(self, tool: str, arguments: dict[str, Any]) -> None:
        self.tool = tool
        self.arguments = dict(arguments)
        self.status = "running"
        self._args_view = Static(render_arguments(arguments), markup=False, classes="tool-args")
        self._result_view = Static("…", markup=False, classes="tool-result")
        super().__init__(
            Static("arguments", classes="tool-heading"),
            self._args_view,
            Static("result", classes="tool-heading"),
            self._result_view,
            title=self._title_text(),
            collapsed=True,
            classes="tool-card",
        )

    def _title_text(self) -> str:
        marks = {"running": "…", "done": "✓", "refused": "⊘", "failed": "✗", "confirmed": "…"}
        words = {"running": "running", "done": "done", "refused": "not confirmed",
                 "failed": "failed", "confirmed": "confirmed, running"}
        return f"{marks[self.status]} {self.tool} · {words[self.status]}"

    def set_status(self, status: str) -> None:
        self.status = status
        self.title = self._title_text()
        self.set_class(status in ("failed", "refused"), "-problem")

    def confirmed(self, approved: bool) -> None:
        self.set_status("confirmed" if approved else "refused")

    def finish(self, text: str, result: Any, error: str | None) -> None:
        """Show the outcome (the title keeps 'not confirmed' for a refused call)."""
        if error:
            self._result_view.update(f"error: {error}")
            if self.status != "refused":
                self.set_status("failed")
            return
        self._result_view.update(render_result(text, result))
        self.set_status("done")
