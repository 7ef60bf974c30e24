"""Plugin discovery through real entry points: packages built and pip-installed into a tmp dir."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from calvados import Agent, Final, Notice, PluginError
from calvados.planner import Planner
from calvados.registry import Registry, get_registry

CALVADOS = Path(sys.executable).with_name("calvados")
Proc = subprocess.CompletedProcess[str]

GOOD = '''
    from calvados import hookimpl, tool


    @tool(examples=[("greet Ann politely", {"name": "Ann"})])
    def greet_politely(name: str, times: int = 1) -> dict:
        """Greet someone politely.

        Args:
            name: Who to greet.
            times: How many times.
        """
        return {"text": " ".join([f"Good day, {name}."] * times)}


    @hookimpl
    def register_skills(register):
        register(greet_politely)
'''

BROKEN_IMPORT = '''
    import calvados_module_that_does_not_exist  # noqa: F401
'''

BAD_SIGNATURE = '''
    from calvados import hookimpl


    @hookimpl
    def register_skills(reg):
        pass
'''

RAISING = '''
    from calvados import hookimpl, tool


    @tool
    def half_registered(x: int) -> dict:
        """Registered just before the hook fails.

        Args:
            x: A number.
        """
        return {"text": str(x)}


    @hookimpl
    def register_skills(register):
        register(half_registered)
        raise RuntimeError("the weather API key is missing")
'''

TYPO = '''
    from calvados import hookimpl


    @hookimpl
    def register_skill(register):
        pass
'''

NOT_A_TOOL = '''
    from calvados import hookimpl


    def plain(x):
        return x


    @hookimpl
    def register_skills(register):
        register(plain)
'''

DECLARES_A_HOOK = '''
    import sys

    import calvados


    @calvados.hookspec
    def register_greetings(register):
        """Add a greeting word: call ``register(word)``."""


    calvados_hookspecs = sys.modules[__name__]
'''

IMPLEMENTS_IT = '''
    import calvados


    @calvados.hookimpl
    def register_greetings(register):
        register("bonjour")
'''

PLUGINS = {  # entry-point name: (distribution, module, source)
    "greet": ("calvados-greet", "calvados_greet", GOOD),
    "broken_import": ("calvados-broken-import", "calvados_broken_import", BROKEN_IMPORT),
    "bad_signature": ("calvados-bad-signature", "calvados_bad_signature", BAD_SIGNATURE),
    "raising": ("calvados-raising", "calvados_raising", RAISING),
    "typo": ("calvados-typo", "calvados_typo", TYPO),
    "not_a_tool": ("calvados-not-a-tool", "calvados_not_a_tool", NOT_A_TOOL),
    "a_greeting_pack": ("calvados-greeting-pack", "calvados_greeting_pack", IMPLEMENTS_IT),
    "greetings": ("calvados-greetings", "calvados_greetings", DECLARES_A_HOOK),
}
BROKEN = sorted(set(PLUGINS) - {"greet", "a_greeting_pack", "greetings"})


def make_project(root: Path, entry_point: str, dist: str, module: str, source: str) -> Path:
    """A plugin project exactly as a third party would write it."""
    project = root / dist
    project.mkdir(parents=True)
    (project / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [build-system]
        requires = ["setuptools>=70.1"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{dist}"
        version = "0.1.0"

        [project.entry-points.calvados]
        {entry_point} = "{module}"

        [tool.setuptools]
        py-modules = ["{module}"]
        """))
    (project / f"{module}.py").write_text(textwrap.dedent(source))
    return project


def pip_install(target: Path, *projects: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
           "--no-build-isolation", "--target", str(target), *map(str, projects)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding every test plugin, installed by pip with its entry point."""
    root = tmp_path_factory.mktemp("plugins")
    projects = [make_project(root / "src", ep, *spec) for ep, spec in PLUGINS.items()]
    target = root / "site"
    pip_install(target, *projects)
    assert (target / "calvados_greet-0.1.0.dist-info" / "entry_points.txt").is_file()
    return target


def run_cli(site: Path, *args: str, env: dict[str, str] | None = None) -> Proc:
    full_env = {**os.environ, "PYTHONPATH": str(site), **(env or {})}
    return subprocess.run([str(CALVADOS), *args], capture_output=True, text=True, env=full_env,
                          timeout=300)


def test_skills_list_finds_the_installed_plugin_and_reports_broken_ones(site: Path) -> None:
    proc = run_cli(site, "skills", "list")
    assert proc.returncode == 0, proc.stderr
    listed = {line.split()[0] for line in proc.stdout.splitlines()}
    assert "greet_politely" in listed
    assert "half_registered" not in listed  # the failing hook's registrations are rolled back
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning: ")]
    for name in BROKEN:
        assert any(f"plugin {name}:" in line for line in warnings), (name, proc.stderr)
    assert len(warnings) == len(BROKEN)  # one line each
    assert "Traceback" not in proc.stderr


def test_the_installed_tool_runs_through_the_cli(site: Path) -> None:
    proc = run_cli(site, "run", "greet_politely", "name=Ann", "times=2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Good day, Ann. Good day, Ann."
    shown = run_cli(site, "skills", "show", "greet_politely", "--json")
    assert '"skill": "calvados_greet"' in shown.stdout


def test_whitelist_loads_only_named_plugins(site: Path) -> None:
    proc = run_cli(site, "skills", "list", env={"CALVADOS_LOAD_PLUGINS": "greet"})
    assert proc.returncode == 0
    assert "greet_politely" in proc.stdout
    assert proc.stderr == ""  # the broken ones were never loaded
    proc = run_cli(site, "skills", "list", env={"CALVADOS_LOAD_PLUGINS": ""})
    assert proc.returncode == 0
    assert "greet_politely" not in proc.stdout and proc.stderr == ""
    proc = run_cli(site, "skills", "list", env={"CALVADOS_LOAD_PLUGINS": "raising, typo"})
    assert "greet_politely" not in proc.stdout
    assert {line.split(":")[1] for line in proc.stderr.splitlines()} == {
        " plugin raising", " plugin typo"}


@pytest.fixture
def loaded(site: Path, monkeypatch: pytest.MonkeyPatch) -> Registry:
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("CALVADOS_LOAD_PLUGINS", raising=False)
    return get_registry()


def test_each_kind_of_breakage_is_reported_by_name(loaded: Registry) -> None:
    problems = {p.split(":")[0].removeprefix("plugin "): p for p in loaded.problems}
    assert set(problems) == set(BROKEN)
    assert "ModuleNotFoundError" in problems["broken_import"]
    assert "PluginValidationError" in problems["bad_signature"]
    assert "{'reg'}" in problems["bad_signature"]
    assert "register_skills failed: the weather API key is missing" in problems["raising"]
    assert "unknown hook 'register_skill'" in problems["typo"]
    assert "takes a Tool" in problems["not_a_tool"]
    assert all("\n" not in p for p in loaded.problems)
    assert "greet_politely" in loaded.tools and "greet_politely" not in loaded.builtin_tools
    assert "llama_cpp" in loaded.backends  # built-ins use the same hooks


def test_a_plugin_declares_a_hook_that_another_implements(loaded: Registry) -> None:
    """Declarations are added before any plugin registers: the order does not matter."""
    assert loaded.contributed("register_greetings") == ["bonjour"]
    assert loaded.contributed("register_travel_providers")  # the travel skill's own hook


def test_the_agent_starts_and_tells_the_user(loaded: Registry, scripted) -> None:  # type: ignore[no-untyped-def]
    planner = Planner(scripted(['greet_politely(name="Bo")']), list(loaded.tools.values()),
                      loaded.builtin_tools, style="fewshot")
    agent = Agent(registry=loaded, planner=planner, chat_backend=scripted())
    events = list(agent.chat("greet Bo"))
    notices = [e.text for e in events if isinstance(e, Notice)]
    assert len(notices) == len(BROKEN) and all(n.startswith("plugin ") for n in notices)
    final = events[-1]
    assert isinstance(final, Final) and final.text == "Good day, Bo."
    again = list(agent.chat("greet Bo"))  # notices are shown once
    assert not any(isinstance(e, Notice) for e in again)


def test_registering_twice_is_refused(loaded: Registry) -> None:
    with pytest.raises(PluginError, match="already registered"):
        loaded.add(loaded.tools["greet_politely"])


@pytest.mark.slow
def test_ask_still_answers_with_broken_plugins_installed(site: Path) -> None:
    proc = run_cli(site, "ask", "hello")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    assert "[plugin broken_import: ModuleNotFoundError" in proc.stderr
    assert "-- on-device:" in proc.stderr


def test_a_regular_install_has_every_builtin(tmp_path: Path) -> None:
    """``pip install .`` (not editable) ships every package the built-ins need."""
    repo = Path(__file__).resolve().parents[1]
    junk = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "build", "work-data",
                                  "tests", "docs", "bench")
    shutil.copytree(repo, tmp_path / "src", ignore=junk)
    pip_install(tmp_path / "site", tmp_path / "src")
    probe = ("import json, calvados, calvados.cli; from calvados.registry import get_registry; "
             "r = get_registry(); print(json.dumps({'file': calvados.__file__, "
             "'tools': sorted(r.tools), 'problems': r.problems}))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    installed = json.loads(proc.stdout)
    assert installed["file"].startswith(str(tmp_path / "site"))
    assert installed["problems"] == []
    assert installed["tools"] == sorted(get_registry().tools)
    assert (tmp_path / "site" / "calvados" / "py.typed").is_file()
