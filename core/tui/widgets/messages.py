"""The conversation: user messages, streamed replies with their tool cards and provenance."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Click
from textual.message import Message
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from ...events import (
    ConfirmationNeeded,
    Event,
    Final,
    Notice,
    Paced,
    Token,
    ToolCallEvent,
    ToolResultEvent,
)
from ...terminal import printable
from .paced import PacedView
from .tool_card import ToolCard

MODEL_SOURCES = ("reply", "cloud")  # text a model wrote (Markdown); tools write plain text
_LEDGER = re.compile(r"ledger #(\d+)")


def ledger_id(where: str) -> int | None:
    """The ledger entry a cloud reply refers to (``cloud: MODEL (ledger #N)``)."""
    found = _LEDGER.search(where)
    return int(found.group(1)) if found else None


def render_where(where: str, tools: list[str], crisis: bool = False) -> str:
    """The line under a reply: where it ran (device or cloud, with its ledger entry), tools."""
    cloud = not where.startswith("on-device") and (
        "cloud" in where.lower() or "gemini" in where.lower()
    )
    text = f"{'☁' if cloud else '⌂'} {where or 'on-device'}"
    entry = ledger_id(where)
    if entry is not None:
        text += f" · /ledger {entry}"
    if crisis:
        text += " · kept on this device"
    if tools:
        text += " · tools: " + ", ".join(dict.fromkeys(tools))
    return text


@dataclass(frozen=True)
class AnswerStats:
    """How long an answer took, from sending the message to the final answer, and how many
    tokens were streamed meanwhile (counted as the streamed pieces: one per token for the
    on-device models)."""

    seconds: float
    tokens: int

    @property
    def rate(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0

    def render(self) -> str:
        """``2.4 s · 38 tok/s`` (only the time when nothing was streamed)."""
        text = render_seconds(self.seconds)
        if self.tokens and self.seconds > 0:
            rate = self.rate
            text += f" · {rate:.0f} tok/s" if rate >= 10 else f" · {rate:.1f} tok/s"
        return text


def render_seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds:.2f} s"
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


class LedgerRequested(Message):
    """Show ledger entry ``entry`` (None: the session's latest)."""

    def __init__(self, entry: int | None) -> None:
        super().__init__()
        self.entry = entry


class WhereLine(Static):
    """Where a reply ran; for a cloud reply, a click opens its ledger entry."""

    def __init__(self) -> None:
        super().__init__("", markup=False, classes="where")
        self.ledger: int | None = None

    def on_click(self, event: Click) -> None:
        if self.ledger is not None:
            event.stop()
            self.post_message(LedgerRequested(self.ledger))


class UserMessage(Static):
    def __init__(self, text: str) -> None:
        super().__init__(printable(text), markup=False, classes="user-message")


class NoticeLine(Static):
    def __init__(self, text: str, *, error: bool = False) -> None:
        super().__init__(f"‣ {text}", markup=False, classes="notice")
        self.set_class(error, "-error")


class ReplyView(Vertical):
    """One reply. Live: fed events with :meth:`apply`, timed with ``clock`` from its
    creation (the message being sent) to the final answer. From history: built complete,
    with a finished card for each of its stored tool ``calls``."""

    def __init__(
        self,
        text: str = "",
        *,
        where: str | None = None,
        tools: list[str] | None = None,
        calls: list[dict[str, Any]] | None = None,
        cancelled: bool = False,
        crisis: bool = False,
        error: str = "",
        markdown: bool | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        super().__init__(classes="reply")
        self.text = text
        self.mode = None if markdown is None else ("markdown" if markdown else "plain")
        self._history = (where, list(tools or []), cancelled, crisis)
        self._calls = list(calls or [])
        self._error = error
        self._stream: MarkdownStream | None = None
        self._card: ToolCard | None = None
        self._paced: PacedView | None = None  # a tool's paced steps, shown live
        self._paced_tool = ""
        self._stopped_late: list[ToolCard] = []  # failed after esc: stopped by it
        self.results: list[ToolResultEvent] = []
        self.state = "live" if where is None and not (cancelled or error) else "done"
        self._clock = clock
        self._started = clock()
        self.tokens = 0  # streamed pieces
        self.stats: AnswerStats | None = None

    def compose(self) -> ComposeResult:
        markdown = Markdown(self.text if self.mode == "markdown" else "", classes="reply-text")
        markdown.display = bool(self.text) and self.mode == "markdown"
        yield markdown
        plain = Static(self.text if self.mode == "plain" else "", markup=False,
                       classes="reply-plain")
        plain.display = bool(self.text) and self.mode == "plain"
        yield plain
        cancelled = self._history[2]
        yield Vertical(*(ToolCard.from_record(call, cancelled=cancelled) for call in self._calls),
                       classes="cards")
        line = WhereLine()
        line.display = False
        yield line
        stats = Static("", markup=False, classes="stats")
        stats.display = False
        yield stats

    def on_mount(self) -> None:
        where, tools, cancelled, crisis = self._history
        if cancelled:
            self._set_where("✗ cancelled · partial reply kept", "-cancelled")
        elif self._error:
            self._set_where(f"✗ error: {self._error}", "-error")
        elif where is not None:
            self._set_where(render_where(where, tools, crisis), where=where)

    @property
    def markdown(self) -> Markdown:
        return self.query_one(".reply-text", Markdown)

    @property
    def plain(self) -> Static:
        return self.query_one(".reply-plain", Static)

    @property
    def cards(self) -> list[ToolCard]:
        return list(self.query(ToolCard))

    @property
    def where_text(self) -> str:
        return str(self.query_one(".where", Static).content)

    @property
    def stats_text(self) -> str:
        return str(self.query_one(".stats", Static).content)

    def _set_where(self, text: str, cls: str = "", where: str = "") -> None:
        line = self.query_one(WhereLine)
        line.ledger = ledger_id(where)
        line.set_class(line.ledger is not None, "-link")
        line.update(text)
        line.display = True
        for name in ("-cancelled", "-error"):
            line.set_class(name == cls, name)

    # ------------------------------------------------------------------ live events

    async def apply(self, event: Event) -> None:
        """Show one agent event."""
        if isinstance(event, Token):
            self.tokens += 1
            if event.paced is not None:
                await self._pace(event.source, event.paced)
            elif event.source != self._paced_tool:  # its closing words: the view says them
                await self._write(event.text, event.source)
        elif isinstance(event, Notice):
            await self.mount(NoticeLine(event.text), before=self.markdown)
        elif isinstance(event, ToolCallEvent):
            await self._start_tool(event)
        elif isinstance(event, ConfirmationNeeded) and self._card is not None:
            self._card.confirmed(event.approved)
        elif isinstance(event, ToolResultEvent):
            self._end_tool(event)
        elif isinstance(event, Final):
            await self.finish(event)

    async def _pace(self, tool: str, step: Paced) -> None:
        """A paced step: the first opens the live view, titled with what the tool said
        before it (its introduction), which then leaves the text."""
        if self._paced is None:
            self._paced_tool = tool
            self._paced = PacedView(self.text.strip() or tool)
            await self.mount(self._paced, before=self.query_one(".cards"))
            self.text = ""
            self.plain.update("")
            self.plain.display = False
        self._paced.feed(step)

    async def _write(self, text: str, source: str) -> None:
        """Stream text: a model's as Markdown, a tool's as plain text (its lines kept)."""
        if self.mode is None:
            self.mode = "markdown" if source in MODEL_SOURCES else "plain"
        text = printable(text)
        self.text += text
        if self.mode == "plain":
            self.plain.update(self.text)
            self.plain.display = True
            return
        self.markdown.display = True
        if self._stream is None:
            self._stream = Markdown.get_stream(self.markdown)
        await self._stream.write(text)

    async def _start_tool(self, event: ToolCallEvent) -> None:
        self._card = ToolCard(event.tool, event.arguments)
        await self.query_one(".cards", Vertical).mount(self._card)

    def _end_tool(self, event: ToolResultEvent) -> None:
        self.results.append(event)
        if self._card is not None:
            self._card.finish(event.text, event.result, event.error)
            if self.state == "cancelling" and self._card.status == "failed":
                self._stopped_late.append(self._card)
        if event.tool == self._paced_tool and self._paced is not None:
            self._paced.finish("stopped: " + event.error if event.error else "")

    async def _stop_stream(self) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None

    def _display_text(self, final: Final) -> str:
        """The final text, minus what the paced view already showed."""
        texts = [r.text for r in self.results if r.text]
        if self._paced is None or final.text != "\n\n".join(texts):
            return final.text
        return "\n\n".join(r.text for r in self.results
                           if r.text and r.tool != self._paced_tool)

    async def finish(self, final: Final) -> None:
        await self._stop_stream()
        text = self._display_text(final)
        if self.mode is None:
            self.mode = "plain" if final.tools else "markdown"
        if self.mode == "plain":
            self.plain.update(text)
        elif text != self.text:
            await self.markdown.update(text)
        self.text = text
        self.plain.display = bool(text) and self.mode == "plain"
        self.markdown.display = bool(text) and self.mode == "markdown"
        self.state = "done"
        self._set_where(render_where(final.where, final.tools, final.crisis), where=final.where)
        self._show_stats(AnswerStats(max(0.0, self._clock() - self._started), self.tokens))

    def _show_stats(self, stats: AnswerStats) -> None:
        self.stats = stats
        line = self.query_one(".stats", Static)
        line.update(stats.render())
        line.display = True

    # ------------------------------------------------------------------ endings

    def cancelling(self) -> None:
        self.state = "cancelling"
        self._set_where("stopping…", "-cancelled")

    async def cancelled(self) -> None:
        await self._stop_stream()
        self.state = "cancelled"
        if self._paced is not None and not self._paced.finished:
            self._paced.finish("stopped")
        for card in self.cards:
            if card.running or card in self._stopped_late:
                card.stopped("cancelled", "(cancelled before it finished)")
        self._set_where("✗ cancelled · partial reply kept", "-cancelled")

    async def failed(self, message: str) -> None:
        await self._stop_stream()
        self.state = "failed"
        for card in self.cards:
            if card.running:
                card.stopped("failed", f"(not finished: {message})")
        self._set_where(f"✗ error: {message}", "-error")


def history_view(message: dict[str, Any]) -> Static | ReplyView:
    """A stored message as a widget (resuming a session)."""
    if message["role"] == "user":
        return UserMessage(message["content"])
    meta = message.get("meta", {})
    where = str(meta.get("where", ""))
    tools = list(meta.get("tools", []))
    return ReplyView(
        message["content"],
        where=where,
        tools=tools,
        calls=list(message.get("calls", [])),
        markdown=not tools or where.startswith("cloud"),
        cancelled=bool(meta.get("cancelled")),
        crisis=bool(meta.get("crisis")),
        error=str(meta.get("error") or ""),
    )
