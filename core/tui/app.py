"""The Calvados chat app (Textual). It talks to the :class:`~calvados.Agent` API only."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.worker import NoActiveWorker, get_current_worker

from ..agent import Agent
from ..events import ConfirmationNeeded, ConsentNeeded
from ..registry import get_registry
from .commands import binding_rows
from .screens.chat import ChatScreen
from .screens.confirm import ConfirmScreen
from .screens.consent import ConsentScreen
from .turn import AgentFactory

DARK, LIGHT = "textual-dark", "textual-light"
POLL_SECONDS = 0.1


def default_agent_factory(session_id: str | None) -> Agent:
    """The real agent: settings from config.toml, plugins, the on-device models."""
    return Agent(session_id)


class CalvadosApp(App[None]):
    """``agent_factory(session_id)`` builds the agent for a session (None = a new one);
    ``clock`` times the answers (seconds, monotonic)."""

    TITLE = "Calvados"
    CSS_PATH = ["app.tcss", "modals.tcss"]
    ENABLE_COMMAND_PALETTE = True  # Textual's system commands; the chat screen adds ours
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="this help"),
        Binding("f3", "settings", "Settings", tooltip="privacy policy and default model"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, tooltip="switch dark / light theme"),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="leave"),
    ]

    def __init__(
        self,
        agent_factory: AgentFactory | None = None,
        *,
        session_id: str | None = None,
        theme: str | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        super().__init__()
        self.agent_factory: AgentFactory = agent_factory or default_agent_factory
        self.clock = clock
        self.warm_planner = agent_factory is None  # an injected agent may be scripted
        self.initial_session = session_id
        self.agent: Agent | None = None
        self.theme = {"light": LIGHT, "dark": DARK}.get(theme or "", theme or DARK)

    def get_default_screen(self) -> ChatScreen:
        return ChatScreen()

    @property
    def chat(self) -> ChatScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, ChatScreen)
        return screen

    # ------------------------------------------------------------------ actions

    def key_help(self) -> list[tuple[str, str]]:
        extra = [
            Binding("enter", "", "send", tooltip="send the message (or run a /command)"),
            Binding("y,n", "", "answer", tooltip="answer a confirmation or consent dialog"),
        ]
        palette = Binding(self.COMMAND_PALETTE_BINDING, "", "palette",
                          tooltip="command palette: Calvados commands, theme, screenshot")
        return binding_rows(extra, ChatScreen.BINDINGS, self.BINDINGS, [palette])

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            registry = self.agent.registry if self.agent is not None else get_registry()
            self.push_screen(HelpScreen(self.key_help(), registry))

    def action_settings(self) -> None:
        from .screens.settings import SettingsScreen

        def saved(changed: bool | None) -> None:
            if changed:
                self.notify("Settings saved.")
                self.chat.settings_changed()

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(), saved)

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    # ------------------------------------------------------------------ from worker threads

    def ask_from_thread(self, screen: ModalScreen[bool]) -> bool:
        """Show ``screen`` from a worker thread and block that thread until it is answered.

        A cancelled worker (or an app that is closing) gets False: nothing is approved
        without an answer.
        """
        answer: Future[bool] = Future()

        def done(value: bool | None) -> None:
            self.chat.waiting_for_user(False)
            if not answer.done():
                answer.set_result(bool(value))

        def show() -> None:
            self.chat.waiting_for_user(True)
            self.push_screen(screen, done)

        try:
            worker: Any = get_current_worker()
        except NoActiveWorker:
            worker = None
        try:
            self.call_from_thread(show)
        except RuntimeError:  # the app is not running (any more)
            return False
        while True:
            try:
                return answer.result(timeout=POLL_SECONDS)
            except TimeoutError:
                if (worker is not None and worker.is_cancelled) or not self.is_running:
                    self._withdraw(screen)
                    return False

    def _withdraw(self, screen: ModalScreen[bool]) -> None:
        try:
            self.call_from_thread(lambda: screen.is_current and screen.dismiss(False))
        except Exception:  # the app is closing: the screen goes with it
            pass

    def confirm_from_thread(self, request: ConfirmationNeeded) -> bool:
        """The Agent's ``confirm`` callback."""
        return self.ask_from_thread(ConfirmScreen(request))

    def consent_from_thread(self, request: ConsentNeeded) -> bool:
        """The Agent's ``consent`` callback."""
        return self.ask_from_thread(ConsentScreen(request))


def run_tui(session_id: str | None = None, agent_factory: AgentFactory | None = None) -> None:
    """Open the chat app in this terminal."""
    CalvadosApp(agent_factory, session_id=session_id).run()
