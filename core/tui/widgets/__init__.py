"""Widgets of the chat UI."""

from .busy import BusyIndicator
from .messages import NoticeLine, ReplyView, UserMessage
from .paced import PacedView
from .sidebar import SessionSidebar
from .tool_card import ToolCard

__all__ = [
    "BusyIndicator",
    "NoticeLine",
    "PacedView",
    "ReplyView",
    "SessionSidebar",
    "ToolCard",
    "UserMessage",
]
