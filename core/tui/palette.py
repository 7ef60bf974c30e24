"""The Calvados commands of the command palette (``ctrl+p``).

The chat screen offers them (``ChatScreen.COMMANDS``); Textual's own system commands (theme,
keys, screenshot, quit) come from the app's default provider next to them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .widgets.messages import LedgerRequested

if TYPE_CHECKING:
    from .screens.chat import ChatScreen

Command = tuple[str, str, Callable[[], Any]]


def palette_commands(chat: ChatScreen) -> list[Command]:
    """(name, what it does, run) for each Calvados command, in the palette's order."""
    app = chat.calvados
    return [
        ("New session", "start a new session", chat.action_new_session),
        ("Help", "what you can ask, the keys and the commands", app.action_help),
        ("Settings", "privacy policy and default model", app.action_settings),
        ("Ledger", "what this session's latest cloud reply sent",
         lambda: chat.post_message(LedgerRequested(None))),
        ("Toggle theme", "switch between the dark and the light theme",
         app.action_toggle_theme),
        ("Attach a document", "pick a document to scan into the session", chat.action_attach),
        ("Sessions", "show or hide the session sidebar", chat.action_toggle_sidebar),
    ]


class CalvadosCommands(Provider):
    """Calvados's own commands: all listed when the palette opens, fuzzy-matched as you type."""

    def _commands(self) -> list[Command]:
        from .screens.chat import ChatScreen

        screen = self.screen
        return palette_commands(screen) if isinstance(screen, ChatScreen) else []

    async def discover(self) -> Hits:
        for name, what, run in self._commands():
            yield DiscoveryHit(name, run, help=what)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, what, run in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), run, help=what)
