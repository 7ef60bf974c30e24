"""Personal data in many formats and languages never reaches the cloud: each string is
redacted by itself, and all of them are checked on the wire to the local Gemini stand-in."""

from __future__ import annotations

import pytest
from calvados.policy import set_rule
from calvados.redact import Redactor
from gemini_server import FakeGemini, Reply
from test_hybrid import fake, make_agent, run  # noqa: F401  (the stand-in fixture)

PII = [
    # e-mail addresses
    ("EMAIL", "alice.martin@example.com"), ("EMAIL", "Bob_Smith+travel@mail.co.uk"),
    ("EMAIL", "josé.garcía@exámple.es"), ("EMAIL", "office@example.org"),
    ("EMAIL", "müller@post.de"), ("EMAIL", "x.y-z@sub.domain.io"),
    # IBANs: print, compact, dashes, lowercase
    ("IBAN", "DE89 3704 0044 0532 0130 00"), ("IBAN", "DE89370400440532013000"),
    ("IBAN", "GB29-NWBK-6016-1331-9268-19"), ("IBAN", "FR14 2004 1010 0505 0001 3M02 606"),
    ("IBAN", "ES91 2100 0418 4502 0005 1332"), ("IBAN", "gb29nwbk60161331926819"),
    ("IBAN", "NL91ABNA0417164300"), ("IBAN", "PT50 0002 0123 1234 5678 9015 4"),
    # payment cards: spaces, dashes, dots, none
    ("CARD", "4111 1111 1111 1111"), ("CARD", "4111-1111-1111-1111"),
    ("CARD", "4111.1111.1111.1111"), ("CARD", "5500005555555559"),
    ("CARD", "3782 822463 10005"), ("CARD", "6011 1111 1111 1117"),
    # national ids
    ("ID", "123-45-6789"), ("ID", "AB 12 34 56 C"), ("ID", "1 84 12 76 451 089 46"),
    ("ID", "passport number X1234567"), ("ID", "driver's license D1234-5678-9012"),
    ("ID", "tax id 9876543210"),
    # phone numbers, many regions and forms
    ("PHONE", "+1 415 555 0132"), ("PHONE", "(617) 555-0199"), ("PHONE", "555-0199"),
    ("PHONE", "415-555-2671"), ("PHONE", "+44 20 7946 0958"), ("PHONE", "020 7946 0958"),
    ("PHONE", "+33 1 42 68 53 00"), ("PHONE", "06 12 34 56 78"), ("PHONE", "+49 30 901820"),
    ("PHONE", "+34 912 34 56 78"), ("PHONE", "+39 06 6982 0000"), ("PHONE", "0033142685300"),
    ("PHONE", "+351 21 123 4567"), ("PHONE", "+1.617.555.0123"),
    # street addresses, any case, several languages, and PO boxes
    ("ADDRESS", "221b baker street"), ("ADDRESS", "221B Baker Street"),
    ("ADDRESS", "1600 pennsylvania avenue"), ("ADDRESS", "42 Elm St., Apt 5"),
    ("ADDRESS", "10 downing st"), ("ADDRESS", "350 Fifth Avenue"),
    ("ADDRESS", "12 rue de la Paix"), ("ADDRESS", "8 bis avenue Victor Hugo"),
    ("ADDRESS", "Hauptstraße 12"), ("ADDRESS", "Goethestr. 5a"),
    ("ADDRESS", "Calle de Alcalá 45"), ("ADDRESS", "Avenida Diagonal, 640"),
    ("ADDRESS", "PO Box 1234"), ("ADDRESS", "P.O. Box 77"), ("ADDRESS", "Postfach 4410"),
    ("ADDRESS", "Apartado de correos 310"), ("ADDRESS", "boîte postale 12"),
    # dates of birth
    ("DOB", "date of birth 12/03/1985"), ("DOB", "DOB: March 12, 1985"),
    ("DOB", "born on 1985-03-12"), ("DOB", "née le 3 mars 1985"),
    ("DOB", "geboren am 12.03.1985"), ("DOB", "fecha de nacimiento: 12 de marzo de 1985"),
    ("DOB", "my birthday is 4th July 1990"), ("DOB", "d.o.b. 01-02-1970"),
    # passwords and PINs said in words
    ("SECRET", "the password is tulip42"), ("SECRET", "password: Hunter2!"),
    ("SECRET", "my pin is 4921"), ("SECRET", "PIN code 0000x"),
    ("SECRET", "mot de passe est soleil99"), ("SECRET", "Passwort: Geheim123"),
    ("SECRET", "contraseña es gato123"), ("SECRET", "passcode = 7788aa"),
    ("SECRET", "the wifi password is 'lemon-tree'"),
    # the user's own names
    ("NAME", "Alice Martin"), ("NAME", "alice"), ("NAME", "MARTIN"),
    ("EMAIL", "ÉLODIE@EXEMPLE.FR"), ("PHONE", "call me on 555-0142"),
    ("ADDRESS", "742 evergreen terrace"),
]
NAMES = ["Alice Martin"]
VALUE_PARTS = {  # the part of each string that must not survive (labels may stay)
    "passport number X1234567": "X1234567", "driver's license D1234-5678-9012": "D1234",
    "tax id 9876543210": "9876543210",
}


def secret_part(kind: str, text: str) -> str:
    if text.startswith("call me on "):
        return text.removeprefix("call me on ")
    if text in VALUE_PARTS:
        return VALUE_PARTS[text]
    if kind == "DOB":
        return text.split()[-1].strip(",")[-4:]  # the year, whatever the format
    if kind == "SECRET":
        return text.split()[-1].strip("'\"")
    return text


def test_the_table_covers_every_kind_in_several_languages() -> None:
    assert len(PII) >= 80
    assert {kind for kind, _ in PII} == {"EMAIL", "IBAN", "CARD", "ID", "PHONE", "ADDRESS",
                                         "DOB", "SECRET", "NAME"}


@pytest.mark.parametrize(("kind", "text"), PII, ids=[t for _, t in PII])
def test_each_string_is_redacted_to_its_kind(kind: str, text: str) -> None:
    redactor = Redactor(NAMES)
    out = redactor.redact(f"Note: {text}. Thanks.")
    assert secret_part(kind, text).lower() not in out.lower(), out
    assert any(token.startswith(f"[{kind}_") for token in redactor.mapping), (kind, out)
    assert redactor.restore(out) == f"Note: {text}. Thanks."


@pytest.mark.parametrize("text", [
    "Order 20270303, version 3.11.2, years 2024-2025",
    "flights from Boston to Lisbon on March 3rd for 2 people, flight UA 123 at 10:45",
    "total due 1,234.56 EUR by 2027-03-03; invoice #12345678",
    "meet at 7 pm on March 3 in room 1234",
    "Not a card: 4111 1111 1111 1112 (bad Luhn)",
])
def test_ordinary_text_keeps_its_numbers(text: str) -> None:
    assert Redactor().redact(text) == text


def test_every_string_is_checked_on_the_wire(fake: FakeGemini) -> None:  # noqa: F811
    set_rule("chat", "allow")
    fake.default = Reply("Done.")
    agent = make_agent()
    for start in range(0, len(PII), 20):
        batch = PII[start:start + 20]
        message = "ask gemini to tidy these notes: " + "; ".join(t for _, t in batch)
        run(agent, message)
    assert len(fake.requests) == (len(PII) + 19) // 20
    wire = "\n".join(r.wire for r in fake.requests).lower()
    for kind, text in PII:
        assert secret_part(kind, text).lower() not in wire, (kind, text)
    assert agent.cloud.ledger.entries()[0]["status"] == "ok"
