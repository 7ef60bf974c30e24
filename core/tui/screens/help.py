"""The help screen: what one can ask first, then every key binding and slash command."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown

from ...registry import Registry
from ...tools import Tool
from ..commands import COMMANDS

ASK_TITLE = "What you can ask"
PER_SKILL = 6  # examples shown per skill


def skill_examples(registry: Registry) -> list[tuple[str, list[str]]]:
    """(heading, example requests) for each installed skill, from what its tools declare:
    every tool's first example, then second ones, up to :data:`PER_SKILL`."""
    by_skill: dict[str, list[Tool]] = {}
    for tool in registry.tools.values():
        by_skill.setdefault(tool.skill, []).append(tool)
    out = []
    for skill, tools in by_skill.items():
        rounds = [[t.examples[n].message for t in tools if len(t.examples) > n] for n in (0, 1)]
        examples = [m for r in rounds for m in r][:PER_SKILL]
        if not examples:
            continue
        notes = [note for present, note in (
            (any(t.attaches for t in tools), "attach a file with `/scan PATH` or `ctrl+o`"),
            (any(t.needs_confirmation for t in tools), "some ask for your OK first"),
            (all(t.data_class == "emotional" for t in tools), "kept on this device"),
        ) if present]
        title = skill.replace("_", " ").capitalize()
        out.append((f"{title} ({'; '.join(notes)})" if notes else title, examples))
    return out


CLOUD = (
    "Anything else is answered by the on-device model. When your privacy policy allows it "
    "(`f3`), a request it cannot serve well (a long piece, a long document, "
    "\"ask gemini: …\") may go to the cloud: after your OK when the policy says *ask*, "
    "never for comfort or a crisis, and always recorded in the ledger (`/ledger`)."
)


def ask_markdown(registry: Registry) -> str:
    lines = [f"## {ASK_TITLE}", "", "Just type; Calvados picks the skill. For example:", ""]
    found = skill_examples(registry)
    if not found:
        lines += ["No skill is installed (see `calvados skills list`).", ""]
    for skill, examples in found:
        lines += [f"**{skill}**", ""]
        lines += [f"- {example}" for example in examples]
        lines.append("")
    return "\n".join([*lines, CLOUD])


def help_markdown(keys: list[tuple[str, str]], registry: Registry) -> str:
    lines = [ask_markdown(registry), "", "## Keys", "", "| key | does |", "|---|---|"]
    lines += [f"| `{key}` | {what} |" for key, what in keys]
    lines += ["", "## Commands", "", "| command | does |", "|---|---|"]
    lines += [f"| `{usage}` | {what} |" for usage, what in COMMANDS.values()]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, keys: list[tuple[str, str]], registry: Registry) -> None:
        super().__init__(classes="modal")
        self.keys = keys
        self.registry = registry

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Label("Help · ↑ ↓ scroll · esc closes", classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Markdown(help_markdown(self.keys, self.registry), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-scroll", VerticalScroll).focus()  # the arrows scroll it

    def action_close(self) -> None:
        self.dismiss(None)
