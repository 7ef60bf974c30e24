"""Text helpers shared by the core and the skills."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator


def fold_accents(text: str) -> str:
    """``text`` without its accents ("Zürich" -> "Zurich", "déçu" -> "decu"): compatibility
    decomposition, combining marks dropped."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# A sentence ends at . ! ? or … (and any closing quotes or brackets) before a space and a
# word that does not start in lower case or with a digit ("Dr. Lee", "3. 5 items" and
# "e.g. this" do not end one), or at a paragraph break.
_CLOSERS = "\"'”’)\\]"
SENTENCE_END = re.compile(
    rf"(?:(?<=[.!?…])|(?<=[.!?…][{_CLOSERS}])|(?<=[.!?…][{_CLOSERS}][{_CLOSERS}]))"
    r"(?<!\bMr\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bMs\.)(?<!\bSt\.)"
    r"\s+(?=[\"'“‘(\[¡¿]?[^\W\d_a-zß-ÿ])|\n\s*\n"
)
_ENDS_LIKE_A_SENTENCE = re.compile(rf"[.!?…][{_CLOSERS}]*$")


def split_sentences(text: str) -> list[str]:
    """The sentences of a text (one paragraph or several), stripped."""
    return [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]


def sentences(stream: Iterable[str]) -> Iterator[str]:
    """Group a token stream into sentences, by the same rule as :func:`split_sentences`;
    a line break in a stream ends a sentence too, and a paragraph break is returned as
    ``"\\n"``.

    Text left over at the end counts only if it ends like a sentence: a reply cut off by
    its token budget does not end mid-thought.
    """
    buffer = ""
    for piece in stream:
        buffer += piece
        while (m := STREAM_END.search(buffer)) is not None:
            sentence, buffer = buffer[: m.end()].strip(), buffer[m.end():]
            if sentence:
                yield sentence
            if "\n" in m.group(0):
                yield "\n"
    if _ENDS_LIKE_A_SENTENCE.search(buffer.strip()):
        yield buffer.strip()


STREAM_END = re.compile(SENTENCE_END.pattern + r"|\n\s*")
