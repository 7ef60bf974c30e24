"""Text helpers shared by the document skills: sentences, content words, grounding, chunks."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from calvados import split_sentences

STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our ours out
    over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours le la les un une des du de et en est
    pour que qui dans sur au aux il elle der die das und ist ein eine den dem zu von mit
    el los las y es por con para del al se lo what's whats tell please give show document
    file page pages say says said""".split()
)

WORD = re.compile(r"[^\W_]+(?:[.,'’-][^\W_]+)*", re.UNICODE)
NUMBER = re.compile(r"\d")
CITATION = re.compile(r"\[\s*(?:p|pp|page)\.?\s*(\d+)(?:\s*[-–,]\s*\d+)*\s*\]", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document and the page it is on."""

    text: str
    page: int


def normalize_space(text: str) -> str:
    """Collapse runs of whitespace to single spaces."""
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    """Paragraphs of ``text``: blank-line separated, inner line breaks joined (OCR lines)."""
    out = []
    for block in re.split(r"\n\s*\n", text):
        joined = re.sub(r"-\n(?=[a-z])", "", block)  # words hyphenated across lines
        joined = normalize_space(joined)
        if joined:
            out.append(joined)
    return out


def sentences(text: str) -> list[str]:
    """Split text into sentences (paragraph breaks always end a sentence)."""
    out: list[str] = []
    for para in paragraphs(text):
        out.extend(split_sentences(para))
    return out


def page_sentences(pages: list[tuple[int, str]]) -> list[Sentence]:
    """Every sentence of every page, tagged with its page number."""
    return [Sentence(s, number) for number, text in pages for s in sentences(text)]


def stem(word: str) -> str:
    """A crude, language-agnostic stem: lower case, common plural/verb endings removed."""
    w = word.lower().replace("’", "'")
    for suffix in ("'s", "ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def words(text: str) -> list[str]:
    """Word tokens (numbers keep their inner punctuation: 1,234.50 and 20-45-17)."""
    return WORD.findall(text)


def content_words(text: str) -> list[str]:
    """Stems of the words that carry meaning (no stop words, no one-letter tokens)."""
    out = []
    for w in words(text):
        low = w.lower()
        if low in STOPWORDS or (len(low) < 2 and not low.isdigit()):
            continue
        out.append(stem(low))
    return out


def numbers(text: str) -> set[str]:
    """The numeric tokens of ``text`` (amounts, dates, account numbers)."""
    return {w.rstrip(".,") for w in words(text) if NUMBER.search(w)}


def strip_citations(text: str) -> str:
    """``text`` without its ``[p. N]`` citations (and the space they leave before punctuation)."""
    return re.sub(r"\s+([.,;:!?])", r"\1", normalize_space(CITATION.sub(" ", text)))


def cite(text: str, pages: list[int]) -> str:
    """Append page citations, before the final punctuation: ``... 375.00 [p. 1].``"""
    marks = " ".join(f"[p. {p}]" for p in pages)
    match = re.search(r"[.!?…]+$", text)
    if match:
        return f"{text[: match.start()]} {marks}{match.group(0)}"
    return f"{text} {marks}"


def cited_pages(text: str) -> list[int]:
    """Page numbers cited as ``[p. 3]`` in ``text``, in order, without repeats."""
    seen: list[int] = []
    for match in CITATION.finditer(text):
        for num in re.findall(r"\d+", match.group(0)):
            if int(num) not in seen:
                seen.append(int(num))
    return seen


def support(claim: str, source_stems: set[str], source_numbers: set[str]) -> float:
    """How much of ``claim`` the source backs: share of its content words found there,
    and 0 if it states a number the source does not contain."""
    claim = strip_citations(claim)
    if any(n not in source_numbers for n in numbers(claim)):
        return 0.0
    stems = content_words(claim)
    if not stems:
        return 0.0
    return sum(1 for s in stems if s in source_stems) / len(stems)


def source_index(text: str) -> tuple[set[str], set[str]]:
    """The stems and numbers of a source text, for :func:`support`."""
    return set(content_words(text)), numbers(text)


def split_items(text: str) -> list[str]:
    """Model output as items: bullet/numbered lines and sentences, markers removed."""
    items: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•·]+|\d+[.)])\s*", "", line).strip()
        if line:
            items.extend(split_sentences(line))
    return items


def chunk_text(text: str, size: int = 800) -> list[str]:
    """Cut a page into retrieval chunks of about ``size`` characters at sentence boundaries."""
    chunks: list[str] = []
    current: list[str] = []
    length = 0
    for sentence in sentences(text):
        for piece in _hard_split(sentence, size):
            if current and length + len(piece) > size:
                chunks.append(" ".join(current))
                current, length = [], 0
            current.append(piece)
            length += len(piece) + 1
    if current:
        chunks.append(" ".join(current))
    return chunks


def _hard_split(sentence: str, size: int) -> list[str]:
    if len(sentence) <= size:
        return [sentence]
    parts, line = [], ""
    for word in sentence.split():
        if line and len(line) + len(word) + 1 > size:
            parts.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return [*parts, line] if line else parts


def keyword_scores(question: str, candidates: list[str]) -> list[float]:
    """Score candidates by the question's content words, rarer words weighing more."""
    query = set(content_words(question))
    bags = [Counter(content_words(c)) for c in candidates]
    df = Counter(s for bag in bags for s in set(bag))
    n = len(candidates) or 1
    scores = []
    for bag in bags:
        score = sum(math.log(1 + (n - df[s] + 0.5) / (df[s] + 0.5)) for s in query if s in bag)
        scores.append(score / (1 + 0.02 * sum(bag.values())))
    return scores
