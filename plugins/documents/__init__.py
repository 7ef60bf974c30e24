"""Documents: scan (text layer or Tesseract OCR), ask with page citations, summarize.

Tools: ``scan_document``, ``ask_document``, ``summarize`` (data class ``document``).
Which scanned document a follow-up means ("the invoice", "notice.png") is resolved in
code after planning (:mod:`.refs`).
Long work reports progress through ``ctx.progress`` (``fn(done, total, label)``) and stops
between pages when ``ctx.cancel`` (a ``threading.Event``) is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from calvados import ToolContext, ToolError, hookimpl, tool
from pydantic import BeforeValidator, Field, ValidationInfo

from . import answer as answering
from . import summarize as summarizing
from .library import ScanCancelled, document_for, scan, store_for
from .ocr import Page
from .refs import resolve_document, resolve_question, session_document_count

Secret = Annotated[str | None, Field(json_schema_extra={"x-secret": True})]
"""A password: masked wherever the call is recorded or shown."""

__all__ = ["ScanCancelled", "ask_document", "normalize_language", "scan_document", "summarize"]

LANGUAGES: dict[str, tuple[str, ...]] = {
    "eng": ("english", "en", "eng", "anglais", "inglés", "ingles", "englisch", "inglese"),
    "fra": ("french", "fr", "fra", "fre", "français", "francais", "französisch", "franzosisch",
            "francés", "frances", "francese"),
    "deu": ("german", "de", "deu", "ger", "deutsch", "allemand", "alemán", "aleman", "tedesco"),
    "spa": ("spanish", "es", "spa", "español", "espanol", "castellano", "espagnol", "spanisch",
            "spagnolo", "castilian"),
}
_ALIASES = {alias: code for code, aliases in LANGUAGES.items() for alias in aliases}
SUPPORTED_LANGUAGES = "English (eng), French (fra), German (deu), Spanish (spa)"
PREVIEW_CHARS = 1500


# --------------------------------------------------------------------------- normalizers

def normalize_language(value: Any, info: ValidationInfo | None = None) -> str:
    """Language names or codes to Tesseract codes: "French"/"fr" -> "fra", "en+fr" -> "eng+fra"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "eng"
    if not isinstance(value, str):
        raise ValueError(f"expected a language name or code, got {value!r}")
    codes = []
    for part in re.split(r"\s*(?:\+|,|/|&|\band\b|\bet\b|\by\b|\bund\b)\s*", value.strip().lower()):
        part = re.sub(r"\s*(?:language|langue)$", "", part.strip())
        if not part:
            continue
        code = _ALIASES.get(part) or _ALIASES.get(re.split(r"[-_]", part)[0])
        if code is None:
            raise ValueError(f"unsupported language {value!r}; supported: {SUPPORTED_LANGUAGES}")
        if code not in codes:
            codes.append(code)
    return "+".join(codes) or "eng"


def _path_form(value: Any, info: ValidationInfo | None = None) -> Any:
    """A path is checked for form only (text, not empty); whether it exists is checked on run."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("expected a file path")
    cleaned = value.strip().strip("'\"`").strip()
    if not cleaned:
        raise ValueError("the file path is empty")
    if "\x00" in cleaned:
        raise ValueError("the file path contains a NUL character")
    return cleaned


def _optional_path(value: Any, info: ValidationInfo | None = None) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("", "none", "null"):
        return None
    return _path_form(value, info)


def _question(value: Any, info: ValidationInfo | None = None) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("the question is empty")
    return value


_LENGTH_WORDS = {"brief": "short", "quick": "short", "tldr": "short", "concise": "short",
                 "normal": "medium", "moderate": "medium", "detailed": "long",
                 "in-depth": "long", "full": "long", "thorough": "long", "extended": "long"}
_FORMAT_WORDS = {"bullet": "bullets", "bullet points": "bullets", "list": "bullets",
                 "points": "bullets", "prose": "paragraph", "text": "paragraph",
                 "paragraphs": "paragraph"}


def _length(value: Any, info: ValidationInfo | None = None) -> Any:
    if isinstance(value, str):
        low = value.strip().lower()
        return _LENGTH_WORDS.get(low, low)
    return value


def _format(value: Any, info: ValidationInfo | None = None) -> Any:
    if isinstance(value, str):
        low = value.strip().lower()
        return _FORMAT_WORDS.get(low, low)
    return value


Language = Annotated[str, BeforeValidator(normalize_language)]
FilePath = Annotated[str, BeforeValidator(_path_form)]
OptionalPath = Annotated[str | None, BeforeValidator(_optional_path)]
Question = Annotated[str, BeforeValidator(_question)]
SummaryLength = Annotated[Literal["short", "medium", "long"], BeforeValidator(_length)]
SummaryFormat = Annotated[Literal["paragraph", "bullets"], BeforeValidator(_format)]


# --------------------------------------------------------------------------- tools

@tool(
    data_class="document",
    attaches=True,  # /scan and /attach in the TUI
    examples=[
        ("scan ~/Documents/passport.png", {"path": "~/Documents/passport.png"}),
        ("read the text in receipt.jpg", {"path": "receipt.jpg"}),
        ("OCR this French letter: ~/scans/lettre.pdf",
         {"path": "~/scans/lettre.pdf", "language": "French"}),
        ("please extract the text from /data/old_letter.pdf, it's Spanish",
         {"path": "/data/old_letter.pdf", "language": "Spanish"}),
        ("scan the German contract ~/Downloads/vertrag.tiff",
         {"path": "~/Downloads/vertrag.tiff", "language": "German"}),
        ("open ~/bank/statement.pdf, the password is tulip42",
         {"path": "~/bank/statement.pdf", "password": "tulip42"}),
    ],
)
def scan_document(
    path: FilePath, language: Language = "eng", password: Secret = None,
    ctx: ToolContext | None = None,
) -> dict[str, Any]:
    """Scan a document (PDF, image, text or HTML) into the session: reads a PDF's text layer
    and runs OCR on images and scanned pages, then keeps the text for questions and summaries.

    Args:
        path: The file to scan, e.g. ~/Documents/passport.png or invoice.pdf.
        language: The document's language for OCR: a name or code such as English, French,
            German, Spanish (normalized to Tesseract codes like fra).
        password: The password of an encrypted PDF, if it has one.
    """
    assert ctx is not None
    result = scan(ctx, path, language, password)
    doc = result.document
    pages = [_page_card(p) for p in result.pages]
    blank = [p.number for p in result.pages if p.blank]
    return {
        "text": _scan_text(doc.card(), result.pages, result.reused, blank),
        "document": doc.card(),
        "reused": result.reused,
        "pages": pages,
        "blank_pages": blank,
    }


@tool(
    data_class="document",
    examples=[
        ("what's the total on the invoice?", {"question": "what's the total on the invoice?"}),
        ("what's the invoice number on the document?",
         {"question": "what's the invoice number on the document?"}),
        ("in ~/work/spec.pdf what voltage does the device need",
         {"question": "what voltage does the device need", "path": "~/work/spec.pdf"}),
        ("when does the lease in lease.pdf end?",
         {"question": "when does the lease end?", "path": "lease.pdf"}),
        ("who signed the letter?", {"question": "who signed the letter?"}),
    ],
    prepare=resolve_question,
)
def ask_document(
    question: Question, path: OptionalPath = None, ctx: ToolContext | None = None
) -> dict[str, Any]:
    """Answer a question about a scanned document, citing its pages like [p. 3]; answers come
    only from the document's text.

    Args:
        question: The question to answer from the document, in the user's words.
        path: The document to ask about (scanned first if new); omit it for the most recently
            scanned document.
    """
    assert ctx is not None
    document = document_for(ctx, path)
    if document is None:
        raise ToolError("no document yet: scan one first (scan_document path=FILE) "
                        "or pass path=FILE")
    result = answering.answer(ctx, store_for(ctx), document, question)
    if result["method"] == "model" and session_document_count(ctx) > 1:
        result["text"] = result["answer"] = f"From {document.name}: {result['text']}"
    return result


@tool(
    data_class="document",
    examples=[
        ("summarize ~/papers/bert.pdf", {"path": "~/papers/bert.pdf"}),
        ("quick bullet summary of the scanned letter", {"length": "short", "format": "bullets"}),
        ("give me an in-depth summary of notes.txt", {"path": "notes.txt", "length": "long"}),
        ("tl;dr of the document please", {"length": "short"}),
        ("sum up what we talked about", {}),
        ("summarize report.pdf as bullet points", {"path": "report.pdf", "format": "bullets"}),
    ],
    prepare=resolve_document,
)
def summarize(
    path: OptionalPath = None,
    length: SummaryLength = "medium",
    format: SummaryFormat = "paragraph",
    ctx: ToolContext | None = None,
) -> Iterator[str | dict[str, Any]]:
    """Summarize a document (or, with no document in the session, the conversation so far);
    the summary streams as it is written.

    Args:
        path: The document to summarize (scanned first if new); omit it for the most recently
            scanned document, or the conversation when there is none.
        length: How long the summary should be: short, medium or long.
        format: paragraph for prose, bullets for a bulleted list.
    """
    assert ctx is not None
    document = document_for(ctx, path)
    if document is not None:
        store = store_for(ctx)
        sections = [(p.number, p.text) for p in store.pages(document.id) if p.text.strip()]
        job = summarizing.Job(document.name, sections, length, format)
        source: dict[str, Any] = {"document": document.card()}
    else:
        job = summarizing.Job("the conversation", _conversation(ctx), length, format)
        source = {"conversation": True}
    for item in summarizing.summarize(ctx, job):
        yield {**item, **source} if isinstance(item, dict) else item


# --------------------------------------------------------------------------- helpers

def _conversation(ctx: ToolContext) -> list[tuple[int, str]]:
    messages = ctx.session.history(turns=40) if ctx.session is not None else []
    if messages and messages[-1]["role"] == "user":
        messages = messages[:-1]  # the request to summarize itself
    turns = [(i, f"{m['content']}") for i, m in enumerate(messages, 1) if m["content"].strip()]
    if not turns:
        raise ToolError("nothing to summarize: no document in this session and no "
                        "conversation yet (pass path=FILE)")
    return turns


def _page_card(page: Page) -> dict[str, Any]:
    return {"page": page.number, "text": page.text, "method": page.method,
            "confidence": page.confidence}


def _scan_text(card: dict[str, Any], pages: list[Page], reused: bool, blank: list[int]) -> str:
    n = card["pages"]
    how = "text layer" if not card["ocr_pages"] else f"OCR {card['language']}"
    if card["ocr_pages"] and card["ocr_pages"] < n:
        how = f"text layer + OCR {card['language']} on {card['ocr_pages']} pages"
    if card["confidence"] is not None:
        how += f", confidence {card['confidence']:.0f}%"
    verb = "Already scanned" if reused else "Scanned"
    head = (f"{verb} {card['name']}: {n} page{'s' if n != 1 else ''}, "
            f"{card['words']} words ({how}).")
    if blank:
        head += f" Blank page{'s' if len(blank) > 1 else ''}: {', '.join(map(str, blank))}."
    body = "\n\n".join(
        (f"[p. {p.number}]\n" if n > 1 else "") + p.text for p in pages if p.text.strip()
    )
    if len(body) > PREVIEW_CHARS:
        body = body[:PREVIEW_CHARS].rstrip() + " …"
    return f"{head}\n\n{body}"


@hookimpl
def register_skills(register: Any) -> None:
    """The document tools."""
    for t in (scan_document, ask_document, summarize):
        register(t)
