"""Routing: :func:`decide`, a pure function, says whether a request is answered on the
device or may go to the cloud (the gate, :mod:`calvados.hybrid`, then says if it is sent).

Triggers, in order: ``explicit`` (the *user's own message* asks for the cloud; text from
documents or tools never counts), ``context`` (the conversation no longer fits the local
window), ``length`` (a long piece asked for, or more tokens than the local model writes
well), ``unsure`` (malformed planner output or low confidence), ``knowledge`` (a factual
or technical question), ``skill`` (a skill asked for a larger model). Before planning only
``explicit`` counts; a skill's completion counts ``explicit``, ``context``, ``length`` and
``skill`` (the skill knows its task).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from . import safety
from .planner import NO_TOOL

LOCAL_WINDOW = 2048
REPLY_TOKENS = 300
CONFIDENCE_FLOOR = 0.5

_EXPLICIT = re.compile(
    r"^\s*(?:hey\s+|ok\s+)?gemini\b[,:]?"
    r"|\b(?:ask|use|try|query|consult)\s+(?:the\s+)?(?:gemini|cloud)\b"
    r"|\b(?:with|via|using|through)\s+(?:the\s+)?(?:gemini|cloud\s+model)\b"
    r"|\bdemande[rz]?\s+à\s+gemini\b|\bpreg[uú]nta(?:le)?\s+a\s+gemini\b",
    re.I,
)
_FEEL = (
    r"sad|down|depressed|lonely|alone|anxious|hopeless|worthless|empty|overwhelmed|scared"
    r"|afraid|hurt|miserable|awful|terrible|stressed|ashamed|guilty|heartbroken|grieving"
)
_EMOTIONAL = re.compile(
    rf"\bi(?:'m| am)?\s+(?:feel(?:ing)?|felt)\s+(?:so\s+|very\s+|really\s+|really\s+)?(?:{_FEEL})\b"
    rf"|\bi(?:'m| am)\s+(?:so\s+|very\s+|really\s+)?(?:{_FEEL})\b"
    r"|\bmy\s+(?:anxiety|depression|panic attacks?|therapist|therapy|grief|breakup|divorce"
    r"|eating disorder|loneliness)\b"
    r"|\b(?:panic attack|can(?:'|no)t stop crying|broke up with me|passed away)\b",
    re.I,
)
_KNOWLEDGE = re.compile(
    r"^\s*(?:please\s+)?(?:explain|describe|compare|analy[sz]e|translate|define|prove|derive"
    r"|calculate|solve|outline)\b"
    r"|\b(?:how (?:does|do|did|can|could|would)|why (?:does|do|did|is|are|was|were)"
    r"|what (?:is|are|was|were|causes|caused|happened)|who (?:is|was|were|invented|discovered"
    r"|wrote|founded)|when (?:did|was|were)|where (?:is|was|are|did)|difference between"
    r"|history of|meaning of)\b"
    r"|\bwrite (?:me )?(?:an?|the|some) (?:essay|article|report|program|script|function|query"
    r"|regex|cover letter|speech)\b",
    re.I,
)
_SMALL_TALK = re.compile(
    r"\b(?:how are you|who are you|what(?:'s| is) your name|what can you do|thank(?:s| you)"
    r"|what time is it|what day is it)\b",
    re.I,
)
_LONG = re.compile(
    r"\b(?:long|detailed|in[- ]depth|comprehensive|thorough|exhaustive|extensive)\b.{0,40}?"
    r"\b(?:essay|article|report|explanation|answer|guide|overview|analysis|description|review"
    r"|text|letter)\b"
    r"|\bstep[- ]by[- ]step guide\b",
    re.I,
)
_WORD_COUNT = re.compile(r"\b(\d{3,5})[- ]?words?\b|\b(\d{1,3}) (?:pages|paragraphs)\b", re.I)


def asks_for_cloud(message: str) -> bool:
    """The user explicitly asks for the cloud model ("ask gemini ...", "use the cloud")."""
    return bool(_EXPLICIT.search(message))


def looks_emotional(text: str) -> bool:
    """An emotional disclosure: data class ``emotional`` (stays local). The rules' phrases, or
    the safety detector's ``emotional`` class (see :mod:`calvados.safety_model`)."""
    return bool(_EMOTIONAL.search(text)) or safety.emotional(text)


def needs_knowledge(message: str) -> bool:
    """A factual or technical question or task, beyond small talk."""
    if _SMALL_TALK.search(message) or len(message.split()) < 4:
        return False
    return bool(_KNOWLEDGE.search(message))


def wants_length(message: str) -> bool:
    """The user asks for more text than the local model writes well."""
    if _LONG.search(message):
        return True
    for m in _WORD_COUNT.finditer(message):
        words, pages = m.group(1), m.group(2)
        if (words and int(words) >= 300) or (pages and int(pages) >= 3):
            return True
    return False


def planner_unsure(plan: Any) -> bool:
    """Malformed planner output, or a confidence (if the planner gives one) below the floor."""
    if plan is None:
        return False
    raw = (getattr(plan, "raw", "") or "").strip()
    if not plan.calls and raw not in ("", NO_TOOL):
        return True
    confidence = getattr(plan, "confidence", None)
    return confidence is not None and confidence < CONFIDENCE_FLOOR


@dataclass(frozen=True)
class Route:
    """What :func:`decide` needs besides the message and the plan."""

    stage: Literal["turn", "plan", "skill"] = "plan"  # before planning, after it, a skill's
    context_tokens: int = 0
    local_window: int = LOCAL_WINDOW
    reply_tokens: int = REPLY_TOKENS
    prefer_cloud: bool = False


@dataclass(frozen=True)
class Decision:
    """Where a request is answered, and which trigger (with a reason) sent it to the cloud."""

    where: Literal["local", "cloud"] = "local"
    trigger: str = ""
    reason: str = ""

    @property
    def cloud(self) -> bool:
        return self.where == "cloud"


LOCAL = Decision()


def decide(message: str, plan: Any = None, route: Route = Route()) -> Decision:
    """Local or cloud for ``message`` (the user's own words) planned as ``plan``."""
    if asks_for_cloud(message):
        return Decision("cloud", "explicit", "you asked for the cloud model")
    if route.stage == "turn":
        return LOCAL
    if route.context_tokens + route.reply_tokens > route.local_window:
        return Decision("cloud", "context",
                        f"{route.context_tokens} tokens exceed the local window")
    if wants_length(message):
        return Decision("cloud", "length", "a longer answer than the local model writes well")
    if route.stage == "skill":
        if route.reply_tokens > route.local_window // 2:
            return Decision("cloud", "length",
                            f"{route.reply_tokens} tokens is long for the local model")
        if route.prefer_cloud:
            return Decision("cloud", "skill", "the skill asked for a larger model")
        return LOCAL
    if planner_unsure(plan):
        return Decision("cloud", "unsure", "the local planner is not confident")
    if needs_knowledge(message):
        return Decision("cloud", "knowledge", "a question beyond the local model's knowledge")
    return LOCAL
