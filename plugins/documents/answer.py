"""Answering questions about a document: retrieve (BM25), answer locally, verify, or quote."""

from __future__ import annotations

from itertools import islice
from typing import Any

from calvados import Message, ToolContext

from .library import generate, local_model
from .store import Chunk, Document, DocumentStore
from .text import (
    cite,
    cited_pages,
    keyword_scores,
    page_sentences,
    source_index,
    split_items,
    strip_citations,
    support,
)

TOP_CHUNKS = 4
ANSWER_TOKENS = 90
MIN_SUPPORT = 0.75  # share of an answer sentence's content words the excerpts must contain
MAX_EXCERPT_CHARS = 3600

SYSTEM = (
    "You answer questions about a document using only the excerpts given. "
    "Copy the exact words of the excerpt that answers the question, then its page like [p. 2]. "
    "If the excerpts do not answer the question, reply: NOT FOUND."
)


def answer(
    ctx: ToolContext, store: DocumentStore, document: Document, question: str
) -> dict[str, Any]:
    """Answer ``question`` from ``document`` with page citations; never invents."""
    result: dict[str, Any] = {"question": question, "document": document.card()}
    chunks = store.search(document.id, question, limit=TOP_CHUNKS)
    matched = bool(chunks)
    if not matched:  # no word of the question is in it: the model may still read the start
        chunks = list(islice(store.chunks(document.id), TOP_CHUNKS))
    backend, note = local_model(ctx)
    if backend is not None and chunks:
        reply = _ask_model(ctx, question, chunks)
        verified = verify(reply, chunks)
        if verified is not None:
            return {**result, **verified, "method": "model", "model": backend.model_name}
        note = "the local model's answer was not supported by the document, so it is quoted"
    if not matched:
        text = f"I could not find anything about that in {document.name}."
        return {**result, "text": text, "answer": text, "citations": [], "method": "not_found"}
    quoted = extract(question, chunks, document.name)
    if note:
        quoted["note"] = note
    return {**result, **quoted, "method": "extractive"}


def _ask_model(ctx: ToolContext, question: str, chunks: list[Chunk]) -> str:
    excerpts = "\n\n".join(f"[p. {c.page}] {c.text}" for c in chunks)[:MAX_EXCERPT_CHARS]
    messages: list[Message] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Excerpts:\n{excerpts}\n\nQuestion: {question}"},
    ]
    try:
        return "".join(generate(ctx, messages, ANSWER_TOKENS)).strip()
    except (ValueError, RuntimeError, OSError):  # e.g. the prompt does not fit the context
        return ""


def verify(reply: str, chunks: list[Chunk]) -> dict[str, Any] | None:
    """The model's reply as a cited answer if the excerpts back every sentence, else None."""
    if not reply or "not found" in reply.lower():
        return None
    pages = {c.page for c in chunks}
    cited = cited_pages(reply)
    if any(p not in pages for p in cited):
        return None
    items = split_items(strip_citations(reply))[:3]
    if not items:
        return None
    stems, nums = source_index(" ".join(c.text for c in chunks))
    if any(support(item, stems, nums) < MIN_SUPPORT for item in items):
        return None
    body = " ".join(items)
    if not cited:
        cited = [_best_page(body, chunks)]
    citations = [{"page": p, "quote": _quote_on_page(body, chunks, p)} for p in cited]
    text = cite(body, cited)
    return {"text": text, "answer": text, "citations": citations}


def extract(question: str, chunks: list[Chunk], name: str) -> dict[str, Any]:
    """Quote the sentences of the retrieved excerpts that best answer the question."""
    sentences = page_sentences([(c.page, c.text) for c in chunks])
    scores = keyword_scores(question, [s.text for s in sentences])
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    best = ranked[:1] or []
    if len(ranked) > 1 and scores[ranked[1]] >= 0.75 * scores[ranked[0]] > 0:
        best.append(ranked[1])
    picked = [sentences[i] for i in sorted(best)]
    quotes = " ".join(f"“{s.text}” [p. {s.page}]" for s in picked)
    text = f"From {name}: {quotes}"
    citations = [{"page": s.page, "quote": s.text} for s in picked]
    return {"text": text, "answer": text, "citations": citations}


def _best_page(text: str, chunks: list[Chunk]) -> int:
    scored = []
    for chunk in chunks:
        stems, nums = source_index(chunk.text)
        scored.append((support(text, stems, nums), chunk.score, chunk.page))
    return max(scored)[2]


def _quote_on_page(text: str, chunks: list[Chunk], page: int) -> str:
    on_page = [c for c in chunks if c.page == page]
    sentences = page_sentences([(c.page, c.text) for c in on_page])
    if not sentences:
        return ""
    scores = keyword_scores(text, [s.text for s in sentences])
    return sentences[max(range(len(sentences)), key=lambda i: scores[i])].text
