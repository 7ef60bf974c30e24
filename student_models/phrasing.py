"""How people really type travel requests, and the everyday requests no tool serves.

Real requests are terse, lowercase and unpunctuated ("list flights from houston to
milwaukee friday pm"), say dates in words ("on april twenty first", "wednesday of next
week"), put a state after a city ("san diego california"), name airlines and times of day,
and carry conditions no argument holds ("the cheapest", "that serve a meal"). Labels stay
exact: every string argument is the span of the message it was built from.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from .offline import Sample, _call, _pick

US_CITIES = [
    "phoenix", "milwaukee", "detroit", "denver", "boston", "dallas", "atlanta", "philadelphia",
    "san francisco", "pittsburgh", "baltimore", "washington", "washington dc", "seattle",
    "chicago", "san diego", "long beach", "columbus", "nashville", "tacoma", "memphis",
    "las vegas", "miami", "cleveland", "oakland", "st. petersburg", "orlando", "indianapolis",
    "minneapolis", "charlotte", "newark", "tampa", "cincinnati", "san jose", "houston",
    "kansas city", "st. louis", "salt lake city", "portland", "new york", "new york city",
    "los angeles", "sacramento", "austin", "san antonio", "new orleans", "raleigh", "buffalo",
    "albuquerque", "tucson", "omaha", "toronto", "montreal", "vancouver", "honolulu",
    "anchorage", "boise", "spokane", "reno", "el paso", "jacksonville", "richmond", "hartford",
    "providence", "burbank", "ontario", "fort lauderdale", "dallas fort worth", "westchester",
    "baton rouge", "oklahoma city", "tulsa", "little rock", "louisville", "birmingham",
    "charleston", "savannah", "des moines", "madison", "grand rapids", "rochester",
]
STATES = {
    "detroit": "michigan", "long beach": "california", "charlotte": "north carolina",
    "oakland": "california", "san jose": "california", "portland": "oregon",
    "columbus": "ohio", "kansas city": "missouri", "san diego": "california",
    "phoenix": "arizona", "miami": "florida", "tampa": "florida", "denver": "colorado",
    "seattle": "washington", "dallas": "texas", "houston": "texas", "atlanta": "georgia",
    "orlando": "florida", "memphis": "tennessee", "nashville": "tennessee",
    "boston": "massachusetts", "cleveland": "ohio", "pittsburgh": "pennsylvania",
    "baltimore": "maryland", "milwaukee": "wisconsin", "richmond": "virginia",
    "birmingham": "alabama", "charleston": "south carolina", "rochester": "new york",
}
WORLD = [
    "london", "paris", "rome", "tokyo", "berlin", "madrid", "lisbon", "dublin", "amsterdam",
    "mexico city", "cancun", "toronto", "frankfurt", "munich", "zurich", "istanbul", "dubai",
    "singapore", "hong kong", "seoul", "sydney", "bangkok", "delhi", "cairo", "athens",
    "barcelona", "vienna", "prague", "oslo", "stockholm", "reykjavik", "lima", "bogota",
]
AIRPORT_NAMES = [
    "heathrow", "jfk", "lax", "ord", "atl", "sfo", "msp", "msy", "dfw", "sea", "bos", "den",
    "ewr", "lga", "iad", "dca", "mia", "yyz", "yul", "cdg", "lhr", "philly", "atl",
    "o'hare", "logan", "laguardia", "denver international", "new york international",
]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
ORDINAL_WORDS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth", "twenty first", "twenty second",
    "twenty third", "twenty fourth", "twenty fifth", "twenty sixth", "twenty seventh",
    "twenty eighth",
]
TIMES = [
    "morning", "early morning", "afternoon", "evening", "late", "pm", "am", "late morning",
    "late afternoon", "after 1 pm", "after 3 pm", "after 430 pm", "after 6 pm", "after 5 pm",
    "before 10 am", "before noon", "before 8 am", "after noon", "between 6 pm and 10 pm",
    "after 12 o'clock noon", "before 5 o'clock am", "red eye", "around 7 am", "before 9 am",
    "after 8 pm", "between 9 am and noon", "early",
]
AIRLINES = [
    "american", "american airlines", "delta", "united", "united airlines", "continental",
    "northwest", "northwest airlines", "us air", "southwest", "jetblue", "alaska airlines",
    "twa", "air canada", "lufthansa", "british airways", "air france", "spirit", "frontier",
]
NOISE = [
    "", "", "", "", "that serve a meal", "with the fares", "and the fares", "that are cheapest",
    "with the lowest fare", "on a large plane", "with first class seats", "and how much they cost",
    "that stop in denver", "that have a stopover", "with a meal", "arriving before noon",
    "that arrive in the afternoon", "and their departure times", "with ground transportation",
]
OPENERS = [
    "show me all flights", "show me flights", "show me the flights", "list flights",
    "list all flights", "what flights are there", "what flights are available",
    "i would like information on flights", "i'd like to find a flight", "i need a flight",
    "give me the flights", "can i have a list of flights", "display all flights",
    "are there any flights", "what is the cheapest flight", "show me the least expensive flight",
    "what's the earliest flight", "i want to fly", "i would like to book a flight",
    "find me a flight", "please show me flights", "what do you have", "i 'd like a flight",
    "may i have a listing of flights", "i need to go", "what are the flights",
    "get me a flight", "i want a flight", "look up flights", "any flights", "flights",
    "show me one way flights", "show me round trip flights", "what's the latest flight",
    "i need information for a flight", "which flights go", "how about flights",
]


@functools.cache
def _gazetteer_towns() -> list[str]:
    """Towns of 50,000 or more from the travel skill's own gazetteer, so the generator's
    places are ones the normalizer reads (most have no airport of their own)."""
    from calvados.plugins.travel.gazetteer import all_towns

    names = {t.name.lower() for t in all_towns() if t.population >= 50_000}
    return sorted(n for n in names if n.isascii() and len(n.split()) <= 3)


def us_place(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.04:
        return _pick(rng, _gazetteer_towns())
    if r < 0.12:
        return _pick(rng, AIRPORT_NAMES)
    if r < 0.22:
        return _pick(rng, WORLD)
    name = _pick(rng, US_CITIES)
    if name in STATES and rng.random() < 0.25:
        return f"{name} {STATES[name]}"
    return name


def spoken_date(rng: random.Random) -> str:
    """A departure day as people say it; the whole phrase is the argument."""
    r = rng.random()
    day = rng.randrange(28)
    month = _pick(rng, MONTHS)
    if r < 0.28:
        return _pick(rng, WEEKDAYS)
    if r < 0.34:
        return "next " + _pick(rng, WEEKDAYS)
    if r < 0.38:
        return _pick(rng, WEEKDAYS) + rng.choice([" of next week", " of this week"])
    if r < 0.41:
        return "the following " + _pick(rng, WEEKDAYS)
    if r < 0.44:
        return "this " + _pick(rng, WEEKDAYS)
    if r < 0.62:
        return f"{month} {ORDINAL_WORDS[day]}"
    if r < 0.67:
        return f"the {ORDINAL_WORDS[day]} of {month}"
    if r < 0.75:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get((day + 1) % 10 if day + 1 > 20 else day + 1, "th")
        return rng.choice([f"{month} {day + 1}", f"{month} {day + 1}{suffix}",
                           f"the {day + 1}{suffix} of {month}", f"{month[:3]} {day + 1}"])
    if r < 0.85:
        return rng.choice(["tomorrow", "today", "the day after tomorrow", "tonight"])
    if r < 0.9:
        return rng.choice(["this weekend", "next weekend", "christmas eve", "new years day"])
    return f"{month} {ORDINAL_WORDS[day]}" if rng.random() < 0.5 else _pick(rng, WEEKDAYS)


def _on(rng: random.Random, d: str) -> str:
    if d.startswith(("next ", "this ", "the ", "tomorrow", "today", "tonight")):
        return d
    return rng.choice(["on ", "on ", "on ", "", "for "]) + d


def one_way_open(rng: random.Random) -> Sample:
    """A flight request that names only where to (the agent asks where from)."""
    b = us_place(rng)
    args: dict[str, Any] = {"destination": b}
    when = ""
    if rng.random() < 0.6:
        d = spoken_date(rng)
        args["depart_date"] = d
        when = " " + _on(rng, d)
    msg = rng.choice([f"book me a flight to {b}", f"i need a flight to {b}",
                      f"flights to {b}", f"i want to fly to {b}", f"get me to {b}",
                      f"find a plane ticket to {b}", f"how do i fly to {b}"]) + when
    return Sample(msg, [_call("search_flights", **args)], kind="atis-open")


def atis_flights(rng: random.Random) -> Sample:
    """A flight request as people type them: the route, a day, and optional extras."""
    if rng.random() < 0.06:
        return one_way_open(rng)
    a, b = us_place(rng), us_place(rng)
    while b == a or b.split()[0] == a.split()[0]:
        b = us_place(rng)
    args: dict[str, Any] = {"origin": a, "destination": b}
    has_date = rng.random() < 0.88
    d = spoken_date(rng)
    if has_date:
        args["depart_date"] = d
    when = _on(rng, d) if has_date else ""
    extras_before, extras_after = [], []
    t = None
    if rng.random() < 0.4:
        t = _pick(rng, TIMES)
        args["depart_time"] = t
    if rng.random() < 0.15:
        airline = _pick(rng, AIRLINES)
        args["airline"] = airline
        extras_before.append(airline) if rng.random() < 0.5 else extras_after.append(
            f"on {airline}")
    if rng.random() < 0.1:
        args["nonstop"] = True
        extras_before.append(rng.choice(["nonstop", "non-stop", "direct"]))
    if rng.random() < 0.07:
        args["cabin"] = "first"
        extras_after.append("first class")
    if rng.random() < 0.05:
        args["cabin"] = "business"
        extras_after.append("in business class")
    if when and t:
        if t in ("morning", "afternoon", "evening", "pm", "am", "early morning", "late morning",
                 "late afternoon") and rng.random() < 0.6:
            when = f"{when} {t}"
        elif t.startswith(("after", "before", "between", "around")):
            when = rng.choice([f"{when} {t}", f"{t} {when}", f"{when} leaving {t}"])
        else:
            when = rng.choice([f"{when} in the {t}", f"{when} {t}", f"leaving {t} {when}"])
    elif t:
        when = rng.choice([f"in the {t}", f"leaving {t}", t]) if not t.startswith(
            ("after", "before", "between", "around")) else f"that leave {t}"
    opener = _pick(rng, OPENERS)
    if extras_before and opener.count("flight") == 1:
        opener = opener.replace("flight", " ".join(extras_before) + " flight", 1)
    elif extras_before:
        extras_after.append(" ".join(extras_before) + " please")
    route = rng.choice([
        f"from {a} to {b}", f"from {a} to {b}", f"{a} to {b}", f"between {a} and {b}",
        f"leaving {a} and arriving in {b}", f"from {a} into {b}", f"going from {a} to {b}",
        f"from {a} going to {b}", f"arriving in {b} from {a}",
    ])
    if route.startswith("arriving in") or route.startswith("between") and rng.random() < 0.5:
        route = f"from {a} to {b}"
    parts = [opener, route, when] if rng.random() < 0.7 else [opener, when, route]
    noise = _pick(rng, NOISE)
    msg = " ".join(p for p in [*parts, *extras_after, noise] if p)
    if rng.random() < 0.2:
        msg = rng.choice(["please ", "hi ", "okay ", "now ", "also ", "and ", "yes "]) + msg
    if rng.random() < 0.1:
        msg = msg.replace("i'd", "i 'd")
    return Sample(" ".join(msg.split()), [_call("search_flights", **args)], kind="atis")


HOTEL_OPENERS = [
    "could you book me a hotel in {c}", "book a motel in {c}", "i am looking for a hotel in {c}",
    "show me a hotel in {c}", "can you make a reservation in {c}", "find a hotel in {c}",
    "i need a room in {c}", "any hotels in {c}", "reserve a hotel for me in {c}",
    "is it possible to book a hotel in {c}", "get me a place to stay in {c}",
    "i want to stay in {c}", "hotel in {c}", "look for hotels in {c}",
    "can i get a hotel room in {c}", "where can i stay in {c}",
]
HOTEL_NOISE = ["", "", "", "that has good reviews", "with a pool", "near the airport",
               "that has positive reviews", "close to downtown", "with free breakfast",
               "that allows pets", "near the beach", "at the zoo", "with parking"]


def _th(n: int) -> str:
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10 if n > 20 or n < 10 else 0, 'th') }"


def _stay(rng: random.Random) -> tuple[dict[str, Any], str]:
    month = _pick(rng, MONTHS)
    day = rng.randint(1, 20)
    out = day + rng.randint(1, 7)
    r = rng.random()
    if r < 0.3:
        return ({"check_in": f"{month} {day}", "check_out": f"{month} {out}"},
                rng.choice([f"from {month} {day} to {month} {out}",
                            f"{month} {day} to {month} {out}"]))
    if r < 0.45:
        return ({"check_in": f"the {_th(day)}", "check_out": f"the {_th(out)}"},
                f"for the {_th(day)} to the {_th(out)}")
    if r < 0.7:
        n = rng.randint(1, 6)
        d = spoken_date(rng)
        word = rng.choice([str(n), ["one", "two", "three", "four", "five", "six"][n - 1]])
        unit = "night" if n == 1 else "nights"
        return ({"check_in": d, "nights": n},
                rng.choice([f"for {word} {unit} {_on(rng, d)}", f"{_on(rng, d)} for {word} {unit}",
                            f"starting {d} for {word} {unit}"]))
    if r < 0.8:
        d = rng.choice(["tonight", "tomorrow night"])
        return ({"check_in": d.split()[0] if d != "tonight" else "tonight", "nights": 1}, d)
    return {}, ""


def clinc_hotels(rng: random.Random) -> Sample:
    city = _pick(rng, US_CITIES + WORLD) if rng.random() < 0.85 else _pick(
        rng, _gazetteer_towns())
    if city in STATES and rng.random() < 0.2:
        city = f"{city} {STATES[city]}"
    stay, text = _stay(rng)
    args: dict[str, Any] = {"city": city, **stay}
    if stay.get("check_in") == "tomorrow" and "tomorrow night" in text:
        args["check_in"] = "tomorrow"
    msg = _pick(rng, HOTEL_OPENERS).format(c=city)
    noise = _pick(rng, HOTEL_NOISE)
    msg = " ".join(p for p in [msg, noise, text] if p) if rng.random() < 0.5 else " ".join(
        p for p in [msg, text, noise] if p)
    if rng.random() < 0.2:
        n = rng.randint(2, 4)
        args["guests"] = n
        msg += rng.choice([f" for {n} people", f" for {n} guests", f" for {n} of us"])
    return Sample(msg, [_call("search_hotels", **args)], kind="clinc-hotel")


def clinc_flights(rng: random.Random) -> Sample:
    """Booking-style flight requests: round trips, airport names, fuzzy dates."""
    a, b = us_place(rng), us_place(rng)
    while b == a:
        b = us_place(rng)
    month = _pick(rng, MONTHS)
    day = rng.randint(1, 20)
    back = day + rng.randint(1, 9)
    args: dict[str, Any] = {"origin": a, "destination": b}
    r = rng.random()
    if r < 0.3:
        args |= {"depart_date": f"the {_th(day)}", "return_date": f"the {_th(back)}"}
        dates = f"on the {_th(day)} to the {_th(back)}"
    elif r < 0.55:
        args |= {"depart_date": f"{month} {day}", "return_date": f"{month} {back}"}
        dates = rng.choice([f"leaving on {month} {day} and returning on {month} {back}",
                            f"from {month} {day} to {month} {back}"])
    elif r < 0.75:
        args |= {"depart_date": f"the {_th(day)} of {month}"}
        dates = f"leaving on the {_th(day)} of {month}"
    else:
        dates = rng.choice(["", "for next month", "sometime soon", "for my vacation"])
    kind = rng.choice(["round trip ", "one way ", "", "2-way ", "return "])
    opener = rng.choice([
        f"i want to find a {kind}flight", f"i need an airline ticket for a {kind}flight",
        f"find me a {kind}flight", f"i'm searching for a {kind}flight",
        f"i'm looking for a {kind}flight", f"book me a {kind}flight", "need a plane ticket",
        f"can you get me a {kind}flight", f"i need a {kind}flight",
    ])
    budget = rng.choice(["", "", "", "for under 700", "under 500 dollars", "as cheap as possible"])
    msg = " ".join(p for p in [opener, f"from {a} to {b}", dates, budget] if p)
    return Sample(msg, [_call("search_flights", **args)], kind="clinc-flight")


# ------------------------------------------------------------------------ no tool serves it

EVERYDAY = {
    "bank": ["what's my {acct} balance", "how much money do i have in {acct}",
             "transfer {amount} from {acct} to savings", "show my recent transactions",
             "did my paycheck get deposited", "when is my {bill} bill due", "pay my {bill} bill",
             "what's the interest rate on my {acct}", "i need a loan for {thing}",
             "freeze my {acct} card", "report my card as lost", "what's my credit score",
             "how much do i owe on my credit card", "can i get a cash advance"],
    "call": ["call {person}", "phone {person} please", "i need to call {person}",
             "dial {person}'s number", "ring {person} on speaker", "can you call {person} for me",
             "facetime {person}", "call the {business}", "get {person} on the phone"],
    "message": ["text {person} that i'm running late", "send a message to {person}",
                "email {person} and tell them i won't be in today", "tell {person} i said hi",
                "read my new messages", "reply to {person} saying ok",
                "send an email to my boss about the meeting", "any new emails from {person}",
                "message {person} happy birthday", "check my voicemail"],
    "music": ["play {song}", "put on some {genre}", "i want to hear {song}", "skip this song",
              "turn the volume up", "play my workout playlist", "what song is this",
              "shuffle my {genre} playlist", "play the next episode of my podcast",
              "i'm in the mood for some {genre}", "pause the music"],
    "timer": ["set a timer for {minutes} minutes", "{minutes} minute timer please",
              "how much time is left on my timer", "cancel the timer",
              "wake me up at {clock}", "set an alarm for {clock}", "snooze my alarm",
              "turn off all my alarms", "remind me at {clock} to {task}",
              "remind me to {task} tomorrow", "change my {clock} alarm to {clock2}"],
    "weather": ["what's the weather like in {city}", "will it rain tomorrow",
                "do i need an umbrella today", "how hot will it be in {city} this weekend",
                "is it going to snow tonight", "what's the forecast for {day}",
                "how cold is it outside", "what's the humidity right now"],
    "home": ["turn {onoff} the {device}", "dim the {room} lights", "set the thermostat to {temp}",
             "lock the front door", "is the garage door closed", "start the vacuum",
             "switch the {device} {onoff}", "make the {room} warmer", "turn the lights blue"],
    "lists": ["add {item} to my shopping list", "what's on my shopping list",
              "remove {item} from my grocery list", "read me my to do list",
              "add {task} to my to-do list", "what do i need to buy", "clear my shopping list",
              "put {item} on the list", "what's left on my todo list", "give me my todo list"],
    "math": ["what's {n1} times {n2}", "what is {n1} plus {n2}", "square root of {n1}",
             "what's {pct} percent of {n1}", "convert {n1} miles to kilometers",
             "how many ounces in a cup", "divide {n1} by {n2}", "what is {n1} squared",
             "how many feet are in a mile", "calculate a {pct} percent tip on {n1} dollars"],
    "words": ["what does {word} mean", "define {word}", "how do you spell {word}",
              "give me a synonym for {word}", "what's the opposite of {word}",
              "how do i pronounce {word}", "use {word} in a sentence",
              "how do you say {phrase} in {lang}", "translate {phrase} to {lang}",
              "what is {phrase} in {lang}"],
    "about_you": ["what's your name", "how old are you", "who made you", "are you a robot",
                  "are you a real person", "what can you help me with", "where do you live",
                  "do you have feelings", "what should i call you", "please tell me your age",
                  "what are your hobbies", "who is your creator", "are you smart",
                  "do you like me", "what languages do you speak", "what do you do"],
    "small_talk": ["hello there", "good evening", "hey what's up", "how's it going",
                   "thanks a lot", "that's all for now", "see you later", "good night",
                   "you're awesome", "nice to meet you", "i'm bored", "what's new",
                   "how was your day", "thanks for the help", "yo", "goodbye for now",
                   "you are funny", "ok thanks", "cool", "never mind that"],
    "fun": ["tell me a joke", "tell me something interesting", "give me a fun fact about {animal}",
            "flip a coin", "roll a die", "pick a number between 1 and {n1}", "tell me a riddle",
            "give me a random fact", "heads or tails", "roll two dice"],
    "trivia": ["who was the first president of {country}", "what is the capital of {country}",
               "how tall is mount everest", "when did world war two end",
               "how far is the sun from earth", "who painted the mona lisa",
               "why is the ocean salty", "how many bones are in the human body",
               "what's the population of {city}", "who invented the {invention}",
               "where do black holes come from", "what is {concept}",
               "how does {concept} work", "is it true that {claim}"],
    "food": ["how do i make {dish}", "give me a recipe for {dish}", "how long do i boil an egg",
             "how many calories are in {food}", "is {food} healthy",
             "what can i cook with {food} and {food2}", "where should we eat tonight",
             "suggest a good {cuisine} restaurant", "book a table for {n} at {restaurant}",
             "how much protein is in {food}", "what wine goes with {dish}"],
    "news": ["what's the score of the {team} game", "did the {team} win last night",
             "what's in the news today", "give me the headlines", "how is the stock market doing",
             "what's {company} stock at", "who won the {event}", "any news about {topic2}",
             "when do the {team} play next"],
    "car": ["how much gas is in my car", "what's my tire pressure", "when is my next oil change",
            "how's traffic on the way to work", "directions to {place2}",
            "how long will it take to drive to {place2}", "find a gas station nearby",
            "where did i park", "call me an uber", "get me a taxi to {place2}",
            "when is the next bus to {place2}", "what time does the train to {city} leave"],
    "appointments": ["schedule a meeting with {person} at {clock}",
                     "cancel my dentist appointment", "move my doctor's appointment to {day}",
                     "what's on my calendar {day}", "do i have any meetings {day}",
                     "book a haircut for {day}", "cancel my gym membership",
                     "cancel my netflix subscription", "cancel my order from {company}",
                     "cancel the meeting with {person}", "when is my next appointment",
                     "add lunch with {person} to my calendar on {day}"],
    "shopping": ["order more {item}", "track my package", "where is my amazon order",
                 "how much does a {thing} cost", "find me a cheap {thing}",
                 "buy {item} online", "reorder my last purchase", "compare prices for a {thing}"],
    "work": ["how many vacation days do i have left", "when is payday", "where's my w2",
             "request pto for {day}", "who is my manager", "how do i file my taxes",
             "what's my salary", "when is the next holiday"],
    "travel_info": ["do i need a visa for {country}", "what's the baggage allowance on {airline}",
                    "what plug do they use in {country}", "what time is it in {city}",
                    "what currency do they use in {country}", "exchange rate from dollars to {cur}",
                    "is my flight on time", "what gate does my flight leave from",
                    "what should i pack for {city}", "is it safe to travel to {country}",
                    "which terminal is {airline} at", "how early should i get to the airport",
                    "rent a car in {city}", "what timezone is {city} in",
                    "what's the best time of year to visit {country}",
                    "how long is the flight to {city}", "what can i bring in my carry on"],
    "stories_near": ["who wrote {book}", "what is {book} about", "search up the cast of {show}",
                     "when does the next season of {show} come out", "recommend a good book",
                     "what's a good movie to watch tonight", "who plays the lead in {show}",
                     "is {book} a good read", "how does {show} end", "what's the plot of {show}"],
    "docs_near": ["how do i make a pdf", "my printer won't print", "how do i fix my scanner",
                  "convert a word file to pdf", "how do i share a google doc",
                  "what's the best note taking app"],
    "tech": ["how do i reset my password", "how can i root an android phone",
             "turn on bluetooth", "what's my wifi password", "update my phone",
             "how do i take a screenshot", "why is my laptop so slow", "take a picture",
             "turn on do not disturb", "set my phone to silent"],
    "advice": ["how do i get better at {skill}", "tips for studying for {exam}",
               "how do i get a stain out of {fabric}", "what's the best way to save money",
               "how often should i water a cactus", "how do i ask for a raise",
               "what's a good gift for my {relative}", "how do i start running",
               "what's the best opening move in chess", "how do i improve my credit"],
}
FILLERS = {
    "acct": ["checking", "savings", "chase account", "bank accounts", "visa card", "account"],
    "amount": ["$200", "500 dollars", "fifty bucks", "$1,000"],
    "bill": ["electric", "water", "phone", "internet", "gas", "utility"],
    "thing": ["a car", "new laptop", "school", "a couch", "tv", "bike", "phone"],
    "person": ["mom", "dad", "alex", "sarah", "my wife", "john", "grandma", "my boss", "tom",
               "jessica", "my brother", "dr. smith", "mike", "emma"],
    "business": ["pharmacy", "pizza place", "dentist", "bank", "vet"],
    "song": ["bohemian rhapsody", "taylor swift", "some jazz", "the beatles", "mack the knife",
             "my favorites", "drake", "lofi beats", "hotel california"],
    "genre": ["jazz", "rock", "classical", "country", "hip hop", "lofi"],
    "minutes": ["5", "10", "15", "20", "thirty", "3", "45"],
    "clock": ["7 am", "6:30", "noon", "8 pm", "5:45 am", "9 o'clock"],
    "clock2": ["7:30", "6 am", "9 am"],
    "task": ["call the dentist", "take out the trash", "buy milk", "pick up the kids",
             "water the plants", "pay rent", "take my medicine", "renew my passport"],
    "city": ["paris", "chicago", "tokyo", "boston", "london", "seattle", "denver", "miami"],
    "day": ["tomorrow", "friday", "this weekend", "next monday", "today"],
    "onoff": ["on", "off"],
    "device": ["lights", "tv", "fan", "heater", "kitchen lights", "air conditioner", "radio"],
    "room": ["living room", "bedroom", "kitchen", "office"],
    "temp": ["70 degrees", "68", "21 degrees", "72"],
    "item": ["eggs", "milk", "paper towels", "bananas", "coffee", "dog food", "batteries"],
    "n1": ["888", "12", "45", "250", "17", "1000", "64"],
    "n2": ["7", "13", "4", "25"],
    "pct": ["15", "20", "8"],
    "n": ["two", "4", "six", "2"],
    "word": ["dominate", "ephemeral", "malignant", "ubiquitous", "serendipity", "quixotic",
             "necessary", "gregarious"],
    "phrase": ["good morning", "where is the bathroom", "thank you", "i love you", "cheers"],
    "lang": ["spanish", "french", "german", "italian", "japanese", "korean"],
    "animal": ["octopuses", "cats", "sharks", "owls", "honey bees"],
    "country": ["france", "japan", "brazil", "canada", "india", "kenya", "mexico", "italy"],
    "invention": ["telephone", "light bulb", "internet", "airplane"],
    "concept": ["inflation", "a 401k", "equality", "democracy", "gravity", "compound interest"],
    "claim": ["nicotine is harder to kick than heroin", "we only use 10 percent of our brain",
              "goldfish have short memories"],
    "dish": ["ramen", "lasagna", "pancakes", "chili", "banana bread", "tacos", "pad thai"],
    "food": ["a donut", "an avocado", "rice", "a banana", "peanut butter", "a big mac"],
    "food2": ["chicken", "broccoli", "eggs", "spinach"],
    "cuisine": ["thai", "italian", "mexican", "sushi", "indian"],
    "restaurant": ["olive garden", "the sushi place", "joe's diner", "7 pm at luigi's"],
    "team": ["lakers", "yankees", "patriots", "warriors", "cubs"],
    "company": ["apple", "tesla", "amazon", "google"],
    "event": ["super bowl", "world series", "oscars", "election"],
    "topic2": ["brexit", "the election", "climate change", "the economy"],
    "place2": ["work", "the mall", "the airport", "grandma's house", "downtown"],
    "airline": ["delta", "united", "southwest", "american"],
    "cur": ["euros", "yen", "pesos", "pounds"],
    "book": ["harry potter", "the great gatsby", "moby dick", "dune"],
    "show": ["the walking dead", "friends", "stranger things", "game of thrones", "the office"],
    "skill": ["go", "chess", "guitar", "public speaking", "cooking"],
    "exam": ["the sat", "the act", "my finals", "the bar exam"],
    "fabric": ["a white shirt", "carpet", "jeans"],
    "relative": ["mom", "dad", "sister", "boss", "girlfriend"],
}


def everyday_none(rng: random.Random) -> Sample:
    """A request for something no built-in tool does; the plan is ``none``."""
    category = rng.choice(list(EVERYDAY))
    template = _pick(rng, EVERYDAY[category])
    text = template.format_map({k: _pick(rng, v) for k, v in FILLERS.items()})
    r = rng.random()
    if r < 0.15:
        text = rng.choice(["please ", "hey ", "can you ", "could you ", "i need you to ",
                           "ok ", "i want to know "]) + text
    elif r < 0.25:
        text += rng.choice([" please", " thanks", " right now", " for me", "?"])
    if rng.random() < 0.2:
        text = text[0].upper() + text[1:]
    return Sample(text, [], kind="everyday-none")


FAMILIES = {
    "atis": (atis_flights, 0.16),
    "clinc_flights": (clinc_flights, 0.03),
    "clinc_hotels": (clinc_hotels, 0.05),
    "everyday": (everyday_none, 0.26),
}
