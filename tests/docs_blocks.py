"""The one reader of docs/ code blocks for the tests (tests/test_docs.py runs every one)."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


def blocks(doc: str, lang: str = "python") -> list[str]:
    """The bodies of ``doc``'s fenced blocks in ``lang``, in order."""
    return [body for kind, body in FENCE.findall((DOCS / doc).read_text("utf-8"))
            if kind == lang]


def python_blocks() -> list[tuple[str, int]]:
    """(doc, index) of every Python block in docs/."""
    return [(path.name, i) for path in sorted(DOCS.glob("*.md"))
            for i, _ in enumerate(blocks(path.name))]


def named_files(doc: str) -> dict[str, str]:
    """Code blocks preceded by a line naming their file: `path/to/file`:"""
    pattern = re.compile(r"^`([\w./-]+)`:\n\n```\w*\n(.*?)^```", re.S | re.M)
    return dict(pattern.findall((DOCS / doc).read_text("utf-8")))
