"""Widgets of the chat UI."""

from .breathing import BreathingView
from .busy import BusyIndicator
from .messages import NoticeLine, ReplyView, UserMessage
from .sidebar import SessionSidebar
from .tool_card import ToolCard

__all__ = [
    "BreathingView",
    "BusyIndicator",
    "NoticeLine",
    "ReplyView",
    "SessionSidebar",
    "ToolCard",
    "UserMessage",
]
