"""The Textual chat UI (``calvados chat``)."""

from .app import CalvadosApp, default_agent_factory, run_tui

__all__ = ["CalvadosApp", "default_agent_factory", "run_tui"]
