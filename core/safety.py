"""The safety screen: runs on every user message before planning (high recall on crisis)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    crisis: bool
    reason: str = ""


_PATTERNS = [
    r"\b(kill|hurt|harm|cut)(ing)? my ?self\b",
    r"\bend (my|it all|my own) ?life\b|\bend it all\b",
    r"\bsuicid",
    r"\b(want|wish) (to|i was|i were) (die|dead)\b",
    r"\bbetter off without me\b|\bhappier if i (was|were) dead\b",
    r"\b(don'?t|do not) want to (wake up|live|be alive)\b",
]
_COMPILED = [re.compile(p, re.IGNORECASE) for p in _PATTERNS]


def screen(message: str) -> Verdict:
    """Decide whether ``message`` signals a risk of suicide or self-harm."""
    for pattern in _COMPILED:
        m = pattern.search(message)
        if m:
            return Verdict(True, m.group(0))
    return Verdict(False)


CRISIS_MESSAGE = (
    "I'm really glad you told me. It sounds like you're carrying something very heavy right "
    "now, and you deserve support with it. If you might act on these thoughts or are in danger, "
    "please contact emergency services or a crisis line now — they are free, confidential and "
    "available around the clock."
)
CRISIS_INVITE = "I'm here and I'll keep listening. Would you like to tell me what's going on?"
