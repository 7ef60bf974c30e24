"""The settings the TUI edits: the privacy policy per data class and the default model.

Both go through the modules that own them: :mod:`calvados.policy` for the ``[policy]``
table, :func:`calvados.config.write_setting` for ``default_model``.
"""

from __future__ import annotations

from ..config import load_settings, write_setting
from ..errors import ConfigError
from ..models import list_models
from ..policy import ACTIONS, LOCAL_ONLY, Policy, set_rule

CHOICES = ACTIONS
FIXED = LOCAL_ONLY  # data classes whose rule is always deny


def read_policy() -> dict[str, str]:
    """The rule (deny / ask / allow) for every data class, defaults filled in."""
    return dict(Policy.load().rules)


def write_policy(rules: dict[str, str]) -> None:
    """Store the rules that changed (one ``set_rule`` each, the file's comments kept)."""
    current = read_policy()
    for name, rule in rules.items():
        if current.get(name) != rule:
            set_rule(name, rule)


def model_names() -> list[str]:
    """Every model the registry knows (built-in and added)."""
    return [spec.name for spec in list_models()]


def read_default_model() -> str:
    return load_settings().default_model


def write_default_model(name: str) -> None:
    if name not in model_names():
        raise ConfigError(f"unknown model {name!r}")
    write_setting("default_model", name)
