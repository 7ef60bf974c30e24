"""The shape of the code: skills use the public ``calvados`` API only, and core/ has no
import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORE = REPO / "core"


def _imports(path: Path) -> list[ast.Import | ast.ImportFrom]:
    tree = ast.parse(path.read_text("utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]


def test_plugins_import_only_the_public_calvados_api() -> None:
    wrong = []
    for path in sorted((REPO / "plugins").rglob("*.py")):
        for node in _imports(path):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
                if node.level > 1 or (node.level == 1 and path.parent.name == "plugins"):
                    wrong.append(f"{path.name}: from {'.' * node.level}{node.module or ''}")
            else:
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith(("calvados.", "plugins")):
                    wrong.append(f"{path.relative_to(REPO)}: {name}")
    assert wrong == [], "skills import calvados internals or each other"


def _module(path: Path) -> str:
    parts = list(path.relative_to(CORE).with_suffix("").parts)
    return ".".join(["calvados", *(parts[:-1] if parts[-1] == "__init__" else parts)])


def _module_level_deps(path: Path, modules: set[str]) -> set[str]:
    """Project modules imported when ``path`` is imported (not inside functions, not under
    ``if TYPE_CHECKING``)."""
    name = _module(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    deps: set[str] = set()
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for item in ast.walk(node) if isinstance(node, ast.If | ast.Try) else [node]:
            if isinstance(item, ast.Import):
                deps |= {alias.name for alias in item.names} & modules
            elif isinstance(item, ast.ImportFrom):
                base = item.module or ""
                if item.level:
                    base = package.rsplit(".", item.level - 1)[0] if item.level > 1 else package
                    base = f"{base}.{item.module}" if item.module else base
                for alias in item.names:
                    full = f"{base}.{alias.name}"
                    deps |= {full} if full in modules else ({base} & modules)
    return deps - {name}


def test_core_has_no_import_cycle() -> None:
    files = {_module(p): p for p in CORE.rglob("*.py")}
    graph = {name: _module_level_deps(path, set(files)) for name, path in files.items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            raise AssertionError("import cycle: " + " -> ".join([*trail[trail.index(name):], name]))
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert "calvados.agent" in graph["calvados"]  # the walk really sees imports


def test_modules_stay_small_and_routing_is_pure() -> None:
    """No module in core/ or plugins/ over 600 lines; routing imports neither the gate, nor
    the agent, nor a backend, so ``decide`` can only look at what it is given."""
    sizes = {p.relative_to(REPO).as_posix(): len(p.read_text("utf-8").splitlines())
             for folder in (CORE, REPO / "plugins") for p in folder.rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > 600} == {}
    assert sizes["core/routing.py"] + sizes["core/hybrid.py"] < 549  # hybrid.py before the split
    deps = set()
    for node in _imports(CORE / "routing.py"):
        if isinstance(node, ast.ImportFrom) and node.module:
            deps.add(node.module)
        else:
            deps |= {alias.name for alias in node.names}
    assert deps == {"__future__", "re", "dataclasses", "typing", "safety", "planner"}, deps


FACES = [*(CORE / "cli").glob("*.py"), *(CORE / "tui").rglob("*.py"),
         *(CORE / "server").glob("*.py"), CORE / "mcp_server.py"]
MODEL_TOOLING = {"distill.py", "evals.py"}  # commands that build and measure models


def test_faces_talk_to_the_turn_api_never_to_a_backend_or_a_skill() -> None:
    """The CLI, the TUI, the server and MCP drive ``Agent`` and read its events; they import
    no model backend (its types aside) and no skill."""
    wrong, seen = [], set()
    for path in FACES:
        if path.name in MODEL_TOOLING:
            continue
        for node in _imports(path):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names]
            seen.update(names)
            for name in names:
                parts = name.split(".")
                backend = "backends" in parts and parts[-1] != "base"
                if backend or "plugins" in parts or "hybrid" in parts:
                    wrong.append(f"{path.relative_to(REPO)}: {name}")
    assert wrong == []
    assert {"agent", "events"} <= seen  # the walk sees the faces' imports of the turn API


def test_accents_are_folded_in_one_place() -> None:
    from calvados import fold_accents

    assert fold_accents("Zürich, déçu, São Paulo, ﬁle") == "Zurich, decu, Sao Paulo, file"
    users = [p.relative_to(REPO).as_posix() for folder in (CORE, REPO / "plugins")
             for p in folder.rglob("*.py") if "combining(" in p.read_text("utf-8")]
    assert users == ["core/text.py"]


def _code_strings(path: Path) -> list[str]:
    """The string constants of a module's code (docstrings aside)."""
    tree = ast.parse(path.read_text("utf-8"))
    docs = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            docs.add(id(body[0].value))
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs]


def test_the_core_names_no_skill() -> None:
    """The core finds what a skill offers by its marks (``attaches``, ``on_crisis``) and by
    the hooks a skill declares, never by the skill's or a tool's name."""
    from calvados.registry import load_registry

    registry = load_registry()
    names = set(registry.builtin_tools) | set(registry.contributions)
    assert {"crisis_resources", "scan_document", "register_travel_providers"} <= names
    def names_one(text: str) -> bool:  # a one-word name ("summarize") only as a whole string
        return any(name in text if "_" in name else name == text for name in names)

    found = [f"{path.relative_to(REPO)}: {text!r}" for path in sorted(CORE.rglob("*.py"))
             for text in _code_strings(path) if names_one(text)]
    assert found == []
