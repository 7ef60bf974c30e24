"""The offline teacher: varied user messages with exact plans, from templates and value banks.

It needs no network and no model. Labels are exact by construction (the arguments are the
spans the message was built from), which is what a small student needs most. Built-in tools
get hand-written phrasing families; any other registered tool (third-party plugins) gets
variations of its declared examples. Synthetic extra tools teach the student to read the
"More tools" section of its prompt.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import banks as B

Call = dict[str, Any]


@dataclass
class Sample:
    message: str
    calls: list[Call]
    history: list[dict[str, str]] = field(default_factory=list)
    extra_tools: list[str] = field(default_factory=list)
    kind: str = ""
    state: list[str] = field(default_factory=list)  # the session's references, if any


def _call(tool: str, **arguments: Any) -> Call:
    known = [k for k in ARG_ORDER if k in arguments]
    order = known + [k for k in arguments if k not in known]
    return {"tool": tool, "arguments": {k: arguments[k] for k in order if arguments[k] is not None}}


def _pick(rng: random.Random, items: list[str]) -> str:
    return items[rng.randrange(len(items))]


IMPERATIVES = (
    "find",
    "book",
    "scan",
    "summarize",
    "search",
    "write",
    "tell",
    "give",
    "reserve",
    "cancel",
    "list",
    "show",
    "export",
    "add",
    "read",
    "load",
    "lead",
    "play",
    "set",
    "translate",
    "turn",
    "switch",
    "send",
    "email",
    "track",
    "define",
    "remind",
    "extract",
    "ocr",
    "sum",
)


def _polite(rng: random.Random, text: str) -> str:
    """Optional openers/closers so phrasing varies around the same request."""
    openers = ["", "", "", "please ", "hey, ", "quick one: ", "ok ", "hi! "]
    if text.lower().startswith(IMPERATIVES):
        openers += ["can you ", "could you ", "I'd like you to ", "would you ", "pls "]
    opener = rng.choice(openers)
    closer = rng.choice(["", "", "", " please", " thanks", " asap", "!", " for me"])
    if opener and (text[:1].islower() or text[:2] in ("OC",)):
        text = opener + text[0].lower() + text[1:] if text[:3] != "OCR" else opener + text
    text = (text + closer).strip()
    if opener in ("can you ", "could you ", "would you ") and rng.random() < 0.6:
        text += "?"
    return text


ARG_ORDER = [
    "origin",
    "destination",
    "depart_date",
    "return_date",
    "passengers",
    "cabin",
    "city",
    "check_in",
    "check_out",
    "nights",
    "guests",
    "offer_id",
    "booking_id",
    "path",
    "question",
    "language",
    "length",
    "format",
    "topic",
    "audience",
    "feeling",
    "situation",
    "minutes",
    "region",
]


# ------------------------------------------------------------------------ dates and places


def date_phrase(rng: random.Random) -> str:
    r = rng.random()
    month = rng.randrange(12)
    day = rng.randint(1, 28)
    if r < 0.3:
        return f"{B.MONTHS[month]} {day}"
    if r < 0.45:
        return f"{B.MONTHS_SHORT[month]} {day}"
    if r < 0.55:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(day if day < 20 else day % 10, "th")
        return f"{B.MONTHS[month]} {day}{suffix}"
    if r < 0.63:
        return f"{day} {B.MONTHS[month]}"
    if r < 0.75:
        return _pick(rng, B.WEEKDAYS)
    if r < 0.82:
        return "next " + _pick(rng, B.WEEKDAYS)
    if r < 0.93:
        return _pick(rng, ["tomorrow", "the day after tomorrow"])
    return f"2027-{month + 1:02d}-{day:02d}"


def later_date(rng: random.Random, first: str) -> str:
    """A second date phrase a few days after ``first`` (same style when possible)."""
    m = re.match(r"([A-Za-z]+) (\d+)(st|nd|rd|th)?$", first)
    if m and m.group(1) in B.MONTHS + B.MONTHS_SHORT:
        day = int(m.group(2)) + rng.randint(1, 9)
        if day <= 28:
            return f"{m.group(1)} {day}"
        months = B.MONTHS if m.group(1) in B.MONTHS else B.MONTHS_SHORT
        return f"{months[(months.index(m.group(1)) + 1) % 12]} {day - 28}"
    m = re.match(r"2027-(\d\d)-(\d\d)$", first)
    if m:
        day = int(m.group(2)) + rng.randint(1, 9)
        return f"2027-{m.group(1)}-{day:02d}" if day <= 28 else f"2027-{m.group(1)}-28"
    return date_phrase(rng)


def place(rng: random.Random) -> str:
    return _pick(rng, B.IATA) if rng.random() < 0.22 else _pick(rng, B.CITIES)


def two_places(rng: random.Random) -> tuple[str, str]:
    a = place(rng)
    b = place(rng)
    while b == a:
        b = place(rng)
    return a, b


def on_date(rng: random.Random, d: str) -> str:
    if d in ("tomorrow", "the day after tomorrow", "today", "tonight") or d.startswith("next "):
        return d
    return rng.choice(["on ", "on ", "", "for "]) + d


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def people(rng: random.Random, noun: str = "people") -> tuple[int, str]:
    n = rng.randint(2, 6)
    word = NUMBER_WORDS[n] if rng.random() < 0.5 else str(n)
    return n, rng.choice(
        [
            f"for {word} {noun}",
            f"{word} {noun}",
            f"for {word}",
            f"{word} of us",
            f"for {word} adults",
        ]
    )


# ------------------------------------------------------------------------ travel

CABINS = {
    "business": ["business", "business class"],
    "first": ["first class"],
    "premium_economy": ["premium economy"],
    "economy": ["economy", "coach"],
}


def flights(rng: random.Random) -> Sample:
    a, b = two_places(rng)
    d = date_phrase(rng)
    args: dict[str, Any] = {"origin": a, "destination": b, "depart_date": d}
    extras = []
    if rng.random() < 0.3:
        r = later_date(rng, d)
        args["return_date"] = r
        extras.append(
            rng.choice([f"back {r}", f"returning {r}", f"coming back {r}", f"return on {r}"])
        )
    if rng.random() < 0.3:
        n, text = people(rng, rng.choice(["passengers", "people", "adults"]))
        args["passengers"] = n
        extras.append(text)
    if rng.random() < 0.25:
        cabin = rng.choice(list(CABINS))
        args["cabin"] = cabin
        extras.append(rng.choice(CABINS[cabin]))
    tail = (", " + ", ".join(extras)) if extras else ""
    pattern = rng.randrange(7)
    if pattern == 0:
        msg = f"flights from {a} to {b} {on_date(rng, d)}{tail}"
    elif pattern == 1:
        msg = f"{a} to {b} {on_date(rng, d)}{tail}"
    elif pattern == 2:
        msg = f"find me a flight to {b} from {a} {on_date(rng, d)}{tail}"
    elif pattern == 3:
        msg = f"I need to get from {a} to {b} {on_date(rng, d)}{tail}"
    elif pattern == 4:
        trip = "round trip" if "return_date" in args else "one way"
        msg = f"{trip} {a} to {b}, leaving {d}{tail}"
    elif pattern == 5:
        msg = f"are there any flights {a} -> {b} {on_date(rng, d)}{tail}"
    else:
        msg = f"search flights {a} {b} {d}{tail}"
    return Sample(_polite(rng, msg), [_call("search_flights", **args)], kind="flights")


def hotels(rng: random.Random) -> Sample:
    city = _pick(rng, B.CITIES)
    d = date_phrase(rng)
    args: dict[str, Any] = {"city": city, "check_in": d}
    pattern = rng.randrange(6)
    guests = ""
    if rng.random() < 0.35:
        n, guests = people(rng, rng.choice(["guests", "people", "adults"]))
        args["guests"] = n
        guests = " " + guests
    if pattern in (0, 1, 2):
        nights = rng.randint(1, 9)
        args["nights"] = nights
        word = NUMBER_WORDS.get(nights, str(nights)) if rng.random() < 0.4 else str(nights)
        unit = "night" if nights == 1 else "nights"
        msg = [
            f"{word} {unit} in {city} starting {d}{guests}",
            f"book a hotel in {city} for {word} {unit} from {d}{guests}",
            f"I need a room in {city} {on_date(rng, d)} for {word} {unit}{guests}",
        ][pattern]
    else:
        out = later_date(rng, d)
        args["check_out"] = out
        msg = [
            f"find me a hotel in {city} from {d} to {out}{guests}",
            f"hotels in {city}, check in {d}, check out {out}{guests}",
            f"a place to stay in {city} between {d} and {out}{guests}",
        ][pattern - 3]
    return Sample(_polite(rng, msg), [_call("search_hotels", **args)], kind="hotels")


def offer_id(rng: random.Random) -> str:
    return f"{rng.choice(['FL', 'FL', 'HT'])}-{rng.randint(1, 9999):04d}"


def booking_id(rng: random.Random) -> str:
    return f"BK-{rng.randint(1, 999)}"


def booking_ops(rng: random.Random) -> Sample:
    r = rng.randrange(4)
    if r == 0:
        oid = offer_id(rng)
        msg = rng.choice(
            [
                f"book {oid}",
                f"reserve {oid}",
                f"I'll take {oid}",
                f"go ahead and book offer {oid}",
                f"book offer {oid} for me",
                f"yes, book {oid}",
            ]
        )
        return Sample(_polite(rng, msg), [_call("book_offer", offer_id=oid)], kind="book")
    if r == 1:
        msg = rng.choice(
            [
                "list my bookings",
                "show my reservations",
                "what trips do I have?",
                "what have I booked so far?",
                "my bookings",
                "do I have any bookings?",
                "show me my upcoming trips",
                "which hotels did I reserve?",
            ]
        )
        return Sample(_polite(rng, msg), [_call("list_bookings")], kind="list")
    if r == 2:
        bid = booking_id(rng)
        msg = rng.choice(
            [
                f"cancel reservation {bid}",
                f"cancel booking {bid}",
                f"please cancel {bid}",
                f"I want to cancel {bid}",
                f"drop my booking {bid}",
            ]
        )
        return Sample(_polite(rng, msg), [_call("cancel_booking", booking_id=bid)], kind="cancel")
    bid = booking_id(rng)
    if rng.random() < 0.3:
        path = f"{_pick(rng, B.DIRS)}/{rng.choice(['trip', 'itinerary', 'travel'])}.ics"
        msg = f"export {bid} as an ics file to {path}"
        return Sample(
            _polite(rng, msg), [_call("export_itinerary", booking_id=bid, path=path)], kind="export"
        )
    if rng.random() < 0.3:
        msg = rng.choice(
            ["export my itinerary", "put my trips in my calendar", "make an ics of my bookings"]
        )
        return Sample(_polite(rng, msg), [_call("export_itinerary")], kind="export")
    msg = rng.choice(
        [
            f"add booking {bid} to my calendar",
            f"export {bid} to my calendar",
            f"calendar file for {bid}",
            f"save {bid} as a calendar event",
        ]
    )
    return Sample(_polite(rng, msg), [_call("export_itinerary", booking_id=bid)], kind="export")


def _offer_lines(rng: random.Random, kind: str) -> tuple[list[str], list[str], list[int]]:
    ids, lines, prices = [], [], []
    base = rng.randint(1, 9990)
    for i in range(rng.randint(2, 4)):
        oid = f"{'FL' if kind == 'flight' else 'HT'}-{base + i:04d}"
        price = rng.randint(60, 900)
        if kind == "flight":
            h1, h2 = rng.randint(5, 20), rng.randint(0, 23)
            airline = f"{_pick(rng, B.AIRLINES)} {rng.randint(10, 2999)}"
            desc = f"{airline}  {h1:02d}:{rng.randint(0, 5)}0 -> {h2:02d}:{rng.randint(0, 5)}5"
            if rng.random() < 0.5:
                desc += f"  {rng.randint(1, 9)}h{rng.randint(0, 5)}5 nonstop"
            desc += f"  ${price}"
        else:
            desc = f"{_pick(rng, B.HOTEL_NAMES)}  {rng.randint(2, 5)}*  ${price}/night"
        ids.append(oid)
        prices.append(price)
        lines.append(f"{i + 1}. {oid}  {desc}")
    return ids, lines, prices


ORDINALS = ["first", "second", "third", "fourth"]


def follow_ups(rng: random.Random) -> Sample:
    """History-dependent messages: refer back to offers or bookings shown before."""
    a, b = two_places(rng)
    d = date_phrase(rng)
    r = rng.randrange(6)
    if r <= 3:
        kind = "flight" if r != 3 else "hotel"
        sandbox = " - SANDBOX offers: made up for testing, nothing real is booked:"
        if kind == "flight":
            user = f"flights from {a} to {b} {on_date(rng, d)}"
            head = rng.choice(
                [
                    f"Here are flights from {a} to {b} on {d} (sandbox):",
                    f"Flights {a} -> {b}, {d}, 1 passenger, economy{sandbox}",
                ]
            )
        else:
            user = f"hotels in {b} from {d} for 2 nights"
            head = rng.choice([f"Hotels in {b} (sandbox):", f"Hotels in {b}, {d}{sandbox}"])
        ids, lines, prices = _offer_lines(rng, kind)
        tail = f"To book, say: book {ids[0]}." if rng.random() < 0.5 else ""
        history = [
            {"role": "user", "content": user},
            {"role": "assistant", "content": "\n".join([head, *lines, tail]).strip()},
        ]
        if r == 0 or r == 3:
            i = rng.randrange(len(ids))
            if rng.random() < 0.2:
                i = prices.index(min(prices))
                msg = rng.choice(["book the cheapest one", "the cheapest please"])
            else:
                msg = rng.choice(
                    [
                        f"book the {ORDINALS[i]} one",
                        f"the {ORDINALS[i]} one please",
                        f"I'll take option {i + 1}",
                        f"book number {i + 1}",
                        f"let's go with the {ORDINALS[i]}",
                    ]
                )
            return Sample(msg, [_call("book_offer", offer_id=ids[i])], history, kind="hist-book")
        args: dict[str, Any] = {"origin": a, "destination": b, "depart_date": d}
        if r == 1:
            n, text = people(rng)
            args["passengers"] = n
            msg = rng.choice(
                [
                    f"same but {text}",
                    f"and {text}?",
                    f"what about {text}",
                    f"can you redo that {text}",
                ]
            )
        else:
            d2 = date_phrase(rng)
            args["depart_date"] = d2
            msg = rng.choice(
                [
                    f"what about {d2} instead?",
                    f"same thing {on_date(rng, d2)}",
                    f"try {d2}",
                    f"any on {d2}?",
                ]
            )
        return Sample(msg, [_call("search_flights", **args)], history, kind="hist-search")
    flight_id, hotel_id = booking_id(rng), booking_id(rng)
    hotel = _pick(rng, B.HOTEL_NAMES)
    history = [
        {"role": "user", "content": rng.choice(["list my bookings", "show my trips"])},
        {
            "role": "assistant",
            "content": rng.choice(
                [
                    f"Your bookings:\n- {flight_id}  Flight {a} -> {b}, {d}\n"
                    f"- {hotel_id}  Hotel {hotel}, {b}, {d}",
                    f"Your bookings (2 upcoming):\nUpcoming:\n- {flight_id}  Flight {a} -> {b}, "
                    f"{d} 11:00 ({_pick(rng, B.AIRLINES)} {rng.randint(10, 2999)})  $287, sandbox\n"
                    f"- {hotel_id}  Hotel {hotel}, {b}, {d} (2 nights)  $300, sandbox\n"
                    "(sandbox bookings are tests: nothing real was booked)",
                ]
            ),
        },
    ]
    target, noun = (flight_id, "flight") if rng.random() < 0.5 else (hotel_id, "hotel")
    if r == 4:
        msg = rng.choice(
            [
                f"cancel the {noun}",
                f"please cancel the {noun} booking",
                f"I don't need the {noun} anymore, cancel it",
            ]
        )
        return Sample(
            msg, [_call("cancel_booking", booking_id=target)], history, kind="hist-cancel"
        )
    msg = rng.choice(
        [
            f"add the {noun} to my calendar",
            f"export the {noun} booking",
            f"put the {noun} in my calendar",
        ]
    )
    return Sample(msg, [_call("export_itinerary", booking_id=target)], history, kind="hist-export")


# ------------------------------------------------------------------------ documents


def a_path(rng: random.Random) -> str:
    name = _pick(rng, B.FILES)
    return name if rng.random() < 0.15 else f"{_pick(rng, B.DIRS)}/{name}"


def documents(rng: random.Random) -> Sample:
    r = rng.randrange(10)
    path = a_path(rng)
    if r < 3:
        args: dict[str, Any] = {"path": path}
        tail = ""
        if rng.random() < 0.35:
            lang = _pick(rng, B.LANGUAGES)
            args["language"] = lang
            tail = rng.choice(
                [f", it's {lang}", f" ({lang})", f" in {lang}", f", the text is in {lang}"]
            )
        msg = (
            rng.choice(
                [
                    f"scan {path}",
                    f"please extract the text from {path}",
                    f"OCR {path}",
                    f"read this scan: {path}",
                    f"import the file {path}",
                    f"can you scan the document at {path}",
                    f"load {path}",
                ]
            )
            + tail
        )
        return Sample(_polite(rng, msg), [_call("scan_document", **args)], kind="scan")
    question = _pick(rng, B.QUESTIONS)
    if r < 6:
        if r == 5:
            msg = rng.choice(
                [f"in {path} {question}", f"{question} in {path}?", f"look at {path}: {question}?"]
            )
            return Sample(msg, [_call("ask_document", question=question, path=path)], kind="ask")
        noun = _pick(rng, B.DOC_NOUNS)
        msg = rng.choice(
            [
                f"{question}?",
                f"{question} on {noun}?",
                f"in {noun}, {question}?",
                f"according to {noun}, {question}?",
            ]
        )
        return Sample(msg, [_call("ask_document", question=msg.rstrip("?"))], kind="ask")
    args = {}
    words = []
    if rng.random() < 0.5:
        length = rng.choice(["short", "long", "medium"])
        args["length"] = length
        words.append(
            rng.choice(
                {
                    "short": ["quick", "short", "brief", "one-paragraph"],
                    "long": ["in-depth", "detailed", "long", "thorough"],
                    "medium": ["medium-length", "medium"],
                }[length]
            )
        )
    if rng.random() < 0.4:
        args["format"] = "bullets"
        words.append(rng.choice(["bullet", "bullet-point", "point-form"]))
    adj = " ".join(words)
    if r < 9:
        args = {"path": path, **args}
        msg = (
            rng.choice(
                [
                    f"give me a {adj} summary of {path}",
                    f"{adj} summary of {path}",
                    f"summarize {path}, {adj}",
                    f"I want a {adj} summary of {path}",
                ]
            )
            if adj
            else rng.choice(
                [
                    f"summarize {path}",
                    f"tl;dr of {path}",
                    f"sum up {path} for me",
                    f"what is {path} about? summarize it",
                ]
            )
        )
        return Sample(
            _polite(rng, " ".join(msg.split())), [_call("summarize", **args)], kind="summarize"
        )
    noun = rng.choice(
        [
            "the scanned letter",
            "the document",
            "it",
            "the pdf",
            "our conversation",
            "this chat",
            "what we discussed",
        ]
    )
    msg = f"{adj} summary of {noun}" if adj else rng.choice([f"summarize {noun}", f"sum up {noun}"])
    return Sample(
        _polite(rng, " ".join(msg.split())), [_call("summarize", **args)], kind="summarize"
    )


# ------------------------------------------------------------------------ stories and support


def stories(rng: random.Random) -> Sample:
    topic = _pick(rng, B.STORY_TOPICS)
    args: dict[str, Any] = {"topic": topic}
    cue = ""
    r = rng.random()
    if r < 0.35:
        args["audience"] = "child"
        cue = " " + _pick(rng, B.CHILD_CUES)
    elif r < 0.5:
        args["audience"] = "teen"
        cue = " " + _pick(rng, B.TEEN_CUES)
    elif r < 0.65:
        args["audience"] = "adult"
        cue = " " + _pick(rng, B.ADULT_CUES)
    length_word = ""
    if rng.random() < 0.45:
        length = rng.choice(["short", "medium", "long"])
        args["length"] = length
        length_word = (
            rng.choice(
                {
                    "short": ["short", "quick", "little"],
                    "medium": ["medium-length", "medium"],
                    "long": ["long", "epic", "lengthy"],
                }[length]
            )
            + " "
        )
    genre = _pick(rng, B.GENRES) + " " if rng.random() < 0.3 else ""
    if cue.strip() == "adult" and rng.random() < 0.6:
        msg = f"write a {length_word}adult {genre}story about {topic}"
    elif rng.random() < 0.2 and args.get("audience") == "child":
        msg = f"tell me a bedtime story about {topic}{cue}"
    else:
        msg = rng.choice(
            [
                f"tell me a {length_word}{genre}story about {topic}{cue}",
                f"a {length_word}{genre}story about {topic}{cue}",
                f"write a {length_word}{genre}story about {topic}{cue}",
                f"can you make up a {length_word}story about {topic}{cue}",
            ]
        )
    msg = " ".join(msg.replace(" adult adult", " adult").split())
    return Sample(_polite(rng, msg), [_call("tell_story", **args)], kind="story")


def support(rng: random.Random) -> Sample:
    r = rng.randrange(6)
    if r <= 2:
        feeling = _pick(rng, B.FEELINGS)
        if r == 0:
            msg = rng.choice(
                [
                    f"I'm feeling really {feeling} today",
                    f"I feel so {feeling}",
                    f"I've been {feeling} all week",
                    f"feeling {feeling} right now",
                    f"I'm so {feeling} lately",
                ]
            )
            return Sample(msg, [_call("comfort", feeling=feeling)], kind="comfort")
        situation = _pick(rng, B.SITUATIONS)
        if r == 1:
            msg = rng.choice(
                [
                    f"{situation} and I feel {feeling}",
                    f"{situation}, I'm {feeling}",
                    f"I'm {feeling} because {situation.lower()}",
                ]
            )
            return Sample(
                msg, [_call("comfort", feeling=feeling, situation=situation)], kind="comfort"
            )
        msg = rng.choice([f"{situation}", f"{situation}. what do I do", f"ugh, {situation}"])
        return Sample(msg, [_call("comfort", situation=situation)], kind="comfort")
    if r == 3:
        if rng.random() < 0.6:
            m = rng.randint(1, 10)
            word = NUMBER_WORDS.get(m, str(m)) if rng.random() < 0.3 else str(m)
            msg = rng.choice(
                [
                    f"lead me through a {word} minute breathing exercise",
                    f"{word} minutes of guided breathing",
                    f"can we do a breathing exercise for {word} minutes",
                    f"help me breathe for {word} minutes",
                ]
            )
            return Sample(
                _polite(rng, msg), [_call("breathing_exercise", minutes=m)], kind="breathing"
            )
        msg = rng.choice(
            [
                "breathing exercise please",
                "help me calm down with some breathing",
                "guide my breathing",
                "I need a breathing exercise",
            ]
        )
        return Sample(msg, [_call("breathing_exercise")], kind="breathing")
    region = _pick(rng, B.REGIONS)
    if r == 4:
        msg = rng.choice(
            [
                f"crisis line numbers for {region}",
                f"helplines in {region}",
                f"who can I call for emotional support in {region}?",
                f"mental health hotline {region}",
            ]
        )
        return Sample(msg, [_call("crisis_resources", region=region)], kind="resources")
    msg = rng.choice(
        ["what crisis lines can I call?", "give me a helpline number", "list some support hotlines"]
    )
    return Sample(msg, [_call("crisis_resources")], kind="resources")


def no_tool(rng: random.Random) -> Sample:
    if rng.random() < 0.5:
        return Sample(_pick(rng, B.NO_TOOL), [], kind="none")
    template = _pick(rng, B.KNOWLEDGE_TEMPLATES)
    values = {k: _pick(rng, v) for k, v in B.KNOWLEDGE_FILLERS.items()}
    return Sample(template.format(**values), [], kind="none")


# ------------------------------------------------------------------------ multi-call


def multi(rng: random.Random) -> Sample:
    r = rng.randrange(4)
    if r == 0:
        path = a_path(rng)
        question = _pick(rng, B.QUESTIONS)
        msg = rng.choice(
            [
                f"scan {path} and tell me {question}",
                f"scan {path}, then {question}?",
                f"read {path} and {question}",
            ]
        )
        rest = msg.split(" and ", 1)[-1] if " and " in msg else question
        return Sample(
            msg,
            [_call("scan_document", path=path), _call("ask_document", question=rest.rstrip("?"))],
            kind="multi",
        )
    if r == 1:
        path = a_path(rng)
        msg = rng.choice([f"scan {path} and summarize it", f"scan {path} then give me a summary"])
        return Sample(msg, [_call("scan_document", path=path), _call("summarize")], kind="multi")
    a, b = two_places(rng)
    d = date_phrase(rng)
    city = b if not re.fullmatch(r"[A-Z]{3}", b) else b
    if r == 2:
        n = rng.randint(1, 7)
        unit = "night" if n == 1 else "nights"
        msg = rng.choice(
            [
                f"flight from {a} to {b} {on_date(rng, d)} and a hotel in {city} for {n} {unit}",
                f"I'm flying {a} to {b} {on_date(rng, d)}, find flights and a hotel there"
                f" for {n} {unit}",
            ]
        )
        return Sample(
            msg,
            [
                _call("search_flights", origin=a, destination=b, depart_date=d),
                _call("search_hotels", city=city, check_in=d, nights=n),
            ],
            kind="multi",
        )
    out = later_date(rng, d)
    msg = f"flights {a} to {b} {on_date(rng, d)} and a hotel in {city} until {out}"
    return Sample(
        msg,
        [
            _call("search_flights", origin=a, destination=b, depart_date=d),
            _call("search_hotels", city=city, check_in=d, check_out=out),
        ],
        kind="multi",
    )


BUILTIN_FAMILIES: dict[str, tuple[Callable[[random.Random], Sample], float]] = {
    "flights": (flights, 0.14),
    "hotels": (hotels, 0.09),
    "booking": (booking_ops, 0.10),
    "follow_ups": (follow_ups, 0.09),
    "documents": (documents, 0.17),
    "stories": (stories, 0.09),
    "support": (support, 0.12),
    "none": (no_tool, 0.15),
    "multi": (multi, 0.06),
}
