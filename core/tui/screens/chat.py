"""The main screen: the conversation, the session sidebar, the busy line and the input."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input
from textual.worker import Worker, get_current_worker

from ...commands import parse_command
from ...errors import CalvadosError, one_line
from ...events import Final, Token, ToolCallEvent
from ..palette import CalvadosCommands
from ..turn import (
    AgentFailed,
    AgentReady,
    ScanRequest,
    TurnDone,
    TurnEvent,
    TurnProgress,
    drive_scan,
    drive_turn,
    open_agent,
)
from ..widgets.busy import BusyIndicator
from ..widgets.messages import (
    LedgerRequested,
    NoticeLine,
    ReplyView,
    UserMessage,
    history_view,
)
from ..widgets.sidebar import SessionSidebar

if TYPE_CHECKING:
    from ...agent import Agent
    from ..app import CalvadosApp

WIDE = 100  # columns from which the sidebar shows by default


class ChatScreen(Screen[None]):
    COMMANDS = {CalvadosCommands}
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="cancel the reply being written"),
        Binding("ctrl+n", "new_session", "New", tooltip="start a new session"),
        Binding("f2", "toggle_sidebar", "Sessions", tooltip="show or hide the session sidebar"),
        Binding("ctrl+o", "attach", "Attach", tooltip="attach a document (file picker)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.agent: Agent | None = None
        self.turn = 0
        self.views: dict[int, ReplyView] = {}
        self.worker: Worker[None] | None = None
        self.stop = threading.Event()  # set by esc: the running turn's tools stop early
        self.state = "loading"  # loading | idle | running | stopping | broken
        self.queued: list[str] = []
        self.reopen_after_turn = False
        self.waiting = False  # a modal is asking the user something for the agent

    @property
    def calvados(self) -> CalvadosApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Horizontal(id="body"):
            yield SessionSidebar(id="sidebar")
            with Vertical(id="main"):
                yield VerticalScroll(id="log")
                yield BusyIndicator(id="busy")
                yield Input(placeholder="Message Calvados…  (/help for commands)", id="prompt")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#sidebar").display = self.app.size.width >= WIDE
        prompt = self.query_one("#prompt", Input)
        prompt.cursor_blink = not self.app.is_headless
        prompt.focus()
        self.query_one("#log", VerticalScroll).anchor()
        self.open_session(self.calvados.initial_session)

    @property
    def busy(self) -> BusyIndicator:
        return self.query_one("#busy", BusyIndicator)

    @property
    def log_view(self) -> VerticalScroll:
        return self.query_one("#log", VerticalScroll)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.state == "running"
        return True

    # ------------------------------------------------------------------ sessions

    def open_session(self, session_id: str | None) -> None:
        self.state = "loading"
        self.busy.start("opening the session…", hint="")
        self._load(session_id)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, session_id: str | None) -> None:
        try:
            ready = open_agent(self.calvados.agent_factory, session_id)
        except Exception as exc:
            self.post_message(AgentFailed(one_line(exc)))
            return
        self.post_message(ready)

    @on(AgentReady)
    async def _ready(self, message: AgentReady) -> None:
        agent = message.agent
        agent.confirm = self.calvados.confirm_from_thread
        agent.consent = self.calvados.consent_from_thread
        self.agent = self.calvados.agent = agent
        self.views.clear()
        await self.log_view.remove_children()
        if not self.is_attached:
            return  # the app closed while the agent loaded: nothing left to show it in
        await self.log_view.mount_all([history_view(m) for m in message.messages])
        if message.notice:
            await self.log_view.mount(NoticeLine(message.notice, error=True))
        self._title()
        await self.query_one(SessionSidebar).show(message.sessions, agent.session.id)
        self._idle()
        self._warm(agent)

    @work(thread=True, group="warm", exit_on_error=False)
    def _warm(self, agent: Agent) -> None:
        """Load the models while the user types (a failure shows on the first message).

        With the real agent, one throw-away plan also fills the planner's prompt cache,
        so the first message only pays for its own words.
        """
        try:
            _ = agent.planner, agent.chat_backend
            if self.calvados.warm_planner:
                agent.plan("hello", history=[])
        except Exception:
            pass

    @on(AgentFailed)
    async def _failed(self, message: AgentFailed) -> None:
        self.busy.stop()
        self.state = "broken"
        await self.log_view.mount(NoticeLine(f"cannot start: {message.error}", error=True))

    def _title(self) -> None:
        title = self.agent.session.title if self.agent else ""
        self.sub_title = " ".join(title.split())[:50] or "new session"

    @on(SessionSidebar.SessionChosen)
    def _chosen(self, message: SessionSidebar.SessionChosen) -> None:
        current = self.agent.session.id if self.agent else None
        if message.session_id is not None and message.session_id == current:
            return
        if self.state not in ("idle", "broken"):
            self.notify("Finish or cancel the current reply first (esc).", severity="warning")
            return
        self.open_session(message.session_id)

    def action_new_session(self) -> None:
        self._chosen(SessionSidebar.SessionChosen(None))

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display

    def settings_changed(self) -> None:
        """Reopen the session so a new default model or policy takes effect."""
        if self.state in ("idle", "broken"):
            self.open_session(self.agent.session.id if self.agent else None)
        else:
            self.reopen_after_turn = True

    # ------------------------------------------------------------------ input

    @on(Input.Submitted, "#prompt")
    async def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        if text.startswith("/"):
            event.input.clear()
            await self.command(text)
            return
        if self.state in ("running", "stopping"):
            self.notify("Still working on the last message (esc cancels it).",
                        severity="warning")
            return
        if self.state == "broken":
            self.notify("No session is open (see the message above); ctrl+n tries again.",
                        severity="error")
            return
        event.input.clear()
        if self.state != "idle":
            self.queued.append(text)
            self.notify("Queued: it will be sent once the session is open.")
            return
        await self.send(text)

    async def command(self, text: str) -> None:
        try:
            name, argument = parse_command(text)
        except CalvadosError as exc:
            await self.log_view.mount(NoticeLine(one_line(exc), error=True))
            return
        simple = {
            "/help": self.calvados.action_help, "/new": self.action_new_session,
            "/sessions": self.action_toggle_sidebar, "/settings": self.calvados.action_settings,
            "/theme": self.calvados.action_toggle_theme, "/attach": self.action_attach,
        }
        if name in simple:
            simple[name]()
        elif name == "/scan":
            await self.scan(argument)
        elif name == "/ledger":
            await self.ledger(argument)
        elif name == "/quit":
            self.app.exit()

    # ------------------------------------------------------------------ turns

    async def _new_turn(self, user_text: str) -> int:
        self.turn += 1
        self.stop = threading.Event()
        view = ReplyView(clock=self.calvados.clock)
        self.views[self.turn] = view
        await self.log_view.mount_all([UserMessage(user_text), view])
        self.log_view.anchor()
        self.state = "running"
        self.refresh_bindings()
        return self.turn

    async def send(self, text: str) -> None:
        """Send a message to the agent; the reply streams into a new view."""
        assert self.agent is not None
        turn = await self._new_turn(text)
        self.busy.start("thinking…")
        self.worker = self._run_turn(self.agent, text, turn, self.stop)

    @work(thread=True, group="turn", exit_on_error=False)
    def _run_turn(self, agent: Agent, text: str, turn: int, stop: threading.Event) -> None:
        drive_turn(agent, text, turn, self.post_message, get_current_worker(), stop)

    async def scan(self, argument: str) -> None:
        try:
            request = ScanRequest.parse(argument)
        except CalvadosError as exc:
            await self.log_view.mount(NoticeLine(one_line(exc), error=True))
            return
        await self.attach(request)

    async def attach(self, request: ScanRequest) -> None:
        """Scan a document into the session (``/scan`` and the file picker)."""
        if self.state != "idle" or self.agent is None:
            self.notify("Wait for the current reply (or press esc) first.", severity="warning")
            return
        turn = await self._new_turn(f"/scan {request.path}")
        self.busy.start(f"scanning {Path(request.path).name}…")
        self.worker = self._run_scan(self.agent, request, turn, self.stop)

    @work(thread=True, group="turn", exit_on_error=False)
    def _run_scan(
        self, agent: Agent, request: ScanRequest, turn: int, stop: threading.Event
    ) -> None:
        drive_scan(agent, request, turn, self.post_message, stop)

    def action_attach(self) -> None:
        from .file_picker import FilePickerScreen

        async def picked(path: Path | None) -> None:
            if path is not None:
                await self.attach(ScanRequest(str(path)))

        self.app.push_screen(FilePickerScreen(), picked)

    @on(TurnEvent)
    async def _event(self, message: TurnEvent) -> None:
        view = self.views.get(message.turn)
        if view is None:
            return
        event = message.event
        if self.state == "running" and not self.waiting:
            if isinstance(event, ToolCallEvent):
                self.busy.start(f"running {event.tool}…")
            elif isinstance(event, Token) and event.source == "reply":
                self.busy.start("writing…")
        await view.apply(event)
        if isinstance(event, Final):
            self._title()

    @on(TurnProgress)
    def _progress(self, message: TurnProgress) -> None:
        if message.turn == self.turn and self.state == "running" and not self.waiting:
            self.busy.start(f"{message.label}: {message.done} of {message.total}")

    def on_unmount(self) -> None:
        self.stop.set()  # leaving: a long tool stops at once

    @on(TurnDone)
    async def _done(self, message: TurnDone) -> None:
        view = self.views.get(message.turn)
        if view is not None:
            if message.outcome == "cancelled":
                await view.cancelled()
            elif message.outcome == "failed":
                await view.failed(message.error)
        if message.sessions and self.agent is not None:
            await self.query_one(SessionSidebar).show(message.sessions, self.agent.session.id)
        self.worker = None
        if self.reopen_after_turn and self.agent is not None:
            self.reopen_after_turn = False
            self.open_session(self.agent.session.id)
            return
        self._idle()

    def _idle(self) -> None:
        self.state = "idle"
        self.busy.stop()
        self.refresh_bindings()
        if self.queued:
            text = self.queued.pop(0)
            self.call_later(self.send, text)

    def action_cancel(self) -> None:
        """Stop the reply being written: the worker stops at the agent's next event."""
        if self.state != "running" or self.worker is None:
            return
        self.state = "stopping"
        self.stop.set()
        self.worker.cancel()
        self.busy.start("stopping…", hint="")
        view = self.views.get(self.turn)
        if view is not None:
            view.cancelling()
        self.refresh_bindings()

    # ------------------------------------------------------------------ the ledger

    async def ledger(self, argument: str) -> None:
        if argument and not argument.lstrip("#").isdigit():
            await self.log_view.mount(NoticeLine("usage: /ledger [N]", error=True))
            return
        self.post_message(LedgerRequested(int(argument.lstrip("#")) if argument else None))

    @on(LedgerRequested)
    def _ledger_requested(self, message: LedgerRequested) -> None:
        if self.agent is not None:
            self._read_ledger(self.agent, message.entry)

    @work(thread=True, group="ledger", exit_on_error=False)
    def _read_ledger(self, agent: Agent, entry: int | None) -> None:
        from ...ledger import Ledger

        ledger = Ledger(agent.db)
        rows = [ledger.get(entry)] if entry else ledger.entries(1, agent.session.id)
        found = rows[0] if rows and rows[0] else None
        self.app.call_from_thread(self._show_ledger, found, entry)

    def _show_ledger(self, entry: dict[str, Any] | None, wanted: int | None) -> None:
        from .ledger import LedgerScreen

        if entry is None:
            what = f"no ledger entry #{wanted}" if wanted else "nothing from this session " \
                "has left the device"
            self.log_view.mount(NoticeLine(what))
            return
        self.app.push_screen(LedgerScreen(entry))

    # ------------------------------------------------------------------ modals

    def waiting_for_user(self, waiting: bool) -> None:
        """Hold the spinner while a modal waits for the user (and resume it after)."""
        self.waiting = waiting
        if self.state != "running":
            return
        if waiting:
            self.busy.start("waiting for your answer…", spin=False, hint="")
        else:
            self.busy.start("working…")
