"""Text helpers shared by the core and the skills."""

from __future__ import annotations

import unicodedata


def fold_accents(text: str) -> str:
    """``text`` without its accents ("Zürich" -> "Zurich", "déçu" -> "decu"): compatibility
    decomposition, combining marks dropped."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
