"""Tools beyond the built-ins: synthetic ones that teach context-reading, and real third-party
tools varied from their declared examples."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from calvados.tools import Tool

from . import banks as B
from .offline import Sample, _call, _pick, _polite


@dataclass(frozen=True)
class FakeTool:
    """A synthetic tool: its signature line and message templates with their arguments."""

    signature: str
    templates: tuple[tuple[str, dict[str, str]], ...]
    fillers: dict[str, tuple[str, ...]]

    @property
    def name(self) -> str:
        return self.signature.split("(", 1)[0]


def _f(*items: str) -> tuple[str, ...]:
    return items


FAKE_TOOLS = [
    FakeTool(
        "set_timer(minutes: integer, label: string = null): Start a countdown timer.",
        (
            ("set a timer for {minutes} minutes", {"minutes": "{minutes}"}),
            ("timer {minutes} min for the {label}", {"minutes": "{minutes}", "label": "{label}"}),
            (
                "remind me in {minutes} minutes to check the {label}",
                {"minutes": "{minutes}", "label": "check the {label}"},
            ),
        ),
        {
            "minutes": _f("5", "10", "12", "25", "45", "3"),
            "label": _f("pasta", "oven", "laundry", "tea", "bread"),
        },
    ),
    FakeTool(
        "get_weather(city: string, day: string = null): Weather forecast for a city.",
        (
            ("what's the weather in {city}", {"city": "{city}"}),
            ("will it rain in {city} {day}?", {"city": "{city}", "day": "{day}"}),
            ("forecast for {city} {day}", {"city": "{city}", "day": "{day}"}),
        ),
        {"city": tuple(B.CITIES[:40]), "day": _f("tomorrow", "on Friday", "this weekend", "today")},
    ),
    FakeTool(
        "add_todo(task: string, due: string = null): Add an item to the to-do list.",
        (
            ("add {task} to my to-do list", {"task": "{task}"}),
            ("remind me to {task} {due}", {"task": "{task}", "due": "{due}"}),
            ("todo: {task}", {"task": "{task}"}),
        ),
        {
            "task": _f(
                "buy milk",
                "call the dentist",
                "renew my passport",
                "water the plants",
                "pay the electricity bill",
                "email Sam",
            ),
            "due": _f("tomorrow", "by Friday", "next week", "tonight"),
        },
    ),
    FakeTool(
        "play_music(query: string): Play songs, artists or playlists.",
        (
            ("play {query}", {"query": "{query}"}),
            ("put on some {query}", {"query": "{query}"}),
            ("I want to listen to {query}", {"query": "{query}"}),
        ),
        {
            "query": _f(
                "jazz",
                "Miles Davis",
                "my running playlist",
                "lo-fi beats",
                "Beethoven",
                "the Beatles",
            )
        },
    ),
    FakeTool(
        "send_email(to: string, subject: string, body: string = null): Send an email.",
        (
            ("email {to} about {subject}", {"to": "{to}", "subject": "{subject}"}),
            (
                "send {to} a mail saying {body}, subject {subject}",
                {"to": "{to}", "subject": "{subject}", "body": "{body}"},
            ),
        ),
        {
            "to": _f("Maria", "my boss", "bob@example.com", "the landlord"),
            "subject": _f("the meeting", "rent", "Friday's party", "the report"),
            "body": _f("I'll be late", "see you there", "thanks for everything"),
        },
    ),
    FakeTool(
        "translate_text(text: string, target_language: string): Translate text.",
        (
            ("translate '{text}' to {lang}", {"text": "{text}", "target_language": "{lang}"}),
            ("how do you say {text} in {lang}", {"text": "{text}", "target_language": "{lang}"}),
        ),
        {
            "text": _f("good morning", "where is the station", "thank you very much", "I'm lost"),
            "lang": _f("Italian", "Japanese", "German", "Portuguese", "Korean"),
        },
    ),
    FakeTool(
        "check_stock(symbol: string): Latest price of a stock ticker.",
        (
            ("how is {symbol} doing", {"symbol": "{symbol}"}),
            ("stock price of {symbol}", {"symbol": "{symbol}"}),
        ),
        {"symbol": _f("AAPL", "MSFT", "TSLA", "NVDA", "GOOG")},
    ),
    FakeTool(
        "find_recipe(dish: string, diet: string = null): Look up a recipe.",
        (
            ("recipe for {dish}", {"dish": "{dish}"}),
            ("how do I make {diet} {dish}", {"dish": "{dish}", "diet": "{diet}"}),
        ),
        {
            "dish": _f("lasagna", "pancakes", "pad thai", "banana bread", "ramen"),
            "diet": _f("vegan", "gluten-free", "keto", "vegetarian"),
        },
    ),
    FakeTool(
        "lights(room: string, on: boolean = true): Switch the lights in a room.",
        (
            ("turn on the lights in the {room}", {"room": "{room}"}),
            ("switch off the {room} lights", {"room": "{room}", "on": "false"}),
        ),
        {"room": _f("kitchen", "bedroom", "living room", "garage", "office")},
    ),
    FakeTool(
        "track_package(tracking_number: string): Where is a parcel.",
        (
            ("where is my package {num}", {"tracking_number": "{num}"}),
            ("track {num}", {"tracking_number": "{num}"}),
        ),
        {"num": _f("1Z999AA10123456784", "JD014600006281", "LX123456789CN", "9400110898825")},
    ),
    FakeTool(
        "define_word(word: string): Dictionary definition of a word.",
        (("define {word}", {"word": "{word}"}), ("what does {word} mean", {"word": "{word}"})),
        {"word": _f("serendipity", "ephemeral", "ubiquitous", "quixotic", "laconic")},
    ),
    FakeTool(
        "set_reminder(text: string, time: string): Remind the user at a time.",
        (
            ("remind me to {text} at {time}", {"text": "{text}", "time": "{time}"}),
            ("set a reminder {time}: {text}", {"text": "{text}", "time": "{time}"}),
        ),
        {
            "text": _f("take my pills", "call mom", "leave for the airport", "stretch"),
            "time": _f("6pm", "9:30", "noon", "tomorrow morning"),
        },
    ),
]


FAKE_TOOLS += [
    FakeTool(
        'set_thermostat(temperature: number, mode: heat|cool|auto = "auto"): Set the home '
        "thermostat.",
        (
            ("set the heating to {t} degrees", {"temperature": "{t}", "mode": "heat"}),
            ("thermostat {t} please", {"temperature": "{t}"}),
            ("cool the house down to {t}", {"temperature": "{t}", "mode": "cool"}),
        ),
        {"t": _f("19", "21", "22.5", "18", "24")},
    ),
    FakeTool(
        "order_coffee(drink: espresso|latte|cappuccino|americano, size: small|medium|large = "
        '"medium"): Order a coffee from the office machine.',
        (
            ("I'd love a {size} {drink}", {"drink": "{drink}", "size": "{size}"}),
            ("make me a {drink}", {"drink": "{drink}"}),
            ("one {drink}, {size} please", {"drink": "{drink}", "size": "{size}"}),
        ),
        {
            "drink": _f("espresso", "latte", "cappuccino", "americano"),
            "size": _f("small", "medium", "large"),
        },
    ),
    FakeTool(
        "roll_dice(sides: integer = 6, count: integer = 1): Roll dice.",
        (
            ("roll {count} dice", {"count": "{count}"}),
            ("roll a d{sides}", {"sides": "{sides}"}),
            ("throw {count} {sides}-sided dice", {"sides": "{sides}", "count": "{count}"}),
        ),
        {"sides": _f("6", "20", "12", "8"), "count": _f("2", "3", "4")},
    ),
    FakeTool(
        "calculate_tip(bill: number, percent: number = 15): Work out the tip for a bill.",
        (
            ("what's the tip on {bill} dollars", {"bill": "{bill}"}),
            ("{pct}% tip on a {bill} bill", {"bill": "{bill}", "percent": "{pct}"}),
        ),
        {"bill": _f("48", "120.50", "75", "33.20"), "pct": _f("18", "20", "10")},
    ),
    FakeTool(
        "log_workout(activity: run|swim|bike|walk, minutes: integer): Record an exercise session.",
        (
            ("log a {m} minute {act}", {"activity": "{act}", "minutes": "{m}"}),
            (
                "I just did a {act} for {m} minutes, note it",
                {"activity": "{act}", "minutes": "{m}"},
            ),
        ),
        {"act": _f("run", "swim", "bike", "walk"), "m": _f("20", "45", "30", "60")},
    ),
    FakeTool(
        "check_flight_status(flight_number: string): Live status of a flight by its number.",
        (
            ("is {fn} on time?", {"flight_number": "{fn}"}),
            ("status of flight {fn}", {"flight_number": "{fn}"}),
        ),
        {"fn": _f("UA 902", "LH400", "BA 117", "DL1520", "AF 22")},
    ),
    FakeTool(
        "book_table(restaurant: string, people: integer, time: string): Reserve a table at a "
        "restaurant.",
        (
            (
                "table for {n} at {r} at {time}",
                {"restaurant": "{r}", "people": "{n}", "time": "{time}"},
            ),
            (
                "reserve {r} for {n} people, {time}",
                {"restaurant": "{r}", "people": "{n}", "time": "{time}"},
            ),
        ),
        {
            "r": _f("Luigi's", "the Blue Door", "Sakura", "Chez Marie"),
            "n": _f("2", "4", "6"),
            "time": _f("7pm", "8:30", "noon", "tonight at 9"),
        },
    ),
    FakeTool(
        "set_volume(level: integer): Set the speaker volume from 0 to 100.",
        (("volume {v}", {"level": "{v}"}), ("set the volume to {v} percent", {"level": "{v}"})),
        {"v": _f("20", "50", "75", "10")},
    ),
]

# Catalogue tools: "what X are there?" with an enumerated filter, the shape of a plugin's
# list_* tool; a catalogue question is a call, with the kind it names, when one is listed.
_CATALOGUE = (
    ("what {kind} {things} are there?", True), ("which {kind} {things} do you know?", True),
    ("list the {kind} {things}", True), ("what {kind} {things} do you have?", True),
    ("show me the {kind} {things}", True), ("are there any {kind} {things}?", True),
)


def _catalogue(name: str, things: str, field: str, kinds: tuple[str, ...],
               description: str) -> FakeTool:
    templates = tuple(
        (text.replace("{things}", things).replace("{kind}", "{k}"),
         {field: "{k}"} if filtered else {})
        for text, filtered in _CATALOGUE)
    signature = f"{name}({field}: {'|'.join(kinds)} = null): {description}"
    return FakeTool(signature, templates, {"k": kinds})


FAKE_TOOLS += [
    _catalogue("list_voices", "voices", "language", ("english", "french", "german", "spanish"),
               "List the voices the reader can speak with."),
    _catalogue("list_fonts", "fonts", "style", ("serif", "sans", "mono", "script"),
               "List the installed fonts."),
    _catalogue("list_currencies", "currencies", "region", ("europe", "asia", "americas"),
               "List the currencies the wallet supports."),
    _catalogue("list_sensors", "sensors", "room", ("kitchen", "bedroom", "garage", "office"),
               "List the smart-home sensors."),
    FakeTool(
        "convert_currency(amount: number, from_currency: usd|eur|gbp|jpy, to_currency: "
        "usd|eur|gbp|jpy): Convert an amount between currencies.",
        (
            ("convert {a} {f} to {t}", {"amount": "{a}", "from_currency": "{f}",
                                        "to_currency": "{t}"}),
            ("how much is {a} {f} in {t}", {"amount": "{a}", "from_currency": "{f}",
                                            "to_currency": "{t}"}),
        ),
        {"a": _f("20", "150", "9.99", "1000"), "f": _f("usd", "eur", "gbp"),
         "t": _f("jpy", "eur", "usd")},
    ),
]


def _number(text: str) -> int | float | str:
    if text.isdigit():
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def _fill(rng: random.Random, fake: FakeTool) -> tuple[str, dict[str, Any]]:
    template, args = fake.templates[rng.randrange(len(fake.templates))]
    values = {k: _pick(rng, list(v)) for k, v in fake.fillers.items()}
    message = template.format(**values)
    out: dict[str, Any] = {}
    for key, value in args.items():
        text = value.format(**values)
        if f"{key}: boolean" in fake.signature:
            out[key] = text == "true"
        elif f"{key}: integer" in fake.signature or f"{key}: number" in fake.signature:
            out[key] = _number(text)
        else:
            out[key] = text
    return message, out


def with_extra_tools(rng: random.Random, base: Sample) -> Sample:
    """Add 1-3 synthetic tools to the context of a built-in sample (the plan is unchanged)."""
    k = rng.randint(1, 3)
    base.extra_tools = [t.signature for t in rng.sample(FAKE_TOOLS, k)]
    return base


def fake_tool_sample(rng: random.Random) -> Sample:
    """A message for a synthetic tool: routed to it when listed, else no tool."""
    fake = _pick_fake(rng)
    message, args = _fill(rng, fake)
    message = _polite(rng, message)
    others = [t for t in FAKE_TOOLS if t is not fake]
    listed = rng.random() < 0.8
    tools = rng.sample(others, rng.randint(0, 2)) + ([fake] if listed else [])
    rng.shuffle(tools)
    ordered = dict(sorted(args.items(), key=lambda kv: fake.signature.find(kv[0] + ":")))
    calls = [{"tool": fake.name, "arguments": ordered}] if listed else []
    return Sample(
        message,
        calls,
        extra_tools=[t.signature for t in tools],
        kind="extra" if listed else "extra-absent",
    )


def _pick_fake(rng: random.Random) -> FakeTool:
    return FAKE_TOOLS[rng.randrange(len(FAKE_TOOLS))]


# ------------------------------------------------------------------------ third-party tools


def _swap_values(rng: random.Random, tool: Tool) -> tuple[str, dict[str, Any]] | None:
    """Vary a declared example by swapping argument values with another example's."""
    examples = list(tool.examples)
    if not examples:
        return None
    base = examples[rng.randrange(len(examples))]
    message, args = base.message, dict(base.arguments)
    for key, value in base.arguments.items():
        pool = [e.arguments[key] for e in examples if key in e.arguments]
        new = pool[rng.randrange(len(pool))]
        if isinstance(value, str) and isinstance(new, str) and value in message:
            message = message.replace(value, new, 1)
            args[key] = new
        elif isinstance(value, int | float) and str(value) in message:
            message = re.sub(rf"\b{re.escape(str(value))}\b", str(new), message, count=1)
            args[key] = new
    return message, args


def third_party_sample(rng: random.Random, tool: Tool, signature: str) -> Sample | None:
    varied = _swap_values(rng, tool)
    if varied is None:
        return None
    message, args = varied
    return Sample(
        _polite(rng, message),
        [_call(tool.name, **args)],
        extra_tools=[signature],
        kind="third-party",
    )
