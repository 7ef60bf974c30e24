"""Scanned documents in SQLite: pages, an FTS5 index of page chunks (BM25), session links.

A document is stored once per content hash (and OCR language); sessions link to the
documents they scanned, so "the most recent document" is a per-session notion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from calvados import Database, utcnow

from .ocr import Page
from .text import chunk_text, content_words

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL,
    language TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    page_count INTEGER NOT NULL,
    words INTEGER NOT NULL,
    ocr_pages INTEGER NOT NULL,
    confidence REAL,
    created TEXT NOT NULL,
    UNIQUE (sha256, language)
);
CREATE TABLE IF NOT EXISTS document_pages (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page INTEGER NOT NULL,
    text TEXT NOT NULL,
    method TEXT NOT NULL,
    confidence REAL,
    PRIMARY KEY (document_id, page)
);
CREATE VIRTUAL TABLE IF NOT EXISTS document_chunks USING fts5(
    text, document_id UNINDEXED, page UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS session_documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    added TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS session_documents_by_session ON session_documents(session_id, id);
"""


@dataclass(frozen=True)
class Document:
    """A stored document (its pages are fetched separately)."""

    id: int
    sha256: str
    language: str
    name: str
    path: str
    kind: str
    page_count: int
    words: int
    ocr_pages: int
    confidence: float | None

    def card(self) -> dict[str, Any]:
        """Plain data for tool results."""
        return {"id": self.id, "name": self.name, "path": self.path, "kind": self.kind,
                "pages": self.page_count, "words": self.words, "language": self.language,
                "ocr_pages": self.ocr_pages, "confidence": self.confidence}


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit: part of one page (chunks never span pages)."""

    page: int
    text: str
    score: float = 0.0


class DocumentStore:
    """The documents tables inside the session database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        db.executescript(SCHEMA)

    # ------------------------------------------------------------------ lookups

    def find(self, sha256: str, language: str | None = None) -> Document | None:
        """A stored copy of this content: read with ``language``, or needing no OCR at all.

        Without ``language``, any stored reading (the most recent) will do.
        """
        if language is None:
            row = self.db.execute(
                "SELECT * FROM documents WHERE sha256 = ? ORDER BY id DESC", (sha256,)
            ).fetchone()
        else:
            row = self.db.execute(
                "SELECT * FROM documents WHERE sha256 = ? AND (language = ? OR ocr_pages = 0)"
                " ORDER BY language = ? DESC, id DESC",
                (sha256, language, language),
            ).fetchone()
        return _document(row) if row else None

    def get(self, document_id: int) -> Document | None:
        row = self.db.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        return _document(row) if row else None

    def latest(self, session_id: str | None) -> Document | None:
        """The document most recently scanned in this session (any session if ``None``)."""
        if session_id is None:
            row = self.db.execute(
                "SELECT d.* FROM session_documents s JOIN documents d ON d.id = s.document_id"
                " ORDER BY s.id DESC LIMIT 1"
            ).fetchone()
            row = row or self.db.execute("SELECT * FROM documents ORDER BY id DESC").fetchone()
        else:
            row = self.db.execute(
                "SELECT d.* FROM session_documents s JOIN documents d ON d.id = s.document_id"
                " WHERE s.session_id = ? ORDER BY s.id DESC LIMIT 1",
                (session_id,),
            ).fetchone()
        return _document(row) if row else None

    def session_documents(self, session_id: str) -> list[Document]:
        rows = self.db.execute(
            "SELECT d.* FROM session_documents s JOIN documents d ON d.id = s.document_id"
            " WHERE s.session_id = ? ORDER BY s.id",
            (session_id,),
        ).fetchall()
        return [_document(r) for r in rows]

    def pages(self, document_id: int) -> list[Page]:
        rows = self.db.execute(
            "SELECT page, text, method, confidence FROM document_pages"
            " WHERE document_id = ? ORDER BY page",
            (document_id,),
        ).fetchall()
        return [Page(r["page"], r["text"], r["method"], r["confidence"]) for r in rows]

    def first_text(self, document_id: int, chars: int = 400) -> str:
        """The start of the document's first page with text (its title, first lines)."""
        row = self.db.execute(
            "SELECT substr(text, 1, ?) AS head FROM document_pages WHERE document_id = ?"
            " AND trim(text) != '' ORDER BY page LIMIT 1",
            (chars, document_id),
        ).fetchone()
        return str(row["head"]) if row else ""

    def chunks(self, document_id: int) -> Iterator[Chunk]:
        """Every chunk of a document in reading order."""
        rows = self.db.execute(
            "SELECT page, text FROM document_chunks WHERE document_id = ? ORDER BY rowid",
            (document_id,),
        )
        for row in rows:
            yield Chunk(int(row["page"]), row["text"])

    def search(self, document_id: int, query: str, limit: int = 4) -> list[Chunk]:
        """The chunks of one document that best match ``query`` (FTS5, BM25 ranking)."""
        match = fts_query(query)
        if not match:
            return []
        rows = self.db.execute(
            "SELECT page, text, bm25(document_chunks) AS rank FROM document_chunks"
            " WHERE document_chunks MATCH ? AND document_id = ? ORDER BY rank LIMIT ?",
            (match, document_id, limit),
        ).fetchall()
        return [Chunk(int(r["page"]), r["text"], -float(r["rank"])) for r in rows]

    # ------------------------------------------------------------------ writes

    def add(self, meta: dict[str, Any], pages: list[Page]) -> Document:
        """Store a document, its pages and its chunks in one transaction."""
        with self.db.transaction() as conn:
            same = conn.execute(
                "SELECT id FROM documents WHERE sha256 = ? AND language = ?",
                (meta["sha256"], meta["language"]),
            ).fetchone()
            if same is not None:  # stored meanwhile by another process: keep that copy
                doc_id = int(same["id"])
            else:
                doc_id = self._insert(conn, meta, pages)
        document = self.get(doc_id)
        assert document is not None
        return document

    def _insert(self, conn: Any, meta: dict[str, Any], pages: list[Page]) -> int:
        words = sum(len(p.text.split()) for p in pages)
        ocr = [p for p in pages if p.method == "ocr"]
        confidence = (
            round(sum(p.confidence or 0 for p in ocr) / len(ocr), 1) if ocr else None
        )
        cur = conn.execute(
            "INSERT INTO documents (sha256, language, name, path, kind, page_count, words,"
            " ocr_pages, confidence, created) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (meta["sha256"], meta["language"], meta["name"], meta["path"], meta["kind"],
             len(pages), words, len(ocr), confidence, utcnow()),
        )
        doc_id = int(cur.lastrowid or 0)
        for page in pages:
            conn.execute(
                "INSERT INTO document_pages (document_id, page, text, method, confidence)"
                " VALUES (?,?,?,?,?)",
                (doc_id, page.number, page.text, page.method, page.confidence),
            )
            conn.executemany(
                "INSERT INTO document_chunks (text, document_id, page) VALUES (?,?,?)",
                [(chunk, doc_id, page.number) for chunk in chunk_text(page.text)],
            )
        return doc_id

    def link(self, session_id: str, document_id: int) -> None:
        """Make this document the session's most recent one."""
        with self.db.transaction() as conn:
            conn.execute(
                "DELETE FROM session_documents WHERE session_id = ? AND document_id = ?",
                (session_id, document_id),
            )
            conn.execute(
                "INSERT INTO session_documents (session_id, document_id, added) VALUES (?,?,?)",
                (session_id, document_id, utcnow()),
            )


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: the question's content words, any of them (OR)."""
    terms: list[str] = []
    for word in re.findall(r"[^\W_]+", text.lower()):
        if content_words(word) and word not in terms:
            terms.append(word)
    return " OR ".join(f'"{t}"' for t in terms)


def _document(row: Any) -> Document:
    return Document(
        id=row["id"], sha256=row["sha256"], language=row["language"], name=row["name"],
        path=row["path"], kind=row["kind"], page_count=row["page_count"], words=row["words"],
        ocr_pages=row["ocr_pages"], confidence=row["confidence"],
    )
