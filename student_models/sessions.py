"""Follow-ups with the session in view: the replies a person saw, plus the ``state:`` lines
the skills write (offers shown, bookings made, documents scanned), as the planner reads them.

"export it" after a booking, "book the second one" after an export, "the invoice" after two
scans, and fresh requests that ignore the state: the references are written by the skills'
own functions (``travel_view``, ``documents_view``), so training and run time agree.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from calvados.plugins.documents.library import documents_view
from calvados.plugins.travel.refs import travel_view

from . import banks as B
from .offline import (
    BUILTIN_FAMILIES,
    ORDINALS,
    Sample,
    _call,
    _pick,
    a_path,
    date_phrase,
    follow_ups,
    on_date,
    two_places,
)

EXPORT_IT = [
    "export it to my calendar", "add it to my calendar", "put it in my calendar",
    "export it", "save it to my calendar", "can you add that to my calendar?",
    "export that booking", "put that on my calendar please", "add this trip to my calendar",
    "export it as an ics file", "save the booking to my calendar", "calendar it",
    "and export it to my calendar", "great, now add it to my calendar",
    "export the itinerary for it", "I want it in my calendar",
]
CANCEL_IT = [
    "cancel it", "actually cancel it", "cancel that booking", "please cancel that",
    "I changed my mind, cancel it", "undo that booking", "cancel the reservation",
    "scrap that booking", "no wait, cancel it",
]
PICK_CHEAPEST = ["book the cheapest one", "the cheapest please", "book the cheapest",
                 "go with the cheapest", "I'll take the cheapest one", "cheapest one"]
PICK_NTH = ["book the {nth} one", "the {nth} one please", "I'll take option {n}",
            "book number {n}", "let's go with the {nth}", "book option {n}",
            "now book the {nth} one", "also book the {nth} one", "book the {nth} one too",
            "can you book the {nth} offer?", "reserve the {nth} one"]
PICK_ID = ["book {id}", "book flight {id}", "reserve {id}", "I'll take {id}",
           "go ahead with {id}", "now book {id} too", "book {id} as well"]
DOC_ASK = ["{q} on the {kind}?", "{q} in the {kind}?", "on the {kind}, {q}?",
           "according to the {kind}, {q}?", "in {name}, {q}?", "{q} in {name}?",
           "and the {kind}: {q}?", "what about the {kind}, {q}?"]
DOC_KINDS = {"invoice": "invoice", "notice": "notice", "letter": "letter", "receipt": "receipt",
             "contract": "contract", "statement": "statement", "lease": "lease",
             "bill": "bill", "report": "report", "ticket": "ticket", "payslip": "payslip",
             "policy": "policy", "manual": "manual", "prescription": "prescription"}
AIRPORTS = ["BOS", "LIS", "JFK", "LHR", "CDG", "SFO", "SEA", "ORD", "MAD", "FRA", "AMS", "DEN"]
LEGS = ["06:55", "09:15", "11:40", "14:10", "15:25", "18:05", "23:00"]


def _code(rng: random.Random) -> str:
    return "SBX-" + "".join(rng.choice("0123456789ABCDEF") for _ in range(6))


def _offers(rng: random.Random, kind: str) -> tuple[list[str], list[int]]:
    first = rng.choice([1, 1, 1, rng.randint(2, 40)])
    n = rng.randint(2, 6)
    ids = [f"{'FL' if kind == 'flight' else 'HT'}-{first + i:04d}" for i in range(n)]
    return ids, [rng.randint(60, 900) for _ in ids]


def search_turns(rng: random.Random, kind: str, where: tuple[str, str, str] | None = None
                 ) -> tuple[list[dict[str, str]], list[str], list[int]]:
    """A search (from, to, date: ``where`` or drawn) and its reply, as the travel skill
    writes it; the offer ids and prices."""
    a, b, d = where or (*two_places(rng), date_phrase(rng))
    ids, prices = _offers(rng, kind)
    o, t = rng.sample(AIRPORTS, 2)
    if kind == "flight":
        user = rng.choice([f"find flights from {a} to {b} {on_date(rng, d)}",
                           f"flights {a} to {b} {on_date(rng, d)}"])
        head = (f"Flights {a} ({o}) -> {b} ({t}), {d}, 1 passenger, economy - SANDBOX offers:"
                " made up for testing, nothing real is booked:")
        lines = [f"{i + 1}. {oid}  {_pick(rng, B.AIRLINES)} {rng.randint(10, 2999)}  "
                 f"{rng.choice(LEGS)} {o} -> {rng.choice(LEGS)} {t}  ${p}"
                 for i, (oid, p) in enumerate(zip(ids, prices, strict=True))]
    else:
        user = rng.choice([f"hotels in {b} from {d} for 2 nights", f"find a hotel in {b} {d}"])
        head = (f"Hotels in {b}, {d} (2 nights), 1 guest - SANDBOX offers: made up for testing,"
                " nothing real is booked:")
        lines = [f"{i + 1}. {oid}  {_pick(rng, B.HOTEL_NAMES)} ({rng.randint(2, 5)}*)  ${p} total"
                 for i, (oid, p) in enumerate(zip(ids, prices, strict=True))]
    tail = f"Prices are totals for all passengers. To book, say: book {ids[0]}."
    reply = "\n".join([head, *lines, tail])
    return [{"role": "user", "content": user}, {"role": "assistant", "content": reply}], ids, \
        prices


def booked_reply(rng: random.Random, offer: str, booking: str) -> str:
    o, t = rng.sample(AIRPORTS, 2)
    if offer.startswith("FL"):
        what = (f"Flight {o} -> {t}, 2027-0{rng.randint(1, 9)}-{rng.randint(10, 28)} "
                f"{rng.choice(LEGS)} ({_pick(rng, B.AIRLINES)} {rng.randint(10, 2999)})")
    else:
        what = f"Hotel {_pick(rng, B.HOTEL_NAMES)}, {rng.randint(1, 300)} Station Road"
    return (f"Booked {offer} as {booking}: {booking}  {what}  ${rng.randint(60, 900)}, sandbox, "
            f"confirmation {_code(rng)}. SANDBOX booking: nothing real was booked.")


def _pick_message(rng: random.Random, ids: list[str], prices: list[int]) -> tuple[str, str]:
    """A way to name one of the offers shown, and the offer it names."""
    r = rng.random()
    if r < 0.3:
        return rng.choice(PICK_CHEAPEST), ids[prices.index(min(prices))]
    if r < 0.75:
        i = rng.randrange(min(len(ids), 4))
        return rng.choice(PICK_NTH).format(nth=ORDINALS[i], n=i + 1), ids[i]
    oid = rng.choice(ids)
    forms = PICK_ID if oid.startswith("FL") else [f for f in PICK_ID if "flight" not in f]
    return rng.choice(forms).format(id=oid), oid


def _earlier_bookings(rng: random.Random) -> list[tuple[str, str]]:
    n = rng.choice([0, 0, 0, 1, 2])
    start = rng.randint(1, 30)
    return [(f"BK-{start + i}", f"{rng.choice(['FL', 'HT'])}-{rng.randint(100, 999):04d}")
            for i in range(n)]


def after_search(rng: random.Random) -> Sample:
    """Offers on screen: pick one of them."""
    history, ids, prices = search_turns(rng, rng.choice(["flight", "flight", "hotel"]))
    state = [travel_view(ids, _earlier_bookings(rng))]
    msg, target = _pick_message(rng, ids, prices)
    return Sample(msg, [_call("book_offer", offer_id=target)], history, kind="st-book",
                  state=state)


def _booked_session(rng: random.Random) -> tuple[list[dict[str, str]], list[str], list[int],
                                                  list[tuple[str, str]]]:
    """A search, then one of its offers booked: the last two turns and the state."""
    _, ids, prices = search_turns(rng, rng.choice(["flight", "flight", "hotel"]))
    msg, offer = _pick_message(rng, ids, prices)
    earlier = _earlier_bookings(rng)
    n = int(earlier[-1][0][3:]) + 1 if earlier else rng.choice([1, 1, rng.randint(2, 20)])
    booking = f"BK-{n}"
    history = [{"role": "user", "content": msg},
               {"role": "assistant", "content": booked_reply(rng, offer, booking)}]
    return history, ids, prices, [*earlier, (booking, offer)]


def after_booking(rng: random.Random) -> Sample:
    """Just booked: "export it", "cancel it", or book another of the offers."""
    history, ids, prices, booked = _booked_session(rng)
    state = [travel_view(ids, booked)]
    latest = booked[-1][0]
    r = rng.random()
    if r < 0.55:
        return Sample(rng.choice(EXPORT_IT), [_call("export_itinerary", booking_id=latest)],
                      history, kind="st-export", state=state)
    if r < 0.75:
        return Sample(rng.choice(CANCEL_IT), [_call("cancel_booking", booking_id=latest)],
                      history, kind="st-cancel", state=state)
    msg, offer = _pick_message(rng, ids, prices)
    return Sample(msg, [_call("book_offer", offer_id=offer)], history, kind="st-book",
                  state=state)


def after_export(rng: random.Random) -> Sample:
    """Just exported: another offer gets booked, or the booking cancelled."""
    history, ids, prices, booked = _booked_session(rng)
    latest = booked[-1][0]
    history = history + [
        {"role": "user", "content": rng.choice(EXPORT_IT)},
        {"role": "assistant", "content": f"Wrote 1 calendar event(s) for {latest} to "
         f"/home/{rng.choice(['ana', 'sam', 'lee'])}/.calvados/itineraries/{latest}.ics "
         "(sandbox bookings: not real reservations)."},
    ]
    state = [travel_view(ids, booked)]
    if rng.random() < 0.8:
        msg, offer = _pick_message(rng, ids, prices)
        return Sample(msg, [_call("book_offer", offer_id=offer)], history, kind="st-book",
                      state=state)
    return Sample(rng.choice(CANCEL_IT), [_call("cancel_booking", booking_id=latest)],
                  history, kind="st-cancel", state=state)


def _doc_name(rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(list(DOC_KINDS))
    stem = rng.choice([kind, f"{kind}_{rng.randint(1, 2030)}", f"my_{kind}", f"{kind}-march"])
    return f"{stem}.{rng.choice(['png', 'pdf', 'jpg'])}", kind


def after_scans(rng: random.Random) -> Sample:
    """Documents scanned: a question that names one of them (or none, for the latest)."""
    docs = [_doc_name(rng) for _ in range(rng.randint(1, 3))]
    name, kind = rng.choice(docs)
    last = docs[-1][0]
    history = [{"role": "user", "content": f"scan {a_path(rng).rsplit('/', 1)[0]}/{last}"},
               {"role": "assistant", "content": f"Scanned {last}: 1 page, "
                f"{rng.randint(40, 900)} words (OCR eng, confidence {rng.randint(70, 96)}%).\n\n"
                f"{docs[-1][1].upper()} No. {rng.randint(100, 9999)}\nDate: 2026-"
                f"{rng.randint(10, 12)}-{rng.randint(10, 28)}\n{_pick(rng, B.HOTEL_NAMES)} …"}]
    state = [documents_view([d[0] for d in docs])]
    q = _pick(rng, B.QUESTIONS)
    msg = rng.choice(DOC_ASK).format(q=q, kind=kind, name=name) if rng.random() < 0.8 \
        else f"{q}?"
    return Sample(msg, [_call("ask_document", question=msg.rstrip("?"))], history,
                  kind="st-ask", state=state)


def earlier_follow_up(rng: random.Random) -> Sample:
    """The generator's older follow-ups ("same but for two people", "cancel the hotel"),
    with the references the session would hold by then."""
    sample = follow_ups(rng)
    seen = " ".join(t["content"] for t in sample.history)
    offers = sorted(set(re.findall(r"\b(?:FL|HT)-\d{4}\b", seen)), key=seen.index)
    bookings = [(b, f"{rng.choice(['FL', 'HT'])}-{rng.randint(100, 999):04d}")
                for b in dict.fromkeys(re.findall(r"\bBK-\d+\b", seen))]
    return replace(sample, state=[travel_view(offers, bookings)])


SESSION_FAMILIES: list[tuple[Callable[[random.Random], Sample], float]] = [
    (after_search, 0.12), (after_booking, 0.38), (after_export, 0.15), (after_scans, 0.15),
    (earlier_follow_up, 0.2)]
FRESH = ["flights", "hotels", "booking", "documents", "stories", "support", "none"]


def fresh_request(rng: random.Random) -> Sample:
    """A new request in a session that holds references: the state must not steer it."""
    gen = BUILTIN_FAMILIES[rng.choice(FRESH)][0]
    sample = gen(rng)
    while sample.history:
        sample = gen(rng)
    context = rng.choice([after_search, after_booking, after_export, after_scans])(rng)
    return replace(sample, history=context.history, state=context.state,
                   kind=f"st-fresh-{sample.kind}")


def session_sample(rng: random.Random, fresh_share: float = 0.3) -> Sample:
    if rng.random() < fresh_share:
        return fresh_request(rng)
    families = [f for f, _ in SESSION_FAMILIES]
    return rng.choices(families, [w for _, w in SESSION_FAMILIES])[0](rng)


def with_state(rng: random.Random, sample: Sample) -> Sample:
    """``sample`` with references that do not concern it (the message says everything)."""
    if sample.history or sample.state:
        return sample
    line: Any = rng.choice([
        lambda: travel_view(_offers(rng, rng.choice(["flight", "hotel"]))[0],
                            _earlier_bookings(rng)),
        lambda: documents_view([_doc_name(rng)[0] for _ in range(rng.randint(1, 3))]),
    ])()
    return replace(sample, state=[line] if line else [])


# ---------------------------------------------------------------- steps within one turn
# After a step that changed the session's references, the agent plans again with the
# request, the results so far ("result:" lines) and the new references: the next step, or
# nothing when the request is done.

AND_BOOK = [
    ("find the cheapest flight from {a} to {b} {on} and book it", "cheapest"),
    ("search flights {a} to {b} {on} and book the cheapest one", "cheapest"),
    ("book me the cheapest flight from {a} to {b} {on}", "cheapest"),
    ("look for flights from {a} to {b} {on}, then book the first one", 0),
    ("find a flight {a} to {b} {on} and book the first option", 0),
    ("get me flights from {a} to {b} {on} and reserve the second one", 1),
    ("flights {a} -> {b} {on}, book the cheapest", "cheapest"),
    ("I want the cheapest flight from {a} to {b} {on}, book it", "cheapest"),
]
AND_BOOK_HOTEL = [
    ("find the cheapest hotel in {b} from {d} for {n} nights and book it", "cheapest"),
    ("hotels in {b} from {d} for {n} nights, book the first one", 0),
    ("book me the cheapest room in {b} for {n} nights from {d}", "cheapest"),
]


def _result(text: str) -> dict[str, str]:
    return {"role": "tool", "content": text}


def _compound(rng: random.Random) -> tuple[str, dict[str, Any], str, list[str], list[int],
                                            int | str]:
    """A search-then-book request: message, search call, search reply, ids, prices, pick."""
    a, b = two_places(rng)
    d = date_phrase(rng)
    if rng.random() < 0.7:
        form, pick = rng.choice(AND_BOOK)
        msg = form.format(a=a, b=b, on=on_date(rng, d))
        call = _call("search_flights", origin=a, destination=b, depart_date=d)
        kind = "flight"
    else:
        form, pick = rng.choice(AND_BOOK_HOTEL)
        n = rng.randint(2, 5)
        msg = form.format(b=b, d=d, n=n)
        call = _call("search_hotels", city=b, check_in=d, nights=n)
        kind = "hotel"
    turns, ids, prices = search_turns(rng, kind, (a, b, d))
    return msg, call, turns[1]["content"], ids, prices, pick


def first_step(rng: random.Random) -> Sample:
    """Search first: nothing can be booked before its offers are shown."""
    msg, call, *_ = _compound(rng)
    return Sample(msg, [call], kind="step-search")


def next_step(rng: random.Random) -> Sample:
    """The offers are in: book the one the request names, then stop."""
    msg, _, reply, ids, prices, pick = _compound(rng)
    target = ids[prices.index(min(prices))] if pick == "cheapest" else ids[int(pick)]
    earlier = _earlier_bookings(rng)
    steps = [{"role": "user", "content": msg}, _result(reply)]
    if rng.random() < 0.6:
        return Sample(msg, [_call("book_offer", offer_id=target)], steps, kind="step-book",
                      state=[travel_view(ids, earlier)])
    n = int(earlier[-1][0][3:]) + 1 if earlier else 1
    booked = [*earlier, (f"BK-{n}", target)]
    steps.append(_result(booked_reply(rng, target, f"BK-{n}")))
    return Sample(msg, [], steps, kind="step-done", state=[travel_view(ids, booked)])


def finished_step(rng: random.Random) -> Sample:
    """A one-step request whose result is in: nothing more to do."""
    r = rng.random()
    if r < 0.45:
        sample = BUILTIN_FAMILIES["flights" if rng.random() < 0.6 else "hotels"][0](rng)
        args = sample.calls[0]["arguments"]
        where = (args.get("origin", ""), args.get("destination") or args.get("city", ""),
                 args.get("depart_date") or args.get("check_in", ""))
        turns, ids, _ = search_turns(rng, "flight" if sample.calls[0]["tool"] ==
                                     "search_flights" else "hotel", where)
        steps, state = [turns[1]["content"]], [travel_view(ids, _earlier_bookings(rng))]
    elif r < 0.75:
        history, ids, _, booked = _booked_session(rng)
        sample = Sample(history[0]["content"], [])
        steps, state = [history[1]["content"]], [travel_view(ids, booked)]
    else:
        name, _ = _doc_name(rng)
        path = f"{a_path(rng).rsplit('/', 1)[0]}/{name}"
        both = rng.random() < 0.4
        msg = f"scan {path} and summarize it" if both else rng.choice(
            [f"scan {path}", f"please read {path}", f"OCR {path}"])
        sample = Sample(msg, [])
        steps = [f"Scanned {name}: 1 page, {rng.randint(40, 900)} words (OCR eng)."]
        if both:
            steps.append(f"Summary of {name}: a {rng.randint(1, 3)}-page document about "
                         f"{_pick(rng, B.QUESTIONS).split()[-1]}, with its dates and totals.")
        state = [documents_view([name])]
    history = [{"role": "user", "content": sample.message}, *map(_result, steps)]
    return Sample(sample.message, [], history, kind="step-done", state=state)


STEP_FAMILIES: list[tuple[Callable[[random.Random], Sample], float]] = [
    (first_step, 0.25), (next_step, 0.4), (finished_step, 0.35)]


def step_sample(rng: random.Random) -> Sample:
    families = [f for f, _ in STEP_FAMILIES]
    return rng.choices(families, [w for _, w in STEP_FAMILIES])[0](rng)
