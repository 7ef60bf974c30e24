"""Which document "the invoice", "notice.png" or "~/scans/lease.pdf" refers to.

The planner copies what the user said; this resolves it in code, after planning, against
the documents scanned in the session (``session_documents``, in order), as travel does
for "the cheapest one". A path or file name typed in this message wins; else a document
whose name, file stem or kind ("invoice", "notice", "letter"... read from its title and
first lines) the message names; else the most recent one. The question asked is always
this message's: a planned question that is not in the message (one copied from an
earlier turn) is replaced by the message itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from calvados import ToolContext

from .library import session_id, store_for
from .store import Document

KINDS: dict[str, tuple[str, ...]] = {
    "invoice": ("invoice", "bill", "facture", "factura", "rechnung"),
    "receipt": ("receipt", "quittance", "recibo", "quittung"),
    "notice": ("notice", "announcement", "notification", "avis"),
    "letter": ("letter", "lettre", "carta"),
    "contract": ("contract", "agreement", "contrat", "contrato", "vertrag"),
    "lease": ("lease", "tenancy", "bail"),
    "statement": ("statement", "relevé"),
    "report": ("report", "rapport", "bericht", "informe"),
    "ticket": ("ticket", "boarding pass", "billet"),
    "passport": ("passport", "passeport", "pasaporte"),
    "certificate": ("certificate", "certificat", "certificado"),
    "policy": ("policy",),
    "form": ("form", "formulaire"),
    "menu": ("menu",),
    "timetable": ("timetable", "schedule", "horaire"),
    "prescription": ("prescription", "ordonnance"),
    "payslip": ("payslip", "pay slip", "salary slip"),
    "memo": ("memo", "memorandum"),
    "manual": ("manual", "handbook"),
    "specification": ("specification", "spec", "datasheet"),
}
SALUTATION = re.compile(r"^\s*(dear|hello|hi|madame|monsieur|sehr geehrte|estimad[oa])\b",
                        re.I)
FIRST_LINES = 3
EXTENSIONS = r"pdf|png|jpe?g|tiff?|webp|bmp|txt|md|markdown|html?"
TYPED_PATH = re.compile(
    rf"""["'`]([^"'`\n]+\.(?:{EXTENSIONS}))["'`]"""  # quoted, spaces allowed
    r"""|(?<![\w@/])((?:~|\.{1,2})?/[^\s"'`<>|]+)"""  # /abs, ~/home, ./rel
    rf"""|(?<![\w@/.-])([\w.-]+\.(?:{EXTENSIONS}))\b""",  # a bare file name
    re.I,
)
TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Labels:
    """What a document can be called: its file name, its stem, its kinds."""

    document: Document
    stem: str
    kinds: tuple[str, ...]


def document_kinds(text: str) -> tuple[str, ...]:
    """The kinds a document's title or first lines say it is: "Invoice 2041 from ..." ->
    ("invoice",); a letter is also known by its salutation ("Dear Ms Okafor,")."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:FIRST_LINES]
    found: list[str] = []
    for part in lines[:1], lines[1:]:  # the title's kinds first
        head = " ".join(part).lower()
        for kind, words in KINDS.items():
            if kind not in found and any(_has(head, w) for w in words):
                found.append(kind)
    if lines and SALUTATION.match(lines[0]) and "letter" not in found:
        found.append("letter")
    return tuple(found)


def typed_paths(message: str) -> list[str]:
    """The file paths and names ``message`` spells out, in order."""
    out = []
    for match in TYPED_PATH.finditer(message):
        path = next(g for g in match.groups() if g).rstrip("?!,.;:)]}")
        if path and path not in out:
            out.append(path)
    return out


def pick_document(message: str, labelled: list[Labels]) -> tuple[str | None, Document | None]:
    """(a typed path, or None; the session document ``message`` refers to, or None).

    ``labelled`` is in scan order; among equally good matches the latest wins."""
    if paths := typed_paths(message):
        return paths[0], _by_path(paths[0], labelled)
    low = _words(message)
    best, score = None, 0
    for labels in labelled:
        points = 2 * _has(low, labels.stem) + any(
            _has(low, word) for kind in labels.kinds for word in KINDS.get(kind, (kind,)))
        if points and points >= score:
            best, score = labels.document, points
    return None, best


def resolve_document(raw: dict[str, Any], ctx: ToolContext | None) -> dict[str, Any]:
    """``prepare`` of ask_document and summarize: ``path`` becomes the document this
    message refers to (None: the most recent one)."""
    if ctx is None or not ctx.message or ctx.session is None:
        return raw
    labelled = session_labels(ctx)
    typed, document = pick_document(ctx.message, labelled)
    planned = raw.get("path")
    if document is not None:
        raw["path"] = document.path
    elif typed is not None:
        raw["path"] = typed
    elif isinstance(planned, str) and planned.strip().lower() not in ("", "none", "null"):
        stem = _stem(planned)
        if labelled and not (stem and _has(_words(ctx.message), stem)):
            raw.pop("path")  # a path the message does not name (from the history): the latest
    return raw


def resolve_question(raw: dict[str, Any], ctx: ToolContext | None) -> dict[str, Any]:
    """``prepare`` of ask_document: the document as :func:`resolve_document` finds it, and a
    question that is not this message's (its words in order) replaced by the message."""
    raw = resolve_document(raw, ctx)
    if ctx is None or not ctx.message:
        return raw
    question = raw.get("question")
    if isinstance(question, str) and question.strip() and not within(question, ctx.message):
        raw["question"] = ctx.message.strip()
    return raw


def within(question: str, message: str) -> bool:
    """True when the question's words all appear in ``message``, in the same order."""
    remaining = iter(TOKEN.findall(message.lower()))
    return all(word in remaining for word in TOKEN.findall(question.lower()))


def session_labels(ctx: ToolContext) -> list[Labels]:
    """The session's documents, in scan order, with what each can be called."""
    sid = session_id(ctx)
    if sid is None:
        return []
    store = store_for(ctx)
    return [Labels(d, _stem(d.name), document_kinds(store.first_text(d.id)))
            for d in store.session_documents(sid)]


def session_document_count(ctx: ToolContext) -> int:
    sid = session_id(ctx)
    return len(store_for(ctx).session_documents(sid)) if sid is not None else 0


def _by_path(path: str, labelled: list[Labels]) -> Document | None:
    """The session document a typed path names: the same file, else the same file name."""
    try:
        full = str(Path(path).expanduser().resolve())
    except (OSError, RuntimeError, ValueError):
        full = ""
    name = Path(path).name.lower()
    same_file = [lab.document for lab in labelled if lab.document.path == full]
    same_name = [lab.document for lab in labelled if lab.document.name.lower() == name]
    found = same_file or same_name
    return found[-1] if found else None


def _stem(path: str) -> str:
    """``~/scans/Invoice_March.png`` -> "invoice march" (at least three letters, else "")."""
    stem = " ".join(TOKEN.findall(Path(path.strip()).stem.lower()))
    return stem if len(stem) >= 3 and not stem.replace(" ", "").isdigit() else ""


def _words(text: str) -> str:
    return " ".join(TOKEN.findall(text.lower()))


def _has(text: str, phrase: str) -> bool:
    """``phrase`` (or its plural) as whole words of ``text``."""
    if not phrase:
        return False
    return re.search(rf"\b{re.escape(phrase)}(?:s|es)?\b", text) is not None
