"""The crisis reply speaks the user's language (en, es, fr, de, pt, it) with the region's lines."""

from __future__ import annotations

import string
from typing import Any

import pytest
from calvados import Agent, Final, Token, ToolContext, crisis, safety
from calvados.config import Settings
from calvados.planner import Planner
from calvados.plugins.support import comfort, resources, resources_for
from calvados.registry import get_registry
from conftest import NOW, ScriptedBackend

NBSP = "\u00a0"
ENGLISH_FRAMING = ("Support you can reach", "Emergency services", "Elsewhere:", "call ")


def crisis_agent(region: str | None) -> tuple[Agent, ScriptedBackend]:
    """The real registry and support skill; a planner and chat model that must stay unused."""
    registry = get_registry()
    backend = ScriptedBackend(['add_note(text="x")'])
    planner = Planner(backend, list(registry.tools.values()), registry.builtin_tools)
    agent = Agent(settings=Settings(region=region), registry=registry, planner=planner,
                  chat_backend=ScriptedBackend(["a model reply"]), now=NOW)
    return agent, backend


def crisis_final(agent: Agent, message: str) -> tuple[Final, str]:
    events = list(agent.chat(message))
    final = events[-1]
    assert isinstance(final, Final) and final.crisis and final.where == "on-device: safety"
    streamed = "".join(e.text for e in events if isinstance(e, Token)).strip()
    return final, streamed


# ---------------------------------------------------------------------------- through the agent

@pytest.mark.parametrize(("message", "language", "region", "lines"), [
    ("i want to die", "en", "CA",
     ["Support you can reach right now in Canada:", "- 9-8-8 Suicide Crisis Helpline: call 988 or "
      "text 988", "text CONNECT to 686868", "- Emergency services: 911"]),
    ("quiero morirme", "es", "ES",
     ["Puedes pedir ayuda ahora mismo en España:", "- Línea 024 - atención a la conducta "
      "suicida: llama al 024 (24/7)", "llama al 717 003 717", "- Emergencias: 112",
      "- En otros países: findahelpline.com"]),
    ("je veux mourir", "fr", "FR",
     [f"Où trouver de l'aide dès maintenant en France{NBSP}:",
      f"- SOS Amitié{NBSP}: appelez le 09 72 39 40 50", f"- Urgences{NBSP}: 112 ou 15",
      f"- Ailleurs{NBSP}: findahelpline.com"]),
    ("ich will sterben", "de", "DE",
     ["Hier findest du jetzt sofort Hilfe in Deutschland:",
      "- TelefonSeelsorge: ruf die 0800 111 0 111 an", "- Notruf: 112"]),
    ("quero morrer", "pt", "PT",
     ["Onde encontrar ajuda agora mesmo em Portugal:",
      "- SOS Voz Amiga: ligue para o 213 544 545", "ligue para o 808 24 24 24",
      "- Emergência: 112"]),
    ("voglio morire", "it", "IT",
     ["Ecco a chi puoi rivolgerti subito in Italia:",
      "- Telefono Amico Italia: chiama il 02 2327 2327", "- Emergenze: 112"]),
])
def test_a_crisis_message_gets_the_reply_in_its_language_with_the_regions_lines(
    message: str, language: str, region: str, lines: list[str]
) -> None:
    agent, planner = crisis_agent(region)
    final, streamed = crisis_final(agent, message)
    words = crisis.TEXTS[language]
    assert final.text.startswith(words.message + "\n\n")
    assert final.text.endswith("\n\n" + words.invite)
    for line in lines:
        assert line in final.text
    if language != "en":
        assert not any(english in final.text for english in ENGLISH_FRAMING)
    assert streamed == final.text and planner.prompts == []
    assert agent.session.messages()[-1]["content"] == final.text


def test_english_stays_exactly_the_english_protocol() -> None:
    agent, _ = crisis_agent("CA")
    final, _ = crisis_final(agent, "I want to end my life")
    listing = resources_for("CA")["text"]
    assert final.text == "\n\n".join([safety.CRISIS_MESSAGE, listing, safety.CRISIS_INVITE])


def test_the_language_follows_the_message_and_the_lines_follow_the_region() -> None:
    agent, _ = crisis_agent("CA")
    final, _ = crisis_final(agent, "ya no quiero vivir, no aguanto más")
    assert final.text.startswith(crisis.TEXTS["es"].message)
    assert "Puedes pedir ayuda ahora mismo en Canadá:" in final.text
    assert "llama al 988 o envía un SMS al 988" in final.text
    assert "envía CONNECT por SMS al 686868" in final.text and "- Emergencias: 911" in final.text


def test_a_french_message_in_france_and_one_in_canada() -> None:
    in_france, _ = crisis_final(crisis_agent("FR")[0], "j'ai envie de mourir")
    in_canada, _ = crisis_final(crisis_agent("CA")[0], "j'ai envie de mourir")
    assert "3114" in in_france.text and "988" not in in_france.text
    assert f"au Canada{NBSP}:" in in_canada.text and "appelez le 988" in in_canada.text


def test_without_a_region_the_directories_are_framed_in_the_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    final, _ = crisis_final(crisis_agent(None)[0], "voglio farla finita")
    assert "Ecco a chi puoi rivolgerti subito (dimmi in che Paese ti trovi" in final.text
    assert "- Find A Helpline: findahelpline.com" in final.text
    assert "- Emergenze: il numero di emergenza locale" in final.text
    assert "your local emergency number" not in final.text


def test_the_locale_gives_the_region_when_none_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "de_AT.UTF-8")
    final, _ = crisis_final(crisis_agent(None)[0], "ich will nicht mehr leben")
    assert "Hier findest du jetzt sofort Hilfe in Österreich:" in final.text
    assert "- Notruf: 144 oder 112" in final.text


def test_a_country_without_a_checked_list_names_it_in_the_language() -> None:
    final, _ = crisis_final(crisis_agent("TR")[0], "quiero morirme")
    assert "Todavía no tengo una lista comprobada de líneas para tu región (Turkey)" in final.text
    assert "- Emergencias: tu número de emergencias local" in final.text


def test_a_message_too_short_to_tell_gets_english() -> None:
    final, _ = crisis_final(crisis_agent("ES")[0], "kms")
    assert final.text.startswith(safety.CRISIS_MESSAGE)
    assert "Support you can reach right now in Spain:" in final.text  # still Spain's lines


# ---------------------------------------------------------------------------- the support skill

def test_comfort_answers_a_crisis_in_the_users_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    ctx = ToolContext(now=NOW, message="me siento fatal, ya no quiero vivir")
    result = list(comfort.run({"feeling": "fatal", "situation": "ya no quiero vivir"}, ctx))[-1]
    assert result["crisis"] and result["language"] == "es" and result["region"] == "MX"
    assert result["text"].startswith(crisis.TEXTS["es"].message)
    assert "Puedes pedir ayuda ahora mismo en México:" in result["text"]
    assert "llama al 800 911 2000" in result["text"]


def test_comfort_without_the_message_reads_its_own_arguments() -> None:
    args = {"feeling": "désespérée", "situation": "je veux en finir avec la vie"}
    result = list(comfort.run(args, ToolContext(now=NOW)))[-1]
    assert result["crisis"] and result["language"] == "fr"
    assert result["text"].endswith(crisis.TEXTS["fr"].invite)


# ---------------------------------------------------------------------------- language_of

@pytest.mark.parametrize(("text", "language"), [
    ("i want to die", "en"), ("quiero morirme", "es"), ("je veux mourir", "fr"),
    ("ich will sterben", "de"), ("quero morrer", "pt"), ("voglio morire", "it"),
    ("QUIERO MORIRME", "es"), ("nao quero mais viver", "pt"), ("non voglio piu vivere", "it"),
    ("me quiero matar", "es"), ("quero me matar", "pt"), ("vou me matar", "pt"),
    ("je vais me tuer", "fr"), ("ich bringe mich um", "de"), ("mi ammazzo", "it"),
])
def test_language_of_short_messages(text: str, language: str) -> None:
    assert crisis.language_of(text) == language


@pytest.mark.parametrize(("text", "language"), [
    ("Hi. I haven't slept in weeks and today I thought about jumping out of the window.", "en"),
    ("Hola. Llevo semanas sin dormir y hoy he pensado en tirarme por la ventana.", "es"),
    ("Bonjour, ça fait des semaines que je pense à me jeter sous un train.", "fr"),
    ("Hallo, ich denke seit Wochen daran, mich vor einen Zug zu werfen.", "de"),
    ("Oi, tô muito mal. Penso em me matar todos os dias e ninguém percebe.", "pt"),
    ("Ciao, sono settimane che penso di buttarmi sotto un treno e non lo sa nessuno.", "it"),
])
def test_language_of_longer_messages(text: str, language: str) -> None:
    assert crisis.language_of(text) == language
    assert crisis.language_of(text * 500) == language  # a long paste too


@pytest.mark.parametrize("text", [
    "chcę umrzeć", "Nie chcę już żyć", "ik wil niet meer leven", "jag vill dö",
    "Я хочу умереть", "死にたい", "ölmek istiyorum", "vreau să mor",
])
def test_an_unsupported_language_falls_back_to_english(text: str) -> None:
    assert crisis.language_of(text) == "en"
    parts = crisis.reply_parts(text, resources_for("PL"))
    assert parts[0] == safety.CRISIS_MESSAGE and parts[-1] == safety.CRISIS_INVITE
    assert parts[1].startswith("Support you can reach right now in Poland:")


@pytest.mark.parametrize("text", ["", "   ", "ok", "kms", "suicide", "?!"])
def test_too_little_to_tell_is_english(text: str) -> None:
    assert crisis.language_of(text) == "en"


# ---------------------------------------------------------------------------- the texts

def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_language_has_every_text_with_the_same_placeholders() -> None:
    assert crisis.LANGUAGES == ("en", "es", "fr", "de", "pt", "it")
    english = crisis.TEXTS["en"]
    assert english.message == safety.CRISIS_MESSAGE and english.invite == safety.CRISIS_INVITE
    for language, words in crisis.TEXTS.items():
        for name, value in vars(words).items():
            assert value.strip(), (language, name)
            assert _fields(value) == _fields(getattr(english, name)), (language, name)


def test_every_checked_country_says_in_country_in_every_language() -> None:
    for code, entry in resources()["countries"].items():
        assert set(entry["in"]) == set(crisis.LANGUAGES) - {"en"}, code
        assert all(phrase.strip() for phrase in entry["in"].values()), code


def test_a_plain_text_result_is_kept_as_it_is() -> None:
    assert crisis.reply_parts("quiero morirme", "- Línea: 024")[1] == "- Línea: 024"
    assert crisis.reply_parts("quiero morirme", {"text": "a skill's own list"})[1] == (
        "a skill's own list")
    assert len(crisis.reply_parts("quiero morirme", None)) == 2


def test_the_crisis_module_is_public() -> None:
    import calvados

    assert "crisis" in calvados.__all__ and calvados.crisis is crisis
    result: dict[str, Any] = resources_for("GB")
    assert crisis.resources_text(result) == result["text"]
