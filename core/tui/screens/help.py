"""The help screen: what one can ask first, then every key binding and slash command."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from ..commands import COMMANDS

ASK_TITLE = "What you can ask"
EXAMPLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Documents (attach one with `/scan PATH` or `ctrl+o`, or name it)", (
        "scan ~/Documents/lease.pdf",
        "summarize the letter as bullet points",
        "when does the lease end?",
    )),
    ("Travel (bookings ask for your OK first)", (
        "flights from Boston to Lisbon on March 3rd",
        "a hotel in Lisbon from March 3 to March 7",
        "book the cheapest one",
        "show my bookings",
        "cancel booking BK-3",
        "export my itinerary",
    )),
    ("Stories", (
        "tell me a bedtime story about a dragon who is afraid of the dark",
        "continue the story",
    )),
    ("Comfort (kept on this device)", (
        "I'm really anxious about my exam tomorrow",
        "can we do a breathing exercise?",
        "what crisis lines can I call in Canada?",
    )),
)
CLOUD = (
    "Anything else is answered by the on-device model. When your privacy policy allows it "
    "(`f3`), a request it cannot serve well (a long piece, a long document, "
    "\"ask gemini: …\") may go to the cloud: after your OK when the policy says *ask*, "
    "never for comfort or a crisis, and always recorded in the ledger (`/ledger`)."
)


def ask_markdown() -> str:
    lines = [f"## {ASK_TITLE}", "", "Just type; Calvados picks the skill. For example:", ""]
    for skill, examples in EXAMPLES:
        lines += [f"**{skill}**", ""]
        lines += [f"- {example}" for example in examples]
        lines.append("")
    return "\n".join([*lines, CLOUD])


def help_markdown(keys: list[tuple[str, str]]) -> str:
    lines = [ask_markdown(), "", "## Keys", "", "| key | does |", "|---|---|"]
    lines += [f"| `{key}` | {what} |" for key, what in keys]
    lines += ["", "## Commands", "", "| command | does |", "|---|---|"]
    lines += [f"| `{usage}` | {what} |" for usage, what in COMMANDS.values()]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__(classes="modal")
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label("Help · ↑ ↓ scroll · esc closes", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Markdown(help_markdown(self.keys), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()  # the arrows scroll it

    def action_close(self) -> None:
        self.dismiss(None)
