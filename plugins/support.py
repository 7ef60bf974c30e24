"""Emotional support: comfort, a paced breathing exercise, and crisis resources by region.

Everything here is data class ``emotional``: it runs on the device only. ``comfort`` asks the
local chat model for a reflective-listening reply and checks every sentence before it is
shown (no diagnosis, no prescription, no invented phone numbers); a safe template answers
when the model's reply does not pass. A message that trips the safety screen gets the crisis
resources instead.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import calvados
from calvados import (
    CalvadosError,
    Message,
    Paced,
    ToolContext,
    crisis,
    load_settings,
    models_of,
    safety,
    sentences,
)
from pydantic import BeforeValidator, Field

DATA_FILE = Path(__file__).with_name("data") / "crisis_resources.json"


# ---------------------------------------------------------------------------- regions

@lru_cache(maxsize=1)
def resources() -> dict[str, Any]:
    """The crisis resources data file (countries by ISO 3166-1 alpha-2, plus a fallback)."""
    return dict(json.loads(DATA_FILE.read_text("utf-8")))


def _key(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", safety.normalize(text.replace("&", " and "))).split()
    return " ".join("saint" if w == "st" else w for w in words if w != "the")


@lru_cache(maxsize=1)
def _iso_names() -> dict[str, str]:
    """Every ISO 3166-1 alpha-2 code with its English name (tzdata's ``iso3166.tab``)."""
    try:
        from importlib.resources import files

        table = files("tzdata").joinpath("zoneinfo", "iso3166.tab").read_text("utf-8")
    except (ImportError, OSError):  # pragma: no cover - tzdata is a dependency
        return {}
    rows = (line.split("\t") for line in table.splitlines() if line and line[0] != "#")
    return {row[0]: row[1] for row in rows if len(row) == 2}


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name in _iso_names().items():  # "Myanmar (Burma)", "Trinidad & Tobago"
        for part in (name, *re.split(r"\s*[()]\s*", name)):
            if part.strip():
                table.setdefault(_key(part), code)
    table.update({_key(k): v for k, v in resources().get("aliases", {}).items()})
    for code, entry in resources()["countries"].items():
        for name in (entry["name"], entry.get("alpha3", ""), *entry.get("aliases", [])):
            if name:
                table[_key(name)] = code
    return table


def region_code(value: str) -> str:
    """'Canada' / 'ca' / 'CAN' / 'en_CA' -> 'CA'; raises ValueError for an unknown region."""
    raw = value.strip()
    locale = re.fullmatch(r"[A-Za-z]{2,3}[_-]([A-Za-z]{2})(?:[.@].*)?", raw)
    if locale:
        raw = locale.group(1)
    if len(raw) == 2 and (raw.upper() in _iso_names() or raw.upper() in resources()["countries"]):
        return raw.upper()
    code = _aliases().get(_key(raw))
    if code is None:
        raise ValueError(
            f"unknown region {value!r}: use a country name or an ISO code such as 'CA' or 'GB'"
        )
    return code


def _region(value: Any, info: Any = None) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError("region must be a country name or code")
    return region_code(value)


Region = Annotated[str | None, BeforeValidator(_region)]


def default_region(ctx: ToolContext | None) -> str | None:
    """The configured region (``settings.region``), else the locale's, else None."""
    configured = None
    if ctx is not None and ctx.settings is not None:
        configured = ctx.settings.region
    else:
        try:
            configured = load_settings().region
        except CalvadosError:
            configured = None
    for candidate in (configured, *_locale_regions()):
        if candidate:
            try:
                return region_code(candidate)
            except ValueError:
                continue
    return None


def _locale_regions() -> list[str]:
    names = ("LC_ALL", "LC_MESSAGES", "LANG")
    values = [os.environ.get(n, "") for n in names]
    return [m.group(1) for v in values if (m := re.match(r"[a-z]{2,3}_([A-Z]{2})\b", v))]


# ---------------------------------------------------------------------------- crisis_resources

def resources_for(code: str | None) -> dict[str, Any]:
    """The lines for ``code`` (or the international fallback) as a tool result; its text is
    the English list (:func:`calvados.crisis.resources_text` words it in other languages)."""
    data = resources()
    entry = data["countries"].get(code or "")
    fallback = entry is None
    if fallback:
        entry = data["international"]
    result = {
        "region": code,
        "region_name": _iso_names().get(code, code) if code else None,
        "country": entry["name"],
        "in": entry.get("in", {}),
        "fallback": fallback,
        "emergency": entry["emergency"],
        "lines": entry["lines"],
        "sources": entry["sources"],
    }
    return {"text": crisis.resources_text(result), **result}


@calvados.tool(
    data_class="emotional",
    on_crisis=True,
    examples=[
        ("what crisis lines can I call in Canada?", {"region": "Canada"}),
        ("give me mental health helpline numbers for the UK", {"region": "UK"}),
        ("is there a helpline in Spain I can call at night?", {"region": "Spain"}),
        ("which support hotlines are there in Australia", {"region": "AU"}),
        ("list crisis support numbers", {}),
        ("who can I talk to right now? I'm in Germany", {"region": "Germany"}),
    ],
)
def crisis_resources(region: Region = None, ctx: ToolContext | None = None) -> dict[str, Any]:
    """Crisis and suicide-prevention lines for a region, with emergency numbers.

    Args:
        region: Country name or ISO code ("Canada", "GB"); default: the configured region,
            else the system locale, else international directories.
    """
    return resources_for(region or default_region(ctx))


# ---------------------------------------------------------------------------- local model

# ---------------------------------------------------------------------------- comfort

COMFORT_SYSTEM = (
    "You are a warm, caring listener. Reply in two or three short sentences. First say in "
    "your own words what the person is feeling, then say that it makes sense to feel that "
    "way, then ask one gentle question. Do not diagnose, do not give medical advice, do not "
    "mention medication."
)
_DIAGNOSE = re.compile(
    r"\b(?:diagnos\w*|disorders?|clinical\w*|syndrome|bipolar|ptsd|adhd|ocd|schizophren\w*|"
    r"psychos[ie]s|psychotic|borderline|symptoms? of|signs of|you (?:have|suffer from|might "
    r"have|may have|probably have|seem to have|could have) (?:\w+ )?(?:depression|anxiety|"
    r"trauma|a condition))\b", re.IGNORECASE)
_PRESCRIBE = re.compile(
    r"\b(?:medication\w*|medicine|meds|pills?|tablets?|doses?|dosage|mg|milligrams?|prescri\w*|"
    r"antidepressants?|ssris?|sertraline|zoloft|prozac|fluoxetine|xanax|valium|benzo\w*|"
    r"melatonin|ibuprofen|paracetamol|aspirin|alcohol|wine|beer|whiske?y|cbd|cannabis|weed|"
    r"supplements?)\b", re.IGNORECASE)
_DISMISS = re.compile(
    r"\b(?:calm down|get over it|stop (?:being|feeling|worrying|crying)|overreact\w*|not a big "
    r"deal|just relax|your (?:own )?fault|snap out|man up|cheer up|at least)\b", re.IGNORECASE)
_ADVISE = re.compile(
    r"\b(?:it'?s (?:important|essential|crucial|vital|key|best|a good idea|helpful) (?:to|not to|"
    r"that)|it (?:can|may|might) (?:be helpful|help) to|you (?:should|need to|must|have to|might "
    r"want to|could try|can try)|try (?:to|not to)|make sure|remember (?:that|to)|focus on|"
    r"self-care|take care of yourself|take (?:a|some) (?:break|time|steps?|deep)|consider\w*|"
    r"practi[cs]e|practi[cs]ing|reach out to|don'?t (?:worry|let)|can we try|have you (?:tried|"
    r"considered)|strateg\w*|tips?|techniques?)\b", re.IGNORECASE)
_OFF = re.compile(
    r"https?://|www\.|\d{3,}|<\|?|\|>|\b(?:as an ai|language model|chatbot|assistant:|user:|"
    r"i am an ai|i'm an ai)\b|[#*`{}\[\]]", re.IGNORECASE)
_DARK = re.compile(r"\b(?:suicid\w*|kill\w*|die|dies|died|dying|death|dead|self[- ]?harm)\b",
                   re.IGNORECASE)
_ANXIOUS = re.compile(r"\b(?:anxi\w*|stress\w*|panic\w*|nervous|worr\w*|overwhelm\w*|tense|"
                      r"scared|afraid|restless|can'?t sleep|racing)\b", re.IGNORECASE)
_LOW = re.compile(r"\b(?:hopeless\w*|alone|lonely|empty|worthless|numb|can'?t cope|too much|"
                  r"give up|giving up|exhausted|broken|desperate)\b", re.IGNORECASE)
BREATHING_HINT = ("If it would help, we could try a slow breathing exercise together: just ask "
                  "for one.")
RESOURCES_HINT = ("If it ever feels like too much, I can share support lines where someone is "
                  "there to listen at any hour: just ask.")
_SWAPS = {"i": "you", "i'm": "you're", "im": "you're", "me": "you", "my": "your", "mine": "yours",
          "myself": "yourself", "am": "are", "i've": "you've", "i'll": "you'll", "i'd": "you'd"}


def check_sentence(sentence: str, said: str) -> str | None:
    """Why ``sentence`` may not be shown (None if it is fine). ``said``: the user's words."""
    if _DIAGNOSE.search(sentence):
        return "diagnosis"
    if _PRESCRIBE.search(sentence):
        return "prescription"
    if _DISMISS.search(sentence):
        return "dismissive"
    if _ADVISE.search(sentence):
        return "advice"
    if _OFF.search(sentence):
        return "off"
    dark = {w.lower() for w in _DARK.findall(sentence)}
    if dark - {w.lower() for w in _DARK.findall(said)}:
        return "dark"
    if len(sentence.split()) > 45:
        return "rambling"
    return None


_YOU = re.compile(r"\byou(?:rs?|rself|re|ve)?\b", re.IGNORECASE)  # "you'd": "you", then "'"


def gentle(question: str) -> bool:
    """An open question about the person ("What do you miss most about them?"), not a probe
    of the facts ("What did he do?", "What was the mistake?") or a "why" that can sound
    like blame."""
    return bool(_YOU.search(question)) and not re.match(r"\W*why\b", question, re.IGNORECASE)


_OPEN = re.compile(r"\W*(?:what|how|which|would you like|is there|can you tell|could you tell)\b",
                   re.IGNORECASE)
_VAGUE = {"feel", "think", "thing", "help", "like", "make", "right", "part", "happen", "going",
          "talk", "about", "what", "would", "could", "your", "you're", "you've", "that", "this",
          "with", "have", "been", "most", "more", "some", "there", "they", "them", "when",
          "feeling", "really", "biggest", "important", "the", "and", "you", "was", "did", "for",
          "not", "but", "get", "how", "why", "can", "are", "has", "had", "its", "it's", "who",
          "i'm", "i've", "she", "her", "his", "him", "try", "say", "said", "didn't", "don't",
          "now", "one", "any", "all", "out", "too"}


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry meaning, crudely stemmed ("exams" -> "exam")."""
    words = {w.lower().replace("’", "'") for w in re.findall(r"[\w'’]{3,}", text)}
    return {re.sub(r"(?:ing|ed|es|s)$", "", w) if len(w) > 5 else w.rstrip("s")
            for w in words - _VAGUE}


def tied(question: str, said: str) -> bool:
    """Is ``question`` open ("what", "how", "would you like") and about something the person
    named ("What part of tomorrow worries you most?" after "my exam is tomorrow")? A question
    they did not lead to ("What was your biggest regret?" after a lost job) is left out."""
    return bool(_OPEN.match(question)) and bool(content_words(question) & content_words(said))


_GUESS = re.compile(r",?\s+especially (?:if|when|since|because|as|with|after)\b[^.?!]*",
                    re.IGNORECASE)


def unguessed(sentence: str) -> str:
    """``sentence`` without a guess at circumstances the person never told ("..., especially
    if you're not careful")."""
    return _GUESS.sub("", sentence)


def reflect(text: str) -> str:
    """'I lost my job' -> 'you lost your job' (the listener's mirror)."""
    text = re.sub(r"\bI was\b", "you were", text.strip().rstrip(".!"), flags=re.IGNORECASE)
    return " ".join(_SWAPS.get(w.lower().replace("’", "'"), w) for w in text.split())


def _question(feeling: str) -> str:
    if _ANXIOUS.search(feeling):
        return "What part of it is weighing on you most right now?"
    if _LOW.search(feeling):
        return "Would you like to tell me a bit more about what's been happening?"
    return "What would feel most helpful to talk about right now?"


VALIDATE = "That makes sense, and it's okay to feel this way."


def _feeling(feeling: str) -> str:
    text = re.sub(r"^(?:i\s*(?:'m|’m|am)\s+|im\s+|i\s+feel\s+|feeling\s+)+", "",
                  feeling.strip(), flags=re.IGNORECASE)
    return reflect(re.sub(r"^(?:feeling|so|really|very)\s+", "", text, flags=re.IGNORECASE))


def template_reply(feeling: str | None, situation: str | None) -> list[str]:
    """Acknowledge, validate, one gentle question: the safe reply."""
    question = _question(f"{feeling or ''} {situation or ''}")
    mirrored = reflect(situation) if situation else ""
    mirrored = mirrored[:1].upper() + mirrored[1:]
    if feeling and situation:
        return [f"It sounds like you're feeling {_feeling(feeling)}.",
                f"{mirrored}: that's a lot to carry.", "It makes sense to feel this way.",
                question]
    if feeling:
        return [f"It sounds like you're feeling {_feeling(feeling)} right now.", VALIDATE,
                question]
    if situation:
        return ["It sounds like a lot is going on.",
                f"{mirrored}: that's a lot to carry, and it makes sense if it weighs on you.",
                question]
    return ["It sounds like things are hard right now.", "That makes sense, and I'm here to "
            "listen.", question]


def _hints(said: str) -> list[str]:
    hints = []
    if _ANXIOUS.search(said):
        hints.append(BREATHING_HINT)
    if _LOW.search(said):
        hints.append(RESOURCES_HINT)
    return hints


def _model_sentences(ctx: ToolContext | None, said: str) -> Iterator[str]:
    """Checked sentences from the local model (``emotional`` data never leaves the device);
    stops at the first one that fails a check."""
    messages: list[Message] = [{"role": "system", "content": COMFORT_SYSTEM},
                               {"role": "user", "content": said}]
    stream = models_of(ctx).complete("emotional", messages, max_tokens=120, temperature=0.0,
                                     repeat_penalty=1.2)
    count = 0
    for sentence in sentences(stream):
        if sentence == "\n":
            continue
        sentence = unguessed(sentence)
        if check_sentence(sentence, said) is not None:
            return
        if count == 2 and not sentence.endswith("?"):
            return  # a third sentence only if it is the question
        if sentence.endswith("?") and not (gentle(sentence) and tied(sentence, said)):
            return  # the skill asks its own open question instead
        yield sentence
        count += 1
        if sentence.endswith("?"):
            return


def _said(feeling: str | None, situation: str | None) -> str:
    parts = []
    if feeling:
        parts.append(f"I feel {feeling.strip().rstrip('.')}.")
    if situation:
        parts.append(situation.strip().rstrip(".") + ".")
    return " ".join(parts) or "I'm having a hard time."


@calvados.tool(
    data_class="emotional",
    examples=[
        ("I'm really anxious about my exam tomorrow",
         {"feeling": "anxious", "situation": "exam tomorrow"}),
        ("I feel so lonely since I moved to a new city",
         {"feeling": "lonely", "situation": "moved to a new city"}),
        ("my dog died last week and I'm heartbroken",
         {"feeling": "heartbroken", "situation": "my dog died last week"}),
        ("I'm overwhelmed, everything at work is piling up",
         {"feeling": "overwhelmed", "situation": "everything at work is piling up"}),
        ("I just feel sad today", {"feeling": "sad"}),
        ("I had a big fight with my sister", {"situation": "a big fight with my sister"}),
        ("can we talk? I'm not doing great", {}),
    ],
)
def comfort(
    feeling: str | None = None, situation: str | None = None, ctx: ToolContext | None = None
) -> Iterator[Any]:
    """A supportive, reflective-listening reply from the on-device model (no advice or diagnosis).

    Args:
        feeling: How the person feels, in their words ("anxious", "lonely").
        situation: What is going on, briefly ("exam tomorrow", "moved to a new city").
    """
    said = _said(feeling, situation)
    if safety.screen(said).crisis:
        yield from _crisis_reply(ctx, " ".join(x for x in (feeling, situation) if x))
        return
    shown: list[str] = []
    source = "model"
    try:
        for sentence in _model_sentences(ctx, said):
            yield (" " if shown else "") + sentence
            shown.append(sentence)
    except CalvadosError:
        pass  # no local model: the template still answers
    if not any(s.endswith("?") for s in shown):
        source = "model+template" if shown else "template"
        tail = [VALIDATE] if len(shown) == 1 else []
        tail = template_reply(feeling, situation) if not shown else [*tail, _question(said)]
        for sentence in tail:
            yield (" " if shown else "") + sentence
            shown.append(sentence)
    hints = _hints(said)
    for hint in hints:
        yield "\n\n" + hint
    text = " ".join(shown) + "".join("\n\n" + h for h in hints)
    offered = (("breathing_exercise", BREATHING_HINT), ("crisis_resources", RESOURCES_HINT))
    yield {"text": text, "source": source,
           "suggestions": [name for name, hint in offered if hint in hints]}


def _crisis_reply(ctx: ToolContext | None, said: str) -> Iterator[Any]:
    """The crisis protocol in the language of what the user wrote this turn (else of what
    ``comfort`` was told), with the lines for their region."""
    written = ctx.message if ctx is not None and ctx.message else said
    info = resources_for(default_region(ctx))
    parts = crisis.reply_parts(written, info)
    for part in parts:
        yield part + "\n\n"
    yield {"text": "\n\n".join(parts), "source": "crisis", "crisis": True,
           "region": info["region"], "language": crisis.language_of(written)}


# ---------------------------------------------------------------------------- breathing

INHALE, HOLD, EXHALE = 4, 2, 6  # seconds: 12 s per breath, five breaths a minute
SLICE = 0.25  # the longest a pending stop waits


def breathing_steps(minutes: int) -> list[Paced]:
    """Each step of ``minutes`` of paced breathing: the lungs fill, stay full, empty."""
    breaths = minutes * 60 // (INHALE + HOLD + EXHALE)
    steps = []
    for n in range(1, breaths + 1):
        steps += [Paced(f"Breath {n} of {breaths}: breathe in slowly through your nose "
                        f"({INHALE} s)", INHALE, "rise"),
                  Paced(f"Hold gently ({HOLD} s)", HOLD, "full"),
                  Paced(f"Breathe out slowly through your mouth ({EXHALE} s)", EXHALE, "fall")]
    return steps


def _stopper(ctx: ToolContext | None) -> Callable[[], bool]:
    cancel = ctx.cancel if ctx is not None else None
    return cancel.is_set if cancel is not None else lambda: False


def _wait_until(deadline: float, clock: Callable[[], float], sleep: Callable[[float], None],
                stopped: Callable[[], bool]) -> bool:
    """Sleep until ``deadline`` in short slices; False if stopped on the way."""
    while (left := deadline - clock()) > 0:
        if stopped():
            return False
        sleep(min(SLICE, left))
    return not stopped()


@calvados.tool(
    data_class="emotional",
    examples=[
        ("can we do a breathing exercise?", {}),
        ("guide me through 5 minutes of slow breathing", {"minutes": 5}),
        ("help me calm down with deep breaths for 3 minutes", {"minutes": 3}),
        ("a one minute breathing exercise please", {"minutes": 1}),
        ("I'm panicking, help me breathe", {}),
        ("ten minutes of guided breathing before bed", {"minutes": 10}),
    ],
)
def breathing_exercise(
    minutes: Annotated[int, Field(ge=1, le=30)] = 2, ctx: ToolContext | None = None
) -> Iterator[Any]:
    """A guided breathing exercise: paced inhale, hold and exhale steps streamed in real time.

    Args:
        minutes: How long to breathe, 1 to 30 minutes.
    """
    extras = ctx.extras if ctx is not None else {}
    clock: Callable[[], float] = extras.get("clock", time.monotonic)
    sleep: Callable[[float], None] = extras.get("sleep", time.sleep)
    stopped = _stopper(ctx)
    steps = breathing_steps(minutes)
    yield (f"Breathing exercise: {minutes} minute{'s' * (minutes != 1)}, {len(steps) // 3} slow "
           "breaths. Stop whenever you like.\n")
    start = clock()
    deadline, done = start, 0
    try:
        for step in steps:
            if stopped():
                break
            yield step
            deadline += step.seconds
            if not _wait_until(deadline, clock, sleep, stopped):
                break
            done += 1
    except KeyboardInterrupt:
        pass
    breaths = done // 3
    finished = done == len(steps)
    closing = ("Well done. Notice how your body feels now." if finished
               else f"Stopped after {breaths} breath{'s' * (breaths != 1)}. That's okay.")
    yield closing + "\n"
    yield {"text": closing, "completed": finished, "breaths": breaths, "steps": done,
           "seconds": round(clock() - start, 2),
           "pattern": {"inhale": INHALE, "hold": HOLD, "exhale": EXHALE}}


@calvados.hookimpl
def register_skills(register: Callable[..., Any]) -> None:
    register(comfort)
    register(breathing_exercise)
    register(crisis_resources)
