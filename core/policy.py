"""The privacy policy: per data class, may a request go to the cloud (deny / ask / allow)?

It lives in the ``[policy]`` table of ``config.toml`` in the user directory::

    [policy]
    chat = "allow"
    document = "ask"

Defaults: ``emotional`` deny, everything else ask. Two rules hold whatever the file or a
per-request override says: ``emotional`` data never leaves the device, and neither does
anything from a session where the safety screen found a crisis. Only the user changes the
policy (``calvados policy set`` or :func:`set_rule`); no message, document or tool can.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import update_toml
from .errors import ConfigError
from .paths import config_path
from .tools import DATA_CLASSES

ACTIONS = ("deny", "ask", "allow")
DEFAULTS: dict[str, str] = {c: "deny" if c == "emotional" else "ask" for c in DATA_CLASSES}
LOCAL_ONLY = frozenset({"emotional"})
_STRICTNESS = {"deny": 0, "ask": 1, "allow": 2}


@dataclass(frozen=True)
class Verdict:
    """What the policy decided for one request, and which rule decided it."""

    action: str
    rule: str
    data_classes: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return self.action == "allow"


@dataclass(frozen=True)
class Policy:
    """The rule for each data class; ``sources`` says where each came from."""

    rules: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULTS))
    sources: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Policy:
        """Read the ``[policy]`` table (missing file or table: the defaults)."""
        path = path or config_path()
        table = _read_table(path)
        rules = dict(DEFAULTS)
        sources = {c: "default" for c in DEFAULTS}
        for name, value in table.items():
            _check(name, value, path)
            rules[name] = value
            sources[name] = str(path.name)
        for name in LOCAL_ONLY:
            if rules[name] != "deny":
                rules[name], sources[name] = "deny", "fixed"
        return cls(rules, sources)

    def rule(self, data_class: str) -> str:
        """The action for one class (an unknown class is treated as ``ask``)."""
        return self.rules.get(data_class, "ask")

    def decide(
        self,
        data_classes: Iterable[str],
        *,
        override: str | None = None,
        local_only: str | None = None,
    ) -> Verdict:
        """The strictest rule among ``data_classes`` wins.

        ``override`` (``--cloud``) replaces the table for this request, except that
        ``emotional`` data and ``local_only`` sessions (a crisis) are always denied.
        """
        classes = tuple(sorted(set(data_classes) or {"chat"}))
        if local_only:
            return Verdict("deny", f"{local_only}: this conversation stays on the device", classes)
        fixed = [c for c in classes if c in LOCAL_ONLY]
        if fixed:
            return Verdict("deny", f"{fixed[0]} data never leaves the device", classes)
        if override is not None:
            if override not in ACTIONS:
                raise ConfigError(f"--cloud must be one of {', '.join(ACTIONS)}, not {override!r}")
            return Verdict(override, f"--cloud {override} (this request)", classes)
        strictest = min(classes, key=lambda c: _STRICTNESS[self.rule(c)])
        action = self.rule(strictest)
        if action == "allow":
            rule = "policy " + ", ".join(f"{c}=allow" for c in classes)
        else:
            rule = f"policy {strictest}={action}"
        return Verdict(action, rule, classes)


def _check(name: str, value: Any, path: Path) -> None:
    if name not in DEFAULTS:
        known = ", ".join(DEFAULTS)
        raise ConfigError(f"{path}: [policy] {name}: unknown data class (known: {known})")
    if value not in ACTIONS:
        raise ConfigError(f"{path}: [policy] {name} = {value!r}: use deny, ask or allow")


def _read_table(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    table = data.get("policy", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: policy must be a table ([policy])")
    return table


def load_policy() -> Policy:
    return Policy.load()


def set_rule(data_class: str, action: str, path: Path | None = None) -> Policy:
    """Store one rule in ``config.toml``, keeping the rest of the file (comments too)."""
    path = path or config_path()
    if data_class not in DEFAULTS:
        raise ConfigError(f"unknown data class {data_class!r} (known: {', '.join(DEFAULTS)})")
    if action not in ACTIONS:
        raise ConfigError(f"unknown action {action!r}: use deny, ask or allow")
    if data_class in LOCAL_ONLY and action != "deny":
        raise ConfigError(f"{data_class} data never leaves the device; its rule is always deny")
    update_toml(path, {data_class: action}, table="policy")
    return Policy.load(path)


