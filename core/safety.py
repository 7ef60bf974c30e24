"""The safety screen: runs on every user message before planning (high recall on crisis).

Deterministic and local: the message is normalized (case, accents, curly quotes,
contractions, leetspeak, stretched letters), then matched against curated rules in
English, Spanish, French, Portuguese, Italian and German. Each rule is a pattern plus
the context that cancels it:

- ``unless``: an idiom or an accident in the same sentence ("killing myself laughing",
  "I cut myself shaving", "me quiero cortar el pelo");
- ``negatable``: a negation right before it ("I would never hurt myself");
- ``intent``: some means (a bridge, a train) only count with an intent word before them;
- ``kind``: first-person rules always count; third-person rules ("she wants to kill herself")
  and bare mentions ("suicide") are set aside when the message is clearly about fiction or
  study ("a story where the villain kills himself", "an essay on suicide rates") and no
  real person of the user's ("my friend", "mi hermana") is named.

A forcing phrase ("on purpose", "deliberately") overrides ``unless``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import safety_model
from .safety_rules import FIRST_PERSON, FORCING, FRAMING, INTENT, NEGATION, RELATIVE, Rule
from .safety_rules_intl import RULES
from .text import fold_accents


@dataclass(frozen=True)
class Verdict:
    crisis: bool
    reason: str = ""
    kind: str = ""


# ---------------------------------------------------------------------------- normalization

_CHARS = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u0153": "oe", "\u00e6": "ae", "\u00df": "ss", "\u2026": ".",
})
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "@": "a", "$": "s", "!": "i", "|": "l"})
_UNIT = re.compile(
    r"^\d+(st|nd|rd|th|am|pm|k|km|kms|kg|mg|ml|h|hr|hrs|min|mins|s|x|d|g|gb|mb|p|yo)$"
)
_CONTRACTIONS = [(re.compile(p), r) for p, r in [
    (r"\bcan'?t\b|\bcan not\b", "cannot"), (r"\bwon'?t\b", "will not"),
    (r"\bain'?t\b", "is not"),
    (r"\b(do|does|did|is|are|was|were|have|has|had|would|should|could|must|need)n'?t\b",
     r"\1 not"),
    (r"\bi'?m\b", "i am"), (r"\b(i|you|we|they)'?ve\b", r"\1 have"),
    (r"\b(i|you|we|they|he|she|it)'ll\b", r"\1 will"),
    (r"\b(i|you|we|they|he|she)'d\b", r"\1 would"), (r"\bid rather\b", "i would rather"),
    (r"\b(you|we|they)'re\b", r"\1 are"), (r"\b(you|they)re\b", r"\1 are"),
    (r"\b(he|she|it|that|what|there)'s\b", r"\1 is"),
    (r"\bshes\b", "she is"), (r"\bthats\b", "that is"), (r"\bwhats\b", "what is"),
    (r"\bwanna\b", "want to"), (r"\bgonna\b", "going to"), (r"\bgotta\b", "got to"),
    (r"\bkinda\b", "kind of"), (r"\bu\b", "you"), (r"\bcuz\b|\bcoz\b", "because"),
    (r"\bmy ?self\b|\bmeself\b|\bmyslef\b|\bmysef\b", "myself"),
]]


def _deleet(token: str) -> str:
    if not re.search(r"[a-z]", token) or _UNIT.match(token):
        return token
    chars = list(token)
    for i, ch in enumerate(chars):
        if ch not in "013457@$!|":
            continue
        before = i > 0 and chars[i - 1].isalpha()
        after = i + 1 < len(chars) and chars[i + 1].isalpha()
        if (before and after) or (ch not in "!|" and (before or after)):
            chars[i] = ch.translate(_LEET)
    return "".join(chars)


def normalize(message: str) -> str:
    """Lowercase ASCII-ish text with contractions expanded and punctuation spaced out."""
    text = fold_accents(message.translate(_CHARS).lower()).translate(_CHARS)
    text = " ".join(_deleet(tok) for tok in text.split())
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = re.sub(r"[\"'*_~#()\[\]{}<>/\\=+^-]+", " ", text)
    text = re.sub(r"([.,!?;:])", r" \1 ", text)
    return " ".join(text.split())


# ---------------------------------------------------------------------------- the screen

def _bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``."""
    left = max(text.rfind(p, 0, start) for p in (" . ", " ! ", " ? ", " ; ", "\n"))
    right_hits = [i for i in (text.find(p, end) for p in (" . ", " ! ", " ? ", " ; ")) if i >= 0]
    return (0 if left < 0 else left + 3), (min(right_hits) if right_hits else len(text))


def _clause_prefix(text: str, sent_start: int, start: int) -> str:
    prefix = text[sent_start:start]
    cut = max(prefix.rfind(" , "), prefix.rfind(" but "), prefix.rfind(" pero "),
              prefix.rfind(" mais "))
    return prefix[cut + 3:] if cut >= 0 else prefix


def _hit(rule: Rule, text: str, m: re.Match[str], framed: bool) -> str:
    """``"hit"``, ``"idiom"`` (cancelled by an idiom or an accident) or ``""`` (no hit)."""
    s_start, s_end = _bounds(text, m.start(), m.end())
    sentence = text[s_start:s_end]
    if rule.unless is not None and rule.unless.search(sentence) and not FORCING.search(sentence):
        return "idiom"
    if rule.after is not None and rule.after.search(text[m.end():s_end]) \
            and not FORCING.search(sentence):
        return "idiom"
    if rule.negatable and NEGATION.search(_clause_prefix(text, s_start, m.start())):
        return ""
    if rule.intent and not (INTENT.search(text[s_start:m.start()])
                            or FORCING.search(sentence)):
        return ""
    kind = rule.kind
    if kind == "auto":
        kind = "self" if FIRST_PERSON.search(_clause_prefix(text, s_start, m.start())) else "other"
    return "" if framed and kind in ("other", "mention") else "hit"


def _variants(message: str) -> list[str]:
    text = normalize(message)
    text = re.sub(r"\b(?:[a-z] ){3,}[a-z]\b", lambda m: m.group(0).replace(" ", ""), text)
    squeezed = re.sub(r"([a-z])\1{2,}", r"\1\1", text)
    single = re.sub(r"([a-z])\1{2,}", r"\1", text)
    return list(dict.fromkeys((text, squeezed, single)))


def _rules(message: str) -> tuple[Verdict, bool]:
    """The rules' verdict, and whether an idiom cancelled a rule across most of the message."""
    idiom = False
    for text in _variants(message):
        framed = bool(FRAMING.search(text)) and not RELATIVE.search(text)
        for rule in RULES:
            for m in rule.pattern.finditer(text):
                found = _hit(rule, text, m, framed)
                if found == "hit":
                    return Verdict(True, f"{rule.name}: {m.group(0)}", rule.kind), False
                if found == "idiom":
                    start, end = _bounds(text, m.start(), m.end())
                    idiom = idiom or (end - start) >= 0.6 * len(text)
    return Verdict(False), idiom


def rules_screen(message: str) -> Verdict:
    """The rules alone on one message (no detector, no context)."""
    return _rules(message)[0]


def screen(message: str, history: Sequence[str] = ()) -> Verdict:
    """Decide whether ``message`` signals a risk of suicide or self-harm (to anyone).

    A crisis when the rules or the learned detector say so; the detector reads the message
    with the last few user turns (``history``, oldest first). An idiom the rules recognize
    ("killing myself laughing") cancels the detector on a message without earlier turns.
    Without a usable detector (see :mod:`calvados.safety_model`) the rules screen alone.
    """
    verdict, idiom = _rules(message)
    if verdict.crisis or (idiom and not history):
        return verdict
    detector = safety_model.available()
    if detector is not None:
        scores = detector.scores(message, history)
        if scores.crisis >= detector.crisis_threshold:
            return Verdict(True, f"detector: {scores.crisis:.2f}", "detector")
    return Verdict(False)


def emotional(message: str, history: Sequence[str] = ()) -> bool:
    """The detector's ``emotional`` class (distress, with or without a crisis)."""
    detector = safety_model.available()
    return detector is not None and detector.emotional(message, history)


CRISIS_MESSAGE = (
    "I'm really glad you told me. It sounds like something very heavy is going on, and you "
    "don't have to face it alone. If you — or someone you're worried about — might act on "
    "these thoughts or are in danger right now, please call your local emergency number or a "
    "crisis line: they are free, confidential and there around the clock."
)
CRISIS_INVITE = "I'm here and I'll keep listening. Would you like to tell me what's going on?"
