"""MCP both ways over real stdio: ``calvados mcp`` serves tools; configured servers are skills."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from calvados import Agent, Database
from calvados.mcp_client import close_all
from calvados.planner import Planner
from calvados.registry import get_registry

CALVADOS = Path(sys.executable).with_name("calvados")

SKILL = '''\
import calvados


@calvados.tool(data_class="chat")
def shout(text: str, times: int = 1) -> dict:
    """Repeat a text in capitals.

    Args:
        text: What to shout.
        times: How many times.
    """
    return {"text": " ".join([text.upper()] * times), "length": len(text)}


@calvados.tool(data_class="travel", needs_confirmation=True)
def reserve(name: str) -> dict:
    """Reserve a table.

    Args:
        name: The restaurant.
    """
    return {"text": f"Reserved {name}.", "reservation": name}


@calvados.hookimpl
def register_skills(register):
    register(shout)
    register(reserve)
'''

SERVER = '''\
import anyio
import mcp.types as types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

TOOLS = [
    types.Tool(name="shout", description="Upper-case a text.", input_schema={
        "type": "object", "required": ["text"],
        "properties": {"text": {"type": "string", "description": "The text."},
                       "times": {"type": "integer", "default": 1}}},
        annotations=types.ToolAnnotations(read_only_hint=True)),
    types.Tool(name="wipe-disk", description="Erase a disk.", input_schema={
        "type": "object", "properties": {"disk": {"type": "string"}}, "required": ["disk"]},
        annotations=types.ToolAnnotations(destructive_hint=True)),
    types.Tool(name="broken", description="Always fails.",
               input_schema={"type": "object", "properties": {}}),
]


async def list_tools(ctx, params):
    return types.ListToolsResult(tools=TOOLS)


async def call_tool(ctx, params):
    args = params.arguments or {}
    if params.name == "shout":
        text = " ".join([args["text"].upper()] * args.get("times", 1))
        return types.CallToolResult(content=[types.TextContent(text=text)],
                                    structured_content={"sent": args})
    if params.name == "wipe-disk":
        return types.CallToolResult(content=[types.TextContent(text="wiped " + args["disk"])])
    return types.CallToolResult(content=[types.TextContent(text="disk on fire")], is_error=True)


server = Server("echo", on_list_tools=list_tools, on_call_tool=call_tool)


async def main():
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())

anyio.run(main)
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A third-party skill installed by pip (with its ``calvados`` entry point)."""
    root = tmp_path_factory.mktemp("mcp_skill")
    project = root / "src"
    project.mkdir()
    (project / "pyproject.toml").write_text(textwrap.dedent("""\
        [build-system]
        requires = ["setuptools>=70.1"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "calvados-mcp-probe"
        version = "0.1.0"

        [project.entry-points.calvados]
        probe = "calvados_mcp_probe"

        [tool.setuptools]
        py-modules = ["calvados_mcp_probe"]
        """))
    (project / "calvados_mcp_probe.py").write_text(SKILL)
    target = root / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--no-build-isolation", "--target", str(target), str(project)],
                   check=True, capture_output=True, timeout=300)
    return target


def call_over_stdio(home: Path, site: Path, steps: Any) -> Any:
    """Spawn ``calvados mcp`` and run ``steps(client)`` with the SDK's client."""
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(command=str(CALVADOS), args=["mcp"], env={
        "CALVADOS_HOME": str(home), "PYTHONPATH": str(site), "CALVADOS_LOAD_PLUGINS": "probe"})

    async def main() -> Any:
        async with Client(params, read_timeout_seconds=60) as client:
            return await steps(client)

    return anyio.run(main)


def test_mcp_client_lists_and_calls_calvados_tools(home: Path, site: Path) -> None:
    async def steps(client: Any) -> dict[str, Any]:
        listed = (await client.list_tools()).tools
        return {
            "tools": {t.name: t for t in listed},
            "shout": await client.call_tool("shout", {"text": "hello", "times": "2"}),
            "bad": await client.call_tool("shout", {"times": 2}),
            "unconfirmed": await client.call_tool("reserve", {"name": "Chez Anne"}),
            "confirmed": await client.call_tool("reserve", {"name": "Chez Anne",
                                                            "confirm": True}),
        }

    out = call_over_stdio(home, site, steps)
    tools = out["tools"]
    assert {"shout", "reserve"} <= set(tools)
    assert tools["shout"].input_schema["required"] == ["text"]
    assert tools["shout"].input_schema["properties"]["times"]["default"] == 1
    assert "confirm" not in tools["shout"].input_schema["properties"]
    assert tools["reserve"].input_schema["properties"]["confirm"]["type"] == "boolean"
    assert out["shout"].content[0].text == "HELLO HELLO"  # "2" validated to 2
    assert out["shout"].structured_content == {"text": "HELLO HELLO", "length": 5}
    assert out["bad"].is_error and "text" in out["bad"].content[0].text
    assert out["unconfirmed"].is_error and "confirm" in out["unconfirmed"].content[0].text
    assert not out["confirmed"].is_error
    assert out["confirmed"].content[0].text == "Reserved Chez Anne."
    rows = Database(home / "calvados.db").execute(
        "SELECT tool, status FROM tool_calls ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [
        ("shout", "ok"), ("shout", "error"), ("reserve", "refused"), ("reserve", "ok")]


@pytest.fixture
def configured(home: Path, tmp_path: Path) -> Iterator[Path]:
    """config.toml listing a working stdio MCP server and one that cannot start."""
    script = tmp_path / "echo_server.py"
    script.write_text(SERVER)
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(textwrap.dedent(f"""\
        [mcp_servers.echo]
        command = {str(sys.executable)!r}
        args = [{str(script)!r}]

        [mcp_servers.ghost]
        command = "/nonexistent/ghost-mcp-server"
        """))
    yield home
    close_all()


def test_configured_mcp_server_becomes_a_skill(configured: Path, scripted: Any) -> None:
    registry = get_registry()
    shout, wipe = registry.tool("echo_shout"), registry.tool("echo_wipe_disk")
    assert (shout.data_class, shout.skill, shout.needs_confirmation) == (
        "external", "mcp:echo", False)
    assert wipe.data_class == "external" and wipe.needs_confirmation  # destructive hint
    assert "echo_shout" not in registry.builtin_tools  # described to the planner as extra
    ghost = [p for p in registry.problems if "mcp:ghost" in p]
    assert len(ghost) == 1 and "ghost-mcp-server" in ghost[0]
    assert not any(t.startswith("ghost") for t in registry.tools)

    agent = Agent(registry=registry, confirm=lambda request: False)
    result = agent.run_tool("echo_shout", {"text": "hi", "times": "3"})
    assert result.text == "HI HI HI" and result.result["data"] == {"sent": {"text": "hi",
                                                                             "times": 3}}
    assert agent.run_tool("echo_wipe_disk", {"disk": "sda"}).error == "not confirmed"
    assert "disk on fire" in (agent.run_tool("echo_broken", {}).error or "")
    assert "text" in (agent.run_tool("echo_shout", {}).error or "")  # validated before sending

    planner = Planner(scripted(['echo_shout(text="bonjour")']), list(registry.tools.values()),
                      registry.builtin_tools, style="student")
    assert "echo_shout(" in planner.prompt("shout bonjour")
    final = Agent(registry=registry, planner=planner).ask("shout bonjour")
    assert final.text == "BONJOUR" and final.tools == ["echo_shout"]


def test_skills_list_shows_mcp_tools_and_names_the_failing_server(configured: Path) -> None:
    proc = subprocess.run([str(CALVADOS), "skills", "list"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line.split() for line in proc.stdout.splitlines()}
    assert rows["echo_shout"][1:3] == ["mcp:echo", "external"]
    assert any("mcp:ghost" in line for line in proc.stderr.splitlines())


def test_policy_treats_mcp_results_as_external(
    configured: Path, scripted: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """external=deny: an MCP tool's result never reaches the cloud, even when chat may."""
    from calvados.config import Settings
    from calvados.policy import set_rule
    from gemini_server import FakeGemini, Reply

    set_rule("external", "deny")
    set_rule("chat", "allow")
    registry = get_registry()
    with FakeGemini([Reply("Noted.")]) as fake:
        monkeypatch.setenv("CALVADOS_GEMINI_BASE_URL", fake.url)
        planner = Planner(scripted(['echo_shout(text="code 7731")']),
                          list(registry.tools.values()), registry.builtin_tools)
        agent = Agent(registry=registry, planner=planner,
                      settings=Settings(gemini_api_key="k-0123456789", gemini_timeout=5))
        assert agent.ask("shout code 7731").text == "CODE 7731"
        final = agent.ask("ask gemini what a good next step is")
    assert final.where.startswith("cloud:") and len(fake.requests) == 1
    sent = "\n".join(fake.requests[0].texts)
    assert "good next step" in sent
    assert "7731" not in sent  # the external turn stayed on the device


def test_calvados_as_a_configured_server_does_not_loop(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(textwrap.dedent(f"""\
        [mcp_servers.self]
        command = {str(CALVADOS)!r}
        args = ["mcp"]
        env = {{ CALVADOS_HOME = {str(home)!r} }}
        """))
    try:
        registry = get_registry()
        mine = sorted(name for name in registry.tools if name.startswith("self_"))
        assert not [p for p in registry.problems if "mcp:self" in p], registry.problems
        assert mine and not any(name.startswith("self_self_") for name in mine)
        assert {f"self_{name}" for name in registry.builtin_tools} == set(mine)
    finally:
        close_all()
