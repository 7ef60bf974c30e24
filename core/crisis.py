"""The crisis reply in the user's language: calm words, the region's lines, an invitation.

:func:`language_of` tells which of :data:`LANGUAGES` a message is written in (py3langid, on
the device); a message in another language, or one too short to tell, gets English.
:func:`reply_parts` builds the reply from what the ``crisis_resources`` tool found for the
region (the ``region`` setting, else the locale's, else international directories): the
headings, the ways to reach a line and the emergency label are in the user's language; the
lines' own names and notes stay as the data file has them.

The English texts are :data:`calvados.safety.CRISIS_MESSAGE` and ``CRISIS_INVITE``, and the
English resources list is exactly what the tool prints.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import safety

NBSP = "\u00a0"  # French puts one before ":", ";" and "?"


@dataclass(frozen=True)
class CrisisTexts:
    """The words of the crisis reply in one language."""

    message: str  # first: what was said was heard, and who to call
    invite: str  # last: the invitation to keep talking
    here: str  # heading of a country's lines; {where}: "in Canada", "au Canada"
    in_country: str  # {where} when the data has no phrase for this language
    unlisted: str  # heading for a country without a checked list; {name}: its English name
    anywhere: str  # heading of the international directories, when no region is known
    emergency: str  # label of the emergency number line
    local_emergency: str  # the emergency number where no checked list applies
    elsewhere: str  # the last line of a country's list
    call: str  # {number}
    text: str  # {number}
    text_word: str  # {word} to {number}: "CONNECT to 686868"
    or_: str  # between two ways to reach a line, or two emergency numbers
    colon: str = ":"


TEXTS: dict[str, CrisisTexts] = {
    "en": CrisisTexts(
        message=safety.CRISIS_MESSAGE,
        invite=safety.CRISIS_INVITE,
        here="Support you can reach right now {where}:",
        in_country="in {country}",
        unlisted="I don't have a checked list of lines for {name} yet; these directories list "
                 "free lines there:",
        anywhere="Support you can reach right now (tell me your country for local lines):",
        emergency="Emergency services",
        local_emergency="your local emergency number (112 works from mobile phones in many "
                        "countries)",
        elsewhere="Elsewhere: findahelpline.com lists free lines in many countries",
        call="call {number}",
        text="text {number}",
        text_word="text {word} to {number}",
        or_="or",
    ),
    "es": CrisisTexts(
        message="Me alegra mucho que me lo hayas contado. Parece que estás pasando por algo muy "
                "duro, y no tienes por qué afrontarlo en soledad. Si crees que tú, o alguien que "
                "te preocupa, podría hacerse daño, o si hay peligro ahora mismo, llama, por "
                "favor, al número de emergencias o a una línea de ayuda: son gratuitas, "
                "confidenciales y atienden a cualquier hora.",
        invite="Estoy aquí y te sigo escuchando. ¿Quieres contarme qué está pasando?",
        here="Puedes pedir ayuda ahora mismo {where}:",
        in_country="({country})",
        unlisted="Todavía no tengo una lista comprobada de líneas para tu región ({name}); en "
                 "estos directorios encontrarás líneas gratuitas de allí:",
        anywhere="Puedes pedir ayuda ahora mismo (dime en qué país estás y te daré líneas "
                 "locales):",
        emergency="Emergencias",
        local_emergency="tu número de emergencias local (desde un móvil, el 112 funciona en "
                        "muchos países)",
        elsewhere="En otros países: findahelpline.com reúne líneas gratuitas de muchos países",
        call="llama al {number}",
        text="envía un SMS al {number}",
        text_word="envía {word} por SMS al {number}",
        or_="o",
    ),
    "fr": CrisisTexts(
        message="Merci de me l'avoir confié. On dirait que vous traversez quelque chose de très "
                "lourd, et vous n'avez pas à y faire face sans soutien. Si vous, ou quelqu'un "
                "pour qui vous vous inquiétez, risquez de passer à l'acte ou êtes en danger en "
                "ce moment, appelez sans attendre les urgences ou une ligne d'écoute" + NBSP
                + ": c'est gratuit, confidentiel, et quelqu'un vous répond à toute heure.",
        invite="Je suis là et je reste à votre écoute. Voulez-vous me raconter ce qui se "
               "passe" + NBSP + "?",
        here="Où trouver de l'aide dès maintenant {where}" + NBSP + ":",
        in_country="({country})",
        unlisted="Je n'ai pas encore de liste vérifiée de lignes pour votre région ({name})"
                 + NBSP + "; ces annuaires recensent les lignes gratuites qui y sont "
                 "joignables" + NBSP + ":",
        anywhere="Où trouver de l'aide dès maintenant (dites-moi dans quel pays vous êtes pour "
                 "avoir des lignes locales)" + NBSP + ":",
        emergency="Urgences",
        local_emergency="le numéro d'urgence local (dans de nombreux pays, le 112 fonctionne "
                        "depuis un portable)",
        elsewhere="Ailleurs" + NBSP + ": findahelpline.com recense des lignes gratuites dans "
                  "de nombreux pays",
        call="appelez le {number}",
        text="envoyez un SMS au {number}",
        text_word="envoyez {word} par SMS au {number}",
        or_="ou",
        colon=NBSP + ":",
    ),
    "de": CrisisTexts(
        message="Ich bin wirklich froh, dass du mir das erzählt hast. Es klingt, als würde dich "
                "gerade etwas sehr Schweres belasten, und da musst du nicht allein durch. Wenn "
                "du oder jemand, um den du dir Sorgen machst, diesen Gedanken nachgeben könnte "
                "oder gerade in Gefahr ist, ruf bitte den Notruf oder ein Krisentelefon an: "
                "Beides ist kostenlos, vertraulich und rund um die Uhr erreichbar.",
        invite="Ich bin da und höre dir weiter zu. Magst du mir erzählen, was los ist?",
        here="Hier findest du jetzt sofort Hilfe {where}:",
        in_country="({country})",
        unlisted="Für deine Region ({name}) habe ich noch keine geprüfte Liste; in diesen "
                 "Verzeichnissen findest du kostenlose Angebote vor Ort:",
        anywhere="Hier findest du jetzt sofort Hilfe (sag mir, in welchem Land du bist, dann "
                 "nenne ich dir Angebote vor Ort):",
        emergency="Notruf",
        local_emergency="die örtliche Notrufnummer (in vielen Ländern funktioniert die 112 "
                        "vom Handy aus)",
        elsewhere="Anderswo: findahelpline.com verzeichnet kostenlose Krisentelefone in vielen "
                  "Ländern",
        call="ruf die {number} an",
        text="schreib eine SMS an die {number}",
        text_word="schick {word} per SMS an die {number}",
        or_="oder",
    ),
    "pt": CrisisTexts(
        message="Ainda bem que você me contou. Isso parece muito pesado, e você não precisa "
                "passar por isso sem ninguém ao seu lado. Se houver risco de você, ou alguém "
                "com quem se preocupa, se ferir, ou se houver perigo agora mesmo, ligue para o "
                "número de emergência ou para uma linha de apoio: o atendimento é gratuito, "
                "sigiloso e está disponível a qualquer hora.",
        invite="Estou aqui e quero ouvir você. Quer me contar o que está acontecendo?",
        here="Onde encontrar ajuda agora mesmo {where}:",
        in_country="({country})",
        unlisted="Ainda não tenho uma lista verificada de linhas para a sua região ({name}); "
                 "estes diretórios reúnem as linhas gratuitas de lá:",
        anywhere="Onde encontrar ajuda agora mesmo (diga em que país você está e eu indico "
                 "linhas locais):",
        emergency="Emergência",
        local_emergency="o número de emergência local (em muitos países, também o 112)",
        elsewhere="Em outros países: findahelpline.com reúne linhas gratuitas do mundo todo",
        call="ligue para o {number}",
        text="envie um SMS para o {number}",
        text_word="envie {word} por SMS para o {number}",
        or_="ou",
    ),
    "it": CrisisTexts(
        message="Grazie di avermelo detto. Sembra che tu stia attraversando qualcosa di molto "
                "pesante, e non devi affrontarlo in solitudine. Se c'è il rischio che qualcuno "
                "si faccia del male, che sia tu o una persona a cui tieni, o se c'è un pericolo "
                "proprio adesso, chiama il numero di emergenza o una linea di ascolto: sono "
                "gratuiti e riservati, e il numero di emergenza risponde a qualsiasi ora.",
        invite="Sono qui e continuo ad ascoltarti. Ti va di raccontarmi cosa sta succedendo?",
        here="Ecco a chi puoi rivolgerti subito {where}:",
        in_country="({country})",
        unlisted="Non ho ancora un elenco verificato di linee per la tua zona ({name}); questi "
                 "elenchi internazionali raccolgono le linee gratuite del posto:",
        anywhere="Ecco a chi puoi rivolgerti subito (dimmi in che Paese ti trovi e ti indicherò "
                 "le linee locali):",
        emergency="Emergenze",
        local_emergency="il numero di emergenza locale (in molti Paesi il 112 funziona anche "
                        "da cellulare)",
        elsewhere="Altrove: findahelpline.com raccoglie linee gratuite in molti Paesi",
        call="chiama il {number}",
        text="manda un SMS al {number}",
        text_word="manda {word} via SMS al {number}",
        or_="o",
    ),
}
LANGUAGES = tuple(TEXTS)  # en, es, fr, de, pt, it

# ---------------------------------------------------------------------------- language_of

# Widely written languages the identifier also weighs, so that a message in one of them is
# recognized as unsupported (and answered in English) instead of forced into the nearest of
# LANGUAGES ("chcę umrzeć" is not German). Regional varieties such as Aragonese or Nigerian
# Pidgin are left out: on two or three words they only take probability away from Spanish
# or English.
OTHER_LANGUAGES = (
    "af", "ar", "be", "bg", "bn", "bs", "ca", "cs", "cy", "da", "el", "et", "eu", "fa", "fi",
    "ga", "gl", "he", "hi", "hr", "hu", "id", "is", "ja", "ko", "lt", "lv", "mk", "ms", "nl",
    "no", "pl", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "sw", "th", "tl", "tr", "uk", "ur",
    "vi", "zh",
)
SAME_AS = {"gl": "pt"}  # short Galician and Portuguese cannot be told apart; both read pt
MIN_PROBABILITY = 0.3  # below this the message is too short or too mixed to tell: English
_SAMPLE = 2000  # characters: plenty to tell a language, and a long paste stays fast


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's model with normalized probabilities, restricted once (about 0.7 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([*LANGUAGES, *OTHER_LANGUAGES])
    return identifier


def language_of(text: str) -> str:
    """The language of ``text`` among :data:`LANGUAGES`; "en" when it is another one or
    when no language reaches :data:`MIN_PROBABILITY`."""
    if not text.strip():
        return "en"
    scores: dict[str, float] = {}
    for code, probability in _identifier().rank(text[:_SAMPLE]):
        code = SAME_AS.get(code, code)
        scores[code] = scores.get(code, 0.0) + probability
    best = max(scores, key=scores.__getitem__)
    return best if best in TEXTS and scores[best] >= MIN_PROBABILITY else "en"


# ---------------------------------------------------------------------------- the reply

def _way_text(value: str, words: CrisisTexts) -> str:
    keyword = re.fullmatch(r"(\S+) to (.+)", value)  # "CONNECT to 686868"
    if keyword:
        return words.text_word.format(word=keyword[1], number=keyword[2])
    return words.text.format(number=value)


def _line_text(line: Mapping[str, Any], words: CrisisTexts) -> str:
    ways = []
    if line.get("phone"):
        ways.append(words.call.format(number=line["phone"]))
    if line.get("text"):
        ways.append(_way_text(line["text"], words))
    if not ways and line.get("url"):
        ways.append(line["url"].removeprefix("https://").removeprefix("http://").rstrip("/"))
    extra = ", ".join(x for x in (line.get("hours"), line.get("note")) if x)
    how = f" {words.or_} ".join(ways)
    return f"- {line['name']}{words.colon} {how}" + (f" ({extra})" if extra else "")


def resources_text(resources: Mapping[str, Any], language: str = "en") -> str:
    """The ``crisis_resources`` result as a list in ``language``: a heading, the lines, the
    emergency number and, for a checked country, where to look elsewhere."""
    words = TEXTS.get(language, TEXTS["en"])
    if not resources.get("fallback"):
        country = resources.get("country", "")
        where = resources.get("in", {}).get(language) or words.in_country.format(country=country)
        lines = [words.here.format(where=where)]
    elif resources.get("region"):
        lines = [words.unlisted.format(name=resources.get("region_name") or resources["region"])]
    else:
        lines = [words.anywhere]
    lines += [_line_text(line, words) for line in resources.get("lines", [])]
    emergency = resources.get("emergency", "")
    if resources.get("fallback"):
        emergency = words.local_emergency
    else:
        emergency = emergency.replace(" or ", f" {words.or_} ")
    lines.append(f"- {words.emergency}{words.colon} {emergency}")
    if not resources.get("fallback"):
        lines.append(f"- {words.elsewhere}")
    return "\n".join(lines)


def reply_parts(message: str, resources: Mapping[str, Any] | str | None = None) -> list[str]:
    """The crisis reply to ``message`` in its language: the calm message, the resources
    (``crisis_resources``' result: a structured one is localized, a plain text is kept as
    it is), the invitation to keep talking."""
    language = language_of(message)
    words = TEXTS[language]
    if isinstance(resources, Mapping):
        listing = (resources_text(resources, language) if "lines" in resources
                   else str(resources.get("text") or ""))
    else:
        listing = resources or ""
    return [words.message, *([listing] if listing else []), words.invite]


__all__ = [
    "LANGUAGES",
    "TEXTS",
    "CrisisTexts",
    "language_of",
    "reply_parts",
    "resources_text",
]
