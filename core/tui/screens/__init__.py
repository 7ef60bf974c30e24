"""Screens of the chat UI."""

from .chat import ChatScreen
from .confirm import ConfirmScreen
from .consent import ConsentScreen
from .file_picker import FilePickerScreen
from .help import HelpScreen
from .ledger import LedgerScreen
from .settings import SettingsScreen

__all__ = [
    "ChatScreen",
    "ConfirmScreen",
    "ConsentScreen",
    "FilePickerScreen",
    "HelpScreen",
    "LedgerScreen",
    "SettingsScreen",
]
