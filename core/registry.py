"""Loading plugins (built-in and third-party) once, reporting broken ones by name."""

from __future__ import annotations

import functools
import importlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from . import hookspecs
from .errors import PluginError, ToolNotFound, one_line
from .tools import Tool

log = logging.getLogger("calvados")


DEFAULT_PLUGINS = (
    "calvados.backends.llama_cpp",
    "calvados.backends.mlx",
    "calvados.backends.gemini",
    "calvados.plugins.documents",
    "calvados.plugins.travel",
    "calvados.plugins.support",
    "calvados.plugins.stories",
)


@dataclass
class Registry:
    """Everything the plugins registered, plus the problems met while loading them."""

    tools: dict[str, Tool] = field(default_factory=dict)
    backends: dict[str, type] = field(default_factory=dict)
    contributions: dict[str, list[Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    builtin_tools: set[str] = field(default_factory=set)

    def add(self, tool: Tool, builtin: bool = False) -> None:
        """Add one tool (what ``register`` does in ``register_skills``)."""
        if not isinstance(tool, Tool):
            raise PluginError("register_skills: register() takes a Tool (use @calvados.tool)")
        if tool.name in self.tools:
            raise PluginError(f"tool {tool.name!r} is already registered")
        self.tools[tool.name] = tool
        if builtin:
            self.builtin_tools.add(tool.name)

    def attachment_tool(self) -> Tool | None:
        """The tool that reads a file the user attaches (``attaches=True``), if any."""
        return next((t for t in self.tools.values() if t.attaches), None)

    def contributed(self, hook: str) -> list[Any]:
        """What plugins registered through ``hook``, a hook a skill declared with its
        ``calvados_hookspecs`` (the travel skill's ``register_travel_providers``)."""
        return self.contributions.setdefault(hook, [])

    def crisis_tool(self) -> Tool | None:
        """The tool the crisis protocol runs for the region's resources (``on_crisis=True``)."""
        return next((t for t in self.tools.values() if t.on_crisis), None)

    def tool(self, name: str) -> Tool:
        try:
            return self.tools[name]
        except KeyError:
            known = ", ".join(sorted(self.tools)) or "none"
            raise ToolNotFound(f"unknown tool {name!r} (known: {known})") from None


_registry: Registry | None = None


def get_registry() -> Registry:
    """The registry, loading plugins on first call."""
    global _registry
    if _registry is None:
        _registry = load_registry()
    return _registry


def reset_registry() -> None:
    """Forget loaded plugins (tests, or after installing a plugin)."""
    global _registry
    _registry = None


def _allowed() -> set[str] | None:
    raw = os.environ.get("CALVADOS_LOAD_PLUGINS")
    if raw is None:
        return None
    return {p.strip() for p in raw.split(",") if p.strip()}


def load_registry() -> Registry:
    """Load built-ins and entry-point plugins into a fresh plugin manager and registry."""
    pm = pluggy.PluginManager("calvados")
    pm.add_hookspecs(hookspecs)
    registry = Registry()
    loaders: list[tuple[str, Callable[[], Any]]] = [
        (m, functools.partial(importlib.import_module, m)) for m in DEFAULT_PLUGINS]
    allowed = _allowed()
    loaders += [(ep.name, ep.load) for ep in metadata.entry_points(group="calvados")
                if allowed is None or ep.name in allowed]
    from .mcp_client import mcp_plugins  # MCP servers listed in config.toml, one plugin each

    loaders += list(mcp_plugins())
    loaded = [(name, module) for name, load in loaders
              if (module := _load(registry, name, load)) is not None]
    for name, module in loaded:  # every declared hook first: any plugin may implement one
        _declare(pm, registry, name, module)
    for name, module in loaded:
        _register_plugin(pm, registry, name, module)
    builtin = set(DEFAULT_PLUGINS)
    for name, plugin in pm.list_name_plugin():  # registration order: stable tool order
        _call_hooks(pm, plugin, name, registry, is_builtin=name in builtin)
    return registry


def _problem(registry: Registry, name: str, exc: BaseException) -> None:
    """A broken third-party plugin must not stop the agent: it is skipped, and said."""
    registry.problems.append(f"plugin {name}: {type(exc).__name__}: {one_line(exc)}")
    log.warning("skipping plugin %s: %s", name, exc)


def _load(registry: Registry, name: str, load: Callable[[], Any]) -> Any:
    try:
        return load()
    except Exception as exc:
        _problem(registry, name, exc)
        return None


def _declare(pm: pluggy.PluginManager, registry: Registry, name: str, module: Any) -> None:
    """Add the hooks a skill declares (``calvados_hookspecs``: a module or class of
    ``@calvados.hookspec`` functions); what plugins register through them is collected in
    :meth:`Registry.contributed`."""
    specs = getattr(module, "calvados_hookspecs", None)
    if specs is None:
        return
    try:
        pm.add_hookspecs(specs)
    except Exception as exc:
        _problem(registry, name, exc)
        return
    for hook in vars(specs):
        if hook.startswith("register_"):
            registry.contributed(hook)


def _register_plugin(pm: pluggy.PluginManager, registry: Registry, name: str,
                     module: Any) -> None:
    try:
        pm.register(module, name=name)
        try:
            pm.check_pending()  # a hook name no hookspec declares (a typo) is an error
        except pluggy.PluginValidationError:
            pm.unregister(module)
            raise
    except Exception as exc:
        _problem(registry, name, exc)


def _call_hooks(
    pm: pluggy.PluginManager, plugin: Any, name: str, registry: Registry, is_builtin: bool
) -> None:
    def add_tool(tool: Tool) -> None:
        registry.add(tool, builtin=is_builtin)

    def add_backend(backend_name: str, cls: type) -> None:
        registry.backends[backend_name] = cls

    hooks: dict[str, Callable[..., Any]] = {
        "register_skills": add_tool,
        "register_backends": add_backend,
        **{hook: found.append for hook, found in registry.contributions.items()},
    }
    for hook_name, register in hooks.items():
        impl = getattr(plugin, hook_name, None)
        if impl is None:
            continue
        before = dict(registry.tools)
        try:
            impl(register=register)
        except Exception as exc:
            registry.tools = before
            registry.problems.append(f"plugin {name}: {hook_name} failed: {one_line(exc)}")
            log.warning("plugin %s: %s failed: %s", name, hook_name, exc)
