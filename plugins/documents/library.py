"""Finding, scanning and remembering documents for a session; progress, cancel, the model."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calvados import Database, Message, ToolContext, ToolError, sha256_file

from .ocr import Page, open_source
from .store import Document, DocumentStore

log = logging.getLogger("calvados.documents")

Progress = Callable[[int, int, str], None]


class ScanCancelled(ToolError):
    """A long scan or summary was cancelled; nothing partial was stored."""


@dataclass
class Scan:
    """The outcome of scanning a file: the stored document, its pages, whether it was reused."""

    document: Document
    pages: list[Page]
    reused: bool


# --------------------------------------------------------------------------- services

def store_for(ctx: ToolContext) -> DocumentStore:
    """The document tables of the session's database (the default database without one)."""
    db = ctx.session.db if ctx.session is not None else Database()
    return DocumentStore(db)


def session_id(ctx: ToolContext) -> str | None:
    return ctx.session.id if ctx.session is not None else None


def report(ctx: ToolContext, done: int, total: int, label: str) -> None:
    """Tell the caller's progress callback (``ctx.progress``), if any."""
    if ctx.progress is not None:
        ctx.progress(done, total, label)


def check_cancel(ctx: ToolContext, message: str) -> None:
    """Stop between pages when the caller set ``ctx.cancel``."""
    if ctx.cancel is not None and ctx.cancel.is_set():
        raise ScanCancelled(message)


def local_model(ctx: ToolContext) -> tuple[Any, str | None]:
    """The on-device chat model, or ``(None, reason)`` when there is none to use."""
    if ctx.models is None:
        return None, "no local model in this context"
    try:
        return ctx.models.local(), None
    except Exception as exc:  # a missing or broken model means extractive answers, not a crash
        log.warning("local model unavailable: %s", exc)
        return None, f"local model unavailable ({' '.join(str(exc).split())[:120]})"


def generate(ctx: ToolContext, messages: list[Message], max_tokens: int) -> Iterator[str]:
    """Stream the reply under the privacy policy (data class ``document``; greedy, so answers
    are reproducible). Only for a context whose :func:`local_model` was found."""
    assert ctx.models is not None
    yield from ctx.models.complete("document", messages, max_tokens=max_tokens, temperature=0.0)


# --------------------------------------------------------------------------- files

def resolve_path(path: str) -> Path:
    """The file behind a user-given path (``~`` expanded); one-line errors when unusable."""
    file = Path(os.path.expandvars(path)).expanduser()
    if not file.exists():
        raise ToolError(f"no such file: {path}")
    if file.is_dir():
        raise ToolError(f"{path} is a folder, not a file")
    if not os.access(file, os.R_OK):
        raise ToolError(f"{path} is not readable (permission denied)")
    if file.stat().st_size == 0:
        raise ToolError(f"{path} is empty (0 bytes)")
    return file.resolve()


# --------------------------------------------------------------------------- scanning

def scan(
    ctx: ToolContext, path: str, language: str = "eng", password: str | None = None,
    any_language: bool = False,
) -> Scan:
    """Read ``path`` into the store (or reuse the stored copy with the same content)."""
    file = resolve_path(path)
    store = store_for(ctx)
    sha = sha256_file(file)
    known = store.find(sha, None if any_language else language)
    if known is not None:
        _link(ctx, store, known)
        return Scan(known, store.pages(known.id), reused=True)
    source = open_source(file, language, password)
    try:
        pages = read_pages(ctx, source.pages(), source.page_count, file.name)
    finally:
        source.close()
    if all(p.blank for p in pages):
        what = "the page is" if len(pages) == 1 else f"all {len(pages)} pages are"
        raise ToolError(f"no text found in {file.name}: {what} blank or unreadable")
    meta = {"sha256": sha, "language": language, "name": file.name, "path": str(file),
            "kind": source.kind}
    document = store.add(meta, pages)
    _link(ctx, store, document)
    return Scan(document, pages, reused=False)


def read_pages(ctx: ToolContext, pages: Iterator[Page], total: int, name: str) -> list[Page]:
    """Pull pages one at a time, reporting progress and honouring cancel between pages."""
    out: list[Page] = []
    for done in range(total):
        check_cancel(ctx, f"scan of {name} cancelled after {done} of {total} pages; "
                          "nothing was stored")
        page = next(pages, None)
        if page is None:
            break
        out.append(page)
        report(ctx, done + 1, total, f"scanning {name}")
    return out


VIEW_DOCUMENTS = 4


def _link(ctx: ToolContext, store: DocumentStore, document: Document) -> None:
    sid = session_id(ctx)
    if sid is not None and ctx.session is not None:
        store.link(sid, document.id)
        ctx.session.set_reference("documents", documents_view(
            [d.name for d in store.session_documents(sid)]))


def documents_view(names: list[str]) -> str:
    """The planner's line for the session's documents, latest last: "documents
    invoice.png, notice.png" (the training data writes it with this function too)."""
    recent = list(dict.fromkeys(reversed(names)))[:VIEW_DOCUMENTS]
    return f"documents {', '.join(reversed(recent))}" if recent else ""


def document_for(ctx: ToolContext, path: str | None) -> Document | None:
    """The document ``path`` names (scanned now if new), else the session's latest one."""
    if path is not None:
        return scan(ctx, path, any_language=True).document
    return store_for(ctx).latest(session_id(ctx))
