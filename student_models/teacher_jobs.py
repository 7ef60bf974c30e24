"""What the teacher is asked, and how its replies become labelled samples.

Two kinds of job:

- ``rewrite``: a generated request with an exact plan; the teacher writes new phrasings
  (terse, lowercase, run-on, polite, typo'd, spoken). A phrasing keeps the plan only when every
  string argument is still a span of it, every number is still said, and nothing new (a number,
  a second place) was added: the label stays exact by check, not by trust.
- ``none``: everyday requests that no built-in tool serves (banking, calls, music, timers,
  weather, smart home, lists, maths, definitions, the assistant itself, small talk, and
  near-misses of every tool), written by the teacher; all are labelled ``none``.
"""

from __future__ import annotations

import copy
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from calvados.planner import NUMBER_WORDS, number_said, span_in

from .offline import BUILTIN_FAMILIES, Sample
from .teacher import Job, reply_lines

STYLES = [
    "terse, all lowercase, no punctuation, like a quick search query",
    "polite and a bit wordy, as if talking to a travel agent",
    "run-on, casual, with filler words like 'um' or 'so yeah'",
    "typed fast on a phone, with one or two small typos in words that are not kept",
    "spoken aloud and transcribed by speech-to-text: lowercase, no punctuation",
    "short and direct, starting with a verb",
    "as a question starting with 'can you', 'could you' or 'is it possible'",
    "starting with 'i need' or 'i want' or 'i would like'",
]

REWRITE_PROMPT = """A user asked a phone assistant:
"{message}"

Write 5 different ways people would type this same request. Styles: {styles}.
Keep each of these exactly as written, same spelling: {keep}.
Do not add any new details (no new dates, numbers, places or names).
One request per line, no numbering, no quotes, nothing else."""

NONE_PROMPT = """Write 8 different things a person might say or type to a phone assistant: {topic}.
Make them varied: {styles}. Each must be a complete request on its own.
One per line, no numbering, no quotes, nothing else."""

# (label, what the teacher is asked to write); the label names the job, never the sample.
NONE_TOPICS = [
    ("bank", "questions about their bank account balance, transfers or transactions"),
    ("bills", "asking to pay a bill, check a credit card limit or get a loan"),
    ("call", "asking to call or phone a friend, a relative or a business"),
    ("text", "asking to send a text message or an email to someone, with what it should say"),
    ("music", "asking to play a song, an artist, a playlist, a podcast or the radio"),
    ("timer", "asking to set, check or cancel a timer or an alarm"),
    ("reminder", "asking to be reminded of something at a time"),
    ("weather", "asking about the weather, rain, snow or temperature somewhere"),
    ("smart_home", "asking to control lights, the thermostat, the tv, door locks or a vacuum"),
    ("lists", "about their shopping list or to-do list (add, remove, read it out)"),
    ("math", "asking to calculate something, convert units or do arithmetic"),
    ("define", "asking what a word means, how to spell it or for a synonym"),
    ("translate", "asking how to say a phrase in another language"),
    ("about_you", "asking the assistant about itself: its name, age, who made it, if it is a bot"),
    ("small_talk", "greetings, thanks, goodbyes, compliments or casual chit-chat"),
    ("jokes", "asking for a joke, a fun fact, a riddle, or to flip a coin or roll a die"),
    ("trivia", "general knowledge questions about history, science, geography or people"),
    ("cooking", "asking for a recipe, cooking time, or calories and nutrition of a food"),
    ("sports_news", "asking about sports scores, news headlines or stock prices"),
    ("car", "about their car: gas, tire pressure, oil change, or directions and traffic"),
    ("restaurant", "asking to book a table at a restaurant or for a place to eat"),
    ("appointments", "asking to schedule, move or cancel a doctor, dentist or hair appointment"),
    ("calendar", "asking about their meetings, calendar events or what day a date falls on"),
    ("fitness", "about workouts, steps, sleep tracking or running routes"),
    ("work", "about their job: paid time off, payday, taxes, their w2 or a meeting"),
    ("travel_info", "travel questions no booking serves: visa rules, luggage limits, plug "
                    "types, time zones, exchange rates, what to pack"),
    ("transport", "asking for an uber, a taxi, a train or bus schedule, or a rental car"),
    ("flight_status", "asking whether a specific flight is on time, its gate or baggage claim"),
    ("shopping", "asking to order something online, track a package or compare prices"),
    ("tech", "asking how to do something with a phone, a computer or an app"),
    ("advice", "asking for practical advice on studying, cleaning, gardening or money"),
    ("opinion", "asking the assistant's opinion or a recommendation for a book, film or game"),
    ("near_story", "about stories without wanting one told: who wrote a book, a film's plot, "
                   "the cast of a tv show"),
    ("near_docs", "about files without a file to read: how to make a pdf, print a page, "
                  "or fix a scanner"),
    ("near_booking", "about bookings that are not travel: a table, a concert ticket, a "
                     "haircut, a tennis court"),
    ("near_cancel", "asking to cancel or unsubscribe from something that is not a trip: a "
                    "subscription, an order, a meeting"),
]


def _keep(sample: Sample) -> list[str]:
    return [str(v) for c in sample.calls for v in c["arguments"].values() if isinstance(v, str)]


def rewrite_jobs(seed: int = 0, count: int = 100_000,
                 exclude: Iterable[str] = ()) -> Iterator[Job]:
    """Seeds from the offline generator (single-turn, built-in tools), one job each; a seed
    equal to an ``exclude`` message (an evaluation case) is skipped, its index kept."""
    banned = {m.strip().lower() for m in exclude}
    rng = random.Random(seed)
    families = [f for name, f in BUILTIN_FAMILIES.items() if name not in ("none", "follow_ups")]
    weights = [w for _, w in families]
    for index in range(count):
        gen = rng.choices(families, weights)[0][0]
        sample = gen(rng)
        styles = "; ".join(rng.sample(STYLES, 3))
        if sample.message.strip().lower() in banned:
            continue
        keep = _keep(sample)
        prompt = REWRITE_PROMPT.format(
            message=sample.message, styles=styles,
            keep=", ".join(f'"{k}"' for k in keep) if keep else "nothing in particular",
        )
        yield Job(f"rw{seed}-{index:06d}", prompt,
                  {"kind": "rewrite", "message": sample.message, "calls": sample.calls})


def none_jobs(seed: int = 0, rounds: int = 1000) -> Iterator[Job]:
    rng = random.Random(seed)
    for index in range(rounds):
        for label, topic in NONE_TOPICS:
            styles = "; ".join(rng.sample(STYLES, 2))
            prompt = NONE_PROMPT.format(topic=topic, styles=styles)
            yield Job(f"no{seed}-{index:04d}-{label}", prompt, {"kind": "none", "topic": label})


# ------------------------------------------------------------------------ replies -> samples

ENUM_CUES = {
    "business": ["business"], "first": ["first"], "premium_economy": ["premium"],
    "economy": ["economy", "coach"], "short": ["short", "quick", "brief", "little"],
    "medium": ["medium"], "long": ["long", "detailed", "in-depth", "thorough", "epic", "lengthy"],
    "bullets": ["bullet", "point"], "paragraph": ["paragraph"],
    "child": ["child", "kid", "bedtime", "son", "daughter", "year-old", "year old", "little"],
    "teen": ["teen", "adolescent"], "adult": ["adult", "grown"],
}
_NUMBER = re.compile(r"\b(\d+|" + "|".join(NUMBER_WORDS[2:]) + r")\b", re.I)


def _numbers(text: str) -> set[str]:
    return {m.lower() for m in _NUMBER.findall(text)}


def phrasing_ok(seed_message: str, calls: list[dict[str, Any]], text: str) -> bool:
    """Does ``text`` still say exactly what the plan carries, and nothing more?"""
    if not text or len(text) > 3 * len(seed_message) + 60 or text == seed_message:
        return False
    for call in calls:
        for value in call["arguments"].values():
            if isinstance(value, bool):
                continue
            if isinstance(value, int):
                if not number_said(value, text):
                    return False
            elif value in ENUM_CUES:
                if not any(c in text.lower() for c in ENUM_CUES[value]):
                    return False
            elif isinstance(value, str) and not span_in(value, text):
                return False
    # a rewrite must not add numbers (passengers, nights, dates) the seed did not have
    return _numbers(text) <= _numbers(seed_message) | {
        str(v) for c in calls for v in c["arguments"].values()
    }


# A phrasing must still ask for the same thing: each tool's words of intent.
INTENT_CUES = {
    "search_flights": r"fl(y|ies|ying|ights?)|plane|air(fare|line|port)?|fares?|tickets?|seats?"
                      r"|nonstop|round ?trip|one ?way|depart\w*|leav\w*|travel\w*",
    "search_hotels": r"hotels?|motels?|rooms?|stay\w*|nights?|accommodations?|inn|lodg\w*"
                     r"|check(ing)? in|suites?|bnb",
    "book_offer": r"book\w*|reserve|take|go with|grab|get|want|choose|pick|confirm|yes|lock",
    "list_bookings": r"bookings?|reservations?|trips?|booked|reserved|itinerar\w*|travel plans",
    "cancel_booking": r"cancel\w*|drop|call off|scrap|get rid|don.?t need|no longer|undo",
    "export_itinerary": r"export\w*|calendar|ics|save|itinerar\w*|download",
    "scan_document": r"scan\w*|ocr|extract|read|import|load|text (from|of|in)|digiti[sz]e|open",
    "summarize": r"summar\w*|sum (it )?up|tl;? ?dr|recap|gist|overview|brief|main points"
                 r"|key points|short version|condense",
    "tell_story": r"stor(y|ies)|tale|fable|bedtime",
    "breathing_exercise": r"breath\w*",
    "crisis_resources": r"crisis|hotlines?|helplines?|lines?|numbers?|call|support|talk to",
    "comfort": r"i|i'm|im|i've|ive|i feel|me|my",
}
_META = re.compile(r"^(here are|here is|sure|note|okay,? here)|\(|typo|rewrit|request", re.I)


def _fingerprint(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())


def rewrite_samples(record: dict[str, Any]) -> list[Sample]:
    out = []
    seen = {_fingerprint(record["message"])}
    cues = [INTENT_CUES[c["tool"]] for c in record["calls"] if c["tool"] in INTENT_CUES]
    for line in reply_lines(record["reply"])[:6]:
        key = _fingerprint(line)
        if key in seen or _META.search(line) or len(key.split()) < 3:
            continue
        if not phrasing_ok(record["message"], record["calls"], line):
            continue
        if not all(re.search(rf"\b({cue})\b", line, re.I) for cue in cues):
            continue
        seen.add(key)
        out.append(Sample(line, record["calls"], kind="teacher-rewrite"))
    return out


TOOL_WORDS = re.compile(
    r"\b(flights?|fly|flying|airfare|plane tickets?|hotels?|motels?|story|stories|scan|ocr|"
    r"summar\w*|pdf|document|itinerar\w*|bookings?|trips?)\b", re.I)
FEELING_WORDS = re.compile(
    r"\b(breath\w*|crisis|hotline|helpline|suicid\w*|die|sad|lonely|anxious|anxiety|depressed|"
    r"stressed|upset|hurt|cry\w*|scared|panic\w*|overwhelmed)\b", re.I)
NEAR_TOPICS = {"flight_status", "travel_info", "near_story", "near_docs", "near_booking",
               "near_cancel", "transport"}


def none_samples(record: dict[str, Any]) -> list[Sample]:
    """Teacher-written out-of-scope requests; anything that might be in scope is dropped."""
    out = []
    for line in reply_lines(record["reply"])[:10]:
        if len(line.split()) < 2 or FEELING_WORDS.search(line):
            continue
        if record.get("topic") not in NEAR_TOPICS and TOOL_WORDS.search(line):
            continue
        out.append(Sample(line, [], kind="teacher-none"))
    return out


# ------------------------------------------------------------------------ refilling

def value_pools(seed: int = 0, draws: int = 6000) -> dict[tuple[str, str], list[str]]:
    """Free-text values the generator uses for each (tool, argument): places, dates, topics."""
    from .phrasing import FAMILIES

    rng = random.Random(seed)
    families = [f for name, (f, _) in (BUILTIN_FAMILIES | FAMILIES).items()
                if name not in ("none", "follow_ups")]
    pools: dict[tuple[str, str], set[str]] = defaultdict(set)
    for _ in range(draws):
        for call in families[rng.randrange(len(families))](rng).calls:
            for key, value in call["arguments"].items():
                if isinstance(value, str) and value not in ENUM_CUES:
                    pools[(call["tool"], key)].add(value)
    return {k: sorted(v) for k, v in pools.items()}


# Values that stand alone in a sentence (a place, a date, an id, a path); a situation, a
# story topic or a question is bound to the words around it and is never swapped.
REFILLABLE = {"origin", "destination", "depart_date", "return_date", "city", "check_in",
              "check_out", "region", "offer_id", "booking_id", "path", "airline", "depart_time"}


def _spans(sample: Sample) -> list[tuple[int, int, int, str]] | None:
    """(start, end, call index, argument) of each free-text value, each said exactly once."""
    spans = []
    for index, call in enumerate(sample.calls):
        for key, value in call["arguments"].items():
            if not isinstance(value, str) or value in ENUM_CUES:
                continue
            if key not in REFILLABLE:
                return None
            hits = list(re.finditer(rf"(?<!\w){re.escape(value)}(?!\w)", sample.message, re.I))
            if len(hits) != 1:
                return None
            spans.append((hits[0].start(), hits[0].end(), index, key))
    spans.sort()
    if any(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False)):
        return None
    return spans


def refilled(sample: Sample, pools: dict[tuple[str, str], list[str]], rng: random.Random,
             count: int) -> list[Sample]:
    """The teacher's phrasing with other values in its argument spans (a city for a city, a
    date for a date): the wording stays the teacher's, the label stays exact by
    construction."""
    spans = _spans(sample)
    if not spans or any((sample.calls[i]["tool"], k) not in pools for _, _, i, k in spans):
        return []
    out: list[Sample] = []
    seen = {sample.message.lower()}
    for _ in range(count * 3):
        if len(out) == count:
            break
        calls = copy.deepcopy(sample.calls)
        text, pos, used = "", 0, set()
        for start, end, index, key in spans:
            old = sample.message[start:end]
            new = rng.choice(pools[(calls[index]["tool"], key)])
            new = new.lower() if old.islower() else new
            used.add(new.lower())
            text += sample.message[pos:start] + new
            pos = end
            calls[index]["arguments"][key] = new
        text += sample.message[pos:]
        if len(used) < len(spans) or text.lower() in seen:
            continue
        seen.add(text.lower())
        out.append(Sample(text, calls, kind="teacher-refill"))
    return out


def samples_from(record: dict[str, Any]) -> list[Sample]:
    if record.get("kind") == "rewrite":
        return rewrite_samples(record)
    if record.get("kind") == "none":
        return none_samples(record)
    return []
