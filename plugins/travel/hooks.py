"""The travel skill's own extension point: other plugins add travel providers through it
(declared to the registry as ``calvados_hookspecs``; see docs/travel.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import calvados


@calvados.hookspec
def register_travel_providers(register: Callable[..., Any]) -> None:
    """Register travel providers: call ``register(provider)`` with a ``TravelProvider``."""
