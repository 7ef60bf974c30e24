"""The core's extension points, one ``register_*`` hook each. A skill may declare its own
(``calvados_hookspecs``, see docs/plugins.md): the travel skill's providers are one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("calvados")
hookimpl = pluggy.HookimplMarker("calvados")


@hookspec
def register_skills(register: Callable[..., Any]) -> None:
    """Register tools: call ``register(tool)`` for each :class:`calvados.Tool`."""


@hookspec
def register_backends(register: Callable[..., Any]) -> None:
    """Register model backends: call ``register(name, backend_class)``."""
