"""A tool call shown as a collapsible card: its arguments, then its result or error."""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import Collapsible, Static

MAX_RESULT_CHARS = 2000
MARKS = {"running": "…", "confirmed": "…", "done": "✓", "refused": "⊘", "failed": "✗",
         "cancelled": "■"}
WORDS = {"running": "running", "confirmed": "confirmed, running", "done": "done",
         "refused": "not confirmed", "failed": "failed", "cancelled": "cancelled"}
PROBLEMS = ("failed", "refused")
UNFINISHED = ("running", "confirmed")
RECORDED = {"ok": "done", "refused": "refused", "error": "failed"}  # tool_calls.status


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


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


class ToolCard(Collapsible):
    """One tool call. The title carries the status: running, done, refused, failed or
    cancelled."""

    def __init__(
        self, tool: str, arguments: dict[str, Any], *, status: str = "running",
        result: str = "…",
    ) -> None:
        self.tool = tool
        self.arguments = dict(arguments)
        self.status = status
        self._args_view = Static(render_arguments(arguments), markup=False, classes="tool-args")
        self._result_view = Static(result, markup=False, classes="tool-result")
        super().__init__(
            Static("arguments", classes="tool-heading"),
            self._args_view,
            Static("result", classes="tool-heading"),
            self._result_view,
            title=self._title_text(),
            collapsed=True,
            classes="tool-card",
        )
        self._status_classes()

    @classmethod
    def from_record(cls, record: dict[str, Any], *, cancelled: bool = False) -> ToolCard:
        """A finished card from a stored tool call (a row of ``Session.tool_calls()``);
        ``cancelled``: its reply was cancelled, so a call that failed was stopped."""
        status = RECORDED.get(str(record.get("status")), "failed")
        if cancelled and status == "failed":
            status = "cancelled"
        arguments = _loads(record.get("arguments"))
        value = _loads(record.get("result"))
        text = value["text"] if isinstance(value, dict) and isinstance(
            value.get("text"), str) else ""
        error = record.get("error") or ("not confirmed" if status == "refused" else None)
        shown = f"error: {error}" if error else render_result(text, value)
        return cls(str(record.get("tool")), arguments if isinstance(arguments, dict) else {},
                   status=status, result=shown)

    def _title_text(self) -> str:
        return f"{MARKS[self.status]} {self.tool} · {WORDS[self.status]}"

    def _status_classes(self) -> None:
        self.set_class(self.status in PROBLEMS, "-problem")
        self.set_class(self.status == "cancelled", "-cancelled")

    def set_status(self, status: str) -> None:
        self.status = status
        self.title = self._title_text()
        self._status_classes()

    @property
    def running(self) -> bool:
        return self.status in UNFINISHED

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

    def stopped(self, status: str, note: str) -> None:
        """The turn ended (``cancelled`` or ``failed``) before this call finished."""
        if self.running:
            self._result_view.update(note)
        self.set_status(status)
