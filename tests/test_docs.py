"""Docs stay honest: the plugin in docs/plugins.md is installed and run, the examples in
docs/embedding.md run, every hook and every CLI option is documented."""

from __future__ import annotations

import inspect
import os
import re
import shlex
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

import click
import pytest
from calvados import hookspecs
from calvados.registry import get_registry
from docs_blocks import DOCS, blocks, named_files, python_blocks

CALVADOS = Path(sys.executable).with_name("calvados")


@pytest.fixture(scope="module")
def units_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calvados-units plugin from docs/plugins.md, installed by pip with its entry point."""
    root = tmp_path_factory.mktemp("units")
    files = named_files("plugins.md")
    assert set(files) == {"calvados-units/pyproject.toml", "calvados-units/calvados_units.py"}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    site = root / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--no-build-isolation", "--target", str(site), str(root / "calvados-units")],
                   check=True, capture_output=True, timeout=300)
    return site


def console_examples(doc: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for each ``$ calvados ...`` in console blocks."""
    examples = []
    for block in blocks(doc, "console"):
        for chunk in block.split("$ ")[1:]:
            command, *output = chunk.strip().splitlines()
            if command.startswith("calvados "):
                examples.append((command, output))
    return examples


def test_the_documented_plugin_runs_through_the_cli(units_site: Path, home: Path) -> None:
    examples = console_examples("plugins.md")
    assert len(examples) >= 4
    env = {**os.environ, "PYTHONPATH": str(units_site), "CALVADOS_HOME": str(home)}
    for command, expected in examples:
        proc = subprocess.run([str(CALVADOS), *shlex.split(command)[1:]], capture_output=True,
                              text=True, env=env, timeout=300)
        lines = (proc.stdout + proc.stderr).splitlines()
        assert "Traceback" not in proc.stderr
        if "..." in expected:  # an excerpt: the listed lines appear, in order
            listed = [line.split() for line in lines]
            for line in expected[expected.index("...") + 1:]:
                assert line.split() in listed, (command, line)
        else:
            assert lines == expected, command
        assert proc.returncode == (1 if any(x.startswith("error:") for x in expected) else 0)


def test_the_documented_plugin_runs_through_the_agent(units_site: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(units_site))
    registry = get_registry()
    assert {"convert_units", "list_units"} <= set(registry.tools) and not registry.problems
    assert registry.tools["convert_units"].skill == "calvados_units"
    (code,) = [b for b in blocks("plugins.md", "python") if "run_tool" in b]
    exec(compile(code, "docs/plugins.md", "exec"), {})
    from calvados import Agent, ToolContext

    agent = Agent(registry=registry)
    ctx = ToolContext(now=agent.now(), session=agent.session)
    model = registry.tools["convert_units"].validate(
        {"value": "98.6", "from_unit": "°F", "to_unit": "Celsius"}, ctx)
    assert (model.from_unit, model.to_unit) == ("F", "C")  # type: ignore[attr-defined]
    assert agent.run_tool("convert_units", {"value": 98.6, "from_unit": "degrees fahrenheit",
                                            "to_unit": "c"}).result["value"] == 37.0
    assert agent.run_tool("list_units", {"dimension": "mass"}).text == "Units: kg, g, lb, oz"
    assert "to_unit: Input should be" in (
        agent.run_tool("convert_units", {"value": 1, "from_unit": "km", "to_unit": "parsec"})
        .error or "")


def expected_outputs(code: str) -> list[str]:
    """What the examples say they print: ``print(...)  # X`` and a comment line after one."""
    expected, lines = [], code.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith("print(") and "  # " in line:
            expected.append(line.split("  # ", 1)[1])
        elif line.startswith("# ") and i and lines[i - 1].startswith("print("):
            expected.append(line[2:])
    return expected


@pytest.mark.slow
def test_the_embedding_examples_run(tmp_path: Path, home: Path) -> None:
    code = "\n\n".join(blocks("embedding.md", "python"))
    assert "Agent()" in code  # the first example uses the real local model
    script = tmp_path / "embedding_examples.py"
    script.write_text(code, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env={**os.environ, "CALVADOS_HOME": str(home)}, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr  # not even while the models are freed at exit
    out = proc.stdout.splitlines()
    assert out[0].strip() and not out[0].startswith("[")  # the model answered
    assert any(line.startswith("-- on-device: ") for line in out)
    expected = expected_outputs(code)
    assert len(expected) >= 6
    for line in expected:
        assert line in out, line


def hookspec_names() -> dict[str, object]:
    """The core's hooks and those the built-in skills declare (``calvados_hookspecs``)."""
    from calvados.plugins.travel import hooks as travel_hooks

    return {name: fn for module in (hookspecs, travel_hooks)
            for name, fn in inspect.getmembers(module, inspect.isfunction)
            if hasattr(fn, "calvados_spec")}


def test_every_hook_is_documented_with_its_signature() -> None:
    text = (DOCS / "plugins.md").read_text("utf-8")
    names = hookspec_names()
    assert {"register_skills", "register_backends", "register_travel_providers"} <= set(names)
    for name, fn in names.items():
        params = ", ".join(inspect.signature(fn).parameters)  # type: ignore[arg-type]
        assert f"`{name}({params})`" in text, name


def cli_commands() -> dict[str, click.Command]:
    import calvados.cli as cli_package

    before = sys.argv
    sys.argv = ["calvados", "--help"]
    try:  # main() imports every command module, then click prints help and exits
        with pytest.raises(SystemExit):
            cli_package.main()
    finally:
        sys.argv = before
    found: dict[str, click.Command] = {}

    def walk(cmd: click.Command, path: str) -> None:
        found[path] = cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(cli_package.cli, "calvados")
    return found


def cli_sections() -> dict[str, str]:
    text = (DOCS / "cli.md").read_text("utf-8")
    parts = re.split(r"^#{2,3} (calvados(?: [a-z-]+)*)\s*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


FOUNDATION = ["calvados", "calvados ask", "calvados chat", "calvados skills list",
              "calvados skills show", "calvados run", "calvados models list",
              "calvados models add", "calvados sessions list", "calvados sessions show",
              "calvados doctor", "calvados eval planner", "calvados eval safety"]


def test_cli_reference_matches_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    commands = cli_commands()
    capsys.readouterr()
    sections = cli_sections()
    assert set(FOUNDATION) <= set(sections)
    for path, text in sections.items():
        assert path in commands, f"docs/cli.md documents {path!r}, which does not exist"
        for param in commands[path].params:
            if isinstance(param, click.Option):
                for opt in param.opts + param.secondary_opts:
                    assert f"`{opt}" in text, f"{path}: {opt} is not documented"
            else:
                assert f"`{param.human_readable_name}`" in text, (path, param.name)
        usage = re.search(r"```\n(calvados.*?)\n```", text)
        assert usage and usage.group(1).startswith(path), path


def test_every_command_is_documented_and_listed_with_its_whole_first_sentence() -> None:
    import calvados.cli as cli_package
    from click.testing import CliRunner

    commands = cli_commands()
    leaves = {p for p, c in commands.items() if not isinstance(c, click.Group)} | {"calvados"}
    assert not leaves - set(cli_sections()), "commands missing from docs/cli.md"
    for path, command in commands.items():
        if not isinstance(command, click.Group):
            continue
        listing = CliRunner().invoke(cli_package.cli, [*path.split()[1:], "--help"]).output
        flat = " ".join(listing.split())
        for name, sub in command.commands.items():
            first = " ".join(sub.get_short_help_str(limit=10_000).split())
            assert f"{name} {first}" in flat, f"{path} --help cuts {name}'s help"


# ---------------------------------------------------------------------------- every block

# Blocks that need a running service, a document or an installed plugin run with it in the
# test named here; every other block runs in test_a_python_block_runs.
ELSEWHERE = {
    ("documents.md", 0): "test_documents.py::test_the_python_sample_in_the_docs_runs",
    ("serving.md", 0): "test_server.py::test_the_python_sample_in_docs_runs",
    ("travel.md", 0):
        "test_travel.py::test_the_documented_http_provider_books_through_a_real_server",
    ("plugins.md", 0): "test_docs.py::test_the_documented_plugin_runs_through_the_cli",
    ("plugins.md", 1): "test_docs.py::test_the_documented_plugin_runs_through_the_agent",
    **{("embedding.md", i): "test_docs.py::test_the_embedding_examples_run" for i in range(5)},
}
STANDALONE = [key for key in python_blocks() if key not in ELSEWHERE]


def test_every_python_block_is_run() -> None:
    assert set(ELSEWHERE) <= set(python_blocks()), "a listed block is gone: update ELSEWHERE"
    tests = Path(__file__).parent
    for where in set(ELSEWHERE.values()):
        module, name = where.split("::")
        assert f"def {name}(" in (tests / module).read_text("utf-8"), where
    assert {"privacy.md", "tui.md", "support.md"} <= {doc for doc, _ in STANDALONE}


def _explain_clause_runs(namespace: dict[str, object]) -> None:
    """privacy.md's tool: a real Tool, whose completion goes through ``ctx.models``."""
    from calvados import Database, LocalModels, Session, Tool, ToolContext
    from conftest import ScriptedBackend

    tool = namespace["explain_clause"]
    assert isinstance(tool, Tool) and tool.data_class == "document"
    backend = ScriptedBackend(["It means you can leave with a month's notice."])
    ctx = ToolContext(now=datetime.now(), session=Session.create(Database()),
                      models=LocalModels(backend))
    text = "".join(tool.run({"clause": "Either party may terminate on 30 days' notice."}, ctx))
    assert text == "It means you can leave with a month's notice."
    assert "30 days' notice" in backend.prompts[0]


@pytest.mark.parametrize(("doc", "index"), STANDALONE, ids=[f"{d}#{i}" for d, i in STANDALONE])
def test_a_python_block_runs(doc: str, index: int, home: Path) -> None:
    """Run the block as written (the TUI headless, closed once it is up); its own asserts
    and a check of what it made must hold. The environment it changes is restored."""
    from calvados.tui import CalvadosApp

    code = blocks(doc)[index]
    namespace: dict[str, object] = {"__name__": f"docs_{doc[:-3]}_{index}"}
    seen: dict[str, object] = {}

    async def close_when_up(pilot: Any) -> None:
        for _ in range(600):  # the agent loads in a worker thread
            await pilot.pause(0.1)
            if pilot.app.agent is not None:
                break
        seen["agent"] = pilot.app.agent
        pilot.app.exit()

    run = CalvadosApp.run
    with mock.patch.dict(os.environ), mock.patch.object(
            CalvadosApp, "run", lambda app: run(app, headless=True, auto_pilot=close_when_up)):
        exec(compile(code, f"docs/{doc}", "exec"), namespace)  # noqa: S102
    if doc == "tui.md":
        assert getattr(seen.get("agent"), "max_steps", None) == 3
    if doc == "privacy.md":
        _explain_clause_runs(namespace)
