"""The chat UI's features: the breathing view, documents, the file picker, settings, help,
themes, a failed start, and the --plain REPL (Pilot, agents on scripted backends)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import calvados
import pytest
from calvados import Agent, Database, Session, ToolContext
from calvados.config import load_settings
from calvados.policy import DEFAULTS, Policy
from calvados.registry import get_registry
from calvados.tui import CalvadosApp
from calvados.tui.screens import HelpScreen, SettingsScreen
from calvados.tui.widgets import PacedView, ToolCard
from test_tui import (
    DOCS,
    SIZE,
    Rig,
    breathing_tool,
    finished,
    modal,
    ready,
    say,
    stored,
    until,
)
from textual.widgets import Input


@pytest.mark.asyncio
async def test_breathing_exercise_is_shown_live() -> None:
    gate = threading.Semaphore(0)
    rig = Rig(["breathing_exercise(minutes=2)"], [], [breathing_tool(gate)])
    async with rig.app().run_test(size=SIZE) as pilot:
        view = await say(pilot, "help me breathe")
        await until(pilot, lambda: view.query(PacedView))
        live = view.query_one(PacedView)
        assert live.title == "Slow breathing, together."  # what the tool said first
        step = live.query_one("#paced-step")
        await until(pilot, lambda: str(step.content) == "Breathe in for 4 seconds")
        bar_view = live.query_one("#paced-bar")
        await until(pilot, lambda: str(bar_view.content).startswith("██"))  # filling up
        gate.release()
        await until(pilot, lambda: str(step.content) == "Hold for 4 seconds")
        assert str(live.query_one("#paced-count").content) == "step 2"
        gate.release(4)
        await finished(pilot, view)
        assert [s.shape for s in live.steps] == ["rise", "full", "fall"] * 2
        assert [s.seconds for s in live.steps[:3]] == [4, 4, 6]
        assert live.steps[-1].text == "Breathe out for 6 seconds"
        assert str(step.content) == "Finished. Well done."
        assert str(live.query_one("#paced-count").content) == "done · 6 steps"
        assert view.text == ""  # the steps are in the live view, not repeated as text
        assert view.where_text.endswith("tools: breathing_exercise")


@pytest.mark.asyncio
async def test_esc_stops_the_real_breathing_exercise_at_once() -> None:
    registry = get_registry()
    assert "breathing_exercise" in registry.tools, "the support skill is built in"
    slept: list[float] = []
    clock = [0.0]
    resume = threading.Event()

    def sleep(seconds: float) -> None:  # the exercise's clock: it waits until the test says
        slept.append(seconds)
        assert resume.wait(10)
        clock[0] += seconds

    rig = Rig(["breathing_exercise(minutes=1)"], [], list(registry.tools.values()),
              registry=registry)
    async with rig.app().run_test(size=SIZE) as pilot:
        app = await ready(pilot)
        assert app.agent is not None
        app.agent.tool_extras.update(clock=lambda: clock[0], sleep=sleep)
        view = await say(pilot, "help me breathe for a minute")
        await until(pilot, lambda: view.query(PacedView))
        live = view.query_one(PacedView)
        await until(pilot, lambda: len(live.steps) == 1 and slept)  # breath 1, in: waiting
        assert live.steps[0].shape == "rise" and live.steps[0].seconds == 4
        assert live.title.startswith("Breathing exercise: 1 minute")
        await pilot.press("escape")
        before = len(slept)
        resume.set()
        await until(pilot, lambda: view.state == "cancelled")
        assert len(slept) == before  # it stopped at once, not at the end of the 4 s step
        assert str(live.query_one("#paced-count").content) == "stopped"
    (user, reply) = stored(rig.agents[0])
    assert "Breath 1 of " in reply[1] and "breathe in slowly" in reply[1]


def test_paced_steps_fill_the_bar_by_their_shape() -> None:
    from calvados import Paced
    from calvados.tui.widgets.paced import bar, fill

    inhale, hold, exhale, other = (Paced("a", 4, "rise"), Paced("b", 7, "full"),
                                   Paced("c", 8, "fall"), Paced("d", 3))
    assert fill(inhale, 0.5) == 0.5 and fill(hold, 0.2) == 1.0 and fill(exhale, 0.25) == 0.75
    assert fill(other, 0.5) == 0.0 and fill(inhale, 2.0) == 1.0
    assert bar(0.5, 10) == "█████░░░░░"


@pytest.mark.asyncio
async def test_scan_without_the_document_skill_says_so() -> None:
    rig = Rig([], [], [])
    async with rig.app().run_test(size=SIZE) as pilot:
        view = await say(pilot, "/scan ~/letter.pdf")
        await until(pilot, lambda: view.state == "failed")
        assert "no installed skill reads attached files" in view.where_text
        assert stored(rig.agents[0]) == []


@pytest.mark.asyncio
async def test_scan_runs_the_document_skill(tmp_path: Path) -> None:
    """/scan with the real documents skill on a real PDF, then a missing file."""
    from fpdf import FPDF

    registry = get_registry()
    assert "scan_document" in registry.tools, "the documents skill is built in"
    pdf = FPDF()
    for page in (1, 2):
        pdf.add_page()
        pdf.set_font("Helvetica", size=14)
        pdf.cell(0, 10, f"Page {page}: the lease ends on 31 March 2027.")
    doc = tmp_path / "my lease.pdf"
    pdf.output(str(doc))
    rig = Rig([], [], list(registry.tools.values()), registry=registry)
    async with rig.app().run_test(size=SIZE) as pilot:
        view = await finished(pilot, await say(pilot, f'/scan "{doc}" French'))
        assert view.cards[0].arguments == {"path": str(doc), "language": "French"}
        assert view.cards[0].title == "✓ scan_document · done"
        assert view.text.startswith("Scanned my lease.pdf: 2 pages")
        assert "[p. 2]" in view.text and "31 March 2027" in view.text
        assert view.where_text == "⌂ on-device: scan_document · tools: scan_document"
        missing = await finished(pilot, await say(pilot, "/scan nowhere.pdf"))
        assert missing.cards[0].title == "✗ scan_document · failed"
        assert "nowhere.pdf" in str(missing.cards[0].query_one(".tool-result").content)
    stored_messages = stored(rig.agents[0])
    assert stored_messages[:2] == [("user", f"/scan '{doc}'"), ("assistant", view.text)]


@pytest.mark.asyncio
async def test_long_scan_shows_progress_and_esc_stops_it(tmp_path: Path) -> None:
    gate = threading.Semaphore(0)

    @calvados.tool(name="scan_document", data_class="document", attaches=True)
    def scan_document(path: str, ctx: ToolContext) -> dict[str, Any]:
        """Read a long document page by page.

        Args:
            path: The file.
        """
        for page in range(1, 301):
            if ctx.cancel.is_set():
                raise calvados.ToolError(f"scan cancelled after {page - 1} of 300 pages")
            ctx.progress(page, 300, "scanning big.pdf")
            assert gate.acquire(timeout=10)
        return {"text": "Scanned."}

    rig = Rig([], [], [scan_document])
    async with rig.app().run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, CalvadosApp)
        view = await say(pilot, "/scan big.pdf")
        await until(pilot, lambda: app.chat.busy.label == "scanning big.pdf: 1 of 300")
        gate.release()
        await until(pilot, lambda: app.chat.busy.label == "scanning big.pdf: 2 of 300")
        await pilot.press("escape")
        gate.release()
        await until(pilot, lambda: view.state == "cancelled")
        await ready(pilot)
        assert view.cards[0].title == "■ scan_document · cancelled"  # stopped, not broken
        result = str(view.cards[0].query_one(".tool-result").content)
        assert result == "error: scan cancelled after 2 of 300 pages"
    messages = Session.load(Database(), rig.agents[0].session.id).messages()
    assert messages[-1]["meta"]["cancelled"] is True
    async with rig.app(session_id=rig.agents[0].session.id).run_test(size=SIZE) as pilot:
        app = await ready(pilot)
        (card,) = app.query(ToolCard)  # resumed: the card ends as it did
        assert card.title == "■ scan_document · cancelled"
        result = str(card.query_one(".tool-result").content)
        assert result == "error: scan cancelled after 2 of 300 pages"


@pytest.mark.asyncio
async def test_file_picker_attaches_a_document(tmp_path: Path, monkeypatch: Any) -> None:
    from calvados.tui.screens import FilePickerScreen

    seen: list[str] = []

    @calvados.tool(name="scan_document", data_class="document", attaches=True)
    def scan_document(path: str) -> dict[str, Any]:
        """Read a document.

        Args:
            path: The file.
        """
        seen.append(path)
        return {"text": "Scanned."}

    folder = tmp_path / "papers"
    (folder / "old").mkdir(parents=True)
    (folder / "scan.png").write_bytes(b"\x89PNG")
    (folder / "notes.xyz").write_text("not a document")
    (folder / ".hidden.pdf").write_text("")
    monkeypatch.chdir(folder)
    rig = Rig([], [], [scan_document])
    async with rig.app().run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+o")
        picker = await modal(pilot, FilePickerScreen)
        tree = picker.query_one("#picker-tree")
        await until(pilot, lambda: tree.root.children)
        assert [str(n.label) for n in tree.root.children] == ["old", "scan.png"]
        picker.query_one("#picker-path", Input).focus()
        await pilot.press(*"scan.png", "enter")
        app = await ready(pilot)
        await until(pilot, lambda: app.chat.views and app.chat.views[1].state == "done")
    assert seen == [str(folder / "scan.png")]


@pytest.mark.asyncio
async def test_settings_write_policy_and_default_model(home: Path) -> None:
    import tomllib

    from textual.widgets import Select

    rig = Rig([], [], [])
    async with rig.app().run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("f3")
        screen = await modal(pilot, SettingsScreen)
        assert screen.chosen_policy()["emotional"] == "deny"
        assert screen.chosen_policy()["document"] == "ask"
        assert screen.query_one("#policy-emotional", Select).disabled  # always deny
        screen.query_one("#policy-travel", Select).value = "allow"
        screen.query_one("#default-model", Select).value = "gemma3-270m"
        await pilot.click("#save")
        await until(pilot, lambda: not isinstance(pilot.app.screen, SettingsScreen))
        await ready(pilot)
    config = tomllib.loads((home / "config.toml").read_text("utf-8"))
    assert config["default_model"] == "gemma3-270m"
    assert config["policy"] == {"travel": "allow"}
    assert Policy.load().rules == {**DEFAULTS, "travel": "allow"}
    assert len(rig.agents) == 2  # the session was reopened with the new settings
    assert rig.agents[0].session.id == rig.agents[1].session.id


@pytest.mark.asyncio
async def test_help_starts_with_what_to_ask_then_every_binding() -> None:
    from textual.widgets import Markdown
    from textual.widgets._markdown import MarkdownH2, MarkdownTableContent

    registry = get_registry()
    rig = Rig([], [], list(registry.tools.values()), registry=registry)
    doc = DOCS.read_text("utf-8")
    async with rig.app().run_test(size=SIZE) as pilot:
        app = await ready(pilot)
        await pilot.press("f1")
        screen = await modal(pilot, HelpScreen)
        scroll = screen.query_one("#help-scroll")
        first = screen.query_one("#help-text", Markdown).children[0]
        assert isinstance(first, MarkdownH2) and str(first.content) == "What you can ask"
        assert scroll.scroll_y == 0 and first.region.y <= scroll.region.y + 1  # shown first
        shown = screen.query_one("#help-text", Markdown).source
        for tool in registry.tools.values():  # every installed tool's first example
            assert f"- {tool.examples[0].message}" in shown, tool.name
        for heading in ("**Documents (attach a file with `/scan PATH` or `ctrl+o`)**",
                        "**Travel (some ask for your OK first)**",
                        "**Support (kept on this device)**", "**Stories**"):
            assert heading in shown
        assert "cloud" in shown
        assert shown.index("What you can ask") < shown.index("## Keys")
        keys = [key for key, _ in app.key_help()]
        assert {"escape", "ctrl+n", "f2", "ctrl+o", "f1", "f3", "ctrl+t", "ctrl+q",
                "ctrl+p"} <= set(keys)
        table = screen.query(MarkdownTableContent).first()
        assert [str(row[0]) for row in table.rows] == keys  # every binding, none cut off
        assert len(keys) > 8 and table.region.height > len(keys)
        assert scroll.has_focus and scroll.max_scroll_y > 0
        await pilot.press("end")
        await until(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y)
        for key in keys:
            assert f"`{key}`" in doc, f"docs/tui.md does not document {key}"
        from calvados.tui.commands import COMMANDS

        for usage, _ in COMMANDS.values():
            assert f"`{usage}`" in doc, f"docs/tui.md does not document {usage}"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def _palette(pilot: Any, query: str = "") -> Any:
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    palette = await modal(pilot, CommandPalette)
    if query:
        await pilot.press(*query)
    options = palette.query_one(CommandList)
    await until(pilot, lambda: options.option_count > 0)
    await pilot.pause(0.3)  # every provider has answered
    return palette, options


def _names(options: Any) -> list[str]:
    return [str(options.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(options.option_count)]


@pytest.mark.asyncio
async def test_command_palette_runs_calvados_commands() -> None:
    from textual.command import CommandPalette

    rig = Rig([], [], [])
    async with rig.app().run_test(size=SIZE) as pilot:
        app = await ready(pilot)
        assert app.chat.query_one("#prompt", Input).has_focus
        palette_key = app.active_bindings["ctrl+p"].binding  # from the message box too
        assert palette_key.action == "command_palette"
        _, options = await _palette(pilot)
        names = _names(options)
        for name in ("New session", "Help", "Settings", "Ledger", "Toggle theme",
                     "Screenshot", "Theme", "Quit"):  # ours and Textual's
            assert name in names, names
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CommandPalette))

        await _palette(pilot, "toggle theme")
        await pilot.press("enter")
        await until(pilot, lambda: app.theme == "textual-light")
        first = app.chat.agent
        await _palette(pilot, "new session")
        await pilot.press("enter")
        await until(pilot, lambda: app.chat.agent is not first)
        await ready(pilot)
        assert len(rig.agents) == 2 and rig.agents[0].session.id != rig.agents[1].session.id
        await _palette(pilot, "help")
        await pilot.press("enter")
        await modal(pilot, HelpScreen)


@pytest.mark.asyncio
async def test_command_palette_offers_the_screenshot() -> None:
    rig = Rig([], [], [])
    async with rig.app().run_test(size=SIZE) as pilot:
        await ready(pilot)
        _, options = await _palette(pilot, "screenshot")
        assert _names(options)[0] == "Screenshot"
        assert "SVG" in str(options.get_option_at_index(0).prompt)


@pytest.mark.asyncio
async def test_theme_toggle_and_unknown_command() -> None:
    rig = Rig([], [], [])
    async with rig.app().run_test(size=SIZE) as pilot:
        app = await ready(pilot)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        app.chat.query_one("#prompt", Input).focus()
        await pilot.press(*"/theme", "enter")
        await pilot.press(*"/frobnicate", "enter")
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert "unknown command /frobnicate" in str(app.query(".notice").last().content)
        await pilot.press(*"/ledger", "enter")
        await until(pilot, lambda: "left the device" in str(app.query(".notice").last().content))
        assert str(app.query(".notice").last().content) == (
            "‣ nothing from this session has left the device")


@pytest.mark.asyncio
async def test_a_failing_start_is_one_line_and_can_be_retried(home: Path) -> None:
    rig = Rig(["none"], ["Hello."], [])
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("max_steps = [", "utf-8")

    def factory(session_id: str | None) -> Agent:
        load_settings()  # what Agent() does first: a broken config.toml fails here
        return rig.factory(session_id)

    async with CalvadosApp(factory).run_test(size=SIZE) as pilot:
        app = pilot.app
        assert isinstance(app, CalvadosApp)
        await until(pilot, lambda: app.chat.state == "broken")
        (note,) = [str(n.content) for n in app.query(".notice")]
        assert note.startswith("‣ cannot start: ") and "is not valid TOML" in note
        assert "\n" not in note
        app.chat.query_one("#prompt", Input).value = "hello"
        await pilot.press("enter")
        assert app.chat.query_one("#prompt", Input).value == "hello"  # kept, not lost
        (home / "config.toml").write_text("max_steps = 3\n", "utf-8")
        await pilot.press("ctrl+n")
        await ready(pilot)
        view = await finished(pilot, await say(pilot, "hello"))
        assert view.text == "Hello."


def test_plain_keeps_the_line_repl() -> None:
    from calvados.cli import chat as _  # noqa: F401  (registers the chat command)
    from calvados.cli import cli
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["chat", "--plain"], input="/quit\n")
    assert result.exit_code == 0, result.output
    assert "/quit to leave" in result.output
