"""Calvados: an on-device assistant framework (distilled local planner, pluggable skills)."""

from __future__ import annotations

from . import crisis, safety
from .agent import Agent
from .backends.base import Backend, BackendOptions, Message
from .config import Settings, load_settings
from .errors import (
    CalvadosError,
    ModelError,
    PluginError,
    PolicyDenied,
    SessionNotFound,
    ToolArgumentError,
    ToolError,
    ToolNotFound,
    one_line,
)
from .events import (
    ConfirmationNeeded,
    ConsentNeeded,
    Event,
    Executed,
    Final,
    Notice,
    Paced,
    Planned,
    Replied,
    Routed,
    Screened,
    Step,
    Token,
    ToolCallEvent,
    ToolResultEvent,
    Validated,
)
from .generation import LocalModels, models_of
from .hookspecs import hookimpl, hookspec
from .models import sha256_file
from .paths import model_cache_dir, user_dir
from .planner import Plan, ToolCall
from .registry import get_registry
from .storage import Database, Session, utcnow
from .text import fold_accents, sentences, split_sentences
from .tools import Models, Tool, ToolContext, tool

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
    "Paced",
    "Executed",
    "Planned",
    "Replied",
    "Routed",
    "Screened",
    "Step",
    "Validated",
    "Message",
    "ModelError",
    "Notice",
    "Plan",
    "PluginError",
    "PolicyDenied",
    "Session",
    "SessionNotFound",
    "Settings",
    "Token",
    "Tool",
    "ToolArgumentError",
    "ToolCall",
    "ToolCallEvent",
    "ToolContext",
    "LocalModels",
    "Models",
    "models_of",
    "fold_accents",
    "ToolError",
    "ToolNotFound",
    "ToolResultEvent",
    "crisis",
    "get_registry",
    "hookimpl",
    "hookspec",
    "sha256_file",
    "load_settings",
    "model_cache_dir",
    "one_line",
    "safety",
    "sentences",
    "split_sentences",
    "tool",
    "user_dir",
    "utcnow",
]
