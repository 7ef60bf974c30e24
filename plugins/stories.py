"""Storytelling: a titled story from the on-device model, streamed sentence by sentence.

Small models write short and drift, so a story is written in sections (beginning, middle
parts, ending), each continuing the text so far. Every sentence is checked before it is
shown: repeats are dropped (small models loop), a child audience never sees violent or
scary sentences (they are dropped, mild words softened, and the next section is asked to
stay gentle), and the length band is honoured by word count (sections are added until the
band's floor is reached; a sentence that would pass its ceiling is not written). The last
story is kept in the session, so "continue the story" picks it up.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import calvados
from calvados import Message, ToolContext, ToolError, models_of, sentences

Audience = Literal["child", "teen", "adult"]
Length = Literal["short", "medium", "long"]
BANDS: dict[str, tuple[int, int]] = {"short": (150, 300), "medium": (400, 700), "long": (900, 1300)}
SECTION_WORDS = {"short": 110, "medium": 150, "long": 180}
MAX_SECTIONS = {"short": 4, "medium": 6, "long": 9}  # planned; a terse model gets more
HARD_CAP = 24
STATE_KEY = "stories.last"
TAIL_WORDS = 220
TEMPERATURE = 0.7
NO_REPEAT = 4  # tokens

AUDIENCE_STYLE = {
    "child": ("a young child", "Use simple words and a warm, gentle tone. No violence, no "
              "danger, nothing scary or sad: everyone is safe and kind."),
    "teen": ("a teenager", "Make it lively and vivid, with some adventure. No gore."),
    "adult": ("an adult", "Use rich, grown-up prose."),
}
CHILD_TOPICS = ("a little fox who learns to swim", "a lighthouse cat who collects stars",
                "a snail who wants to see the sea", "a cloud who is afraid of heights",
                "a small robot who plants a garden", "a bear who cannot fall asleep")
ANY_TOPICS = ("a lighthouse keeper who finds a message in a bottle",
              "a clockmaker whose clocks start running backwards",
              "two strangers stuck in a snowed-in train station",
              "a map that redraws itself every night")

_VIOLENT = re.compile(
    r"\b(?:kill\w*|murder\w*|blood\w*|bleed\w*|dead|death|die|died|dies|dying|corpses?|guns?|"
    r"shoot\w*|shot|stab\w*|knives|knife|weapons?|war|wars|bombs?|explod\w*|explosions?|"
    r"tortur\w*|kidnap\w*|poison\w*|skeletons?|zombies?|demons?|devil|hell|horror|"
    r"terrifi\w*|attack\w*|wound\w*|injur\w*|hurt|drown\w*|suicid\w*|gore|gory|violent\w*|"
    r"violence|fight\w*|fought|punch\w*|slap\w*|strangl\w*|choke\w*|cruel\w*|monsters? ate|"
    r"beat (?:him|her|them|up))\b", re.IGNORECASE)
_GORE = re.compile(r"\b(?:gore|gory|dismember\w*|decapitat\w*|disembowel\w*|entrails|torture\w*|"
                   r"mutilat\w*|suicid\w*|blood-soaked)\b", re.IGNORECASE)
_SOFTER = {"scary": "strange", "scared": "unsure", "spooky": "mysterious", "creepy": "odd",
           "frightening": "surprising", "frightened": "surprised", "horrible": "gloomy",
           "monster": "creature", "monsters": "creatures", "nightmare": "strange dream",
           "nightmares": "strange dreams", "evil": "grumpy", "wicked": "grumpy",
           "scream": "shout", "screamed": "shouted", "screaming": "shouting", "ghost": "shadow",
           "ghosts": "shadows", "witch": "wise woman", "dark forest": "deep forest"}
_SOFTEN = re.compile(r"\b(" + "|".join(sorted(_SOFTER, key=len, reverse=True)) + r")\b",
                     re.IGNORECASE)
_CHATTER = re.compile(
    r"^(?:sure|certainly|of course|here is|here's|i hope|i'd be happy|as an ai|title:|"
    r"chapter \d|part \d|section \d|the end\b|thank you|let me know|note:)|<\|?|\|>|"
    r"\b(?:assistant|user):|\b\d+\s+words\b|\bword count\b|\bwords? (?:long|left)\b|"
    r"\b(?:this|the) (?:story|section|paragraph) (?:is|was|has)\b", re.IGNORECASE)
_SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "who", "with",
                "by", "from", "into"}
_WORD = re.compile(r"[A-Za-z0-9À-ÿ]+(?:['’-][A-Za-z0-9À-ÿ]+)*")
_NAME = re.compile(r"\b[A-Z][a-zà-ÿ]{3,}\b")


def variant_of(name: str, names: Iterable[str]) -> str | None:
    """The known name that ``name`` misspells ("Finnly" for "Finnley"): the same first four
    letters, at most two letters longer or shorter, not the same word."""
    for known in names:
        if known != name and known[:4] == name[:4] and abs(len(known) - len(name)) <= 2:
            return known
    return None


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def child_safe(text: str) -> bool:
    """No violent or scary words (what a child audience must not get)."""
    return _VIOLENT.search(text) is None


def soften(text: str) -> str:
    """Swap mildly scary words for gentler ones ('monster' -> 'creature')."""
    def swap(m: re.Match[str]) -> str:
        word = _SOFTER[m.group(1).lower()]
        return word.capitalize() if m.group(1)[0].isupper() else word

    return _SOFTEN.sub(swap, text)


# ---------------------------------------------------------------------------- a story in progress

@dataclass
class Draft:
    """The story being written: what was shown, and what the writer has learned on the way."""

    audience: str
    length: str
    context: str = ""  # the end of the story this one continues
    parts: list[str] = field(default_factory=list)
    words: int = 0
    seen: set[str] = field(default_factory=set)
    dropped: int = 0
    softened: int = 0
    gentle: bool = False  # ask the next section to stay gentle
    names: list[str] = field(default_factory=list)  # the characters' names, as first written

    @property
    def band(self) -> tuple[int, int]:
        return BANDS[self.length]

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def tail(self, words: int = TAIL_WORDS) -> str:
        return " ".join(f"{self.context} {self.text}".split()[-words:])

    def accept(self, sentence: str) -> str | None:
        """The sentence as it may be shown, or None if it must not be."""
        sentence = " ".join(sentence.replace("*", "").replace("#", "").split())
        key = re.sub(r"\W+", " ", sentence.lower()).strip()
        if not key or _CHATTER.search(sentence) or key in self.seen or count_words(key) < 2:
            return None
        if self.audience == "child":
            if not child_safe(sentence):
                self.dropped += 1
                self.gentle = True
                return None
            softer = soften(sentence)
            self.softened += softer != sentence
            sentence = softer
        elif self.audience == "teen" and _GORE.search(sentence):
            self.dropped += 1
            return None
        if self.words + count_words(sentence) > self.band[1]:
            return None
        self.seen.add(key)
        return self.same_names(sentence)

    def same_names(self, sentence: str) -> str:
        """One name per character: a misspelt name is written as it was first written, even
        when both spellings are in the same sentence. Every capitalized word after a
        sentence's first is learned as a name ("Captain Blackbeak")."""
        def one(m: re.Match[str]) -> str:
            name = variant_of(m.group(0), self.names) or m.group(0)
            if name not in self.names and sentence[:m.start()].strip(" \"'“‘("):
                self.names.append(name)
            return name

        return _NAME.sub(one, sentence)

    def add(self, sentence: str) -> str:
        """Record a shown sentence; returns the chunk to stream."""
        lead = "" if not self.parts or self.parts[-1].endswith("\n\n") else " "
        self.parts.append(lead + sentence)
        self.words += count_words(sentence)
        return lead + sentence

    def paragraph(self) -> str:
        if self.parts and not self.parts[-1].endswith("\n\n"):
            self.parts.append("\n\n")
            return "\n\n"
        return ""


# ---------------------------------------------------------------------------- prompts

def _system(audience: str) -> str:
    who, style = AUDIENCE_STYLE[audience]
    return (f"You are a storyteller writing for {who}. {style} Write only the story itself: "
            "no title, no headings, no notes.")


def _request(topic: str, audience: str) -> str:
    gentle = " Keep it gentle and happy." if audience == "child" else ""
    return f"Tell a story about {topic}.{gentle}"


def section_messages(draft: Draft, topic: str, step: str, words: int) -> list[Message]:
    """Chat messages for one section: 'begin', 'continue' or 'end'."""
    messages: list[Message] = [{"role": "system", "content": _system(draft.audience)}]
    ask = _request(topic, draft.audience)
    gentle = (" Keep it gentle: no fighting, no danger, nothing scary."
              if draft.gentle and draft.audience == "child" else "")
    if step == "begin" or not (draft.parts or draft.context):
        messages.append({"role": "user", "content": f"{ask} Write the beginning, about {words} "
                                                    f"words.{gentle}"})
        return messages
    messages.append({"role": "user", "content": ask})
    messages.append({"role": "assistant", "content": draft.tail()})
    if step == "end":
        happy = " so that it ends happily" if draft.audience == "child" else ""
        instruction = f"Now write the ending of the story{happy}, about {words} words."
    else:
        instruction = (f"Continue the story with what happens next, about {words} words. "
                       "Do not repeat what already happened.")
    messages.append({"role": "user", "content": instruction + gentle})
    return messages


# ---------------------------------------------------------------------------- writing

Model = Callable[[list[Message], int], Iterator[str]]


def _model(ctx: ToolContext | None) -> Model:
    """Stream under the privacy policy (data class ``story``). When the local model writes,
    a repeat penalty applies and no run of ``NO_REPEAT`` tokens is written twice (the story
    so far is in the prompt, so a section cannot retell the last one)."""
    models = models_of(ctx)
    return lambda messages, max_tokens: models.complete(
        "story", messages, max_tokens=max_tokens, temperature=TEMPERATURE, repeat_penalty=1.3,
        no_repeat_ngram=NO_REPEAT)


def write_section(draft: Draft, model: Model, messages: list[Message], words: int) -> Iterator[str]:
    """Stream one section's accepted sentences; stops at its word budget or on a loop."""
    start, repeats = draft.words, 0
    stream = model(messages, int(words * 1.7) + 24)
    try:
        for sentence in sentences(stream):
            if sentence == "\n":
                if draft.words - start > 25:
                    yield draft.paragraph()
                continue
            shown = draft.accept(sentence)
            if shown is None:
                repeats += 1
                if repeats >= 3 or draft.words + 6 > draft.band[1]:
                    break
                continue
            yield draft.add(shown)
            if draft.words - start >= words * 1.3 or draft.words >= draft.band[1] - 4:
                break
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()
    yield draft.paragraph()


def _plan(draft: Draft) -> Iterator[str]:
    """'begin', then 'continue' until the ending fits the band, then 'end', then more if short."""
    low, _ = draft.band
    per = SECTION_WORDS[draft.length]
    yield "continue" if draft.context else "begin"
    sections = 1
    while draft.words + per < low and sections < MAX_SECTIONS[draft.length] - 1:
        yield "continue"
        sections += 1
    yield "end"
    stalled = 0
    while draft.words < low and sections < HARD_CAP and stalled < 2:
        before = draft.words
        yield "continue"
        sections += 1
        stalled = stalled + 1 if draft.words - before < 5 else 0


def write_story(draft: Draft, model: Model, topic: str) -> Iterator[str]:
    per = SECTION_WORDS[draft.length]
    for step in _plan(draft):
        words = min(per, max(40, draft.band[1] - draft.words - 10))
        gentle_before = draft.gentle
        messages = section_messages(draft, topic, step, words)
        yield from (chunk for chunk in write_section(draft, model, messages, words) if chunk)
        if draft.gentle and gentle_before:
            draft.gentle = False  # asked once; reset so a later slip asks again


def make_title(model: Model, topic: str, audience: str) -> str:
    """A short title from the model, cleaned; a plain one if the model's will not do."""
    ask: list[Message] = [{"role": "user", "content": (
        f"Give a short title, at most six words, for a story for {AUDIENCE_STYLE[audience][0]} "
        f"about {topic}. Answer with the title only.")}]
    raw = "".join(model(ask, 20)).strip().splitlines()
    title = re.sub(r"^(?:title\s*:\s*)", "", raw[0] if raw else "", flags=re.IGNORECASE)
    title = title.strip(" \"'*#“”‘’.:")
    words = title.split()
    if not 1 <= len(words) <= 8 or _CHATTER.search(title) or (
            audience == "child" and (not child_safe(title) or _SOFTEN.search(title))):
        short = re.sub(r"^(?:a|an|the)\s+", "", topic.strip(), flags=re.IGNORECASE)
        title = "The Story of " + " ".join(
            w if w.lower() in _SMALL_WORDS and i else w[:1].upper() + w[1:]
            for i, w in enumerate(short.split()))
    return title


def _topic(topic: str | None, audience: str, seed: int) -> str:
    if topic and topic.strip():
        return topic.strip().rstrip(".")
    pool = CHILD_TOPICS if audience == "child" else ANY_TOPICS + CHILD_TOPICS
    return random.Random(seed).choice(pool)


def _wants_continuation(topic: str | None) -> bool:
    return bool(topic) and re.match(
        r"^\s*(?:continue|more|keep going|what happens next|the next part|next part)\b",
        topic or "", re.IGNORECASE) is not None


@calvados.tool(
    data_class="story",
    examples=[
        ("tell me a story", {}),
        ("tell me a bedtime story about a dragon who is afraid of the dark",
         {"topic": "a dragon who is afraid of the dark"}),
        ("write a long adventure story about pirates for my teenage son",
         {"topic": "pirates", "audience": "teen", "length": "long"}),
        ("a short story for grown-ups about a lighthouse keeper",
         {"topic": "a lighthouse keeper", "audience": "adult", "length": "short"}),
        ("a medium-length story about space explorers",
         {"topic": "space explorers", "length": "medium"}),
        ("continue the story", {"continue_story": True}),
        ("what happens next?", {"continue_story": True}),
    ],
)
def tell_story(
    topic: str | None = None,
    audience: Audience = "child",
    length: Length = "short",
    continue_story: bool = False,
    ctx: ToolContext | None = None,
) -> Iterator[Any]:
    """Tell a story, streamed, with a title: for a child, a teen or an adult, short to long.

    Args:
        topic: What the story is about; default: a gentle surprise.
        audience: Who it is for: "child" (no violence or scary parts), "teen" or "adult".
        length: "short" (150-300 words), "medium" (400-700) or "long" (900 or more).
        continue_story: Continue the last story told in this conversation.
    """
    session = ctx.session if ctx is not None else None
    last = session.get_state(STATE_KEY) if session is not None else None
    model = _model(ctx)
    continued = continue_story or _wants_continuation(topic)
    if continued:
        if not last:
            raise ToolError("there is no story to continue yet; ask for a new story first")
        audience = audience if audience != "child" else last["audience"]
        story_topic, title = last["topic"], f"{last['title']} (continued)"
        draft = Draft(audience, length, context=last["tail"], seen=set(last.get("seen", [])))
    else:
        story_topic = _topic(topic, audience, ctx.now.toordinal() if ctx is not None else 0)
        title = make_title(model, story_topic, audience)
        draft = Draft(audience, length)
    yield f"{title}\n\n"
    yield from write_story(draft, model, story_topic)
    if session is not None:
        session.set_state(STATE_KEY, {
            "title": title.removesuffix(" (continued)"), "topic": story_topic,
            "audience": audience, "tail": draft.tail(), "seen": sorted(draft.seen)[-300:]})
    low, high = BANDS[length]
    yield {"text": f"{title}\n\n{draft.text}", "title": title, "topic": story_topic,
           "audience": audience, "length": length, "words": draft.words,
           "in_band": low <= draft.words <= high, "dropped": draft.dropped,
           "softened": draft.softened, "continued": continued}


@calvados.hookimpl
def register_skills(register: Callable[..., Any]) -> None:
    register(tell_story)
