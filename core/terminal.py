"""Text from documents, tools, providers and models is data: before it reaches a terminal,
escape and control sequences are removed (no clipboard writes through OSC 52, no screen
clears, no hidden OSC 8 links, no cursor tricks with carriage returns)."""

from __future__ import annotations

import re

_SEQUENCES = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST (clipboard, links, titles)
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS, PM, APC, SOS strings
    r"|\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (cursor, clear, colours)
    r"|\x1b[ -/]*[0-~]?"  # other escapes, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"  # other C0 / C1 controls (newline and tab are kept)
)


def printable(text: str) -> str:
    """``text`` without terminal escape or control sequences."""
    return _SEQUENCES.sub("", text)
