"""Prompts for the responder: what the on-device chat model is asked to write, answered by the
teacher so that a responder adapter can learn from it (``calvados distill collect --kind
answers``).

Every job is a chat in exactly the form the product sends it, so the student learns the task
it will be given:

- ``chat``: a direct question or request with the turn loop's system prompt (``CHAT_SYSTEM``).
  The questions come from two places: hand-written subjects and question forms below, and
  questions the teacher wrote itself on a list of everyday domains (``ask`` jobs, answered in a
  later job of the same run);
- ``story``: the beginning of a story, as the stories skill asks for it, for each audience and
  length; a later job continues or ends a collected beginning, as the skill would;
- ``support``: a distress statement (the safety banks' calm, emotional seeds, and messages
  the teacher wrote on everyday hardships, ``vent`` jobs) with the support skill's comfort
  prompt; the teacher itself gets a stricter prompt with an example, since it otherwise
  talks about the person instead of to them;
- ``summary``: the summarize skill's final pass over the teacher's own longer answers;
- short factual questions the teacher wrote on a list of domains (``facts`` jobs), answered
  with a teacher-only prompt that asks for the answer first and then a sentence or two of
  context: the record keeps the product's own prompt, so the student learns to answer a
  one-line question with a little more than one line.

Answers are stored beside the messages that asked for them (``messages`` + ``reply``).
``exclude`` drops any question that is also an evaluation case, or asks the same thing in
other words (the same content words).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from calvados.plugins.support import COMFORT_SYSTEM
from calvados.turn import CHAT_SYSTEM

from . import safety_banks
from .teacher import Job, Store, reply_lines

DATA_DIR = Path(__file__).parent / "data" / "responder_teacher"
KINDS = ("chat", "story", "support", "summary")  # what the responder learns to write
MAX_TOKENS = {"chat": 260, "story": 300, "support": 110, "ask": 220, "vent": 260,
              "summary": 160, "facts": 240, "fact": 130, "doc": 320}

SUBJECTS = [
    "photosynthesis", "the water cycle", "black holes", "inflation", "compound interest",
    "vaccines", "the immune system", "earthquakes", "volcanoes", "tides", "rainbows",
    "the seasons", "gravity", "electricity", "magnets", "the internet", "encryption",
    "a credit score", "a mortgage", "the stock market", "climate change", "recycling",
    "composting", "jet lag", "caffeine", "sleep cycles", "dreams", "memory", "habits",
    "the Roman Empire", "the printing press", "the French Revolution", "the Renaissance",
    "democracy", "supply and demand", "a budget", "an index fund", "DNA", "evolution",
    "bees", "octopuses", "dinosaurs", "the Moon's phases", "solar panels", "wind turbines",
    "electric cars", "batteries", "Wi-Fi", "a password manager", "phishing", "cloud storage",
    "machine learning", "bread dough rising", "fermentation", "coffee roasting", "tea",
    "marathon training", "stretching", "posture", "meditation", "time zones", "leap years",
    "the metric system", "prime numbers", "fractions", "percentages", "probability",
    "the Pythagorean theorem", "haiku", "sonnets", "jazz", "the orchestra", "oil painting",
    "photography exposure", "chess openings", "sourdough", "houseplants", "tomato plants",
    "bird migration", "coral reefs", "rainforests", "deserts", "glaciers", "the ozone layer",
    "hurricanes", "lightning", "snowflakes", "the human heart", "the lungs", "the brain",
    "blood types", "allergies", "the common cold", "dehydration", "sunburn", "vitamin D",
]
FORMS = [
    "What is {s}?", "Explain {s} in simple words.", "How does {s} work?",
    "Can you explain {s} to a ten-year-old?", "Give me three interesting facts about {s}.",
    "Why does {s} matter?", "What should a beginner know about {s}?",
    "Summarize {s} in two sentences.", "what's {s}", "quick question: how does {s} work",
]
REQUESTS = [
    "Write a short thank-you note to a neighbour who watered my plants.",
    "Give me a simple recipe for pancakes.", "How do I boil an egg so the yolk stays soft?",
    "Suggest a name for a grey kitten.", "What can I cook with rice, eggs and spinach?",
    "Write a polite email asking my landlord to fix the heating.",
    "How do I get a coffee stain out of a white shirt?",
    "Give me tips for a job interview tomorrow.", "How can I fall asleep faster?",
    "Write a haiku about autumn rain.", "Tell me a joke about cats.",
    "How do I politely decline a party invitation?", "Plan a relaxing Sunday for me.",
    "What are good questions to ask on a first date?", "How do I start running as a beginner?",
    "Write a birthday message for my grandmother turning 90.",
    "How do I keep basil alive indoors?", "What should I pack for a weekend of hiking?",
    "Give me a five-minute stretching routine for my desk.",
    "How do I apologise to a friend I forgot to call back?",
    "Suggest three board games for a family evening.",
    "How do I make my phone battery last longer?",
    "What's a good way to learn a new language every day?",
    "Write a two-line poem about the sea.", "How much water should I drink in a day?",
    "What is the difference between weather and climate?",
    "What is the difference between a virus and a bacterium?",
    "What is the difference between a crocodile and an alligator?",
    "hi! how are you today?", "thanks, that helped a lot", "good morning!",
    "what can you do?", "who are you?", "tell me something interesting",
]
ASK_DOMAINS = [
    "cooking and recipes", "gardening", "home repairs", "personal finance", "travel planning",
    "health and fitness", "sleep", "pets", "parenting", "school homework in science",
    "school homework in history", "geography", "space and astronomy", "animals", "weather",
    "computers and phones", "writing emails and letters", "etiquette", "music", "films and books",
    "sports", "language learning", "job hunting", "study skills", "cleaning and laundry",
    "cars and driving", "the human body", "mathematics", "physics", "chemistry", "art",
    "famous inventions", "holidays and traditions", "nutrition", "environment", "words and grammar",
]
ASK_PROMPT = ("Write 8 different questions or requests that people type to a helpful assistant "
              "about {domain}. Mix short factual questions, how-to questions and requests for an "
              "explanation; some casual, some formal. One per line, nothing else.")
FACT_DOMAINS = [
    "countries and their capitals", "planets, stars and space", "wild animals", "the human body",
    "chemical elements", "world history", "inventors and inventions", "arithmetic",
    "units and measurements", "rivers, mountains and oceans", "famous books and their authors",
    "composers and musical instruments", "painters and paintings", "sports and their rules",
    "food and where it comes from", "plants and trees", "weather", "languages of the world",
    "physics", "computers", "famous buildings and landmarks", "the calendar and time",
    "sea life", "insects", "birds", "dinosaurs", "rocks and minerals", "currencies",
    "mythology", "geometry and shapes",
]
FACT_PROMPT = ("Write 10 different short factual questions that people ask a helpful assistant "
               "about {domain}, each with one clear answer (a name, a number, a place, a date or "
               "a word). Some casual, some formal. One per line, nothing else.")
# What the teacher is told after a factual question (it follows an instruction in the user's
# turn more closely than in a system prompt); the record keeps the product's own prompt.
FACT_TEACHER = (
    "Answer in two or three sentences: first the answer itself in a full sentence, then one "
    "or two sentences of useful context (why, how, or a telling detail). No lists.")
_FILLER = {"what", "which", "who", "whom", "whose", "where", "when", "does", "the", "is", "are",
           "was", "were", "how", "many", "much", "of", "a", "an", "in", "on", "to", "do", "you",
           "can", "tell", "me", "please", "there", "called", "name", "known", "as", "city"}
STORY_TOPICS = [
    "a hedgehog who wants to fly", "a girl who finds a door in a tree", "a lonely lighthouse",
    "a robot who learns to paint", "a dragon who loves baking", "a lost balloon",
    "a boy who can talk to birds", "a snowman in summer", "a library that opens at midnight",
    "an old fisherman and a silver fish", "a detective cat", "a city under the sea",
    "twins who swap places for a day", "a train that travels to the stars", "a shy giraffe",
    "a treasure map in a grandmother's attic", "a musician who lost her voice",
    "a time traveller stuck in 1920", "a garden that grows in one night",
    "a penguin who moves to the desert", "a kite that carries messages",
    "two rival bakers in a small town", "an astronaut's first day on Mars",
    "a squirrel who forgets where he hid his nuts", "a mysterious package at the door",
    "a knight who is afraid of horses", "a village where it always snows",
    "a girl who builds a boat from bottles", "a clock that grants one wish", "a brave little owl",
]
STORY_LENGTHS = {"short": 110, "medium": 150, "long": 180}
VENT_TOPICS = [
    "moving to a new city", "a breakup", "exams", "losing a job", "a friend who stopped calling",
    "a sick parent", "a pet that died", "money worries", "a stressful boss", "feeling left out",
    "a fight with a sibling", "starting at a new school", "a miscarriage", "being a new parent",
    "burnout at work", "a rejection letter", "loneliness in old age", "a divorce",
    "a failed driving test", "feeling behind their friends in life", "chronic pain",
    "a long hospital stay", "caring for a grandparent", "a child leaving home",
]
VENT_PROMPT = ("Write 8 different short messages in which a person tells a friend how they feel "
               "about {topic}. First person, one or two sentences each, everyday words, no "
               "names. One per line, nothing else.")
# What the teacher is told for a comfort reply, with three worked turns before the message
# (it follows examples better than rules); the record keeps the product's own prompt.
COMFORT_TEACHER = (
    "You are a warm, caring friend. Reply in three short sentences: begin by saying you're "
    "sorry, naming what they feel and why; say it makes sense to feel that way; ask one "
    "gentle, open question about them. Never give advice or tips."
)
COMFORT_SHOTS = [
    ("I failed my driving test again and I feel so stupid.",
     "I'm so sorry, failing the test again sounds really discouraging, and it's left you feeling "
     "down on yourself. It makes complete sense to feel that way after working so hard for it. "
     "What was the hardest part of today for you?"),
    ("my flatmate keeps eating my food and I'm fed up",
     "I'm sorry, that sounds really frustrating, having your things taken again and again in "
     "your own home. It makes sense that you're fed up with it. How long has this been going "
     "on?"),
    ("I miss my grandma so much since she passed",
     "I'm so sorry you lost your grandma; missing her this much shows how close you were. It's "
     "completely natural to feel that ache. What do you miss most about her?"),
]
# A comfort reply opens by acknowledging the person ("I'm so sorry...", "That sounds..."), as
# the comfort skill's template does.
_SYMPATHY = re.compile(r"^(?:oh,? )?(?:i['’]m|i am) (?:so |really |very |truly )?sorry\b|"
                       r"^(?:that|it) sounds\b", re.IGNORECASE)
# Documents the teacher writes to be summarized, like the ones people scan and open.
DOC_KINDS = [
    "a notice to the residents of an apartment building", "the minutes of a sports club meeting",
    "a product description from an online shop", "an email from a school to parents",
    "a job advert", "a three-day travel itinerary", "a local news report",
    "a letter confirming a hotel booking", "a museum's visitor information",
    "a company's policy on working from home", "a course outline from a college",
    "a warranty for a kitchen appliance", "the programme of a town festival",
    "a letter from a clinic about an appointment", "an insurance claim letter",
]
DOC_PROMPT = ("Write {kind}, 120 to 180 words, with concrete names, dates, places and numbers. "
              "Plain text in short paragraphs, no markdown, no title line, nothing else.")
_HARD = re.compile(
    r"\b(?:sad|lonely|alone|miss|missing|hard|hurts?|hurt|worr\w*|stress\w*|anxious|scared|"
    r"afraid|overwhelm\w*|tired|exhausted|drained|awful|terrible|empty|lost|cry\w*|cried|"
    r"heartbroken|ashamed|guilty|angry|upset|frustrat\w*|nervous|can'?t|struggl\w*|down|"
    r"failure|useless|left out|invisible|grief|griev\w*|pain|numb|helpless)\b", re.IGNORECASE)
# Comfort replies collected before the teacher had worked examples ("Feeling lonely can be a
# tough experience. It's important to..."): about people rather than to them, and left out.
_FIRST_COMFORT = re.compile(r"^answers-comfort-\d+$|-c\d+$")
SUMMARY_SHAPES = ["in 3 sentences, as one paragraph",
                  "as 3 bullet points, one per line starting with '- '"]


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def _gist(text: str) -> str:
    """A question's content words, in order of the alphabet: "What's the capital city of
    France?" and "what is France's capital" ask the same thing."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'s", ""))
    return " ".join(sorted({w for w in words if w not in _FILLER}))


def chat_messages(question: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": CHAT_SYSTEM}, {"role": "user", "content": question}]


def questions(seed: int = 0) -> list[str]:
    """The hand-written questions: every subject in two forms, and the requests."""
    rng = random.Random(seed)
    out = [form.format(s=s) for s in SUBJECTS for form in rng.sample(FORMS, 2)]
    out += REQUESTS
    rng.shuffle(out)
    return out


def _story_messages(topic: str, audience: str, words: int, tail: str = "",
                    step: str = "begin") -> list[dict[str, str]]:
    from calvados.plugins.stories import Draft, section_messages

    draft = Draft(audience, "short", context=tail)
    return section_messages(draft, topic, step, words)  # type: ignore[return-value]


def jobs(store: Store, seed: int = 0, exclude: Iterable[str] = ()) -> Iterator[Job]:
    """Every responder job, interleaved by kind; later stages read what earlier ones wrote."""
    banned = {k for x in exclude for k in (_key(x), _gist(x))}
    rng = random.Random(seed)
    chat = [_job(f"answers-chat-{i}", "chat", chat_messages(q))
            for i, q in enumerate(questions(seed)) if _key(q) not in banned]
    stories = []
    for i, topic in enumerate(STORY_TOPICS):
        for audience in ("child", "teen", "adult"):
            length = rng.choice(list(STORY_LENGTHS))
            stories.append(_job(f"answers-story-{i}-{audience}", "story",
                                _story_messages(topic, audience, STORY_LENGTHS[length]),
                                topic=topic, audience=audience, step="begin"))
    sad = [s for s in safety_banks.bank("en")["sad"] if not {_key(s), _gist(s)} & banned]
    # answers-comfort2-N were asked with earlier worked examples; these open with sympathy
    support = [_comfort_job(f"answers-comfort3-{i}", said) for i, said in enumerate(sad)]
    asks = [Job(f"answers-ask-{i}", ASK_PROMPT.format(domain=d), {"kind": "ask", "domain": d},
                MAX_TOKENS["ask"]) for i, d in enumerate(ASK_DOMAINS)]
    asks += [Job(f"answers-facts-{i}", FACT_PROMPT.format(domain=d), {"kind": "facts", "domain": d},
                 MAX_TOKENS["facts"]) for i, d in enumerate(FACT_DOMAINS)]
    asks += [Job(f"answers-doc-{i}-0", DOC_PROMPT.format(kind=kind), {"kind": "doc"},
                 MAX_TOKENS["doc"]) for i, kind in enumerate(DOC_KINDS)]
    asks += [Job(f"answers-vent-{i}", VENT_PROMPT.format(topic=t), {"kind": "vent", "topic": t},
                 MAX_TOKENS["vent"]) for i, t in enumerate(VENT_TOPICS)]
    first = _interleave([chat, stories, support, asks], [4, 1, 1, 1])
    yield from first
    yield from _later(store, banned)


def _job(job_id: str, kind: str, messages: list[dict[str, str]], **data: Any) -> Job:
    return Job(job_id, messages, {"kind": kind, "messages": messages, **data}, MAX_TOKENS[kind])


def _comfort_job(job_id: str, said: str) -> Job:
    """A comfort reply: the teacher gets a stricter prompt with worked examples, the record the
    support skill's own messages."""
    messages = [{"role": "system", "content": COMFORT_SYSTEM}, {"role": "user", "content": said}]
    teacher = [{"role": "system", "content": COMFORT_TEACHER}]
    for asked, answered in COMFORT_SHOTS:
        teacher += [{"role": "user", "content": asked}, {"role": "assistant", "content": answered}]
    teacher.append({"role": "user", "content": said})
    return Job(job_id, teacher, {"kind": "support", "messages": messages}, MAX_TOKENS["support"])


def summary_messages(text: str, shape: str) -> list[dict[str, str]]:
    """The summarize skill's final pass over ``text``."""
    from calvados.plugins.documents.summarize import SYSTEM

    return [{"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Text:\n{text}\n\nSummarize this text {shape}."}]


def _interleave(groups: list[list[Job]], weights: list[int]) -> Iterator[Job]:
    queues = [list(g) for g in groups]
    while any(queues):
        for queue, weight in zip(queues, weights, strict=True):
            for _ in range(weight):
                if queue:
                    yield queue.pop(0)


def _later(store: Store, banned: set[str]) -> Iterator[Job]:
    """Answers to the teacher's own questions, comfort replies to its own distress messages,
    summaries of its documents (in both shapes) and of its longer answers, and the next
    section of each story begun, interleaved."""
    records = list(store.records())
    chat, support, summary, stories, facts, docs = [], [], [], [], [], []
    once: set[str] = set()  # a factual question is asked once, however many domains repeat it
    for r in records:
        if r.get("kind") == "facts":
            for j, q in enumerate(reply_lines(r["reply"])[:10]):
                if q.endswith("?") and 3 <= len(q.split()) <= 25 \
                        and not {_key(q), _gist(q)} & (banned | once):
                    once.add(_gist(q))
                    asked = [{"role": "user", "content": f"{q}\n\n{FACT_TEACHER}"}]
                    facts.append(Job(f"{r['job']}-q{j}", asked,
                                     {"kind": "chat", "messages": chat_messages(q),
                                      "context": True}, MAX_TOKENS["fact"]))
        if r.get("kind") == "doc" and len(r["reply"].split()) >= 80:
            text = clean("chat", r["reply"], "")
            docs += [_job(f"{r['job']}-sum{k}", "summary", summary_messages(text, shape))
                     for k, shape in enumerate(SUMMARY_SHAPES)]
        if r.get("kind") in ("ask", "vent"):
            for j, q in enumerate(reply_lines(r["reply"])[:8]):
                if not (q.endswith(("?", ".", "!")) and 3 <= len(q.split()) <= 40) \
                        or _key(q) in banned:
                    continue
                if r["kind"] == "ask":
                    chat.append(_job(f"{r['job']}-q{j}", "chat", chat_messages(q)))
                elif _HARD.search(q) and re.search(r"\b(?:i|i'm|my|me)\b", q, re.IGNORECASE) \
                        and not re.search(r"\byou\b", q, re.IGNORECASE):  # said of oneself
                    support.append(_comfort_job(f"{r['job']}-s{j}", q))
        elif r.get("kind") == "chat" and len(r.get("reply", "").split()) >= 90:
            text = clean("chat", r["reply"], "")
            shape = SUMMARY_SHAPES[len(r["job"]) % 2]
            summary.append(_job(f"{r['job']}-sum", "summary", summary_messages(text, shape)))
        elif r.get("kind") == "story" and r.get("step") == "begin" and r["reply"].strip():
            step = "end" if len(r["job"]) % 2 else "continue"
            stories.append(_job(f"{r['job']}-{step}", "story",
                                _story_messages(r["topic"], r["audience"], 120, r["reply"], step),
                                topic=r["topic"], audience=r["audience"], step=step))
    yield from facts
    yield from docs
    yield from _interleave([support, summary, stories, chat], [2, 1, 1, 1])


def samples(root: Path = DATA_DIR) -> list[dict[str, Any]]:
    """Collected answers as training records: ``{"kind", "messages", "reply"}``, cleaned
    (:func:`clean`); a reply that cannot be made fit to learn from is left out, and so are a
    factual answer given without its context and the comfort replies of the first prompt."""
    from calvados.text import split_sentences

    out = []
    prefixes = sorted({path.stem.rsplit("-", 1)[0] for path in root.glob("*.jsonl")})
    for prefix in prefixes:
        for r in Store(root, prefix).records():
            if r.get("kind") not in KINDS \
                    or r["kind"] == "support" and _FIRST_COMFORT.search(r["job"]):
                continue
            reply = clean(r["kind"], r.get("reply", ""), r["messages"][-1]["content"])
            if r.get("context") and len(split_sentences(reply)) < 2:
                continue  # asked for the answer and its context, it gave the answer alone
            if reply:
                out.append({"kind": r["kind"], "messages": r["messages"], "reply": reply})
    return out


def _fit_comfort(parts: list[str], faults: list[str | None]) -> bool:
    """A comfort reply worth learning (its advice already cut): no other fault, two to four
    sentences with a question, an open one spoken to the person (the comfort skill's
    :func:`gentle`), not about them or as them, and opening by acknowledging them."""
    from calvados.plugins.support import gentle

    questions = [x for x in parts if x.endswith("?")]
    return (2 <= len(parts) <= 4 and bool(questions) and all(map(gentle, questions))
            and all(fault in (None, "advice") for fault in faults)
            and not re.match(r"(?:i feel|i'm feeling|the person|they)\b", parts[0], re.IGNORECASE)
            and _SYMPATHY.match(parts[0]) is not None)


def clean(kind: str, reply: str, said: str) -> str:
    """The teacher's reply as the student should learn it, or "" to leave it out: it ends
    at a whole sentence; a story section keeps only story sentences (no title, no chatter,
    no markup); a comfort reply must pass the comfort skill's own sentence checks, open by
    acknowledging the person and ask its question within four sentences (a sentence of
    advice is left out first)."""
    from calvados.plugins.stories import _CHATTER
    from calvados.plugins.support import check_sentence
    from calvados.text import split_sentences

    reply = reply.strip()
    if not reply:
        return ""
    if kind == "story":
        paragraphs = []
        for paragraph in re.split(r"\n\s*\n", reply.replace("*", "").replace("#", "")):
            kept = [x for x in split_sentences(paragraph) if not _CHATTER.search(x)]
            if kept and (paragraphs or re.search(r"[.!?…][\"'”’)]*$", kept[-1])):  # no title
                paragraphs.append(" ".join(kept))
        reply = "\n\n".join(paragraphs)
    if kind == "support":  # a sentence of advice is dropped, any other fault drops the reply
        checked = [(x, check_sentence(x, said)) for x in split_sentences(reply)]
        parts = [x for x, fault in checked if fault != "advice"]
        reply = " ".join(parts)
        if not _fit_comfort(parts, [fault for _, fault in checked]):
            return ""
    if kind == "summary":
        reply = re.sub(r"[*#]|^(?:here is|here's|summary)\b[^\n]*:\s*", "", reply,
                       flags=re.IGNORECASE)
    if not re.search(r"[.!?…][\"'”’)]*$", reply):  # cut by its token budget
        ends = list(re.finditer(r"[.!?…][\"'”’)]*(?=\s|$)", reply))
        reply = reply[:ends[-1].end()] if ends else ""
        reply = re.sub(r"\n\s*(?:\d+[.)]|[-*•])$", "", reply)  # a list item cut at its number
    return reply.strip()
