"""Summaries: map-reduce over chunks with the local model, streamed sentence by sentence.

Every sentence the model writes is checked against the source before it is shown; a
sentence the source does not back is dropped. Without a model (or when nothing it wrote
holds up) the summary is extractive: the most central sentences, in reading order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from calvados import Message, ToolContext

from .library import check_cancel, generate, local_model, report
from .text import Sentence, content_words, page_sentences, source_index, split_items, support

MIN_SUPPORT = 0.7
PROMPT_OVERHEAD = 160  # tokens of instructions around the text


@dataclass(frozen=True)
class Length:
    items: int  # sentences (paragraph) or bullets
    tokens: int  # most tokens the final pass may write


LENGTHS = {"short": Length(3, 140), "medium": Length(6, 260), "long": Length(12, 480)}
MAP_ITEMS = 3
MAX_WINDOWS = 8  # longer documents are first condensed to their most central sentences
MAP_TOKENS = 110
SYSTEM = "You summarize text faithfully. Use only facts stated in the text. No introductions."


@dataclass
class Job:
    """One summary request: the source sections and how to render the result."""

    label: str  # shown in progress ("summarizing report.pdf")
    sections: list[tuple[int, str]]  # (page or turn number, text)
    length: str
    format: str

    @property
    def spec(self) -> Length:
        return LENGTHS[self.length]


def summarize(ctx: ToolContext, job: Job) -> Iterator[str | dict[str, Any]]:
    """Stream the summary (str chunks), then yield a dict with the whole text and method."""
    backend, note = local_model(ctx)
    items: list[str] = []
    method = "extractive"
    if backend is not None:
        try:
            for item in _model_summary(ctx, backend, job):
                yield _render(item, len(items), job.format)
                items.append(item)
        except (ValueError, RuntimeError, OSError) as exc:  # the model failed mid-way
            note = f"the local model failed ({' '.join(str(exc).split())[:100]})"
        if items:
            method = "model"
        elif note is None:
            note = "nothing the local model wrote was backed by the text, so sentences are quoted"
    quoted = 0
    for item in _top_up(job, items):  # fewer checked sentences than asked: quote the rest
        yield _render(item, len(items), job.format)
        items.append(item)
        quoted += 1
    if method == "model" and quoted:
        method = "model+extractive"
    text = "".join(_render(item, i, job.format) for i, item in enumerate(items))
    result: dict[str, Any] = {"text": text, "summary": text, "method": method,
                              "length": job.length, "format": job.format, "items": len(items)}
    if method != "extractive":
        result["model"] = backend.model_name
    if note and method == "extractive":
        result["note"] = note
    yield result


def _top_up(job: Job, items: list[str]) -> Iterator[str]:
    """Central sentences of the source that say something the summary does not yet say."""
    missing = job.spec.items - len(items)
    if missing <= 0:
        return
    said = [set(content_words(item)) for item in items]
    for sentence in extractive(job):
        if missing <= 0:
            return
        words = set(content_words(sentence))
        if all(_overlap(words, other) < 0.5 for other in said):
            said.append(words)
            missing -= 1
            yield sentence


def _render(item: str, index: int, fmt: str) -> str:
    if fmt == "bullets":
        return ("\n" if index else "") + f"- {item}"
    return (" " if index else "") + item


# --------------------------------------------------------------------------- extractive

def extractive(job: Job) -> list[str]:
    """The most central sentences of the source, in reading order, without near-repeats."""
    candidates = [s for s in page_sentences(job.sections) if 4 <= len(s.text.split()) <= 60]
    if not candidates:
        candidates = page_sentences(job.sections)
    picked = central(candidates, job.spec.items)
    return [s.text for s in picked]


def central(sentences: list[Sentence], count: int) -> list[Sentence]:
    """Pick ``count`` sentences whose words are most frequent across the whole source."""
    chosen = list(islice(ranked(sentences), count))
    return [sentences[i] for i in sorted(chosen)]


def ranked(sentences: list[Sentence]) -> Iterator[int]:
    """Sentence indices, most central first, skipping near-repeats of those already given."""
    bags = [set(content_words(s.text)) for s in sentences]
    freq = Counter(w for bag in bags for w in bag)
    top = max(freq.values(), default=1)
    scores = [
        sum(freq[w] / top for w in bag) / (len(bag) ** 0.5 if bag else 1) + (0.1 if i == 0 else 0)
        for i, bag in enumerate(bags)
    ]
    chosen: list[int] = []
    for i in sorted(range(len(sentences)), key=lambda k: (-scores[k], k)):
        if all(_overlap(bags[i], bags[j]) < 0.5 for j in chosen):
            chosen.append(i)
            yield i


def condense(backend: Any, sections: list[tuple[int, str]], limit: int) -> list[str]:
    """The most central sentences that fit in ``limit`` tokens, in reading order, by page."""
    sentences = page_sentences(sections)
    chosen, used = [], 0
    for i in ranked(sentences):
        size = backend.tokens(sentences[i].text) + 1
        if used + size > limit:
            break
        chosen.append(i)
        used += size
    pages: dict[int, list[str]] = {}
    for i in sorted(chosen):
        pages.setdefault(sentences[i].page, []).append(sentences[i].text)
    return [" ".join(texts) for texts in pages.values()]


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# --------------------------------------------------------------------------- map-reduce

def _model_summary(ctx: ToolContext, backend: Any, job: Job) -> Iterator[str]:
    """Map each window of text to a few checked sentences, reduce, then stream the final pass."""
    stems, nums = source_index(" ".join(text for _, text in job.sections))
    budget = max(300, backend.context_window - PROMPT_OVERHEAD - job.spec.tokens)
    texts = [text for _, text in job.sections if text.strip()]
    windows = pack(backend, texts, budget)
    if len(windows) > MAX_WINDOWS:  # a long document: the model reads its central sentences
        windows = pack(backend, condense(backend, job.sections, budget * MAX_WINDOWS * 9 // 10),
                       budget)
    level = 0
    while len(windows) > 1:
        level += 1
        texts = list(_map(ctx, backend, job, windows, level))
        windows = pack(backend, texts, budget)
    source = windows[0] if windows else ""
    yield from _final(ctx, job, source, stems, nums)


def pack(backend: Any, texts: list[str], budget: int) -> list[str]:
    """Group consecutive texts into windows of at most ``budget`` tokens (long texts split)."""
    windows: list[str] = []
    current: list[str] = []
    used = 0
    for piece in _fit(backend, texts, budget):
        size = backend.tokens(piece) + 2
        if current and used + size > budget:
            windows.append("\n\n".join(current))
            current, used = [], 0
        current.append(piece)
        used += size
    if current:
        windows.append("\n\n".join(current))
    return windows


def _fit(backend: Any, texts: list[str], budget: int) -> Iterator[str]:
    for text in texts:
        if backend.tokens(text) <= budget:
            yield text
            continue
        step = max(200, len(text) * budget // max(1, backend.tokens(text)) * 9 // 10)
        for start in range(0, len(text), step):
            yield text[start : start + step]


def _map(ctx: ToolContext, backend: Any, job: Job, windows: list[str], level: int) -> Iterator[str]:
    total = len(windows)
    for done, window in enumerate(windows):
        check_cancel(ctx, f"summary of {job.label} cancelled after {done} of {total} parts")
        prompt = (f"Text:\n{window}\n\n"
                  f"State the key facts of this text in {MAP_ITEMS} short sentences.")
        reply = "".join(generate(ctx, _messages(prompt), MAP_TOKENS))
        stems, nums = source_index(window)
        kept = [i for i in split_items(reply) if support(i, stems, nums) >= MIN_SUPPORT]
        if not kept:  # nothing usable: keep this part's most central sentences instead
            kept = [s.text for s in central(page_sentences([(0, window)]), MAP_ITEMS)]
        report(ctx, done + 1, total, f"summarizing {job.label}" + (f" (pass {level})"
                                                                   if level > 1 else ""))
        yield " ".join(kept[:MAP_ITEMS])


def _final(ctx: ToolContext, job: Job, source: str, stems: set[str],
           nums: set[str]) -> Iterator[str]:
    """Stream the final summary one verified sentence (or bullet) at a time."""
    count = job.spec.items
    shape = (f"as {count} bullet points, one per line starting with '- '"
             if job.format == "bullets" else f"in {count} sentences, as one paragraph")
    prompt = f"Text:\n{source}\n\nSummarize this text {shape}."
    seen: list[set[str]] = []
    original = " ".join(text for _, text in job.sections)
    buffer = ""
    emitted = 0
    stream = generate(ctx, _messages(prompt), job.spec.tokens)
    try:
        for piece in stream:
            buffer += piece
            done, buffer = _complete_items(buffer)
            for item in filter(None, (grounded_item(i, original) for i in done)):
                if _accept(item, stems, nums, seen):
                    yield item
                    emitted += 1
                    if emitted >= count:
                        return
        for item in filter(None, (grounded_item(i, original) for i in split_items(buffer))):
            if emitted < count and _accept(item, stems, nums, seen):
                yield item
                emitted += 1
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()


def _complete_items(buffer: str) -> tuple[list[str], str]:
    """Split off the finished sentences/lines of a growing buffer; keep the unfinished tail."""
    ends = list(re.finditer(r"\n|(?<=[.!?])[\"”’)]*\s+", buffer))
    if not ends:
        return [], buffer
    cut = ends[-1].end()
    return split_items(buffer[:cut]), buffer[cut:]


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def grounded_item(item: str, source: str) -> str | None:
    """``item`` with every e-mail address as the source writes it: one the model changed
    ("office@example.com" for "office@example.org") is put back when the source has exactly
    one address with that name; otherwise the item is dropped."""
    known = {e.lower(): e for e in EMAIL.findall(source)}
    for email in set(EMAIL.findall(item)):
        if email.lower() in known:
            continue
        name = email.split("@")[0].lower()
        same = [e for key, e in known.items() if key.split("@")[0] == name]
        if len(same) != 1:
            return None
        item = item.replace(email, same[0])
    return item


def _accept(item: str, stems: set[str], nums: set[str], seen: list[set[str]]) -> bool:
    words = set(content_words(item))
    if len(item.split()) < 3 or support(item, stems, nums) < MIN_SUPPORT:
        return False
    if any(_overlap(words, other) >= 0.6 for other in seen):
        return False
    seen.append(words)
    return True


def _messages(prompt: str) -> list[Message]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": prompt}]
