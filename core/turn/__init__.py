"""One chat turn: :class:`TurnLoop` owns it, :class:`Executor` runs its calls
(docs/architecture.md)."""

from .executor import Executor, Run, normalized
from .loop import ASKED, CHAT_SYSTEM, TurnLoop, current_turn

__all__ = ["ASKED", "CHAT_SYSTEM", "Executor", "Run", "TurnLoop", "current_turn", "normalized"]
