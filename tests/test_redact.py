"""Redaction: what is found, what is left alone, and how replies are restored."""

from __future__ import annotations

import pytest
from calvados.redact import PLACEHOLDER, Redactor, find, iban_ok, luhn_ok, nir_ok, redact

FOUND = [
    ("Write to alice.martin@example.com today", "EMAIL", "alice.martin@example.com"),
    ("cc: j.doe+news@mail.co.uk, thanks", "EMAIL", "j.doe+news@mail.co.uk"),
    ("Call me on +1 (415) 555-0132 tonight", "PHONE", "+1 (415) 555-0132"),
    ("my number is 555-123-4567", "PHONE", "555-123-4567"),
    ("appelle le 06 12 34 56 78 stp", "PHONE", "06 12 34 56 78"),
    ("UK office: +44 20 7946 0958.", "PHONE", "+44 20 7946 0958"),
    ("Visa 4111 1111 1111 1111 exp 12/29", "CARD", "4111 1111 1111 1111"),
    ("Amex 3782-822463-10005", "CARD", "3782-822463-10005"),
    ("card 5555555555554444 please", "CARD", "5555555555554444"),
    ("IBAN GB82 WEST 1234 5698 7654 32 for rent", "IBAN", "GB82 WEST 1234 5698 7654 32"),
    ("pay DE89370400440532013000 now", "IBAN", "DE89370400440532013000"),
    ("FR14 2004 1010 0505 0001 3M02 606 is mine", "IBAN", "FR14 2004 1010 0505 0001 3M02 606"),
    ("SSN 123-45-6789 on the form", "ID", "123-45-6789"),
    ("NI number AB 12 34 56 C here", "ID", "AB 12 34 56 C"),
    ("numéro de sécu 1 84 12 76 451 089 46", "ID", "1 84 12 76 451 089 46"),
    ("passport no. X12345678 expires", "ID", "X12345678"),
    ("driver's license D1234-5678-901 is valid", "ID", "D1234-5678-901"),
    ("I live at 221B Baker Street, Apt 4 in London", "ADDRESS", "221B Baker Street, Apt 4"),
    ("ship to 1600 Pennsylvania Avenue tomorrow", "ADDRESS", "1600 Pennsylvania Avenue"),
    ("chez moi: 12 rue de la Paix, 75002 Paris", "ADDRESS", "12 rue de la Paix"),
    ("Wohnung in der Hauptstraße 5 in Berlin", "ADDRESS", "Hauptstraße 5"),
    ("vivo en Calle Mayor, 3 de Madrid", "ADDRESS", "Calle Mayor, 3"),
]

LEFT_ALONE = [
    "Fly BOS to LIS on 2026-11-27 at 10:00 for 3 passengers",
    "The fare is 1 250.00 EUR and the booking id is BK-123456789",
    "Order 20270303, version 3.11.2, years 2024-2025",
    "Not a card: 4111 1111 1111 1112 (bad Luhn)",
    "Room 12, floor 3, 45 minutes, 120 km/h",
    "The malice of the martingale",
    "Flight TP 204 leaves from gate 12",
    "Licence MIT applies",
]


@pytest.mark.parametrize(("text", "kind", "value"), FOUND)
def test_each_kind_is_found_and_restored(text: str, kind: str, value: str) -> None:
    redactor = Redactor()
    out = redactor.redact(text)
    assert value not in out
    assert f"[{kind}_1]" in out, out
    assert redactor.mapping[f"[{kind}_1]"] == value
    assert redactor.restore(out) == text


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text, names=["Alice Martin"]) == text


def test_names_whole_and_in_parts_case_insensitive() -> None:
    redactor = Redactor(["Alice Martin", "Bob"])
    out = redactor.redact("ALICE MARTIN met bob; alice thanked Martin. Bobby and Malice stay.")
    assert "alice" not in out.lower().replace("malice", "") and "martin" not in out.lower()
    assert "Bobby" in out and "Malice" in out
    assert out.count("[NAME_") == 4
    assert redactor.restore(out).startswith("ALICE MARTIN met bob")


def test_same_value_same_placeholder_across_messages() -> None:
    redactor = Redactor()
    first = redactor.redact_messages([
        {"role": "user", "content": "mail a@b.org"},
        {"role": "user", "content": "again A@B.org and c@d.org"},
    ])
    assert first[0]["content"] == "mail [EMAIL_1]"
    assert first[1]["content"] == "again [EMAIL_1] and [EMAIL_2]"


def test_placeholder_lookalikes_in_the_input_are_never_reused() -> None:
    redactor = Redactor()
    out = redactor.redact("literal [EMAIL_1] then real x@y.com")
    assert out == "literal [EMAIL_1] then real [EMAIL_2]"
    assert redactor.restore(out) == "literal [EMAIL_1] then real x@y.com"


def test_restore_arguments_and_unknown_placeholders() -> None:
    redactor = Redactor()
    redactor.redact("to a@b.org")
    args = {"to": "[EMAIL_1]", "cc": ["[EMAIL_1]", "[EMAIL_9]"], "n": 2}
    assert redactor.restore_value(args) == {"to": "a@b.org", "cc": ["a@b.org", "[EMAIL_9]"],
                                            "n": 2}


@pytest.mark.parametrize("cut", range(1, 24))
def test_restore_stream_handles_placeholders_split_anywhere(cut: int) -> None:
    redactor = Redactor(["Alice"])
    redacted = redactor.redact("Dear Alice, write to al@ex.com [x")
    pieces = [redacted[:cut], redacted[cut:cut + 3], redacted[cut + 3:]]
    assert "".join(redactor.restore_stream(pieces)) == "Dear Alice, write to al@ex.com [x"


def test_a_bad_check_digit_is_not_an_iban() -> None:
    found = find("Not an IBAN: GB00 WEST 1234 5698 7654 32")
    assert not any(k.startswith("[IBAN") for k in found)


def test_checksums() -> None:
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB83 WEST 1234 5698 7654 32")
    assert nir_ok("184127645108946") and not nir_ok("184127645108947")


def test_find_lists_everything_once() -> None:
    found = find("a@b.org, 4111 1111 1111 1111, a@b.org, +33 6 12 34 56 78", names=[])
    assert sorted(found) == ["[CARD_1]", "[EMAIL_1]", "[PHONE_1]"]
    assert all(PLACEHOLDER.fullmatch(k) for k in found)
