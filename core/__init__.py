"""Calvados: an on-device assistant framework (distilled local planner, pluggable skills)."""

from __future__ import annotations

from .agent import Agent
from .backends.base import Backend, BackendOptions
from .errors import (
    CalvadosError,
    ModelError,
    PluginError,
    PolicyDenied,
    SessionNotFound,
    ToolArgumentError,
    ToolError,
    ToolNotFound,
)
from .events import (
    ConfirmationNeeded,
    ConsentNeeded,
    Event,
    Final,
    Notice,
    Token,
    ToolCallEvent,
    ToolResultEvent,
)
from .hookspecs import hookimpl
from .planner import Plan, ToolCall
from .registry import get_registry
from .storage import Database, Session
from .tools import Tool, ToolContext, tool

__all__ = [
    "Agent",
    "Backend",
    "BackendOptions",
    "CalvadosError",
    "ConfirmationNeeded",
    "ConsentNeeded",
    "Database",
    "Event",
    "Final",
    "ModelError",
    "Notice",
    "Plan",
    "PluginError",
    "PolicyDenied",
    "Session",
    "SessionNotFound",
    "Token",
    "Tool",
    "ToolArgumentError",
    "ToolCall",
    "ToolCallEvent",
    "ToolContext",
    "ToolError",
    "ToolNotFound",
    "ToolResultEvent",
    "get_registry",
    "hookimpl",
    "tool",
]
