"""Redaction: personal data is replaced by placeholders before anything leaves the device.

Detected: e-mail addresses (non-ASCII too), IBANs (``python-stdnum``: country format and
mod 97; spaces or dashes), payment card numbers (Luhn; spaces, dashes or dots), national-id-
like numbers (US SSN, UK National Insurance, French NIR with its key, and any number labelled
as a passport / ID / licence / tax number), phone numbers (``phonenumbers``, in the usual
regions, local forms included), street addresses in any case and PO boxes (English, French,
German and Spanish forms), dates of birth and passwords or PINs given in words ("the
password is ..."), and the user's configured names. Each distinct
value gets a numbered placeholder such as ``[EMAIL_1]``; one :class:`Redactor` keeps the
mapping for one request, so the cloud's reply can be restored before the user sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .backends.base import Message

KINDS = ("EMAIL", "IBAN", "CARD", "ID", "PHONE", "ADDRESS", "NAME", "DOB", "SECRET")
PLACEHOLDER = re.compile(r"\[(" + "|".join(KINDS) + r")_(\d{1,4})\]")
_PARTIAL = re.compile(r"\[[A-Z]{0,7}(_\d{0,4})?$")

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}"  # non-ASCII too
)
_IBAN = re.compile(
    r"(?i:\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?:[ -][A-Z0-9]{4}){2,7}(?:[ -][A-Z0-9]{1,4})?))\b"
)
_CARD = re.compile(r"(?<![\d.-])\d(?:[ .-]?\d){12,18}(?![\d-])")
_PO_BOX = re.compile(
    r"(?i)\b(?:p\.? ?o\.? ?box|post office box|postfach|apartado(?: de correos)?|"
    r"bo[iî]te postale|b\.?p\.?)\s*(?:no\.? ?)?\d{1,7}\b"
)
_MONTH_WORDS = (r"jan\w*|feb\w*|f[ée]v\w*|mar\w*|apr\w*|avr\w*|may|mai|ma[iy]o|jun\w*|juin"
                r"|jul\w*|juil\w*|aug\w*|ao[uû]t|sep\w*|oct\w*|nov\w*|dec\w*|d[ée]c\w*"
                r"|enero|febrero|marzo|abril|junio|julio|agosto|septiembre|octubre|noviembre"
                r"|diciembre|januar|februar|märz|juni|juli|august|oktober|dezember")
_DATE = (rf"\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|\d{{1,2}}(?:st|nd|rd|th|er)?\.? "
         rf"(?:de )?(?:{_MONTH_WORDS})\.?,? (?:de )?\d{{4}}|(?:{_MONTH_WORDS})\.? "
         rf"\d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}")
_DOB = re.compile(
    r"(?i)\b(?:date of birth|d\.?o\.?b\.?|born(?: on)?|birthday(?: is)?|n[ée]e? le"
    r"|date de naissance|geboren am|geburtsdatum|fecha de nacimiento|nacid[oa] el)"
    rf"(?:\s+(?:is|was|est|ist|es))?\s*[:\-]?\s*({_DATE})"
)
_SECRET = re.compile(
    r"(?i)\b(?:password|passcode|passphrase|pin(?: code)?|pwd|mot de passe|code secret"
    r"|passwort|kennwort|contraseña|clave)\b(?:\s+(?:is|was|est|ist|es|lautet))?"
    r"\s*[:=]?\s*[\"'“]?([^\s\"'”,;]{3,64})"
)
_PHONE_REGIONS = ("US", "GB", "FR", "DE", "ES", "IT", "PT")
_LOCAL_PHONE = re.compile(r"(?<![\w.:/-])\d{3}-\d{4}(?![\w:/-]|\.\w)")
_SSN = re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b")
_NINO = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
)
_NIR = re.compile(
    r"\b[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b"
)
_LABELLED_ID = re.compile(
    r"(?i:\b(?:passport|id card|identity card|national id|driver'?s licen[cs]e|licen[cs]e"
    r"|tax id|tax number|social security|ssn|insurance)\b(?: (?:no\.?|number|#))?[ :#]*)"
    r"(?=[A-Z0-9-]*\d)([A-Z0-9][A-Z0-9-]{5,}[A-Z0-9])\b"
)
_PHONE = re.compile(
    r"(?<![\w.+/-])(?:(?:\+|00)\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?"
    r"\d{1,4}(?:[ .-]?\d{2,4}){1,5}(?![\w-])"
)
_STREET_EN = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl"
    r"|Square|Sq|Terrace|Way|Parkway|Pkwy|Highway|Hwy|Close|Crescent"
)
_CAP = r"[A-ZÀ-Ý][\w'’.-]*"
_ADDRESSES = [
    re.compile(
        rf"\b\d{{1,5}}[A-Za-z]?,? (?:[^\W\d][\w'’.-]* ){{1,4}}(?i:{_STREET_EN})\b\.?"
        r"(?i:,? (?:Apt|Apartment|Suite|Unit|Flat|#) ?[\w-]+)?"
    ),
    re.compile(
        r"\b\d{1,4}(?: ?(?:bis|ter))?,? (?i:rue|avenue|av\.|boulevard|bd|chemin|allée|place"
        r"|impasse|quai|cours|route) (?:(?:de la|de l'|de|du|des|la|le|l')\s?)*"
        rf"{_CAP}(?: {_CAP}){{0,3}}"
    ),
    re.compile(
        r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|platz|allee|gasse) \d{1,4}[a-z]?\b"
    ),
    re.compile(
        rf"\b(?:Calle|C/|Avenida|Avda\.|Plaza|Paseo|Carrer) (?:(?:de la|de|del|la)\s)*{_CAP}"
        rf"(?: {_CAP}){{0,3}},? (?:n\.?º ?)?\d{{1,4}}\b"
    ),
]


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a card number (digits only)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def iban_ok(text: str) -> bool:
    """ISO 13616 (``python-stdnum``): the country's length and format, and the mod-97 check."""
    from stdnum import iban

    compact = text.replace(" ", "").replace("-", "").upper()
    return 15 <= len(compact) <= 34 and bool(iban.is_valid(compact))


def nir_ok(text: str) -> bool:
    """French social security number: 13 digits and a two-digit key (97 - n mod 97)."""
    compact = text.replace(" ", "").upper()
    body, key = compact[:13], compact[13:]
    body = body.replace("2A", "19").replace("2B", "18")
    return body.isdigit() and key.isdigit() and 97 - int(body) % 97 == int(key)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _phone_ok(text: str) -> bool:
    n = len(_digits(text))
    return 9 <= n <= 15 or (text.startswith("+") and 8 <= n <= 15)


def _card_ok(text: str) -> bool:
    from stdnum import luhn

    digits = _digits(text)
    return 13 <= len(digits) <= 19 and luhn.is_valid(digits)


def _trim_iban(text: str) -> str | None:
    """The longest valid IBAN at the start of ``text`` (print format may run into words)."""
    sep = "-" if "-" in text and " " not in text else " "
    parts = text.split(sep)
    for end in range(len(parts), 1, -1):
        candidate = sep.join(parts[:end])
        if iban_ok(candidate):
            return candidate
    return text if iban_ok(text) else None


Check = Callable[[str], bool]


class Redactor:
    """Replaces personal data by placeholders and restores them; one instance per request."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = _name_patterns(names)
        self.mapping: dict[str, str] = {}
        self._keys: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}
        self._reserved: set[str] = set()

    # ------------------------------------------------------------------ redact

    def redact(self, text: str) -> str:
        """``text`` with every detected value replaced by its placeholder."""
        self._reserved |= {m.group(0) for m in PLACEHOLDER.finditer(text)}
        text = self._sub(text, _EMAIL, "EMAIL", key=str.lower)
        text = self._sub_iban(text)
        text = self._sub(text, _CARD, "CARD", check=_card_ok, key=_digits)
        text = self._sub(text, _NIR, "ID", check=nir_ok, key=_digits)
        text = self._sub(text, _SSN, "ID", key=_digits)
        text = self._sub(text, _NINO, "ID", key=lambda v: v.replace(" ", "").upper())
        text = self._sub(text, _LABELLED_ID, "ID", group=1)
        text = self._sub(text, _DOB, "DOB", group=1)
        text = self._sub(text, _SECRET, "SECRET", group=1)
        text = self._sub(text, _PO_BOX, "ADDRESS", key=str.lower)
        for pattern in _ADDRESSES:
            text = self._sub(text, pattern, "ADDRESS", key=str.lower)
        text = self._sub_phones(text)
        text = self._sub(text, _PHONE, "PHONE", check=_phone_ok, key=_digits)
        for pattern in self.names:
            text = self._sub(text, pattern, "NAME", key=str.lower)
        return text

    def redact_messages(self, messages: Sequence[Message]) -> list[Message]:
        """Chat messages with every ``content`` redacted (placeholders shared across them)."""
        return [{"role": m["role"], "content": self.redact(m["content"])} for m in messages]

    def placeholder(self, kind: str, value: str, key: Callable[[str], str] = str) -> str:
        """The placeholder for ``value`` (the same value always gets the same one)."""
        ident = (kind, key(value))
        if ident not in self._keys:
            while True:
                self._counts[kind] = self._counts.get(kind, 0) + 1
                token = f"[{kind}_{self._counts[kind]}]"
                if token not in self._reserved:
                    break
            self._keys[ident] = token
            self.mapping[token] = value
        return self._keys[ident]

    def _sub(
        self, text: str, pattern: re.Pattern[str], kind: str, *, check: Check | None = None,
        key: Callable[[str], str] = str, group: int = 0,
    ) -> str:
        def replace(m: re.Match[str]) -> str:
            value = m.group(group)
            if check is not None and not check(value):
                return m.group(0)
            head = m.group(0)[: m.start(group) - m.start(0)]
            tail = m.group(0)[m.end(group) - m.start(0):]
            return head + self.placeholder(kind, value, key) + tail

        return _outside_placeholders(text, lambda part: pattern.sub(replace, part))

    def _sub_iban(self, text: str) -> str:
        def replace(m: re.Match[str]) -> str:
            value = _trim_iban(m.group(0))
            if value is None:
                return m.group(0)
            token = self.placeholder("IBAN", value, lambda v: v.replace(" ", ""))
            return token + m.group(0)[len(value):]

        return _outside_placeholders(text, lambda part: _IBAN.sub(replace, part))

    def _sub_phones(self, text: str) -> str:
        """Phone numbers as ``phonenumbers`` reads them in the usual regions (local forms such
        as "555-0199" included)."""
        import phonenumbers

        def apply(part: str) -> str:
            spans: dict[tuple[int, int], str] = {}
            for region in _PHONE_REGIONS:
                matcher = phonenumbers.PhoneNumberMatcher(
                    part, region, leniency=phonenumbers.Leniency.VALID)
                for match in matcher:
                    spans.setdefault((match.start, match.end), match.raw_string)
            for local in _LOCAL_PHONE.finditer(part):  # "555-0199": a number without its area
                spans.setdefault((local.start(), local.end()), local.group(0))
            out, pos = [], 0
            for (start, end), raw in sorted(spans.items()):
                if start < pos:
                    continue
                out += [part[pos:start], self.placeholder("PHONE", raw, _digits)]
                pos = end
            return "".join(out) + part[pos:]

        return _outside_placeholders(text, apply)

    # ------------------------------------------------------------------ restore

    def restore(self, text: str) -> str:
        """Put the original values back in place of this redactor's placeholders."""
        return PLACEHOLDER.sub(lambda m: self.mapping.get(m.group(0), m.group(0)), text)

    def restore_value(self, value: Any) -> Any:
        """:meth:`restore` every string inside a JSON-like value (e.g. tool-call arguments)."""
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self.restore_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.restore_value(v) for k, v in value.items()}
        return value

    def restore_stream(self, pieces: Iterable[str]) -> Iterator[str]:
        """Restore a stream of text pieces; a placeholder split across pieces is held back."""
        pending = ""
        for piece in pieces:
            pending += piece
            cut = _PARTIAL.search(pending)
            head, pending = (pending[: cut.start()], pending[cut.start():]) if cut else (
                pending, "")
            if head:
                yield self.restore(head)
        if pending:
            yield self.restore(pending)


def _outside_placeholders(text: str, apply: Callable[[str], str]) -> str:
    """Apply ``apply`` to the parts of ``text`` that are not placeholders already."""
    out: list[str] = []
    pos = 0
    for m in PLACEHOLDER.finditer(text):
        out.append(apply(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(apply(text[pos:]))
    return "".join(out)


def _name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    """Full names first, then each part of at least two letters, as whole words."""
    full = [" ".join(n.split()) for n in names if n.strip()]
    parts = [p for n in full for p in n.split(" ") if len(p) >= 2]
    ordered = sorted(dict.fromkeys(full + parts), key=len, reverse=True)
    return [
        re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, n.split(" "))) + r"(?!\w)", re.I)
        for n in ordered
    ]


def redact(text: str, names: Iterable[str] = ()) -> str:
    """One-off redaction (no way back: use a :class:`Redactor` to restore)."""
    return Redactor(names).redact(text)


def find(text: str, names: Iterable[str] = ()) -> dict[str, str]:
    """What would be redacted in ``text``: placeholder -> original value."""
    redactor = Redactor(names)
    redactor.redact(text)
    return dict(redactor.mapping)
